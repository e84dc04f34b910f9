package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// Folding makes search case- and diacritic-insensitive: "lukasz dabrowski"
// finds "Łukasz Dąbrowski", "jose" finds "José". Every rune folds to exactly
// one rune, so rune i of a folded text is rune i of the original and a match
// found in the folded text highlights the right letters of what is shown.
//
// sahilm/fuzzy does no folding of its own beyond simple case (style.md
// pitfall 18), so entries are folded once when added and the query once per
// search; fuzzy then compares folded with folded.

// foldLowEnd bounds the precomputed table: Latin, Greek, Cyrillic, Hebrew,
// Arabic, Indic scripts and Latin Extended Additional (Vietnamese) all sit
// below it. Above it (kana, CJK, Hangul, fullwidth forms) diacritics are
// letters in their own right: a dakuten changes the kana, so only case and
// fullwidth ASCII are folded there.
const foldLowEnd = 0x3000

// foldSpecial holds the letters canonical decomposition leaves whole, and
// the punctuation of "Name <email>" that should read as a word break (a
// separator earns sahilm/fuzzy's "start of word" bonus, and '@' and '<' are
// not among its separators). Keys are lower case.
var foldSpecial = map[rune]rune{
	'ł': 'l', 'ø': 'o', 'đ': 'd', 'ð': 'd', 'ß': 's', 'ı': 'i', 'æ': 'a',
	'œ': 'o', 'þ': 't', 'ħ': 'h', 'ŧ': 't', 'ŋ': 'n', 'ŀ': 'l', 'ĸ': 'k',
	'ƒ': 'f', 'ɨ': 'i', 'ʉ': 'u', 'ſ': 's',
	'<': ' ', '>': ' ', '(': ' ', ')': ' ', '[': ' ', ']': ' ', ',': ' ',
	';': ' ', '"': ' ', '\'': ' ', '@': '.', '+': '.',
}

// foldTable is the fold of every rune below foldLowEnd, built on first use.
var foldTable = sync.OnceValue(func() *[foldLowEnd]rune {
	var t [foldLowEnd]rune
	for r := range rune(foldLowEnd) {
		t[r] = foldSlow(r)
	}
	return &t
})

// foldSlow folds one rune below foldLowEnd: strip combining marks from its
// canonical decomposition, lower it, then apply foldSpecial.
func foldSlow(r rune) rune {
	switch {
	case r < 0x20 || r == 0x7f || unicode.IsControl(r) || unicode.IsSpace(r):
		return ' ' // includes NUL, where sahilm/fuzzy would stop reading
	case unicode.Is(unicode.Mn, r):
		return r // a lone combining mark stays what it is: one rune for one
	}
	base := r
	if r >= utf8.RuneSelf {
		var buf [utf8.UTFMax]byte
		d := norm.NFD.Bytes(buf[:utf8.EncodeRune(buf[:], r)])
		first, n := utf8.DecodeRune(d)
		marksOnly := true
		for _, m := range string(d[n:]) {
			if !unicode.Is(unicode.Mn, m) {
				marksOnly = false // Hangul jamo and the like: not a diacritic
			}
		}
		if marksOnly {
			base = first
		}
	}
	base = unicode.ToLower(unicode.ToUpper(base)) // ς→σ, K (Kelvin)→k
	if s, ok := foldSpecial[base]; ok {
		base = s
	}
	return base
}

// foldRune folds one rune.
func foldRune(r rune) rune {
	if r >= 0 && r < foldLowEnd {
		return foldTable()[r]
	}
	if r >= 0xFF01 && r <= 0xFF5E { // fullwidth ASCII, as Japanese keyboards type it
		return foldTable()[r-0xFEE0]
	}
	if r == 0x3000 { // ideographic space
		return ' '
	}
	return unicode.ToLower(r)
}

// fold folds every rune of s; the result has as many runes as s.
func fold(s string) string {
	t := foldTable()
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || t[c] != rune(c) {
			ascii = false
			break
		}
	}
	if ascii {
		return s // already folded: lower-case ASCII letters, digits, . - _ :
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldQuery folds what the operator typed the way entries are folded, after
// bringing it to NFC (a pasted name may arrive decomposed), with runs of
// spaces made one and the ends trimmed.
func foldQuery(q string) string {
	return oneSpaced(fold(norm.NFC.String(q)))
}

// oneSpaced trims folded text and makes its runs of spaces one.
func oneSpaced(f string) string {
	f = strings.Trim(f, " ")
	if !strings.Contains(f, "  ") {
		return f
	}
	var b strings.Builder
	b.Grow(len(f))
	for i := 0; i < len(f); i++ {
		if f[i] != ' ' || f[i-1] != ' ' {
			b.WriteByte(f[i])
		}
	}
	return b.String()
}

// DisplayText is what org data (a name, an email, a title naming them)
// looks like on screen: NFC, so that one character is one rune, and then
// safetext.Clean: one line, with control characters (escape sequences'
// ESC among them), bidi controls and invisible characters shown as escapes
// such as \x1b and \u202e. The wizard draws every value it did not write
// itself through it; safetext holds the one implementation.
func DisplayText(s string) string { return displayText(s) }

// displayText is DisplayText: the search shows, folds and highlights this
// text, so a match's rune indexes are indexes into what is drawn.
func displayText(s string) string {
	return safetext.Clean(norm.NFC.String(s))
}

// isASCII reports whether s is all ASCII, where byte offsets are rune indexes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// runeIndexes turns byte offsets into s (ascending, as sahilm/fuzzy reports
// them in Match.MatchedIndexes) into rune indexes, dropping duplicates and
// offsets that are not the start of a rune.
func runeIndexes(s string, byteOffsets []int) []int {
	out := make([]int, 0, len(byteOffsets))
	next, runeIdx := 0, 0
	for off := range s {
		for next < len(byteOffsets) && byteOffsets[next] < off {
			next++
		}
		if next == len(byteOffsets) {
			break
		}
		if byteOffsets[next] == off {
			out = append(out, runeIdx)
			next++
		}
		runeIdx++
	}
	return out
}

// Contains reports whether s holds part, folded alike (case and accents
// aside): a filter over a short list, such as a group's members.
func Contains(s, part string) bool {
	return strings.Contains(fold(norm.NFC.String(s)), foldQuery(part))
}
