package main

import (
	"strings"
	"testing"
)

// TestWizardNeedsATerminal: with no terminal (a pipe, CI) the wizard does
// not take over anything; it says so on one line and exits 2.
func TestWizardNeedsATerminal(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, nil)
	if code != exitBadInput || !strings.Contains(stderr, "needs a terminal") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// TestWizardFlagsAreOnTheRoot: the wizard's flags parse on the bare command.
func TestWizardFlagsAreOnTheRoot(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, nil, "--accessible", "--journal", t.TempDir()+"/j.jsonl", "--snapshot", "x.json")
	if code != exitBadInput || strings.Contains(stderr, "unknown flag") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}
