package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"
)

// fuzzyPattern scores as sahilm/fuzzy does: the same matches, scores and
// offsets, over random texts with upper case, separators, runes that fold
// in odd ways and NULs, and over the generated org.
func TestFuzzyScoreIsSahilms(t *testing.T) {
	t.Parallel()
	alphabet := []rune("aabbcdeeklmnstyzABKZ  ..-_/\\@<>[{1é田ßΣσςKſ\x00")
	rng := rand.New(rand.NewPCG(13, 1))
	randText := func(n int) string {
		r := make([]rune, n)
		ascii := rng.IntN(2) == 0 // half of them ASCII, for the fast path
		for i := range r {
			for r[i] = alphabet[rng.IntN(len(alphabet))]; ascii && r[i] >= utf8.RuneSelf; {
				r[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		return string(r)
	}
	check := func(pattern, s string) {
		t.Helper()
		p := newFuzzyPattern(pattern)
		var offsets []int
		got, ok := p.match(s, isASCII(s), &offsets)
		var general []int
		if g, gok := p.match(s, false, &general); g != got || gok != ok || !slices.Equal(general, offsets) {
			t.Fatalf("match(%q, %q): ASCII %+v %v %v, general %+v %v %v", pattern, s, got, ok, offsets, g, gok, general)
		}
		want := fuzzy.FindNoSort(pattern, []string{s})
		if ok != (len(want) == 1) {
			t.Fatalf("match(%q, %q) = %v, sahilm/fuzzy %v", pattern, s, ok, want)
		}
		if !ok {
			return
		}
		w := want[0]
		if got.score != w.Score || !slices.Equal(offsets, w.MatchedIndexes) {
			t.Fatalf("match(%q, %q) = %d %v, sahilm/fuzzy %d %v", pattern, s, got.score, offsets, w.Score, w.MatchedIndexes)
		}
		if n, first := fragments(s, w.MatchedIndexes); got.pieces != n || got.first != first {
			t.Fatalf("match(%q, %q): %d pieces from %d, want %d from %d", pattern, s, got.pieces, got.first, n, first)
		}
		if bound, ok := p.maxScore(len(s)); ok && got.score > bound && !strings.ContainsRune(s, 0) {
			t.Fatalf("match(%q, %q) scores %d over its bound %d", pattern, s, got.score, bound)
		}
		if alone, _ := p.match(s, isASCII(s), nil); alone != got {
			t.Fatalf("match(%q, %q) without offsets = %+v, with %+v", pattern, s, alone, got)
		}
	}
	for range 200_000 {
		s := randText(rng.IntN(40))
		var pattern string
		if rng.IntN(2) == 0 || s == "" {
			pattern = randText(1 + rng.IntN(5))
		} else { // a subsequence of s, which mostly matches
			r := []rune(s)
			var b strings.Builder
			for _, c := range r {
				if rng.IntN(3) == 0 {
					b.WriteRune(c)
				}
			}
			pattern = b.String()
			if pattern == "" {
				pattern = string(r[0])
			}
		}
		check(pattern, s)
	}
	// Long runs of adjacent runes, where the score overflows.
	for n := 20; n <= 64; n++ {
		check(strings.Repeat("a", n), strings.Repeat("a", n+3))
		check(strings.Repeat("ab", n/2), "x "+strings.Repeat("ab", n))
	}
	for _, u := range generatedOrg(0, 2000) {
		s := fold(u.Name + " <" + u.Email + ">")
		for _, q := range []string{"y", "yu", "yuki", "yuki t", "yuki tanaka", "ta", "an", "lew", "acme", "o.c", "田中", "tanaka yuki", "zzz"} {
			check(q, s)
		}
	}
}
