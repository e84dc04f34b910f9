package client

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/syncdoctor/syncdoctor/client/redact"
)

// redacted is what every printed form of a Secret shows.
const redacted = redact.Placeholder

// Secret is an API key. Every way Go prints or encodes a value (fmt verbs,
// %#v, JSON, text, slog) shows "[redacted]", so a key that ends up in a log
// line, an error or a journal by accident leaks nothing. Only Reveal gives
// the key, and the client calls it in one place: the Authorization header.
type Secret string

// Reveal returns the key itself. Use it only to authenticate a request.
func (s Secret) Reveal() string { return string(s) }

// String implements fmt.Stringer.
func (Secret) String() string { return redacted }

// GoString implements fmt.GoStringer (%#v).
func (Secret) GoString() string { return redacted }

// Format implements fmt.Formatter so that every verb (%x and %q included)
// prints the placeholder, not just %v and %s.
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// MarshalJSON implements json.Marshaler.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler (also used by JSON map keys,
// XML and many loggers).
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue implements slog.LogValuer.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// IsZero reports whether no key is set (without revealing it).
func (s Secret) IsZero() bool { return s == "" }
