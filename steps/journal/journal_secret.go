package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// The journal lives on disk for months and is pasted into tickets, so no
// key may ever reach it. Two nets: the keys the process was given are
// registered and matched exactly, and anything shaped like a credential is
// matched by pattern (a key we were never told about, e.g. one echoed back
// inside an error body).

const minSecretLen = 6

var secrets struct {
	sync.RWMutex
	list []string
}

// RegisterSecret adds a value (an API key) that must never be written to
// the journal, a ticket note or a timeline. As in client's own redaction,
// values shorter than 6 characters are ignored: they are no real key, and
// matching them would refuse ordinary words (an empty one, everything).
func RegisterSecret(s string) {
	if len(s) < minSecretLen {
		return
	}
	secrets.Lock()
	defer secrets.Unlock()
	for _, have := range secrets.list {
		if have == s {
			return
		}
	}
	secrets.list = append(secrets.list, s)
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

// checkSecrets fails when text holds a registered secret (in its plain or
// JSON-escaped spelling) or credential-shaped text.
func CheckSecrets(text string) error {
	secrets.RLock()
	defer secrets.RUnlock()
	for _, s := range secrets.list {
		if strings.Contains(text, s) || strings.Contains(text, jsonEscaped(s)) {
			return fmt.Errorf("%w: a value equals a registered API key", ErrSecretInJournal)
		}
	}
	found := false
	replaceTokens(text, func(m string) string { found = true; return m })
	if found {
		return fmt.Errorf("%w: a value looks like a bearer token", ErrSecretInJournal)
	}
	return nil
}

// Redact replaces registered secrets and credential-shaped text with
// "[redacted]". Error texts pass through it before they are journaled or
// shown, because an HTTP error may echo a request header back.
func Redact(text string) string {
	secrets.RLock()
	for _, s := range secrets.list {
		text = strings.ReplaceAll(text, s, "[redacted]")
	}
	secrets.RUnlock()
	return replaceTokens(text, func(string) string { return "[redacted]" })
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
