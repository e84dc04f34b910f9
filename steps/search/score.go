package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The fuzzy score. Hits rank by sahilm/fuzzy's score (v0.1.3,
// FindFromIterNoSort), but calling it for every candidate of a keystroke
// allocates a slice of offsets per match and a growing slice of matches:
// at 100,000 accounts that is most of a search. fuzzyPattern is the same
// algorithm, line for line, without allocating: the same score, the same
// matched offsets, and a match exactly where sahilm/fuzzy finds one
// (TestFuzzyScoreIsSahilms compares them). Its int arithmetic is sahilm's
// too, overflow past ~40 adjacent runes included, so that a long pasted
// query matches where it did.

// sahilm/fuzzy's bonuses and penalties.
const (
	firstCharMatchBonus            = 10
	matchFollowingSeparatorBonus   = 20
	camelCaseMatchBonus            = 20
	adjacentMatchBonus             = 5
	unmatchedLeadingCharPenalty    = -5
	maxUnmatchedLeadingCharPenalty = -15
)

// fuzzyPattern is a folded query ready for scoring.
type fuzzyPattern struct {
	runes []rune
	ascii bool // all runes are ASCII
	// bonus bounds what the runes of a match can earn. The first at most
	// 15: 10 as the first character, or 20 (camel case or after a
	// separator, which exclude each other) less 5 for the character
	// before it. Each other rune at most 20, plus its adjacency bonus,
	// which comes at most once a rune and triples with each (5, 15, 45,
	// …). -1: no bound (too many runes for one to be of use).
	bonus int
}

func newFuzzyPattern(fq string) fuzzyPattern {
	p := fuzzyPattern{runes: []rune(fq), ascii: isASCII(fq), bonus: -1}
	if m := len(p.runes); m > 0 && m <= maxFuzzyRunes {
		adj, b := 0, adjacentMatchBonus
		for range m - 1 {
			adj += b
			b *= 3
		}
		p.bonus = 15 + 20*(m-1) + adj
	}
	return p
}

// maxScore bounds the score of any match in a text of n bytes (no NUL):
// bonuses, less one for every unmatched byte.
func (p *fuzzyPattern) maxScore(n int) (int, bool) {
	if p.bonus < 0 {
		return 0, false
	}
	return p.bonus + len(p.runes) - n, true
}

// fuzzyResult is one text's match.
type fuzzyResult struct {
	score  int
	pieces int // runs of adjacent matched runes
	first  int // byte offset of the first matched rune
}

// match scores s as sahilm/fuzzy does; ascii says s is all ASCII. ok is
// false where sahilm/fuzzy finds no match. When offsets is not nil, the
// matched byte offsets (its MatchedIndexes) are appended to it.
func (p *fuzzyPattern) match(s string, ascii bool, offsets *[]int) (r fuzzyResult, ok bool) {
	runes := p.runes
	if len(runes) == 0 {
		return r, false
	}
	if ascii && p.ascii {
		return p.matchASCII(s, offsets)
	}
	clean := s
	if k := strings.IndexByte(s, 0); k >= 0 {
		clean = s[:k] // sahilm/fuzzy stops at the first NUL
	}
	matched := 0
	lastMatch, lastMatchSize := 0, 0
	score, patternIndex := 0, 0
	bestScore, matchedIndex := -1, -1
	currAdjacentMatchBonus := 0
	var last rune
	var lastIndex int
	nextc, nextSize := utf8.DecodeRuneInString(clean)
	var candidate rune
	var candidateSize int
	for j := 0; j < len(clean); j += candidateSize {
		candidate, candidateSize = nextc, nextSize
		if equalFold(candidate, runes[patternIndex]) {
			score = 0
			if j == 0 {
				score += firstCharMatchBonus
			}
			if unicode.IsLower(last) && unicode.IsUpper(candidate) {
				score += camelCaseMatchBonus
			}
			if j != 0 && isSeparator(last) {
				score += matchFollowingSeparatorBonus
			}
			if matched > 0 && lastIndex == lastMatch {
				bonus := currAdjacentMatchBonus*2 + adjacentMatchBonus
				score += bonus
				currAdjacentMatchBonus += bonus
			}
			if score > bestScore {
				bestScore = score
				matchedIndex = j
			}
		}
		var nextp rune
		if patternIndex < len(runes)-1 {
			nextp = runes[patternIndex+1]
		}
		if j+candidateSize < len(clean) {
			if clean[j+candidateSize] < utf8.RuneSelf {
				nextc, nextSize = rune(clean[j+candidateSize]), 1
			} else {
				nextc, nextSize = utf8.DecodeRuneInString(clean[j+candidateSize:])
			}
		} else {
			nextc, nextSize = 0, 0
		}
		if (equalFold(nextp, nextc) || nextc == 0) && matchedIndex > -1 {
			if matched == 0 {
				bestScore += max(matchedIndex*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty)
				r.pieces, r.first = 1, matchedIndex
			} else if matchedIndex > lastMatch+lastMatchSize {
				r.pieces++
			}
			r.score += bestScore
			if offsets != nil {
				*offsets = append(*offsets, matchedIndex)
			}
			lastMatch, lastMatchSize = matchedIndex, 1
			if s[matchedIndex] >= utf8.RuneSelf {
				_, lastMatchSize = utf8.DecodeRuneInString(s[matchedIndex:])
			}
			matched++
			score = 0
			bestScore = -1
			patternIndex++
		}
		lastIndex = j
		last = candidate
	}
	r.score += matched - len(clean)
	return r, matched == len(runes)
}

