// Package redacttest helps tests prove that no API key gets out: the
// spellings a hostile server echoes a key in, and a leak detector that does
// not share redact's code, so a blind spot of one is not the other's.
package redacttest

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Echoes are the spellings in which a hostile server echoes an
// Authorization header ("Bearer KEY") back, by name.
func Echoes(header string) map[string]string {
	key := strings.TrimPrefix(header, "Bearer ")
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	return map[string]string{
		"header":            header,
		"key":               key,
		"base64 header":     b64(header),
		"base64 key":        b64(key),
		"base64url key":     base64.URLEncoding.EncodeToString([]byte(key)),
		"raw base64 key":    base64.RawStdEncoding.EncodeToString([]byte(key)),
		"raw base64url key": base64.RawURLEncoding.EncodeToString([]byte(key)),
		"basic a:key":       "Basic " + b64("a:"+key),
		"basic ab:key":      "Basic " + b64("ab:"+key),
		"basic user:key":    "Basic " + b64("admin@acme.com:"+key),
		"url-encoded":       url.QueryEscape(header),
		"all percent":       percentAll(key),
		"hex":               hex.EncodeToString([]byte(key)),
		"HEX":               strings.ToUpper(hex.EncodeToString([]byte(key))),
		"json-split":        jsonSplit(key),
	}
}

func percentAll(s string) string {
	var b strings.Builder
	for i := range len(s) {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// jsonSplit writes every third character of s as a JSON \u escape, as a
// JSON encoder that escapes more than it must would.
func jsonSplit(s string) string {
	var b strings.Builder
	for i := range len(s) {
		if i%3 == 1 {
			fmt.Fprintf(&b, `\u%04x`, s[i])
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// run is how much of a key counts as a leak: any 8 consecutive bytes.
const run = 8

var (
	tokenRE   = regexp.MustCompile(`[A-Za-z0-9+/_\-]{11,}`)
	hexRE     = regexp.MustCompile(`[0-9a-fA-F]{16,}`)
	uEscapeRE = regexp.MustCompile(`\\+u([0-9a-fA-F]{4})`)
	percentRE = regexp.MustCompile(`%([0-9a-fA-F]{2})`)
)

// Leak names where text shows any run of 8 bytes of a key, in any of the
// spellings above, or "" when it shows none. It decodes rather than
// encodes: every base64-looking word (at every alignment), every hex run,
// and the text with its JSON, percent and HTML escapes undone.
func Leak(text string, keys ...string) string {
	for _, cand := range decodings(text) {
		for _, key := range keys {
			for i := 0; i+run <= len(key); i++ {
				if strings.Contains(cand.text, key[i:i+run]) {
					return fmt.Sprintf("%q of a key, %s", key[i:i+run], cand.how)
				}
			}
		}
	}
	return ""
}

type decoding struct{ text, how string }

func decodings(text string) []decoding {
	plain := html.UnescapeString(text)
	for range 3 {
		plain = uEscapeRE.ReplaceAllStringFunc(plain, func(m string) string {
			n, _ := strconv.ParseUint(m[len(m)-4:], 16, 32)
			return string(rune(n))
		})
		plain = strings.ReplaceAll(plain, `\/`, "/")
		plain = percentRE.ReplaceAllStringFunc(plain, func(m string) string {
			n, _ := strconv.ParseUint(m[1:], 16, 8)
			return string([]byte{byte(n)})
		})
	}
	out := []decoding{{text, "as written"}, {plain, "once unescaped"}}
	for _, word := range tokenRE.FindAllString(text, -1) {
		for skip := range 4 {
			w := word[skip:]
			w = w[:len(w)/4*4]
			for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
				if b, err := enc.DecodeString(strings.TrimRight(w, "=")); err == nil {
					out = append(out, decoding{string(b), "base64-decoded from " + word})
				}
			}
		}
	}
	for _, h := range hexRE.FindAllString(text, -1) {
		for skip := range 2 {
			w := h[skip:]
			if b, err := hex.DecodeString(w[:len(w)/2*2]); err == nil {
				out = append(out, decoding{string(b), "hex-decoded from " + h})
			}
		}
	}
	return out
}
