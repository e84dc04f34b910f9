package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// Every text output on the demo org or a snapshot starts by saying the
// org is simulated; every JSON output carries the org with its mode.
func TestSimulatedOrgIsSaidOnEveryOutput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	snap, targets := writeBulkFiles(t, dir, 2)
	jpath := filepath.Join(dir, "j.jsonl")
	user := []string{"--user", "tkobayashi@acme.com", "--target", "takeshi.kobayashi@acme.com"}
	demoLine := "Simulated org (demo): nothing real is changed.\n"
	snapLine := "Simulated org (snapshot " + snap + "): nothing real is changed.\n"
	texts := []struct {
		first string
		args  []string
	}{
		{demoLine, append([]string{"diagnose"}, user...)},
		{demoLine, append([]string{"fix", "--dry-run", "--journal", jpath}, user...)},
		{demoLine, append([]string{"fix", "--yes", "--journal", jpath}, user...)},
		{demoLine, []string{"plan", "--targets", targets}},
		{snapLine, []string{"plan", "--snapshot", snap, "--targets", targets}},
		{snapLine, []string{"bulk", "apply", "--dry-run", "--snapshot", snap, "--targets", targets, "--journal", jpath}},
		{snapLine, []string{"bulk", "verify", "--snapshot", snap, "--targets", targets, "--journal", jpath}},
	}
	for _, c := range texts {
		code, out, stderr := runCLI(t, nil, c.args...)
		if code != exitOK && code != exitWaiting {
			t.Fatalf("%v: exit %d: %s", c.args[:2], code, stderr)
		}
		if !strings.HasPrefix(out, c.first) {
			t.Errorf("%v: output does not start with %q:\n%.300s", c.args[:2], c.first, out)
		}
	}
	jsons := [][]string{
		append([]string{"diagnose", "--json"}, user...),
		append([]string{"fix", "--dry-run", "--json", "--journal", jpath}, user...),
		{"plan", "--json", "--snapshot", snap, "--targets", targets},
		{"bulk", "apply", "--dry-run", "--json", "--snapshot", snap, "--targets", targets, "--journal", jpath},
		{"bulk", "apply", "--yes", "--json", "--snapshot", snap, "--targets", targets, "--journal", jpath, "--worksheet", filepath.Join(dir, "ws.csv")},
		{"bulk", "verify", "--json", "--snapshot", snap, "--targets", targets, "--journal", jpath},
	}
	for _, args := range jsons {
		_, out, stderr := runCLI(t, nil, args...)
		var v struct {
			Org struct{ Mode string }
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: %v: %s\n%.300s", args[:2], err, stderr, out)
		}
		if v.Org.Mode != "demo" && v.Org.Mode != "simulated" {
			t.Errorf("%v: org.mode %q, want demo or simulated:\n%.300s", args[:2], v.Org.Mode, out)
		}
		if strings.Contains(out, "Simulated org") {
			t.Errorf("%v: the text line is in the JSON", args[:2])
		}
	}
	// resume: a run waiting for a person (a handoff), reopened from its
	// kept state.
	handoff := []string{"fix", "--yes", "--journal", jpath, "--user", "paivi.jarvinen@acme.com", "--target", "paivi.jarvinen@acme.co"}
	if code, _, stderr := runCLI(t, nil, handoff...); code != exitWaiting {
		t.Fatalf("handoff fix: exit %d: %s", code, stderr)
	}
	runs, err := journal.ReadRuns(jpath)
	if err != nil {
		t.Fatal(err)
	}
	resumed := 0
	for _, r := range runs {
		if !r.Unfinished() {
			continue
		}
		resumed++
		_, out, _ := runCLI(t, nil, "resume", "--dry-run", "--journal", jpath, "--run", r.Header.RunID)
		if !strings.HasPrefix(out, "Simulated org (") {
			t.Errorf("resume --dry-run of run %s does not say the org is simulated:\n%.300s", r.Header.RunID, out)
		}
	}
	if resumed == 0 {
		t.Fatal("no unfinished run to resume")
	}
}
