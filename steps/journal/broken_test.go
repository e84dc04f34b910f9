package journal

import (
	"path/filepath"
	"strings"
	"testing"
)

// When a write fails (the disk goes away under the open journal), nothing
// more is written: appending after a failed write would corrupt the middle.
func TestWriteFailureBreaksTheJournal(t *testing.T) {
	j, err := Open(filepath.Join(t.TempDir(), "journal.jsonl"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := j.Append(&Record{Type: RecRunStart, Run: "r1"}); err != nil {
		t.Fatal(err)
	}
	j.file.Close()
	if _, err := j.Append(&Record{Type: RecStepStart, Run: "r1"}); err == nil {
		t.Fatal("a write to a closed file succeeded")
	}
	_, err = j.Append(&Record{Type: RecStepStart, Run: "r1"})
	if err == nil || !strings.Contains(err.Error(), "an earlier write failed") {
		t.Errorf("append after a failed write: %v", err)
	}
	if j.LastSeq() != 1 {
		t.Errorf("last sequence %d, want 1: a failed write takes no number", j.LastSeq())
	}
}
