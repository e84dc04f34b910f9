package address

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// An address a person types (--target, --user) or a list carries is
// compared with the org's, and its look is what the operator checks before
// an account is changed. So beyond RFC 5322's syntax, Valid refuses what
// makes two different addresses look the same, and names where it is:
//
//   - control, bidi and invisible characters (safetext.Unsafe): a
//     zero-width space or a right-to-left override makes "ann@acme.com"
//     and another address look alike;
//   - a domain that is not ASCII: an international domain is given in its
//     xn-- form, as Atlassian's verified domains are, so a Cyrillic "а" in
//     "аcme.com" is refused;
//   - a local part mixing scripts (Latin with Cyrillic or Greek, ...), as
//     Unicode's "highly restrictive" profile (UTS #39) refuses identifiers:
//     one script, or Latin with Han and the Japanese kana, or with Han and
//     Bopomofo, or with Han and Hangul. A local part wholly in one script
//     ("иван@acme.com") is taken.
//
// Lookalikes are refused, not flagged: an address is about to be set on an
// account, and a refusal (exit 2, the position named) costs a retype.

// Lengths of RFC 5321 (section 4.5.3.1): an address fits a 256-octet path
// with its angle brackets, a local part 64 octets, a domain label 63.
const (
	MaxLength      = 254
	MaxLocalLength = 64
	maxLabelLength = 63
)

// maxQuoted is how much of a refused value an error quotes.
const maxQuoted = 64

// Quote is s for an error message: at most 64 runes, quoted with Go's
// escapes (which show control, bidi and invisible characters). An error
// about input never echoes all of it: a pasted list of 20,000 addresses
// would make a 137 KB "line".
func Quote(s string) string { return quote(s) }

func quote(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		s = string([]rune(s)[:maxQuoted-1]) + "…"
	}
	// strconv.Quote leaves a few invisible characters Go counts as
	// printable (U+034F, U+115F, ...): safetext shows those too.
	return safetext.Clean(strconv.Quote(s))
}

// checkLengths refuses an address longer than RFC 5321 allows.
func checkLengths(s, local, domain string) error {
	switch {
	case len(s) > MaxLength:
		return fmt.Errorf("%s is not an email address: %d characters, at most %d", quote(s), len(s), MaxLength)
	case len(local) > MaxLocalLength:
		return fmt.Errorf("%s is not an email address: the part before the @ has %d characters, at most %d", quote(s), len(local), MaxLocalLength)
	}
	return nil
}

// checkCharacters refuses bytes that are not UTF-8 and the characters
// safetext.Unsafe reports, naming the first by position.
func checkCharacters(s string) error {
	for i, n := 0, 1; i < len(s); n++ {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Errorf("%s is not an email address: character %d is not UTF-8", quote(s), n)
		case safetext.Unsafe(r):
			return fmt.Errorf("%s is not an email address: character %d is %s, %s", quote(s), n, runeName(r), unsafeKind(r))
		}
		i += size
	}
	return nil
}

func unsafeKind(r rune) string {
	switch {
	case r < 0x20 || r >= 0x7f && r <= 0x9f:
		return "a control character"
	case r == 0x061c || r >= 0x200e && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
		return "a bidi control, which reorders what is shown"
	}
	return "an invisible character"
}

// runeName is "U+0430 (Cyrillic)", or "U+200B" for a character of no
// one script. (Unicode's names would cost the binary a megabyte.)
func runeName(r rune) string {
	if sc := scriptOf(r); sc != "" {
		return fmt.Sprintf("%U (%s)", r, sc)
	}
	return fmt.Sprintf("%U", r)
}

// checkDomain refuses a domain that is not ASCII letters, digits and
// hyphens in dotted labels, with a top-level label of letters.
func checkDomain(s, domain string) error {
	at := utf8.RuneCountInString(s) - utf8.RuneCountInString(domain) // runes before the domain
	for i, r := range []rune(domain) {
		if r >= utf8.RuneSelf {
			return fmt.Errorf("%s is not an email address: character %d of it, %s, is not ASCII: give an international domain in its xn-- form", quote(s), at+i+1, runeName(r))
		}
	}
	labels := splitLabels(domain)
	for _, l := range labels {
		switch {
		case len(l) > maxLabelLength:
			return fmt.Errorf("%s is not an email address: the domain's part %s is longer than %d characters", quote(s), quote(l), maxLabelLength)
		case !ldh(l):
			return fmt.Errorf("%s is not an email address: the domain's part %s may hold only letters, digits and inner hyphens", quote(s), quote(l))
		}
	}
	if tld := labels[len(labels)-1]; len(tld) < 2 || !hasLetter(tld) {
		return fmt.Errorf("%s is not an email address: the domain ends in %s, which is no top-level domain", quote(s), quote(tld))
	}
	return nil
}

func splitLabels(domain string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(domain); i++ {
		if i == len(domain) || domain[i] == '.' {
			out = append(out, domain[start:i])
			start = i + 1
		}
	}
	return out
}

// ldh reports whether a label is letters, digits and hyphens, starting and
// ending with a letter or digit (RFC 1123).
func ldh(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func hasLetter(l string) bool {
	for i := 0; i < len(l); i++ {
		if c := l[i] | 0x20; c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

// checkScripts refuses a local part whose letters mix scripts beyond
// UTS #39's highly restrictive profile, naming the first letter of the
// script that does not fit.
func checkScripts(s, local string) error {
	var seen []string
	for i, r := range []rune(local) {
		sc := scriptOf(r)
		if sc == "" || contains(seen, sc) {
			continue
		}
		if !allowedMix(append(seen, sc)) {
			return fmt.Errorf("%s is not an email address: character %d, %s, mixes %s into %s letters: a lookalike of another address",
				quote(s), i+1, runeName(r), sc, seen[0])
		}
		seen = append(seen, sc)
	}
	return nil
}

// scriptOf names r's script; "" for characters of every script (digits,
// punctuation, combining marks).
func scriptOf(r rune) string {
	if r < utf8.RuneSelf {
		if r|0x20 >= 'a' && r|0x20 <= 'z' {
			return "Latin"
		}
		return ""
	}
	if unicode.In(r, unicode.Common, unicode.Inherited) {
		return ""
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return "" // unassigned
}

// allowedMix reports whether scripts may appear together in one local
// part (UTS #39, highly restrictive).
func allowedMix(scripts []string) bool {
	if len(scripts) <= 1 {
		return true
	}
	for _, set := range [][]string{
		{"Latin", "Han", "Hiragana", "Katakana"},
		{"Latin", "Han", "Bopomofo"},
		{"Latin", "Han", "Hangul"},
	} {
		if subset(scripts, set) {
			return true
		}
	}
	return false
}

func subset(a, of []string) bool {
	for _, x := range a {
		if !contains(of, x) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
