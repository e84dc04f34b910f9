package address

import "testing"

func TestLookalike(t *testing.T) {
	verified := []string{"acme.com", "acme.io", "gmail.example"}
	for _, c := range []struct {
		domain, meant string
		ok            bool
	}{
		{"acme.co", "acme.com", true},   // a letter dropped
		{"acme.cmo", "acme.com", true},  // two letters swapped
		{"acmee.com", "acme.com", true}, // a letter doubled
		{"ACME.CN", "acme.com", true},   // case aside; n→m and o inserted
		{"acme.oi", "acme.io", true},    // a swap: one edit
		{"acme.com", "", false},         // itself
		{"partner.io", "", false},       // far from every verified domain
		{"acme-labs.com", "", false},    // three edits from acme.com
		{"gmial.example", "gmail.example", true},
	} {
		meant, ok := Lookalike(c.domain, verified)
		if meant != c.meant || ok != c.ok {
			t.Errorf("Lookalike(%q) = %q, %v; want %q, %v", c.domain, meant, ok, c.meant, c.ok)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"abc", "ab", 1},
		{"abc", "xbc", 1}, {"ca", "abc", 3}, {"kitten", "sitting", 3},
	} {
		if got := editDistance(c.a, c.b, 5); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if got := editDistance("abcdef", "ghijkl", 2); got != 3 {
		t.Errorf("bounded distance = %d, want 3 (most+1)", got)
	}
}
