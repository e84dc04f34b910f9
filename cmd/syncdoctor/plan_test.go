package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The export fixture and the target list planned against it, shared with
// steps/bulk's tests.
const (
	planExportFixture  = "../../steps/bulk/testdata/managed-accounts.csv"
	planExportTargets  = "../../steps/bulk/testdata/export-targets.csv"
	planUnreachableAPI = "http://127.0.0.1:1" // nothing listens on port 1
)

// planTestFile writes content to a file of its own and returns its path.
func planTestFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

type planJSON struct {
	Setup         string
	Prerequisites []struct{ Code, Domain string }
	Rows          []struct {
		Line      int
		Status    string
		AccountID *string
	}
	Notes []struct{ Code, Detail string }
}

func runPlanJSON(t *testing.T, env map[string]string, args ...string) planJSON {
	t.Helper()
	code, out, stderr := runCLI(t, env, append([]string{"plan", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var p planJSON
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return p
}

func (p planJSON) statuses() []string {
	var s []string
	for _, r := range p.Rows {
		s = append(s, r.Status)
	}
	return s
}

func (p planJSON) noteCodes() []string {
	var s []string
	for _, n := range p.Notes {
		s = append(s, n.Code)
	}
	return s
}

// plan --export reads nothing from Atlassian: keys pointing at an address
// where nothing listens do not matter.
func TestPlanExportOffline(t *testing.T) {
	t.Parallel()
	env := map[string]string{"ATLASSIAN_API_URL": planUnreachableAPI, "ATLASSIAN_ORG_ID": "org-1", "ATLASSIAN_ORG_API_KEY": "k"}
	p := runPlanJSON(t, env, "--export", planExportFixture, "--targets", planExportTargets)
	want := []string{"ready", "conflict", "ready", "unmanaged", "no-account", "duplicate-target", "duplicate-target", "unchanged", "invalid", "conflict"}
	if !slices.Equal(p.statuses(), want) {
		t.Errorf("statuses %v\nwant %v", p.statuses(), want)
	}
	if p.Setup != "none" {
		t.Errorf("setup %q, want none", p.Setup)
	}
	if id := p.Rows[0].AccountID; id == nil || *id != "712020:a-ann" {
		t.Errorf("row 2 account %v", id)
	}
	wantNotes := []string{"domains-not-checked", "accounts-from-export", "provisioning-not-checked", "setup-assumed"}
	if !slices.Equal(p.noteCodes(), wantNotes) {
		t.Errorf("notes %v, want %v", p.noteCodes(), wantNotes)
	}
	if !slices.ContainsFunc(p.Prerequisites, func(pr struct{ Code, Domain string }) bool {
		return pr.Code == "domain-unchecked" && pr.Domain == "acme.io"
	}) {
		t.Errorf("acme.io not listed as domain-unchecked: %v", p.Prerequisites)
	}
}

func TestPlanExportSetupAndText(t *testing.T) {
	t.Parallel()
	p := runPlanJSON(t, nil, "--export", planExportFixture, "--setup", "saml-jit", "--targets", planExportTargets)
	if p.Setup != "saml-jit" || slices.Contains(p.noteCodes(), "setup-assumed") {
		t.Errorf("setup %q notes %v", p.Setup, p.noteCodes())
	}
	code, out, stderr := runCLI(t, nil, "plan", "--export", planExportFixture, "--targets", planExportTargets)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range []string{"offline: nothing read from Atlassian", "Not checked", "domains-not-checked", "domain-unchecked: acme.io", "held by Cat (new) (712020:h-cat), has product access: jira confluence"} {
		if !strings.Contains(out, s) {
			t.Errorf("text output lacks %q:\n%s", s, out)
		}
	}
}

// What spreadsheets produce is read: a BOM, CRLF, quotes, blank lines,
// extra columns in any order. The same target twice, case aside, is
// duplicate-target on both rows.
func TestPlanTargetsTolerated(t *testing.T) {
	t.Parallel()
	targets := planTestFile(t, "targets.csv", "\ufeffnote,Target_Email, Current_Email \r\n"+
		"\"rebrand, wave 1\",ann@newco.com,ann@acme.com\r\n"+
		"\r\n"+
		"x,Team@NewCo.com,fay@acme.com\r\n"+
		"y,\"team@newco.COM\",gus@acme.com\r\n")
	p := runPlanJSON(t, nil, "--export", planExportFixture, "--targets", targets)
	if want := []string{"ready", "duplicate-target", "duplicate-target"}; !slices.Equal(p.statuses(), want) {
		t.Errorf("statuses %v, want %v", p.statuses(), want)
	}
	if lines := []int{p.Rows[0].Line, p.Rows[1].Line, p.Rows[2].Line}; !slices.Equal(lines, []int{2, 4, 5}) {
		t.Errorf("lines %v, want 2 4 5", lines)
	}
	// The same file planned against the demo org.
	demo := planTestFile(t, "demo.csv", "\ufeffid,CURRENT_EMAIL,target_email,comment\r\n1,agnieszka.lewandowska@acme.com,agnieszka.lewandowska@acme.io,\r\n")
	if p := runPlanJSON(t, nil, "--targets", demo); len(p.Rows) != 1 || p.Rows[0].Line != 2 {
		t.Errorf("demo plan rows %+v", p.Rows)
	}
}

// plan --csv never hands a spreadsheet a formula, whatever the target list
// holds.
func TestPlanCSVEscapesFormulas(t *testing.T) {
	t.Parallel()
	targets := planTestFile(t, "targets.csv", "current_email,target_email\n"+
		"\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",ann@newco.com\n"+
		"ann@acme.com,+1@newco.com\n"+
		"-2,@x\n")
	code, out, stderr := runCLI(t, nil, "plan", "--export", planExportFixture, "--targets", targets, "--csv")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		for _, cell := range rec {
			if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r") {
				t.Errorf("cell %q would run as a formula:\n%s", cell, out)
			}
		}
	}
	if !strings.Contains(out, `'=HYPERLINK(`) || !strings.Contains(out, "'+1@newco.com") || !strings.Contains(out, "'-2,'@x") {
		t.Errorf("escaped cells missing:\n%s", out)
	}
}

// Every refusal exits 2 with one line: the file and line for a bad file.
func TestPlanBadInput(t *testing.T) {
	t.Parallel()
	good := planExportTargets
	files := map[string]string{
		"misspelled":  "curent_email,target_email\na@old.com,a@new.com\n",
		"spaced":      "current_email,Target Email\n",
		"noheader":    "a@old.com,a@new.com\n",
		"twice":       "current_email,target_email,TARGET_EMAIL\n",
		"short":       "current_email,target_email\r\na@old.com,a@new.com\r\nb@old.com\r\n",
		"latin1":      "current_email,target_email\nJos\xe9@old.com,jose@new.com\n",
		"exp-short":   "Atlassian ID,Email,Name\n712020:1,ann@acme.com\n",
		"exp-noemail": "Atlassian ID,Name\n",
		"exp-claimed": "Email,Claimed\n\nann@acme.com,perhaps\n",
	}
	paths := map[string]string{}
	for name, content := range files {
		paths[name] = planTestFile(t, name+".csv", content)
	}
	tests := []struct {
		name string
		args []string
		want string // stderr, "%s" standing for the file's path
	}{
		{"misspelled header", []string{"--targets", paths["misspelled"]}, `%s:1: header column "curent_email": did you mean current_email?`},
		{"header with a space", []string{"--targets", paths["spaced"]}, `%s:1: header column "Target Email": did you mean target_email?`},
		{"no header", []string{"--targets", paths["noheader"]}, `%s:1: no header: the first line "a@old.com,a@new.com" holds addresses; put the header current_email,target_email above it`},
		{"column twice", []string{"--targets", paths["twice"]}, `%s:1: header names target_email twice (columns 2 and 3): keep one`},
		{"short row", []string{"--targets", paths["short"]}, `%s:3: want 2 cells as in the header, got 1`},
		{"not UTF-8", []string{"--targets", paths["latin1"]}, `%s:2: not valid UTF-8 (save the file as CSV UTF-8)`},
		{"export: short row", []string{"--export", paths["exp-short"], "--targets", good}, `%s:2: want 3 cells as in the header, got 2`},
		{"export: no email column", []string{"--export", paths["exp-noemail"], "--targets", good}, `%s:1: header "Atlassian ID,Name": no email column (want Email or Email address)`},
		{"export: bad claimed", []string{"--export", paths["exp-claimed"], "--targets", good}, `%s:3: claimed "perhaps": want yes or no`},
		{"export: missing file", []string{"--export", "/nonexistent/export.csv", "--targets", good}, `--export: open /nonexistent/export.csv: no such file or directory`},
		{"export and snapshot", []string{"--export", planExportFixture, "--snapshot", "org.json", "--targets", good}, `--export and --snapshot: choose one (--export plans from the export alone)`},
		{"setup without export", []string{"--setup", "saml-jit", "--targets", good}, `--setup goes with --export: a live or simulated org's setup is read from the org`},
		{"unknown setup", []string{"--export", planExportFixture, "--setup", "okta", "--targets", good}, `--setup "okta": want none, saml-jit, saml-scim or google-workspace`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, stderr := runCLI(t, nil, append([]string{"plan"}, tt.args...)...)
			if code != exitBadInput {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitBadInput, stderr)
			}
			want := tt.want
			if strings.HasPrefix(want, "%s") {
				want = fileArg(tt.args) + want[2:]
			}
			if stderr != "syncdoctor: "+want+"\n" {
				t.Errorf("stderr %q\nwant   %q", stderr, "syncdoctor: "+want+"\n")
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

// fileArg is the file an error is about: the export when given, else the
// target list.
func fileArg(args []string) string {
	for _, flag := range []string{"--export", "--targets"} {
		if i := slices.Index(args, flag); i >= 0 {
			return args[i+1]
		}
	}
	return ""
}
