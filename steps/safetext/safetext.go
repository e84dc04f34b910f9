// Package safetext makes text that syncdoctor did not write itself (org
// data: display names, group names, emails; server error bodies; a target
// list; a pasted IdP error) safe to show on a terminal, to write into a
// ticket note or a CSV, and to copy to the clipboard.
//
// Anyone who can set their display name in the IdP or in Atlassian can put
// bytes in it that a terminal obeys: ESC [ 2 J clears the screen, OSC 8
// turns text into a link to anywhere, OSC 52 writes the admin's clipboard,
// a right-to-left override shows "moc.emca@eci" as "ice@acme.com", and a
// zero-width space makes two different addresses look the same. Text from
// outside is therefore shown with every such character visibly escaped:
// the terminal receives only printable characters, and the admin sees that
// something odd is there instead of having it hidden or obeyed.
//
// What is escaped (Unsafe reports it):
//   - C0 controls (ESC, BEL, CR, ... and, in Clean, LF and TAB), DEL and the
//     C1 controls U+0080-U+009F (U+009B is an 8-bit CSI, U+009D an OSC);
//     since ESC and the C1 introducers are escaped, no escape sequence (CSI,
//     OSC 8 and 52, DCS, APC, ...) can start, and what followed them is
//     left as the plain characters it is;
//   - bidi controls: U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069;
//   - invisible characters: zero-width space, joiners and non-joiners
//     (U+200B-U+200D, except where a script or an emoji needs a joiner),
//     word joiner and invisible operators (U+2060-U+2064), U+FEFF, soft
//     hyphen, the Hangul fillers, line and paragraph separators, and tag
//     characters (except in a flag's tag sequence);
//   - bytes that are not UTF-8 (a terminal may read a lone 0x9B as CSI).
//
// Everything else, accents, CJK, right-to-left letters, emoji, is left
// as it is. Backslashes are not escaped, so Clean(Clean(s)) == Clean(s):
// text may be cleaned at every layer it passes without growing.
//
// Where it is applied. Org data is kept exact where it enters (the client's
// types, the domain's facts, a step's params): it is identity, compared
// with and sent back to the APIs, and a display name cleaned there would
// be written back changed through SCIM. It is cleaned where it becomes
// words, once (diagnose's and bulk's words.go: evidence, findings,
// explanations, titles, details, warnings, reasons; run's events and
// outcomes; the client's quoted error bodies), and again on every way out:
// the CLI writes through Writer and cleans each value it prints, the
// ticket note goes through Text, the timeline through Clean, every CSV
// cell through Clean (csvout), and the JSON written to files (snapshots,
// the journal) through JSON. The wizard cleans what it draws through
// Clean (or search.DisplayText, which is Clean), then each whole frame
// through Text, all but its own SGR styling (tui/inert.go), and the note
// it copies (OSC 52) or saves through Text.
//
// Escapes read as Go would write them: \n, \r, \t, \x1b for C0 and DEL,
// \u0085 for C1, \u202e for the rest of the Basic Multilingual Plane,
// \U000e0041 above it, \xff for a byte that is not UTF-8. Writer and JSON,
// which guard whole outputs, use JSON's \u001b forms instead, so that
// what they guard stays valid JSON when it is JSON.
package safetext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Clean returns s as one line of inert text: every character Unsafe
// reports, line breaks and tabs included, is written as its escape. Use it
// for a value shown within a line: a name, an email, a title, a reason.
func Clean(s string) string { return clean(s, false) }

// Text is Clean for text that may span lines (a ticket note, a timeline, a
// pasted error shown as a block): line feeds and tabs are kept, every other
// character Unsafe reports is escaped, carriage returns included.
func Text(s string) string { return clean(s, true) }

// Cut is Clean(s) shortened to at most n runes, the last of them "…" when
// something was cut: for error messages, which must never echo a value of
// unbounded length.
func Cut(s string, n int) string {
	if n < 1 {
		n = 1
	}
	// Clean no more of s than can be shown: each input rune is at least one
	// output rune, so n+1 input runes are enough to know whether to cut.
	i, count := 0, 0
	for i < len(s) && count <= n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	c := Clean(s[:i])
	if i == len(s) && utf8.RuneCountInString(c) <= n {
		return c
	}
	r := []rune(c)
	if len(r) > n-1 {
		r = r[:n-1]
	}
	return string(r) + "…"
}

// Quote is Cut(s, n) in double quotes: a value named in an error message.
func Quote(s string, n int) string { return `"` + Cut(s, n) + `"` }

// Unsafe reports whether r is a character Clean escapes wherever it
// stands: a control character, a bidi control or an invisible character.
// (Clean keeps a joiner between two letters of a script that needs one, or
// inside an emoji sequence, and tags in a flag's tag sequence; Unsafe
// reports them all, for checks such as an address's, where none belongs.)
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r < 0xad:
		return false
	}
	return invisible(r)
}

