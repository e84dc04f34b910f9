package address

import "strings"

// lookalikeEdits is how many keystrokes apart a domain may be from a
// verified one and still be taken for a typo of it (contract §2,
// target-domain-lookalike: insertions, deletions, substitutions or swaps
// of adjacent characters).
const lookalikeEdits = 2

// Lookalike finds, among candidates, the domain that domain is most likely
// a typo of: at most two edits away (case aside), the nearest first, the
// first listed on a tie. ok is false when none is that near, or when domain
// is itself one of them.
func Lookalike(domain string, candidates []string) (meant string, ok bool) {
	d := strings.ToLower(domain)
	best := lookalikeEdits + 1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == d {
			return "", false
		}
		if n := editDistance(d, lc, lookalikeEdits); n < best {
			meant, best = c, n
		}
	}
	return meant, best <= lookalikeEdits
}

// editDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and swaps of adjacent characters),
// or most+1 as soon as it is known to exceed most.
func editDistance(a, b string, most int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > most || -d > most {
		return most + 1
	}
	// Three rows: the one before the previous is needed for swaps.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > most {
			return most + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], most+1)
}
