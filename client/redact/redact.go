// Package redact finds API keys in text in the spellings a server, a proxy
// or a log may give them, and replaces them. A hostile or careless server can
// echo the Authorization header back base64-encoded ("Basic user:key"),
// URL-encoded, hex-encoded or with JSON escapes inside the key; an exact
// match alone would let any of these through into an error message, the
// journal or the screen. It makes no request and knows nothing of HTTP: the
// client and the journal both use it.
package redact

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Placeholder is what every found key is replaced with.
const Placeholder = "[redacted]"

// MinKeyLen: shorter values are no real key, and matching them would
// mangle ordinary words (an empty one, everything).
const MinKeyLen = 6

// minFormLen: an encoded fragment shorter than this could turn up in
// ordinary text by chance, so it is not looked for.
const minFormLen = 8

// Keys is a set of keys with every spelling of each that is looked for. The
// zero value and nil know no key.
type Keys struct {
	forms []string // longest first, so a whole encoding goes before its core
}

// New holds the given keys; values shorter than MinKeyLen are ignored.
func New(keys ...string) *Keys {
	k := &Keys{}
	seen := map[string]bool{}
	for _, key := range keys {
		if len(key) < MinKeyLen {
			continue
		}
		for _, f := range Forms(key) {
			if !seen[f] {
				seen[f] = true
				k.forms = append(k.forms, f)
			}
		}
	}
	slices.SortStableFunc(k.forms, func(a, b string) int { return len(b) - len(a) })
	return k
}

// Empty reports whether no key is held.
func (k *Keys) Empty() bool { return k == nil || len(k.forms) == 0 }

// Forms lists the spellings of key that are looked for: the key itself; its
// URL (query and path), JSON-string and hex (both cases) encodings; its
// base64 in the standard and URL alphabets, padded and raw; and the part of
// its base64 that does not depend on what precedes it, for each of the three
// alignments a key can have inside a longer encoded text (the "user:key" of
// HTTP Basic authentication, "Bearer key", a header echoed whole).
func Forms(key string) []string {
	if len(key) < MinKeyLen {
		return nil
	}
	forms := []string{
		key,
		url.QueryEscape(key),
		url.PathEscape(key),
		jsonEscaped(key),
		hex.EncodeToString([]byte(key)),
		strings.ToUpper(hex.EncodeToString([]byte(key))),
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		forms = append(forms, enc.EncodeToString([]byte(key)))
	}
	forms = append(forms, base64Cores(key)...)
	out := forms[:0]
	for _, f := range forms {
		if len(f) >= minFormLen || f == key {
			out = append(out, f)
		}
	}
	return out
}

// base64Cores: inside a longer base64 text, a key that starts at byte
// offset o encodes its bytes from (3 - o%3)%3 on, in whole groups of three,
// the same way whatever surrounds it. Those runs are looked for, in both
// alphabets.
func base64Cores(key string) []string {
	var cores []string
	for skip := range 3 {
		if len(key)-skip < 3 {
			break
		}
		whole := key[skip : skip+(len(key)-skip)/3*3]
		cores = append(cores,
			base64.RawStdEncoding.EncodeToString([]byte(whole)),
			base64.RawURLEncoding.EncodeToString([]byte(whole)))
	}
	return cores
}

// String replaces every spelling of every key in text with Placeholder.
// When a spelling still shows once the text's escapes are undone (a key
// whose characters a JSON string, a URL or HTML escaped, even only some of
// them), the unescaped text is returned, redacted.
func (k *Keys) String(text string) string {
	if k.Empty() {
		return text
	}
	text, _ = k.replace(text)
	if plain := unescape(text); plain != text {
		if out, found := k.replace(plain); found {
			return out
		}
	}
	return text
}

// Contains reports whether text holds any spelling of any key, as it
// stands or once its escapes are undone.
func (k *Keys) Contains(text string) bool {
	if k.Empty() {
		return false
	}
	if k.contains(text) {
		return true
	}
	plain := unescape(text)
	return plain != text && k.contains(plain)
}

func (k *Keys) contains(text string) bool {
	for _, f := range k.forms {
		if strings.Contains(text, f) {
			return true
		}
	}
	return false
}

func (k *Keys) replace(text string) (string, bool) {
	found := false
	for _, f := range k.forms {
		if strings.Contains(text, f) {
			found = true
			text = strings.ReplaceAll(text, f, Placeholder)
		}
	}
	return text, found
}

// unescape undoes the escapes a key may hide behind, a few rounds deep (a
// JSON string inside a JSON string doubles its backslashes): JSON string
// escapes, %XX escapes and HTML character references.
func unescape(text string) string {
	for range 3 {
		next := html.UnescapeString(percentDecode(jsonUnescape(text)))
		if next == text {
			break
		}
		text = next
	}
	return text
}

// jsonUnescape decodes \uXXXX (surrogate pairs included), \/ \" \\ and the
// one-letter escapes wherever they are, leaving anything else as it is.
func jsonUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		if s[i+1] == 'u' {
			if r, n := decodeU(s[i:]); n > 0 {
				b.WriteRune(r)
				i += n - 1
				continue
			}
		}
		if c, ok := simpleEscapes[s[i+1]]; ok {
			b.WriteByte(c)
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

var simpleEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// decodeU reads "\uXXXX" (and a following low surrogate) at the start of s.
func decodeU(s string) (rune, int) {
	hi, ok := hex4(s)
	if !ok {
		return 0, 0
	}
	if hi >= 0xD800 && hi < 0xDC00 {
		if lo, ok := hex4(s[6:]); ok && lo >= 0xDC00 && lo < 0xE000 {
			return (hi-0xD800)<<10 + (lo - 0xDC00) + 0x10000, 12
		}
	}
	return hi, 6
}

func hex4(s string) (rune, bool) {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(s[2:6], 16, 32)
	return rune(n), err == nil
}

// percentDecode decodes every valid %XX and leaves the rest: url's own
// unescaping gives up on the whole text at the first stray "%".
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
