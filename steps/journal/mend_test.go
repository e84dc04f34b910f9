package journal

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// smallJournal writes a journal of one run (start, a fact, end) and returns
// its path and bytes.
func smallJournal(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range []*Record{
		{Run: "r1", Type: RecRunStart, Header: &RunHeader{RunID: "r1"}},
		{Run: "r1", Type: RecFact, Key: "k", Value: []byte(`"v"`)},
		{Run: "r1", Type: RecRunEnd, Status: string(StatusCompleted)},
	} {
		if _, err := j.Append(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data
}

// A last record that is whole and valid but lost its line end is kept:
// read back as a record, and given its line end by Open.
func TestRecordMissingOnlyItsLineEndIsKept(t *testing.T) {
	t.Parallel()
	path, data := smallJournal(t)
	cut := data[:len(data)-1]
	if err := os.WriteFile(path, cut, 0o600); err != nil {
		t.Fatal(err)
	}
	runs, err := ReadRuns(path)
	if err != nil {
		t.Fatal(err)
	}
	if r := runs[0]; r.Torn != nil || len(r.Records) != 3 || r.Status != StatusCompleted {
		t.Fatalf("read back: torn %+v, %d records, status %s; want the last record kept", r.Torn, len(r.Records), r.Status)
	}
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if j.Torn() != nil || j.LastSeq() != 3 {
		t.Errorf("Open: torn %+v, last seq %d", j.Torn(), j.LastSeq())
	}
	if n := j.Notices(); len(n) != 1 || !strings.Contains(n[0], "line 3") || !strings.Contains(n[0], "line end added") {
		t.Errorf("notices %q", n)
	}
	if _, err := j.Append(&Record{Run: "r1", Type: RecResume}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	after, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(after), string(data)) || strings.Count(string(after), "\n") != 4 {
		t.Errorf("journal after: %s", after)
	}
	if _, err := ReadRuns(path); err != nil {
		t.Errorf("journal unreadable after the mend: %v", err)
	}
	if sides, _ := filepath.Glob(path + ".torn-*"); len(sides) != 0 {
		t.Errorf("a kept record was set aside too: %v", sides)
	}
}

// A torn last line is copied to a private side file, named in the notice,
// before it is cut off.
func TestTornLineIsKeptInASideFile(t *testing.T) {
	t.Parallel()
	path, data := smallJournal(t)
	torn := `{"run":"r1","seq":4,"time":"2026-11`
	if err := os.WriteFile(path, append(append([]byte{}, data...), torn...), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	tl := j.Torn()
	if tl == nil || tl.Line != 4 || tl.Kept == "" || !strings.HasPrefix(tl.Kept, path+".torn-") {
		t.Fatalf("torn = %+v", tl)
	}
	kept, err := os.ReadFile(tl.Kept)
	if err != nil || string(kept) != torn {
		t.Errorf("side file holds %q (%v), want %q", kept, err, torn)
	}
	if fi, err := os.Stat(tl.Kept); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("side file mode %04o, want 0600", fi.Mode().Perm())
	}
	if n := j.Notices(); len(n) != 1 || !strings.Contains(n[0], tl.Kept) || !strings.Contains(n[0], "line 4") {
		t.Errorf("notices %q, want one naming %s", n, tl.Kept)
	}
	if after, _ := os.ReadFile(path); string(after) != string(data) {
		t.Error("the torn line was not cut off")
	}
}

// A whole last line that does not fit the journal (here: its sequence
// number goes back) is torn, and leaves the journal's state as it was.
func TestUnfittingLastLineIsTornAndChangesNothing(t *testing.T) {
	t.Parallel()
	path, data := smallJournal(t)
	bad := `{"run":"r1","seq":2,"time":"2026-11-23T10:00:00.000Z","type":"run-end","status":"failed"}`
	if err := os.WriteFile(path, append(append([]byte{}, data...), bad...), 0o600); err != nil {
		t.Fatal(err)
	}
	runs, err := ReadRuns(path)
	if err != nil {
		t.Fatal(err)
	}
	if r := runs[0]; r.Torn == nil || r.Status != StatusCompleted || len(r.Records) != 3 || r.LastSeq != 3 {
		t.Fatalf("torn %+v, status %s, %d records, last seq %d", r.Torn, r.Status, len(r.Records), r.LastSeq)
	}
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if j.LastSeq() != 3 {
		t.Errorf("last seq %d, want 3: the torn line must not count", j.LastSeq())
	}
}

// A journal others may read (but not write) is made private on opening,
// and the notice says so; reading it alone changes nothing. One others may
// write is still refused.
func TestReadableJournalIsTightened(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes")
	}
	path, _ := smallJournal(t)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRuns(path); err != nil {
		t.Fatalf("ReadRuns of a 0644 journal: %v", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("reading changed the mode to %04o", fi.Mode().Perm())
	}
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after Open %04o, want 0600", fi.Mode().Perm())
	}
	if n := j.Notices(); len(n) != 1 || !strings.Contains(n[0], "mode 0644") || !strings.Contains(n[0], "now 0600") {
		t.Errorf("notices %q", n)
	}
	if err := os.Chmod(path, 0o664); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, nil); err == nil || !strings.Contains(err.Error(), "writable by group or others") {
		t.Errorf("a group-writable journal was opened: %v", err)
	}
}

// The folders Open creates for a new journal are private, and so is the
// journal.
func TestNewJournalIsPrivate(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no unix modes")
	}
	root := t.TempDir()
	path := filepath.Join(root, "a", "b", "journal.jsonl")
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	for _, dir := range []string{filepath.Join(root, "a"), filepath.Join(root, "a", "b")} {
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v (%v), want 0700", dir, fi.Mode().Perm(), err)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %04o, want 0600", fi.Mode().Perm())
	}
	if len(j.Notices()) != 0 {
		t.Errorf("a new journal has notices: %q", j.Notices())
	}
}
