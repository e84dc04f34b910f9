package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// hostile is what someone who can set their display name or a group's
// name might put in it: colour, a screen clear, an OSC 8 link, an OSC 52
// clipboard write, BEL, DEL, an 8-bit CSI, a carriage return, a line
// break, a right-to-left override and zero-width characters.
const hostile = "\x1b[31m\x1b[2J\x1b]8;;https://evil.example\x07link\x1b]8;;\x07\x1b]52;c;aGk=\x07\x7f\u009b1m\r\n\u202eevil\u200b\u2066\ufeff"

// hostileAddr is what may hide in an address the simulator still takes
// (it refuses control characters there): bidi and zero-width characters.
const hostileAddr = "\u202e\u200b"

// hostileOrg is the demo org (or the JIT org) with every string field the
// snapshot lets carry it made hostile: names, display names, group names
// (with the IdP's references to them), product keys, directory names, the
// org's name and id, group ids, SCIM ids, external ids; and the emails of
// the accounts no scenario is about.
func hostileOrg(t *testing.T, sc fixtures.Scenario, keep map[string]bool) string {
	t.Helper()
	snap := sc.Org()
	walkStrings(reflect.ValueOf(snap).Elem(), "", func(field string, v reflect.Value) {
		switch field {
		case "Name", "DisplayName", "ProductAccess", "Groups", "DynamicGroups", "RemovedGroups",
			"RemovedDynamicGroups", "ID", "ExternalID", "Members", "OrgGroupID":
			v.SetString(v.String() + hostile)
		case "Email", "Value", "UserName", "ScimEmail", "UserPrincipalName", "SamlNameID":
			if s := v.String(); !keep[strings.ToLower(s)] {
				v.SetString(strings.Replace(s, "@", hostileAddr+"@", 1))
			}
		}
	})
	// Domains, account ids and the org's setup are checked syntax: left
	// alone. A directory's id names its keys; the client checks the org id.
	snap.Org.ID = strings.TrimSuffix(snap.Org.ID, hostile)
	for i := range snap.Directories {
		snap.Directories[i].ID = strings.TrimSuffix(snap.Directories[i].ID, hostile)
	}
	for i := range snap.Domains {
		snap.Domains[i].Name = strings.TrimSuffix(snap.Domains[i].Name, hostile)
	}
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

// walkStrings calls f with every settable string (and *string, []string)
// in v, with the name of the struct field holding it.
func walkStrings(v reflect.Value, field string, f func(string, reflect.Value)) {
	switch v.Kind() {
	case reflect.String:
		if v.String() != "" {
			f(field, v)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			walkStrings(v.Elem(), field, f)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkStrings(v.Index(i), field, f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkStrings(v.Field(i), v.Type().Field(i).Name, f)
			}
		}
	}
}

// assertInert fails when out holds a byte below 0x20 other than LF and
// TAB, DEL, a C1 control, a bidi control or a zero-width character: what
// a terminal obeys or hides. An emoji's joiner is fine: none is in hostile.
func assertInert(t *testing.T, what, out string) {
	t.Helper()
	for i, r := range out {
		bad := r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f ||
			r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
			r == 0xfeff || r == 0x061c || r == utf8.RuneError
		if bad {
			lo, hi := max(0, i-60), min(len(out), i+60)
			t.Errorf("%s: %U at byte %d reaches the output: %q", what, r, i, out[lo:hi])
			return
		}
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
	keep := map[string]bool{}
	for _, sc := range fixtures.Scenarios() {
		keep[strings.ToLower(sc.User)], keep[strings.ToLower(sc.Target)] = true, true
	}
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
		testHostileBulk(t, keep)
	})
}

// testHostileBulk runs plan, plan --csv, bulk apply and bulk verify on the
// hostile demo org with the merger's target list and a hostile row.
func testHostileBulk(t *testing.T, keep map[string]bool) {
	merger, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "demo", "merger.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(merger), "\n") {
		for _, addr := range strings.Split(line, ",") {
			keep[strings.ToLower(strings.TrimSpace(addr))] = true
		}
	}
	dir := t.TempDir()
	snap := hostileOrg(t, fixtures.Scenarios()[0], keep)
	targets := filepath.Join(dir, "targets.csv")
	list := string(merger) + "ann\x1b[2J@acme.com,ann" + hostileAddr + "@acme.io\n"
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
