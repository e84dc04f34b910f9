package address

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// FuzzValid: an address Valid takes is one line of printable text within
// RFC 5321's lengths, with one @, an ASCII domain and nothing a terminal
// hides or obeys; an error quotes a bounded part of the input.
func FuzzValid(f *testing.F) {
	for _, s := range []string{"ann@acme.com", "o'neil@acme.com", "иван@acme.com", "jane\u200b@acme.com", "p\u0430ypal@acme.com",
		"ann@\u0430cme.com", "r@gsa.F", "a@b", "jane,doe@acme.io", "\"a b\"@acme.com", "a@[127.0.0.1]", strings.Repeat("a", 65) + "@x.io"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Valid(s)
		if err != nil {
			if msg := err.Error(); utf8.RuneCountInString(msg) > 2*maxQuoted+200 || safetext.Clean(msg) != msg {
				t.Fatalf("error of %d runes, or not inert: %q", utf8.RuneCountInString(msg), msg)
			}
			return
		}
		local, domain, _ := strings.Cut(s, "@")
		switch {
		case len(s) > MaxLength || len(local) > MaxLocalLength:
			t.Fatalf("%q: too long", s)
		case strings.Count(s, "@") != 1 || local == "":
			t.Fatalf("%q: not one @ after a local part", s)
		case safetext.Clean(s) != s:
			t.Fatalf("%q: carries what a terminal hides or obeys", s)
		}
		for i := 0; i < len(domain); i++ {
			if domain[i] >= utf8.RuneSelf {
				t.Fatalf("%q: the domain is not ASCII", s)
			}
		}
		if !Same(s, strings.ToUpper(s)) && strings.ToUpper(s) == strings.ToLower(s) {
			t.Fatalf("%q: Same is not case-insensitive", s)
		}
	})
}
