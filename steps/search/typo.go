package search

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

// Misspellings. sahilm/fuzzy finds a query whose letters appear in order
// ("ytan" in "Yuki Tanaka"), not one with a wrong, missing or swapped letter
// ("Tanoka", "Yuki Tanka", "Agniezska"): those are found word by word, with
// the optimal-string-alignment (restricted Damerau-Levenshtein) distance
// between each query word and the entry's nearest word. The same pass finds
// the words of a name in another order ("tanaka yuki", distance 0).

// typoBudget is how many edits a query word of n runes may be from an
// entry's word. Words under four runes must start a word exactly: one edit
// away from "li" is half the org.
func typoBudget(n int) int {
	switch {
	case n < 4:
		return 0
	case n < 7:
		return 1
	default:
		return 2
	}
}

// word is one word of an entry's folded text: bytes [start,end) of it,
// where it starts in runes (for highlighting), its length in runes, and a
// bitmask of its runes for a quick lower bound on the distance. Every entry
// keeps its words, so they are small: 12 bytes, and only the words in the
// first 64 KiB of a text (no name or email comes near) are kept.
type word struct {
	start, end uint16
	at, n      uint16
	mask       uint32
}

// maxWordText is how much of a text splitWords reads.
const maxWordText = 1<<16 - 1

// isWordRune: letters, digits and combining marks make words; the rest
// (spaces, . - _ : and the other separators) break them.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z'
	}
	return r != ' ' && r != 0x3000
}

// runeBit is a rune's bit in a word mask. Letters a-z have their own bits;
// other runes share the remaining six, which only weakens the bound.
func runeBit(r rune) uint32 {
	if r >= 'a' && r <= 'z' {
		return 1 << (r - 'a')
	}
	return 1 << (26 + uint32(r)%6)
}

// splitWords cuts folded text into words.
func splitWords(folded string) []word {
	if len(folded) > maxWordText {
		cut := maxWordText
		for cut > 0 && !utf8.RuneStart(folded[cut]) {
			cut--
		}
		folded = folded[:cut]
	}
	var words []word
	var cur word
	in := false
	at := uint16(0)
	for i, r := range folded {
		if isWordRune(r) {
			if !in {
				cur = word{start: uint16(i), at: at}
				in = true
			}
			cur.n++
			cur.mask |= runeBit(r)
		} else if in {
			cur.end = uint16(i)
			words = append(words, cur)
			in = false
		}
		at++
	}
	if in {
		cur.end = uint16(len(folded))
		words = append(words, cur)
	}
	return words
}

// queryWord is one word of the query, ready for comparing.
type queryWord struct {
	text   string
	runes  []rune
	mask   uint32
	budget int
}

// queryWords splits a folded query into words.
func queryWords(folded string) []queryWord {
	var out []queryWord
	for _, w := range splitWords(folded) {
		text := folded[w.start:w.end]
		out = append(out, queryWord{text: text, runes: []rune(text), mask: w.mask, budget: typoBudget(int(w.n))})
	}
	return out
}

// typoScratch is what comparing words needs, reused across entries.
type typoScratch struct {
	rows []int
	word []rune
	best []int32 // per query word, the entry word it matched
}

// mayBeNear is false when some query word has more runes that none of the
// entry's words has than its budget allows: then no word can be near it.
func mayBeNear(query []queryWord, wordMasks uint32) bool {
	for _, q := range query {
		if bits.OnesCount32(q.mask&^wordMasks) > q.budget {
			return false
		}
	}
	return true
}

// maxTypoBudget is the most edits typoBudget allows a word.
const maxTypoBudget = 2

// mayMatchTypedOn reports whether a query that starts with this one (the
// operator typing on) could find the entry by typoMatch. The words before
// the last are whole: they stay as they are, with their budgets, so each
// must be near a word of the entry now. The last word may still grow, and
// the word it grows into may earn a larger budget, but each edit brings at
// most one rune the entry lacks: it can lack no more of the last word's
// runes than the largest budget. Every entry typoMatch finds passes.
func mayMatchTypedOn(query []queryWord, folded string, words []word, wordMasks uint32, s *typoScratch) bool {
	last := len(query) - 1
	if bits.OnesCount32(query[last].mask&^wordMasks) > maxTypoBudget {
		return false
	}
	if last == 0 {
		return true
	}
	if !mayBeNear(query[:last], wordMasks) {
		return false
	}
	_, ok := typoMatch(query[:last], folded, words, s)
	return ok
}

// typoMatch reports whether every query word is within its budget of some
// word of the entry (folded, split into words), and the total distance.
// s.best[k] is the word that query word k matched.
func typoMatch(query []queryWord, folded string, words []word, s *typoScratch) (distance int, ok bool) {
	s.best = s.best[:0]
	for _, q := range query {
		bestD, bestW := q.budget+1, int32(-1)
		for i, w := range words {
			if q.budget == 0 {
				if int(w.n) >= len(q.runes) && strings.HasPrefix(folded[w.start:w.end], q.text) {
					bestD, bestW = 0, int32(i)
					break
				}
				continue
			}
			if abs(int(w.n)-len(q.runes)) >= bestD || bits.OnesCount32(q.mask&^w.mask) >= bestD {
				continue // each edit brings at most one rune the word lacks
			}
			s.word = s.word[:0]
			for _, r := range folded[w.start:w.end] {
				s.word = append(s.word, r)
			}
			if d := osaDistance(q.runes, s.word, bestD-1, &s.rows); d < bestD {
				bestD, bestW = d, int32(i)
				if d == 0 {
					break
				}
			}
		}
		if bestW < 0 {
			return 0, false
		}
		distance += bestD
		s.best = append(s.best, bestW)
	}
	return distance, true
}

// osaDistance is the optimal-string-alignment distance of a and b
// (insertions, deletions, substitutions, swaps of neighbours), or most+1 as
// soon as it is sure to exceed most.
func osaDistance(a, b []rune, most int, scratch *[]int) int {
	w := len(b) + 1
	if cap(*scratch) < 3*w {
		*scratch = make([]int, 3*w)
	}
	rows := (*scratch)[:3*w]
	prev2, prev, cur := rows[:w], rows[w:2*w], rows[2*w:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > most {
			return most + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
