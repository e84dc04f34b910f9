package csvout

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"testing"
)

func TestEscape(t *testing.T) {
	cases := map[string]string{
		"":                         "",
		"ann@acme.com":             "ann@acme.com",
		"Ann O'Neil":               "Ann O'Neil",
		"=1+1":                     "'=1+1",
		"+1":                       "'+1",
		"-2":                       "'-2",
		"@SUM(A1:A2)":              "'@SUM(A1:A2)",
		"\t=1":                     `\t=1`, // cleaned: a visible escape, which no spreadsheet runs
		"\r=1":                     `\r=1`,
		"'=1":                      "'=1", // already text to a spreadsheet: left alone
		"a=1":                      "a=1", // only the first character counts
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		// Control characters, escape sequences, bidi and invisible ones are
		// shown, not written raw: the record stays one line, and cat shows it.
		"Evil\x1b[2J\x1b]52;c;aGk=\x07": `Evil\x1b[2J\x1b]52;c;aGk=\x07`,
		"two\nlines":                    `two\nlines`,
		"\u202emoc.emca@eci":            `\u202emoc.emca@eci`,
		"ja\u200bne":                    `ja\u200bne`,
		"=\x1b[31m":                     `'=\x1b[31m`,
	}
	for in, want := range cases {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriterEscapesEveryCell(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	rec := []string{"=cmd|' /C calc'!A0", "ok", "-1", "@x", "plain, with comma"}
	orig := slices.Clone(rec)
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec, orig) {
		t.Errorf("Write changed its argument: %q", rec)
	}
	got, err := csv.NewReader(&buf).Read()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"'=cmd|' /C calc'!A0", "ok", "'-1", "'@x", "plain, with comma"}
	if !slices.Equal(got, want) {
		t.Errorf("read back %q, want %q", got, want)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterReportsWriteErrors(t *testing.T) {
	w := NewWriter(failWriter{})
	_ = w.Write([]string{"a"})
	if err := w.Flush(); err == nil || err.Error() != "disk full" {
		t.Errorf("Flush: %v, want disk full", err)
	}
}
