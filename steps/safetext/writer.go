package safetext

import (
	"io"
	"strings"
)

// Writer is the last guard on an output stream (the CLI's stdout and
// stderr, a file): whatever a caller forgot to clean, no character Unsafe
// reports gets through it. Line feeds and tabs pass, as the output's own
// layout; the rest is escaped in JSON's \u001b form, so that a JSON
// document written through a Writer stays valid JSON and means the same
// (encoding/json leaves DEL, C1 and the invisible characters raw inside
// its strings). It never buffers: each Write is escaped and passed on, so
// a character split across two writes is escaped as bytes.
type Writer struct {
	w io.Writer
}

// NewWriter returns a Writer passing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Unwrap is the stream the Writer guards, for output syncdoctor draws
// itself on a terminal (a progress bar's own escape sequences).
func (w *Writer) Unwrap() io.Writer { return w.w }

// Write escapes p and writes it. It reports len(p) when all of it was
// written, as io.Writer asks, although more bytes may have gone out.
func (w *Writer) Write(p []byte) (int, error) {
	s := string(p)
	if plain(s, true) {
		return w.w.Write(p)
	}
	if _, err := io.WriteString(w.w, guard(s)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// JSON escapes, in a document encoding/json wrote, the characters Unsafe
// reports that encoding/json leaves raw in strings (DEL, C1, the bidi and
// invisible characters), as \u escapes: the document means the same, and a
// terminal or editor showing it obeys none of them. Outside strings
// encoding/json writes only ASCII, so only strings change.
func JSON(data []byte) []byte {
	s := string(data)
	if plain(s, true) {
		return data
	}
	return []byte(guard(s))
}

// guard escapes s for Writer and JSON.
func guard(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	escape(&b, s, modeJSON)
	return b.String()
}
