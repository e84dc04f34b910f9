package diagnose

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/safetext"

	"github.com/syncdoctor/syncdoctor/client"
)

// IdpErrorInfo is what an error pasted from an IdP's provisioning log says.
type IdpErrorInfo struct {
	// Target is the email another account holds: the address in the SCIM 409
	// detail "Resource [USER]: with email[...] already exists.".
	Target string `json:"target"`
	// UserHint is the user the IdP was provisioning, when the text names one
	// (Entra: "Failed to update user 'upn' in AtlassianCloud"; Okta:
	// "Automatic provisioning of user jane@acme.com to app ..."). It is the
	// user, never the target.
	UserHint string `json:"userHint,omitempty"`
	// IdP is entra or okta when the wording is theirs, else "".
	IdP steps.IdpKind `json:"idp,omitempty"`
	// Code is Entra's error code when present, else the SCIM scimType
	// ("uniqueness" for the 409 detail).
	Code string `json:"code,omitempty"`
	// Status is the HTTP status the text reports (409 for a conflict), 0 when
	// it reports none.
	Status int `json:"status,omitempty"`
}

var (
	reBracketed    = regexp.MustCompile(`\[[^\[\]]*\]`)
	reEntraUser    = regexp.MustCompile(`(?i)failed to (?:update|create|provision) user\s*['"‘’“”]([^'"‘’“”]+)['"‘’“”]`)
	reOktaUser     = regexp.MustCompile(`(?i)provisioning of user\s+(\S+@\S+?)\s+to app`)
	reOtherUser    = regexp.MustCompile(`(?i)(?:failed to|couldn't|could not|error while) (?:update|updating|create|creating|provision|provisioning) user\s+(\S+@[^\s:]+)`)
	reEntraCode    = regexp.MustCompile(`SystemForCrossDomainIdentityManagement[A-Za-z]*`)
	reScimType     = regexp.MustCompile(`(?i)"scimType"\s*:\s*"([A-Za-z]+)"`)
	reStatusField  = regexp.MustCompile(`(?i)"status"\s*:\s*"?(\d{3})\b`)
	reStatusParen  = regexp.MustCompile(`(?i)\b(?:conflict|bad request|forbidden|not found|unauthorized)\s*\((\d{3})\)`)
	reStatusHTTP   = regexp.MustCompile(`(?i)\b(?:HTTP(?:/\d(?:\.\d)?)?|status(?:\s*code)?)\s*:?\s*(\d{3})\b`)
	reConflictWord = regexp.MustCompile(`(?i)\bconflict\b`)
)

// MaxIdpErrorBytes bounds a pasted IdP error: a provisioning log entry
// with its SCIM response body is a few kilobytes; 64 KiB takes a whole
// log page and refuses a file pasted by mistake.
const MaxIdpErrorBytes = 64 << 10

// maxNamed is how many addresses an error lists, and how many runes of a
// value from the pasted text it quotes.
const (
	maxNamed      = 3
	maxQuotedText = 80
)

// ParseIdpError reads an error pasted from an IdP's provisioning log as it
// is: the SCIM 409 body or its detail, Entra's line, Okta's message, with any
// whitespace, line breaks, JSON or HTML escaping.
//
// An address is read only where the error's own shape puts one, and only
// when all of it is a valid address: the target is the address in the 409
// detail's "with email[...]"; without that detail, and only in a text an
// IdP's provisioning wording names a user in ("Failed to update user '...'",
// "provisioning of user ... to app"), the one other whole address it names.
// Nothing is guessed from inside a word: "email[jane,doe@acme.io]" and
// random bytes name no target. A text that names no target is an
// *InputError saying what to paste instead; so is one over MaxIdpErrorBytes.
func ParseIdpError(text string) (IdpErrorInfo, error) {
	var info IdpErrorInfo
	if len(text) > MaxIdpErrorBytes {
		return info, &InputError{Reason: fmt.Sprintf("the pasted IdP error is %d KB, at most %d KB: paste the error's own lines (the SCIM response body is enough) or give --target",
			(len(text)+1023)/1024, MaxIdpErrorBytes/1024)}
	}
	s := normalizeLogText(text)
	if s == "" {
		return info, &InputError{Reason: "the pasted IdP error is empty"}
	}
	info.UserHint = idpUserHint(s)
	info.IdP = idpKindOf(s)
	info.Code = idpCode(s)
	info.Status = idpStatus(s)

	if e, ok := client.ParseConflictEmail(s); ok {
		e = cleanEmailToken(e)
		if err := address.Valid(e); err != nil {
			return info, &InputError{Reason: fmt.Sprintf("the pasted IdP error's 409 detail holds email[%s], which is no address (%v): give the target with --target",
				safetext.Cut(e, maxQuotedText), err)}
		}
		info.Target = e
		if info.Status == 0 {
			info.Status = 409 // the uniqueness detail only comes with a 409
		}
		return info, nil
	}
	if info.UserHint == "" {
		return info, &InputError{Reason: "the pasted IdP error contains no email address where an IdP's error puts one: paste the SCIM response body (\"Resource [USER]: with email[...] already exists.\") or give --target"}
	}
	// No 409 detail, but the IdP's wording: the one address besides the user's.
	others := otherAddresses(s, info.UserHint)
	switch {
	case len(others) == 1:
		info.Target = others[0]
		return info, nil
	case len(others) > 1:
		return info, &InputError{Reason: fmt.Sprintf("the pasted IdP error names several addresses (%s) and no \"with email[...]\" detail: give the target with --target", listSome(others))}
	}
	return info, &InputError{Reason: fmt.Sprintf("the pasted IdP error names only the user (%s), not the address that is taken: paste the SCIM response body (\"Resource [USER]: with email[...] already exists.\") or give --target",
		safetext.Cut(info.UserHint, maxQuotedText))}
}

