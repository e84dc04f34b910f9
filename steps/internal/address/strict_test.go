package address

import (
	"strings"
	"testing"
)

// Valid refuses what makes two addresses look alike, naming where, and
// what RFC 5321 does not allow; ordinary addresses, international local
// parts in one script among them, pass.
func TestValidIsStrict(t *testing.T) {
	for _, s := range []string{
		"ann@acme.com", "o'neil@acme.com", "x_FREE2@sub.acme.io", "jose@xn--acm-ema.com",
		"иван@acme.com", "山田@acme.co.jp", "やまだ.太郎@acme.jp", "josé@acme.com",
		strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + ".com",
		strings.Repeat("a", 64) + "@" + strings.Repeat("b.", 93) + "com", // 254 characters
	} {
		if err := Valid(s); err != nil {
			t.Errorf("Valid(%q) = %v, want nil", s, err)
		}
	}
	for s, want := range map[string]string{
		"jane\u200b@acme.com":                    `"jane\u200b@acme.com" is not an email address: character 5 is U+200B, an invisible character`,
		"ann@acme.com\u202e":                     `character 13 is U+202E, a bidi control, which reorders what is shown`,
		"\u2066ann@acme.com":                     `character 1 is U+2066, a bidi control`,
		"ann\x1b[2J@acme.com":                    `character 4 is U+001B, a control character`,
		"ann@\u0430cme.com":                      `character 5 of it, U+0430 (Cyrillic), is not ASCII: give an international domain in its xn-- form`,
		"p\u0430ypal@acme.com":                   `character 2, U+0430 (Cyrillic), mixes Cyrillic into Latin letters: a lookalike of another address`,
		"\u03b1\u03b2\u03b3@acme.com":            "", // all Greek: one script
		"\u03b1bc@acme.com":                      `character 2, U+0062 (Latin), mixes Latin into Greek letters`,
		"ann@acme.c":                             `the domain ends in "c", which is no top-level domain`,
		"r@gsa.F":                                `the domain ends in "F", which is no top-level domain`,
		"ann@127.0.0.1":                          `the domain ends in "1", which is no top-level domain`,
		"ann@ac_me.com":                          `the domain's part "ac_me" may hold only letters, digits and inner hyphens`,
		"ann@-acme.com":                          `the domain's part "-acme" may hold only letters, digits and inner hyphens`,
		strings.Repeat("a", 65) + "@acme.com":    `the part before the @ has 65 characters, at most 64`,
		"a@" + strings.Repeat("b", 64) + ".com":  `is longer than 63 characters`,
		"a@" + strings.Repeat("b.", 125) + "com": `255 characters, at most 254`,
		"b\xff@acme.com":                         `character 2 is not UTF-8`,
		"jane,doe@acme.io":                       `"jane,doe@acme.io" is not an email address`,
	} {
		err := Valid(s)
		switch {
		case want == "" && err != nil:
			t.Errorf("Valid(%q) = %v, want nil", s, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("Valid(%q) = %v\nwant it to say %s", s, err, want)
		}
	}
}

// An error never quotes more than 64 characters of what it refuses.
func TestValidErrorsAreShort(t *testing.T) {
	huge := strings.Repeat("x@acme.com,", 20000)
	for _, s := range []string{huge, strings.Repeat("a", 100000) + "@acme.com", "a@" + strings.Repeat("b", 100000) + ".com"} {
		err := Valid(s)
		if err == nil || len(err.Error()) > 300 {
			t.Errorf("Valid of %d bytes: error of %d bytes", len(s), len(err.Error()))
		}
	}
}
