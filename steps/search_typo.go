package steps

import "strings"

// Misspellings: sahilm/fuzzy finds a query whose letters appear in order
// ("ykta" in "Yuki Tanaka"), not one with a letter swapped or wrong ("Tnaaka",
// "Agniezska"). Those are found by comparing words with the
// Damerau-Levenshtein distance.

// typoBudget is how many edits a query word of n runes may be from a name
// word: none for the shortest words, which would match almost anything.
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

// word is one word of an entry's folded text and where it starts (in runes).
type word struct {
	text  []rune
	start int
}

// splitWords cuts folded text into words at anything but a letter or digit.
func splitWords(folded string) []word {
	var words []word
	var cur []rune
	start, i := 0, 0
	flush := func() {
		if len(cur) > 0 {
			words = append(words, word{text: cur, start: start})
			cur = nil
		}
	}
	for _, r := range folded {
		if isWordRune(r) {
			if len(cur) == 0 {
				start = i
			}
			cur = append(cur, r)
		} else {
			flush()
		}
		i++
	}
	flush()
	return words
}

func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f && r != ' '
}

// typoMatch reports whether every query word is within its budget of some
// word of the entry, with the total distance and the runes to highlight.
func typoMatch(query [][]rune, words []word, scratch *[]int) (distance int, matched []int, ok bool) {
	for _, q := range query {
		budget := typoBudget(len(q))
		best, bestWord := budget+1, -1
		for i, w := range words {
			if abs(len(w.text)-len(q)) > budget {
				continue
			}
			if d := damerauLevenshtein(q, w.text, scratch); d < best {
				best, bestWord = d, i
			}
		}
		if bestWord < 0 {
			return 0, nil, false
		}
		distance += best
		for k := range words[bestWord].text {
			matched = append(matched, words[bestWord].start+k)
		}
	}
	return distance, matched, true
}

// damerauLevenshtein is the optimal-string-alignment distance of a and b:
// insertions, deletions, substitutions and swaps of two neighbours.
func damerauLevenshtein(a, b []rune, scratch *[]int) int {
	w := len(b) + 1
	need := 3 * w
	if cap(*scratch) < need {
		*scratch = make([]int, need)
	}
	rows := (*scratch)[:need]
	prev2, prev, cur := rows[:w], rows[w:2*w], rows[2*w:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
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

// queryWords splits a folded query into words.
func queryWords(folded string) [][]rune {
	var out [][]rune
	for _, f := range strings.FieldsFunc(folded, func(r rune) bool { return !isWordRune(r) }) {
		out = append(out, []rune(f))
	}
	return out
}