// matchASCII is match for an ASCII pattern in an ASCII text: the same
// steps a byte at a time, where a rune is a byte and folding is only
// between upper and lower case letters.
func (p *fuzzyPattern) matchASCII(s string, offsets *[]int) (r fuzzyResult, ok bool) {
	runes := p.runes
	clean := s
	if k := strings.IndexByte(s, 0); k >= 0 {
		clean = s[:k]
	}
	n := len(clean)
	matched, lastMatch := 0, 0
	patternIndex := 0
	bestScore, matchedIndex := -1, -1
	currAdjacentMatchBonus := 0
	want := lowerASCII(byte(runes[0]))
	var next byte // the pattern's next rune, lowered; 0 after the last
	if len(runes) > 1 {
		next = lowerASCII(byte(runes[1]))
	}
	var last byte
	for j := 0; j < n; j++ {
		c := clean[j]
		if lowerASCII(c) == want {
			score := 0
			if j == 0 {
				score += firstCharMatchBonus
			}
			if 'a' <= last && last <= 'z' && 'A' <= c && c <= 'Z' {
				score += camelCaseMatchBonus
			}
			if j != 0 && isSeparator(rune(last)) {
				score += matchFollowingSeparatorBonus
			}
			if matched > 0 && j-1 == lastMatch {
				bonus := currAdjacentMatchBonus*2 + adjacentMatchBonus
				score += bonus
				currAdjacentMatchBonus += bonus
			}
			if score > bestScore {
				bestScore = score
				matchedIndex = j
			}
		}
		var nextc byte
		if j+1 < n {
			nextc = clean[j+1]
		}
		if (nextc == 0 || next != 0 && lowerASCII(nextc) == next) && matchedIndex > -1 {
			if matched == 0 {
				bestScore += max(matchedIndex*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty)
				r.pieces, r.first = 1, matchedIndex
			} else if matchedIndex > lastMatch+1 {
				r.pieces++
			}
			r.score += bestScore
			if offsets != nil {
				*offsets = append(*offsets, matchedIndex)
			}
			lastMatch = matchedIndex
			matched++
			bestScore = -1
			patternIndex++
			if patternIndex < len(runes) {
				want = next
				next = 0
				if patternIndex+1 < len(runes) {
					next = lowerASCII(byte(runes[patternIndex+1]))
				}
			}
		}
		last = c
	}
	r.score += matched - n
	return r, matched == len(runes)
}

// lowerASCII lowers an ASCII letter; equalFold of two ASCII bytes is
// equality of their lowered forms.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// equalFold is sahilm/fuzzy's, taken from strings.EqualFold.
func equalFold(tr, sr rune) bool {
	if tr == sr {
		return true
	}
	if tr < sr {
		tr, sr = sr, tr
	}
	if tr < utf8.RuneSelf {
		return 'A' <= sr && sr <= 'Z' && tr == sr+'a'-'A'
	}
	r := unicode.SimpleFold(sr)
	for r != sr && r < tr {
		r = unicode.SimpleFold(r)
	}
	return r == tr
}

// isSeparator: sahilm/fuzzy's separators, "/-_ .\".
func isSeparator(r rune) bool {
	switch r {
	case '/', '-', '_', ' ', '.', '\\':
		return true
	}
	return false
}
