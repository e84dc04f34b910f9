package safetext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Yuki Tanaka", "Yuki Tanaka"},
		{"", ""},
		{`a\b`, `a\b`}, // backslashes stay: Clean is idempotent
		// Ordinary text of every kind is left alone.
		{"José Łukasz Dąbrowski", "José Łukasz Dąbrowski"},
		{"田中 由紀", "田中 由紀"},
		{"محمد", "محمد"},
		{"Ann 👩‍💻 🇯🇵 👍🏽", "Ann 👩‍💻 🇯🇵 👍🏽"},
		{"🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"},
		{"می\u200cخواهم", "می\u200cخواهم"}, // Persian: the non-joiner is spelling
		// Escape sequences: the introducer is escaped, the rest is inert text.
		{"Evil\x1b[2J", `Evil\x1b[2J`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;https://evil.example\x1b\click\x1b]8;;\x1b\`},
		{"\x1b]52;c;aGk=\x07", `\x1b]52;c;aGk=\x07`},
		{"\x1bP+q\x1b\\", `\x1bP+q\x1b\`},
		{"a\u009b31mb\u009d0;t\u009c", `a\u009b31mb\u009d0;t\u009c`},
		{"a\x7fb\x00c", `a\x7fb\x00c`},
		// One line: line breaks and tabs are shown.
		{"Evil\r\nName\tx", `Evil\r\nName\tx`},
		// Bidi and invisible characters.
		{"\u202emoc.emca@eci", `\u202emoc.emca@eci`},
		{"a\u2066b\u2069c\u200ed\u200fe\u061cf", `a\u2066b\u2069c\u200ed\u200fe\u061cf`},
		{"ja\u200bne\u200d@acme\u2060.com\ufeff", `ja\u200bne\u200d@acme\u2060.com\ufeff`},
		{"ann\u00adb\u2028c\u3164", `ann\u00adb\u2028c\u3164`},
		{"tag\U000e0041", `tag\U000e0041`},
		// Bytes that are not UTF-8.
		{"b\xff\x9b@x", `b\xff\x9b@x`},
	} {
		if got := Clean(c.in); got != c.want {
			t.Errorf("Clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestText(t *testing.T) {
	in := "## note\n\n| a | b\x1b[2J |\n\tindented\r\n\u202eend"
	want := "## note\n\n| a | b\\x1b[2J |\n\tindented\\r\n\\u202eend"
	if got := Text(in); got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

func TestCut(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"a\x1bb", 10, `a\x1bb`},
		{"a\x1bbcdefghijk", 6, `a\x1b…`},
		{strings.Repeat("x@acme.com,", 20000), 20, "x@acme.com,x@acme.c…"},
		{"", 5, ""},
	} {
		if got := Cut(c.in, c.n); got != c.want {
			t.Errorf("Cut(%.20q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
		if n := utf8.RuneCountInString(Cut(c.in, c.n)); n > c.n {
			t.Errorf("Cut(%.20q, %d) has %d runes", c.in, c.n, n)
		}
	}
	if got := Quote("a\nb", 10); got != `"a\nb"` {
		t.Errorf("Quote = %s", got)
	}
}

func TestWriterKeepsLayoutAndJSON(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if _, err := w.Write([]byte("ok\tline\n")); err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal(map[string]string{"name": "Evil\x1b[2J\u202e\x7f\u0085 👩‍💻 \U000e0041"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(doc); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	if !bytes.HasPrefix(out, []byte("ok\tline\n")) {
		t.Errorf("layout changed: %q", out)
	}
	assertInert(t, string(out), true)
	var back map[string]string
	if err := json.Unmarshal(out[len("ok\tline\n"):], &back); err != nil {
		t.Fatalf("guarded JSON no longer parses: %v\n%s", err, out)
	}
	if back["name"] != "Evil\x1b[2J\u202e\x7f\u0085 👩‍💻 \U000e0041" {
		t.Errorf("guarded JSON means something else: %q", back["name"])
	}
	if !bytes.Equal(JSON(doc), out[len("ok\tline\n"):]) {
		t.Errorf("JSON and Writer differ")
	}
	var raw bytes.Buffer
	if NewWriter(&raw).Unwrap() != &raw {
		t.Error("Unwrap is not the guarded stream")
	}
}

func TestUnsafe(t *testing.T) {
	for _, r := range []rune{0, '\n', 0x1b, 0x7f, 0x85, 0x9b, 0x200b, 0x200c, 0x200d, 0x202e, 0x2066, 0xfeff, 0xe0041} {
		if !Unsafe(r) {
			t.Errorf("Unsafe(%U) = false", r)
		}
	}
	for _, r := range []rune{' ', 'a', '~', 0xa0, 'é', 'а', '田', 0x1f469, 0xfe0f} {
		if Unsafe(r) {
			t.Errorf("Unsafe(%U) = true", r)
		}
	}
}

// assertInert fails when s holds a control byte (other than LF and TAB
// when lines are allowed), a C1 control, a bidi control or an invisible
// character Clean would not keep.
func assertInert(t *testing.T, s string, lines bool) {
	t.Helper()
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			t.Fatalf("byte %d: not UTF-8 in %q", i, s)
		case lines && (r == '\n' || r == '\t'):
		case r == 0x200d || r == 0x200c || r >= 0xe0020 && r <= 0xe007f:
			// kept only in context; Clean's idempotence checks those
		case Unsafe(r):
			t.Fatalf("byte %d: %U reaches the output in %q", i, r, s)
		}
	}
}

// FuzzClean checks Clean, Text and Writer on any input: the output is
// UTF-8 with nothing a terminal obeys, cleaning twice changes nothing,
// and printable ASCII passes untouched.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"Yuki", "Evil\x1b[2J\x1b]52;c;aGk=\x07 Name\r\n", "\u202emoc.emca", "👩\u200d💻", "a\u200db",
		"می\u200cخواهم", "🏴\U000e0067\U000e007f", "\xff\x9b", "a\\x1b", "\u0085\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		assertInert(t, c, false)
		if Clean(c) != c {
			t.Fatalf("Clean is not idempotent: %q -> %q -> %q", s, c, Clean(c))
		}
		if plain(s, false) && c != s {
			t.Fatalf("printable ASCII changed: %q -> %q", s, c)
		}
		tx := Text(s)
		assertInert(t, tx, true)
		if Text(tx) != tx {
			t.Fatalf("Text is not idempotent: %q -> %q", s, tx)
		}
		var buf bytes.Buffer
		if _, err := NewWriter(&buf).Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		assertInert(t, buf.String(), true)
		if n := utf8.RuneCountInString(Cut(s, 20)); n > 20 {
			t.Fatalf("Cut gave %d runes", n)
		}
	})
}
