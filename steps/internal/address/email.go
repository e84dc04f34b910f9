package address

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
)

// Valid accepts a bare email address: what net/mail parses, with no
// display name or angle brackets, exactly one @, a non-empty local part of
// at most 64 characters and an ASCII domain of dotted labels ending in a
// top-level one, 254 characters in all; no control, bidi or invisible
// character, and no local part mixing scripts (strict.go says why). Shared
// by diagnosis and bulk. Its error quotes at most 64 characters of s.
func Valid(s string) error {
	switch {
	case s == "":
		return errors.New("the email address is empty")
	case strings.ContainsAny(s, " \t\r\n"):
		return fmt.Errorf("%s is not an email address: it contains spaces", quote(s))
	case strings.ContainsAny(s, "<>"):
		return fmt.Errorf("%s: give the bare address, without a name or angle brackets", quote(s))
	case strings.Count(s, "@") != 1:
		return fmt.Errorf("%s is not an email address: it needs exactly one @", quote(s))
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" {
		return fmt.Errorf("%s is not an email address: nothing before the @", quote(s))
	}
	if err := checkCharacters(s); err != nil {
		return err
	}
	if err := checkLengths(s, local, domain); err != nil {
		return err
	}
	if !strings.Contains(domain, ".") || strings.ContainsAny(domain, "[]") {
		return fmt.Errorf("%s is not an email address: the domain %s needs a dot", quote(s), quote(domain))
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" {
			return fmt.Errorf("%s is not an email address: the domain %s has an empty part", quote(s), quote(domain))
		}
	}
	if err := checkDomain(s, domain); err != nil {
		return err
	}
	if err := checkScripts(s, local); err != nil {
		return err
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return fmt.Errorf("%s is not an email address", quote(s))
	}
	return nil
}

// sameEmail compares two addresses as Atlassian does: case-insensitively.
func Same(a, b string) bool { return a != "" && strings.EqualFold(a, b) }

// emailDomain is the lower-cased domain of an address, "" when it has none.
func Domain(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(email[i+1:])
}

func ContainsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// The suffixes of placeholders: a single-user fix parks a holder on
// local_duplicate@domain (domain.md), a bulk change on local_FREE@domain
// (contract §4b).
const (
	suffixDuplicate = "_duplicate"
	suffixFree      = "_FREE"
)

// Placeholder is the n-th placeholder for parking an address on its
// own domain (domain.md): n = 1 gives local_duplicate@domain, n >= 2 gives
// local_duplicate<n>@domain.
func Placeholder(email string, n int) string { return placeholder(email, suffixDuplicate, n) }

// FreePlaceholder is the n-th placeholder a bulk change parks a target's
// holder on (contract §4b): local_FREE@domain, then local_FREE2@domain, ...
func FreePlaceholder(email string, n int) string { return placeholder(email, suffixFree, n) }

func placeholder(email, suffix string, n int) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return email
	}
	if n >= 2 {
		suffix += strconv.Itoa(n)
	}
	return local + suffix + "@" + domain
}

// IsPlaceholderOf reports whether email is one of base's placeholders,
// Placeholder(base, n) for some n >= 1 (case aside).
func IsPlaceholderOf(email, base string) bool { return isPlaceholder(email, base, suffixDuplicate) }

// IsFreePlaceholderOf reports whether email is FreePlaceholder(base, n) for
// some n >= 1 (case aside).
func IsFreePlaceholderOf(email, base string) bool { return isPlaceholder(email, base, suffixFree) }

func isPlaceholder(email, base, suffix string) bool {
	local, domain, ok := strings.Cut(base, "@")
	l2, d2, ok2 := strings.Cut(email, "@")
	if !ok || !ok2 || !strings.EqualFold(domain, d2) {
		return false
	}
	rest, found := strings.CutPrefix(strings.ToLower(l2), strings.ToLower(local+suffix))
	if !found {
		return false
	}
	if rest == "" {
		return true
	}
	n, err := strconv.Atoi(rest)
	return err == nil && n >= 2 && strconv.Itoa(n) == rest
}
