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

func TestPlaceholders(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Placeholder("Yuki.T@acme.com", 1), "Yuki.T_duplicate@acme.com"},
		{Placeholder("yuki.t@acme.com", 3), "yuki.t_duplicate3@acme.com"},
		{FreePlaceholder("ann@acme.io", 1), "ann_FREE@acme.io"},
		{FreePlaceholder("ann@acme.io", 2), "ann_FREE2@acme.io"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
	for _, c := range []struct {
		email, base string
		free, want  bool
	}{
		{"ann_free@ACME.io", "ann@acme.io", true, true},
		{"ann_FREE2@acme.io", "ann@acme.io", true, true},
		{"ann_FREE1@acme.io", "ann@acme.io", true, false},
		{"ann_FREE02@acme.io", "ann@acme.io", true, false},
		{"ann_FREE@acme.com", "ann@acme.io", true, false},
		{"ann_duplicate@acme.io", "ann@acme.io", true, false},
		{"ann_duplicate@acme.io", "ann@acme.io", false, true},
		{"ann@acme.io", "ann@acme.io", false, false},
	} {
		is := IsPlaceholderOf
		if c.free {
			is = IsFreePlaceholderOf
		}
		if got := is(c.email, c.base); got != c.want {
			t.Errorf("%s a placeholder of %s (free %v): %v, want %v", c.email, c.base, c.free, got, c.want)
		}
	}
}
