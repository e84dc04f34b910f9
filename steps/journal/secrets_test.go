package journal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/syncdoctor/syncdoctor/client/redact/redacttest"
)

// A key echoed by a server in any spelling (base64, HTTP Basic, URL, hex,
// split by JSON escapes) is refused by Check, removed by Redact, and never
// reaches the file.
func TestSecretsCatchEveryEncoding(t *testing.T) {
	t.Parallel()
	const key = "orgkey-7Qh2sV9xLw3pZt"
	secrets := NewSecrets(key)
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := Open(path, secrets)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := j.Append(&Record{Run: "r1", Type: RecRunStart, Header: &RunHeader{RunID: "r1"}}); err != nil {
		t.Fatal(err)
	}
	for name, echo := range redacttest.Echoes("Bearer " + key) {
		text := "401 from the server: you sent " + echo
		if err := secrets.Check(text); !errors.Is(err, ErrSecretInJournal) {
			t.Errorf("%s: Check(%q) = %v", name, text, err)
		}
		if _, err := j.Append(&Record{Run: "r1", Type: RecRunEnd, Error: text}); !errors.Is(err, ErrSecretInJournal) {
			t.Errorf("%s: a record holding the key was written (%v)", name, err)
		}
		redacted := j.Redact(text)
		if l := redacttest.Leak(redacted, key); l != "" {
			t.Errorf("%s: Redact(%q) = %q still shows %s", name, text, redacted, l)
		}
		if _, err := j.Append(&Record{Run: "r1", Type: RecRunEnd, Error: redacted}); err != nil {
			t.Errorf("%s: the redacted text was refused: %v", name, err)
		}
	}
	data, _ := os.ReadFile(path)
	if l := redacttest.Leak(string(data), key); l != "" {
		t.Errorf("the journal shows %s", l)
	}
}
