package journal

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/syncdoctor/syncdoctor/client/redact"
)

// The journal lives on disk for months and is pasted into tickets, so no
// key may ever reach it. Two nets: the keys the process was given are
// held (Secrets) and matched in every spelling a server may echo them in
// (as given, base64 and HTTP Basic, URL, hex, JSON-escaped: package
// redact), and anything shaped like a credential is matched by pattern (a
// key we were never told about, e.g. one echoed back inside an error body).

// Secrets are the API keys this process holds: values that must never be
// written to the journal, a ticket note or a timeline. A nil *Secrets
// knows no key and still catches credential-shaped text.
type Secrets struct {
	keys *redact.Keys
}

// NewSecrets holds the given keys. As in client's own redaction, values
// shorter than 6 characters are ignored: they are no real key, and matching
// them would refuse ordinary words (an empty one, everything).
func NewSecrets(keys ...string) *Secrets {
	return &Secrets{keys: redact.New(keys...)}
}

func (s *Secrets) known() *redact.Keys {
	if s == nil {
		return nil
	}
	return s.keys
}

// tokenPatterns match credential-shaped text: an Authorization header value,
// a JWT, and Atlassian's prefixed API tokens and keys (ATATT..., ATCTT...).
// A header value must be long and hold a digit, so that prose such as
// "basic authentication" in a step's text is not taken for a token.
var tokenPatterns = []struct {
	re       *regexp.Regexp
	needsNum bool
}{
	{regexp.MustCompile(`(?i)\b(?:bearer|basic)\s+[A-Za-z0-9\-._~+/]{16,}=*`), true},
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*`), false},
	{regexp.MustCompile(`\bAT[A-Z]TT[A-Za-z0-9_\-=+/]{16,}`), false},
}

// replaceTokens calls repl for every credential-shaped run of text and
// returns the text with each replaced by what repl returns.
func replaceTokens(text string, repl func(string) string) string {
	for _, p := range tokenPatterns {
		text = p.re.ReplaceAllStringFunc(text, func(m string) string {
			if p.needsNum && !strings.ContainsAny(m, "0123456789") {
				return m
			}
			return repl(m)
		})
	}
	return text
}

// ErrSecretInJournal is returned (wrapped) when a record would carry a
// secret. The error never quotes the value.
var ErrSecretInJournal = errors.New("refusing to write a secret to the journal")

// Check fails when text holds one of the keys (in any spelling package
// redact knows) or credential-shaped text.
func (s *Secrets) Check(text string) error {
	if s.known().Contains(text) {
		return fmt.Errorf("%w: a value holds a registered API key", ErrSecretInJournal)
	}
	found := false
	replaceTokens(text, func(m string) string { found = true; return m })
	if found {
		return fmt.Errorf("%w: a value looks like a bearer token", ErrSecretInJournal)
	}
	return nil
}

// Redact replaces the keys and credential-shaped text with "[redacted]".
// Error texts pass through it before they are journaled or shown, because
// an HTTP error may echo a request header back.
func (s *Secrets) Redact(text string) string {
	text = s.known().String(text)
	return replaceTokens(text, func(string) string { return redact.Placeholder })
}
