package steps

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold maps every rune of s to one lower-case base rune, so that "Łukasz
// Dąbrowski" matches "lukasz dabrowski". It keeps one rune per rune: a match
// found at rune i of the folded text is rune i of the original, which is
// what the highlighting needs.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune strips a rune's diacritics (its canonical decomposition, less the
// combining marks) and lowers it; letters that decompose to no base letter
// come from a small table.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return unicode.ToLower(r)
	}
	if base, ok := foldTable[r]; ok {
		return base
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	decomposed := norm.NFD.Bytes(buf[:n])
	base, _ := utf8.DecodeRune(decomposed)
	return unicode.ToLower(base)
}

// foldTable holds the letters NFD leaves whole.
var foldTable = map[rune]rune{
	'Ł': 'l', 'ł': 'l', 'Ø': 'o', 'ø': 'o', 'Đ': 'd', 'đ': 'd', 'Ð': 'd', 'ð': 'd',
	'ß': 's', 'ı': 'i', 'Æ': 'a', 'æ': 'a', 'Œ': 'o', 'œ': 'o', 'Þ': 't', 'þ': 't',
	'Ħ': 'h', 'ħ': 'h', 'Ŧ': 't', 'ŧ': 't', 'Ŋ': 'n', 'ŋ': 'n',
}

// runeIndexes turns the byte offsets sahilm/fuzzy reports into rune indexes.
func runeIndexes(s string, byteOffsets []int) []int {
	out := make([]int, 0, len(byteOffsets))
	next, runeIdx := 0, 0
	for off := range s {
		for next < len(byteOffsets) && byteOffsets[next] < off {
			next++
		}
		if next < len(byteOffsets) && byteOffsets[next] == off {
			out = append(out, runeIdx)
			next++
		}
		runeIdx++
	}
	return out
}
