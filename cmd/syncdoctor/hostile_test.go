package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/fixtures/hostiletest"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// hostile and hostileAddr are hostiletest's: the wizard's test uses the same.
const (
	hostile     = hostiletest.Text
	hostileAddr = hostiletest.Addr
)

// hostileOrg is the scenario's org (the demo or the JIT org) with every
// string field the snapshot lets carry it made hostile (hostiletest.Org),
// written to a file for --snapshot.
func hostileOrg(t *testing.T, sc fixtures.Scenario, keep map[string]bool) string {
	t.Helper()
	snap := sc.Org()
	hostiletest.Org(snap, keep)
	data, err := snap.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// assertInert fails when out holds a byte below 0x20 other than LF and
// TAB, DEL, a C1 control, a bidi control or a zero-width character: what
// a terminal obeys or hides (hostiletest.Inert).
func assertInert(t *testing.T, what, out string) {
	t.Helper()
	if err := hostiletest.Inert(out); err != nil {
		t.Errorf("%s: %v reaches the output", what, err)
	}
}

// TestHostileOrgReachesNoTerminal is issue 12's acceptance for terminal
// injection: an org whose every string field carries escape sequences
// goes through every command, and no control character, escape sequence,
// bidi or zero-width character of it reaches stdout, stderr or a file the
// command writes (the ticket note, the worksheet, the snapshot written
// out, the journal).
func TestHostileOrgReachesNoTerminal(t *testing.T) {
	t.Parallel()
	keep := hostiletest.Keep()
	for _, sc := range fixtures.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			snap := hostileOrg(t, sc, keep)
			jpath, note, after := filepath.Join(dir, "j.jsonl"), filepath.Join(dir, "note.md"), filepath.Join(dir, "after.json")
			user := []string{"--snapshot", snap, "--user", sc.User, "--target", sc.Target}
			check := func(args ...string) int {
				t.Helper()
				code, out, stderr := runCLI(t, nil, args...)
				assertInert(t, strings.Join(args[:2], " ")+" stdout", out)
				assertInert(t, strings.Join(args[:2], " ")+" stderr", stderr)
				return code
			}
			if code := check(append([]string{"diagnose"}, user...)...); code != exitOK {
				_, _, e := runCLI(t, nil, append([]string{"diagnose"}, user...)...)
				t.Fatalf("diagnose exit %d: %s", code, e)
			}
			check(append([]string{"diagnose", "--json"}, user...)...)
			check(append([]string{"fix", "--dry-run", "--journal", jpath}, user...)...)
			check(append([]string{"fix", "--yes", "--journal", jpath, "--note", note, "--out-snapshot", after}, user...)...)
			runs, err := journal.ReadRuns(jpath)
			if err != nil && sc.Fix != fixtures.FixNothing {
				t.Fatal(err)
			}
			for _, r := range runs {
				id := r.Header.RunID
				check("journal", "--journal", jpath)
				check("journal", id, "--journal", jpath)
				check("journal", id, "--journal", jpath, "--note")
				if r.Unfinished() {
					check("resume", "--dry-run", "--journal", jpath, "--run", id)
				}
			}
			for _, f := range []string{note, after, jpath} {
				if data, err := os.ReadFile(f); err == nil {
					assertInert(t, filepath.Base(f), string(data))
				}
			}
		})
	}
	t.Run("bulk", func(t *testing.T) {
		t.Parallel()
		testHostileBulk(t)
	})
}

// testHostileBulk runs plan, plan --csv, bulk apply and bulk verify on the
// hostile demo org with the merger's target list and hostile rows.
func testHostileBulk(t *testing.T) {
	list, keep := hostiletest.MergerList()
	dir := t.TempDir()
	snap := hostileOrg(t, fixtures.Scenarios()[0], keep)
	targets := filepath.Join(dir, "targets.csv")
	if err := os.WriteFile(targets, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	jpath, ws, after := filepath.Join(dir, "j.jsonl"), filepath.Join(dir, "ws.csv"), filepath.Join(dir, "after.json")
	check := func(args ...string) {
		t.Helper()
		code, out, stderr := runCLI(t, nil, args...)
		if code == exitBadInput {
			t.Fatalf("%v: exit %d: %s", args[:2], code, stderr)
		}
		assertInert(t, strings.Join(args[:2], " ")+" stdout", out)
		assertInert(t, strings.Join(args[:2], " ")+" stderr", stderr)
	}
	base := []string{"--snapshot", snap, "--targets", targets}
	check(append([]string{"plan"}, base...)...)
	check(append([]string{"plan", "--csv"}, base...)...)
	check(append([]string{"plan", "--json"}, base...)...)
	check(append([]string{"bulk", "apply", "--dry-run", "--journal", jpath}, base...)...)
	check(append([]string{"bulk", "apply", "--yes", "--journal", jpath, "--worksheet", ws, "--out-snapshot", after}, base...)...)
	check(append([]string{"bulk", "verify", "--journal", jpath}, base...)...)
	runs, err := journal.ReadRuns(jpath)
	if err != nil || len(runs) == 0 {
		t.Fatalf("no bulk run journaled: %v", err)
	}
	check("journal", runs[0].Header.RunID, "--journal", jpath)
	check("journal", runs[0].Header.RunID, "--journal", jpath, "--note")
	for _, f := range []string{ws, after, jpath} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		assertInert(t, filepath.Base(f), string(data))
	}
}