// otherAddresses are the whole words of s that are valid addresses (once
// the quotes, brackets and punctuation around them are stripped), other
// than the user's, each once. A word with an address inside it ("to:ann@x.io",
// "jane,doe@acme.io") is not one.
func otherAddresses(s, user string) []string {
	var out []string
	for _, word := range strings.Fields(s) {
		if !strings.Contains(word, "@") {
			continue
		}
		e := cleanEmailToken(word)
		if address.Valid(e) != nil || strings.EqualFold(e, user) || address.ContainsFold(out, e) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// listSome lists the first maxNamed addresses, saying how many more.
func listSome(addrs []string) string {
	if len(addrs) <= maxNamed {
		return strings.Join(addrs, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(addrs[:maxNamed], ", "), len(addrs)-maxNamed)
}

// normalizeLogText undoes what copying a log line adds: JSON string escapes
// (possibly twice), HTML entities, line breaks and runs of spaces, and a
// line wrapped inside brackets (an address in "email[...]" split in two).
func normalizeLogText(text string) string {
	s := text
	for range 3 {
		u := unescapeJSONish(s)
		if u == s {
			break
		}
		s = u
	}
	s = html.UnescapeString(s)
	s = strings.Join(strings.Fields(s), " ")
	return reBracketed.ReplaceAllStringFunc(s, func(b string) string { return strings.ReplaceAll(b, " ", "") })
}

// unescapeJSONish replaces JSON string escapes wherever they appear, without
// requiring the text to be one JSON string.
func unescapeJSONish(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch n := s[i+1]; n {
		case '"', '\\', '/', '\'':
			b.WriteByte(n)
			i++
		case 'n', 'r', 't', 'b', 'f':
			b.WriteByte(' ')
			i++
		case 'u':
			if i+6 <= len(s) {
				if v, err := strconv.ParseUint(s[i+2:i+6], 16, 32); err == nil {
					r := rune(v)
					if !utf8.ValidRune(r) {
						r = utf8.RuneError
					}
					b.WriteRune(r)
					i += 5
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// cleanEmailToken strips what surrounds an address in a log: spaces (a
// wrapped line), quotes, angle brackets, "mailto:" and trailing punctuation.
func cleanEmailToken(s string) string {
	s = strings.Join(strings.Fields(s), "")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "MAILTO:")
	s = strings.Trim(s, `"'<>()‘’“”`)
	return strings.TrimRight(s, ".,;:!?")
}

func idpUserHint(s string) string {
	if m := reEntraUser.FindStringSubmatch(s); m != nil {
		return strings.TrimSpace(m[1])
	}
	if m := reOktaUser.FindStringSubmatch(s); m != nil {
		return cleanEmailToken(m[1])
	}
	if m := reOtherUser.FindStringSubmatch(s); m != nil {
		return cleanEmailToken(m[1])
	}
	return ""
}

func idpKindOf(s string) steps.IdpKind {
	l := strings.ToLower(s)
	switch {
	case reEntraCode.MatchString(s), strings.Contains(l, "in atlassiancloud"),
		strings.Contains(l, "entra"), strings.Contains(l, "azure"):
		return steps.IdpEntra
	case strings.Contains(l, "automatic provisioning of user"),
		strings.Contains(l, "errors reported by remote server"), strings.Contains(l, "okta"):
		return steps.IdpOkta
	}
	return ""
}

func idpCode(s string) string {
	if m := reEntraCode.FindString(s); m != "" {
		return m
	}
	if m := reScimType.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	if _, ok := client.ParseConflictEmail(s); ok {
		return "uniqueness"
	}
	return ""
}

func idpStatus(s string) int {
	for _, re := range []*regexp.Regexp{reStatusField, reStatusParen, reStatusHTTP} {
		if m := re.FindStringSubmatch(s); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n >= 100 && n <= 599 {
				return n
			}
		}
	}
	if reConflictWord.MatchString(s) {
		return 409
	}
	return 0
}

// ValidEmail checks an address the way diagnosis does before it reads the
// org: one plain address, no display name, a dotted domain.
func ValidEmail(s string) error { return address.Valid(s) }
