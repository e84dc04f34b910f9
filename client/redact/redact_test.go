package redact

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/client/redact/redacttest"
)

const key = "ATATT3xFfGF0-k3y/with+odd=chars_0123456789"

// encodings are the spellings a hostile server may echo a key in, written
// out here independently of Forms.
func encodings(k string) map[string]string {
	basic := func(user string) string { return base64.StdEncoding.EncodeToString([]byte(user + ":" + k)) }
	return map[string]string{
		"plain":             k,
		"bearer header":     "Bearer " + k,
		"base64 std":        base64.StdEncoding.EncodeToString([]byte(k)),
		"base64 url":        base64.URLEncoding.EncodeToString([]byte(k)),
		"base64 raw std":    base64.RawStdEncoding.EncodeToString([]byte(k)),
		"base64 raw url":    base64.RawURLEncoding.EncodeToString([]byte(k)),
		"base64 of header":  base64.StdEncoding.EncodeToString([]byte("Bearer " + k)),
		"basic a:key":       "Basic " + basic("a"),
		"basic ab:key":      "Basic " + basic("ab"),
		"basic abc:key":     "Basic " + basic("abc"),
		"basic long user":   "Basic " + basic("admin@acme.com"),
		"query escaped":     url.QueryEscape(k),
		"path escaped":      url.PathEscape(k),
		"all percent":       percentAll(k),
		"hex":               hex.EncodeToString([]byte(k)),
		"HEX":               strings.ToUpper(hex.EncodeToString([]byte(k))),
		"json \\u escapes":  `"` + jsonUEscapeEvery(k, 3) + `"`,
		"json \\/ escape":   strings.ReplaceAll(k, "/", `\/`),
		"double json":       strings.ReplaceAll(jsonUEscapeEvery(k, 5), `\`, `\\`),
		"html reference":    strings.ReplaceAll(k, "+", "&#43;"),
		"lowercase percent": lowerEscapes(url.QueryEscape(k)),
	}
}

func percentAll(s string) string {
	var b strings.Builder
	for i := range len(s) {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// lowerEscapes writes the hex digits of %XX escapes in lower case.
func lowerEscapes(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == '%' && i+2 < len(b) {
			copy(b[i+1:i+3], strings.ToLower(string(b[i+1:i+3])))
		}
	}
	return string(b)
}

// jsonUEscapeEvery writes every n-th character as \u00XX: a key split by
// JSON escapes.
func jsonUEscapeEvery(s string, n int) string {
	var b strings.Builder
	for i := range len(s) {
		if i%n == 0 {
			fmt.Fprintf(&b, `\u%04x`, s[i])
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// leaks reports which readable piece of the key (a run of 8 of its
// characters, in any spelling above) text still holds.
func leaks(t *testing.T, text string) string {
	t.Helper()
	for name, enc := range encodings(key) {
		if strings.Contains(text, enc) {
			return name
		}
	}
	for i := 0; i+8 <= len(key); i++ {
		if strings.Contains(text, key[i:i+8]) {
			return "a run of the key: " + key[i:i+8]
		}
	}
	return ""
}

func TestEveryEncodingIsRedacted(t *testing.T) {
	t.Parallel()
	k := New(key, "other-key-000000")
	for name, enc := range encodings(key) {
		text := `{"error":"bad token ` + enc + `","trace":"t-1"}`
		if !k.Contains(text) {
			t.Errorf("%s: Contains missed it in %s", name, text)
		}
		out := k.String(text)
		if l := leaks(t, out); l != "" {
			t.Errorf("%s: %q left %s in %q", name, text, l, out)
		}
		if !strings.Contains(out, Placeholder) || !strings.Contains(out, "trace") {
			t.Errorf("%s: %q became %q", name, text, out)
		}
	}
}

func TestOrdinaryTextIsLeftAlone(t *testing.T) {
	t.Parallel()
	k := New(key, "short")
	for _, text := range []string{
		"",
		"the account's email is already taken",
		`{"detail":"with email[yuki@acme.com] already exists","path":"/users/a%2Fb"}`,
		`a \u00e9 escape and a %zz stray percent & an &amp; entity`,
	} {
		if k.Contains(text) || k.String(text) != text {
			t.Errorf("%q: changed to %q", text, k.String(text))
		}
	}
	if New("short").Contains("short") {
		t.Error("a value under MinKeyLen was taken for a key")
	}
	var nilKeys *Keys
	if nilKeys.Contains(key) || nilKeys.String(key) != key || !nilKeys.Empty() {
		t.Error("nil Keys must know no key")
	}
}

// Cross-check with the independent detector: after String, no run of 8
// bytes of the key is left in any decoding of the text.
func TestNoEchoSurvives(t *testing.T) {
	t.Parallel()
	for _, k := range []string{key, "orgkey-5ecret-0001", "demo-org-key", "scim-k3y"} {
		keys := New(k)
		for name, echo := range redacttest.Echoes("Bearer " + k) {
			for _, text := range []string{echo, "token=" + echo + "&x=1", `{"detail":"` + echo + ` rejected"}`} {
				if l := redacttest.Leak(keys.String(text), k); l != "" {
					t.Errorf("key %s, %s: %q redacted to %q still shows %s", k, name, text, keys.String(text), l)
				}
			}
		}
	}
}

// A text with the key both plainly and escaped loses both.
func TestMixedSpellingsAllGo(t *testing.T) {
	t.Parallel()
	text := "plain " + key + " and split " + jsonUEscapeEvery(key, 2)
	if l := redacttest.Leak(New(key).String(text), key); l != "" {
		t.Errorf("%q left %s", New(key).String(text), l)
	}
}