// invisible is the bidi controls and the characters that show as nothing.
func invisible(r rune) bool {
	switch r {
	case 0x00ad, // soft hyphen
		0x034f,         // combining grapheme joiner
		0x061c,         // arabic letter mark (bidi)
		0x115f, 0x1160, // hangul fillers
		0x17b4, 0x17b5, // khmer inherent vowels
		0x180e,         // mongolian vowel separator
		0x3164, 0xffa0, // hangul fillers
		0xfeff: // zero-width no-break space, byte-order mark
		return true
	}
	switch {
	case r >= 0x200b && r <= 0x200f: // zero-width space, (non-)joiner, LRM, RLM
		return true
	case r >= 0x2028 && r <= 0x202e: // line and paragraph separators, embeddings, overrides
		return true
	case r >= 0x2060 && r <= 0x206f: // word joiner, invisible operators, isolates, deprecated formats
		return true
	case r >= 0xfff9 && r <= 0xfffb: // interlinear annotation
		return true
	case r >= 0x1d173 && r <= 0x1d17a: // musical formatting
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tags
		return true
	}
	return false
}

// mode is how escape writes: which characters it keeps, in which form.
type mode uint8

const (
	modeLine mode = iota // Clean: one line, Go's escapes
	modeText             // Text: LF and TAB kept, Go's escapes
	modeJSON             // Writer and JSON: LF and TAB kept, JSON's escapes
)

func clean(s string, keepLines bool) string {
	m := modeLine
	if keepLines {
		m = modeText
	}
	if plain(s, m != modeLine) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	escape(&b, s, m)
	return b.String()
}

// escape writes s to b with every character Unsafe reports escaped, as m
// says, except a joiner doing a job and a flag's tags. The one
// implementation behind Clean, Text, Writer and JSON.
func escape(b *strings.Builder, s string, m mode) {
	prev, tags := rune(-1), false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x` + hex2(s[i]))
			r = -1
		case m != modeLine && (r == '\n' || r == '\t'), !Unsafe(r):
			b.WriteString(s[i : i+size])
		case (r == 0x200c || r == 0x200d) && joinerKept(r, prev, nextRune(s, i+size)):
			b.WriteRune(r)
		case r >= 0xe0020 && r <= 0xe007f && (prev == 0x1f3f4 || tags):
			b.WriteRune(r) // a subdivision flag: 🏴 + tag letters + cancel tag
		case m == modeJSON:
			writeJSONEscape(b, r)
		default:
			writeEscape(b, r)
		}
		tags = r >= 0xe0020 && r <= 0xe007f && (prev == 0x1f3f4 || tags)
		prev = r
		i += size
	}
}

// plain reports whether s is printable ASCII (with LF and TAB when
// keepLines), the common case, which needs no copy.
func plain(s string, keepLines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f || keepLines && (c == '\n' || c == '\t') {
			continue
		}
		if c >= utf8.RuneSelf {
			return plainFrom(s[i:], keepLines)
		}
		return false
	}
	return true
}

// plainFrom is plain for text with non-ASCII characters in it.
func plainFrom(s string, keepLines bool) bool {
	for _, r := range s {
		if r == utf8.RuneError || Unsafe(r) && !(keepLines && (r == '\n' || r == '\t')) {
			return false // a joiner that may be kept is decided by escape
		}
	}
	return true
}

func nextRune(s string, i int) rune {
	if i >= len(s) {
		return -1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size == 1 {
		return -1 // a byte that is not UTF-8, escaped
	}
	return r
}

// joinerKept reports whether a zero-width joiner or non-joiner between
// prev and next does a job: inside an emoji sequence (👩‍💻), or between two
// letters of a script whose spelling uses it (Persian, the Indic scripts).
// Between Latin, Greek or Cyrillic letters it only hides a difference.
func joinerKept(j, prev, next rune) bool {
	if j == 0x200d && emojiPart(prev) && unicode.Is(unicode.So, next) {
		return true
	}
	return scriptLetter(prev) && scriptLetter(next)
}

func emojiPart(r rune) bool {
	return unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r == 0xfe0f
}

// scriptLetter is a letter or mark of a script other than Latin, Greek or
// Cyrillic, where joiners shape the writing.
func scriptLetter(r rune) bool {
	if r < 0x370 || !(unicode.IsLetter(r) || unicode.IsMark(r)) {
		return false
	}
	return !unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic)
}

// writeEscape writes r as Go would escape it in a string literal.
func writeEscape(b *strings.Builder, r rune) {
	switch {
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case r == '\t':
		b.WriteString(`\t`)
	case r < 0x20 || r == 0x7f:
		b.WriteString(`\x`)
		b.WriteString(hex2(byte(r)))
	case r > 0xffff:
		b.WriteString(`\U`)
		b.WriteString(hexN(uint32(r), 8))
	default:
		b.WriteString(`\u`)
		b.WriteString(hexN(uint32(r), 4))
	}
}

// writeJSONEscape writes r as a JSON string escape: \r, or \u001b, with
// a surrogate pair above the Basic Multilingual Plane.
func writeJSONEscape(b *strings.Builder, r rune) {
	switch {
	case r == '\r':
		b.WriteString(`\r`)
	case r > 0xffff:
		hi, lo := utf16.EncodeRune(r)
		b.WriteString(`\u` + hexN(uint32(hi), 4) + `\u` + hexN(uint32(lo), 4))
	default:
		b.WriteString(`\u` + hexN(uint32(r), 4))
	}
}

func hex2(c byte) string { return hexN(uint32(c), 2) }

func hexN(v uint32, n int) string {
	h := strconv.FormatUint(uint64(v), 16)
	return strings.Repeat("0", max(0, n-len(h))) + h
}
