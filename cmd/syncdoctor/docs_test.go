package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The release archives carry completions and man pages: gen-docs writes
// them, one man page per command.
func TestGenDocs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, nil, "gen-docs", "--dir", dir); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"completions/syncdoctor.bash", "completions/_syncdoctor", "completions/syncdoctor.fish", "completions/syncdoctor.ps1",
		"man/syncdoctor.1", "man/syncdoctor-fix.1", "man/syncdoctor-bulk-apply.1", "man/syncdoctor-resume.1"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || len(data) == 0 {
			t.Errorf("%s: %v (%d bytes)", f, err, len(data))
		}
	}
	page, _ := os.ReadFile(filepath.Join(dir, "man", "syncdoctor-bulk-apply.1"))
	if !strings.Contains(string(page), "batch-size") {
		t.Errorf("the bulk apply man page does not list its flags:\n%.400s", page)
	}
	if code, _, _ := runCLI(t, nil, "gen-docs"); code != exitBadInput {
		t.Errorf("gen-docs without --dir: exit %d, want 2", code)
	}
}
