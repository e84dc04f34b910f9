package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/journal"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/syncdoctor/syncdoctor/fixtures"
)

// The bulk change, driven with key presses on the demo org and its
// rebrand list (fixtures/demo/targets.csv).

// writeTargets writes the demo's target list to a file of its own.
func writeTargets(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "targets.csv")
	if err := os.WriteFile(path, fixtures.DemoTargetsCSV(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// openBulkPlan goes from the search to the plan of the list at path.
func (w *wizard) openBulkPlan(path string) snap {
	w.t.Helper()
	w.waitFor("the org to load", func(s snap) bool { return s.phase == phaseSearch && s.loaded })
	w.tm.Send(tea.KeyPressMsg{Code: 'b', Mod: tea.ModCtrl})
	w.waitFor("the bulk screen", func(s snap) bool { return s.phase == phaseBulkFile })
	w.typeText(path)
	w.enter()
	return w.waitFor("the plan", func(s snap) bool { return s.phase == phaseBulkPlan || s.bulkErr != "" })
}

// confirmBulk types the number of changes on the review.
func (w *wizard) confirmBulk(n string) {
	w.t.Helper()
	w.enter()
	w.waitFor("the review", func(s snap) bool { return s.phase == phaseBulkConfirm && strings.Contains(s.view, "type "+n) })
	w.typeText(n)
	w.enter()
}

// TestBulkFlowDemo: the search's ctrl+b, the demo's target list, the table
// filtered by status, a conflict's details, the changes confirmed by their
// number (a wrong number refused), the run and its summary; then the org:
// the conflict's holder parked on its _FREE placeholder, the set-email row
// changed, the holder the apply must leave alone untouched, the worksheet
// written beside the list.
func TestBulkFlowDemo(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	dir := t.TempDir()
	targets := writeTargets(t, dir)
	deps := testDeps(d.org, dir)
	w := startWizard(t, deps, 120, 40)
	s := w.openBulkPlan(targets)
	if s.bulkErr != "" {
		t.Fatalf("the list was refused: %s", s.bulkErr)
	}
	if len(s.bulkShown) != 25 || !strings.Contains(s.view, "[all 25]") || !strings.Contains(s.view, "ready 14") ||
		!strings.Contains(s.view, "conflict 2") || !strings.Contains(s.view, "Before the switch") {
		t.Fatalf("the plan does not show the 25 rows and their counts:\n%s", s.view)
	}
	for _, want := range []string{"Changes (2), in this order", "lukasz.dabrowski_FREE@acme.io",
		"ends that user's sessions: 1 user is signed out", "The IdP's admin gets 27 worksheet lines"} {
		if !strings.Contains(s.view, want) {
			t.Errorf("the plan does not say %q:\n%s", want, s.view)
		}
	}

	// The filter: all → ready → conflict.
	w.key('f')
	s = w.waitFor("the ready rows", func(s snap) bool { return s.bulkFilter == "ready" })
	if len(s.bulkShown) != 14 || slices.ContainsFunc(s.bulkShown, func(r string) bool { return !strings.HasSuffix(r, " ready") }) {
		t.Fatalf("the ready filter shows %v", s.bulkShown)
	}
	w.key('f')
	s = w.waitFor("the conflict rows", func(s snap) bool { return s.bulkFilter == "conflict" })
	if !slices.Equal(s.bulkShown, []string{"17 conflict", "20 conflict"}) {
		t.Fatalf("the conflict filter shows %v", s.bulkShown)
	}
	// Line 17: its holder is parked; line 20's is a current, provisioned
	// person, left alone.
	if !strings.Contains(s.view, "Held by     Łukasz Dąbrowski <lukasz.dabrowski@acme.io>") ||
		!strings.Contains(s.view, "product access: confluence · not provisioned") {
		t.Errorf("line 17's details do not name its holder:\n%s", s.view)
	}
	w.key(tea.KeyDown)
	s = w.waitFor("line 20 chosen", func(s snap) bool { return s.bulkChosen == 20 })
	for _, want := range []string{"Min-jun Kim <minjun.kim@acme.io> · account 712020:afccf677-e258-4a97-a532-3de69740e598",
		"confluence, jira-product-discovery", "provisioned (the IdP owns its email)", "Left alone", "a different, current person"} {
		if !strings.Contains(s.view, want) {
			t.Errorf("line 20's details do not say %q:\n%s", want, s.view)
		}
	}

	// The review refuses another number than the count of changes.
	w.enter()
	w.waitFor("the review", func(s snap) bool { return s.phase == phaseBulkConfirm })
	w.typeText("3")
	w.enter()
	s = w.waitFor("the wrong number refused", func(s snap) bool { return strings.Contains(s.view, "type 2, the number of changes") })
	if s.phase != phaseBulkConfirm || s.bulkRunning || s.bulkRes != nil {
		t.Fatalf("a wrong number started the run: phase %d", s.phase)
	}
	w.key(tea.KeyBackspace)
	w.typeText("2")
	w.enter()
	s = w.waitFor("the summary", func(s snap) bool { return s.phase == phaseBulkSummary })
	worksheet := filepath.Join(dir, "targets.worksheet.csv")
	for _, want := range []string{"Done in Atlassian: all 2 changes made", "Run       " + s.bulkRunID,
		"Journal   " + deps.JournalPath, "Changes   2 done", "Left as they are (1)", "line 20:", worksheet,
		"syncdoctor bulk verify --targets " + targets} {
		if !strings.Contains(s.view, want) {
			t.Errorf("the summary does not say %q:\n%s", want, s.view)
		}
	}
	m := w.final()
	if p := m.bulk.progress; p.Done != 2 || p.Total != 2 || p.Failed != 0 {
		t.Errorf("the progress ended at %+v, want 2 of 2", p)
	}

	// The org after the run.
	org, demo := d.sim.Snapshot(), fixtures.Demo()
	if got := accountEmail(org, accountOf(demo, "lukasz.dabrowski@acme.io")); got != "lukasz.dabrowski_FREE@acme.io" {
		t.Errorf("line 17's holder has %q, want its placeholder", got)
	}
	if got := accountEmail(org, accountOf(demo, "kofi@acme.com")); got != "kofi.boateng@acme.io" {
		t.Errorf("line 15's account has %q, want kofi.boateng@acme.io", got)
	}
	if got := accountEmail(org, accountOf(demo, "minjun.kim@acme.io")); got != "minjun.kim@acme.io" {
		t.Errorf("line 20's holder, to be left alone, has %q", got)
	}
	ws, err := os.ReadFile(worksheet)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(ws), "\n"); n != 28 {
		t.Errorf("the worksheet has %d lines, want its header and 27", n)
	}
	runs, err := journal.ReadRuns(deps.JournalPath)
	if err != nil || len(runs) != 1 || runs[0].Header.Bulk == nil || runs[0].Status != journal.StatusCompleted {
		t.Fatalf("the journal: %v, %+v", err, runs)
	}
	if b := runs[0].Header.Bulk; b.Targets != targets || b.Worksheet != worksheet || b.WorksheetRows != 27 {
		t.Errorf("the journal's bulk part: %+v", b)
	}
}

// TestBulkBadListStaysOnThePath: a list that cannot be read says why in
// one line, FILE:LINE first, and the path stays to be corrected; a missing
// file is said plainly; esc goes back to the search.
func TestBulkBadListStaysOnThePath(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("current_email,target_email\na@acme.com,b@acme.io\nc@acme.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := startWizard(t, testDeps(d.org, dir), 120, 40)
	s := w.openBulkPlan(bad)
	want := bad + ":3: want 2 cells as in the header, got 1"
	if s.phase != phaseBulkFile || s.bulkErr != want {
		t.Fatalf("phase %d, error %q; want the path step with %q", s.phase, s.bulkErr, want)
	}
	if !slices.ContainsFunc(strings.Split(s.view, "\n"), func(l string) bool { return strings.TrimSpace(l) == want }) {
		t.Errorf("the error is not one line of its own:\n%s", s.view)
	}
	if !strings.Contains(s.view, "› "+bad) {
		t.Errorf("the path typed is gone:\n%s", s.view)
	}

	// Typing clears the error; a missing file is said plainly.
	w.typeText("x")
	w.waitFor("the error cleared", func(s snap) bool { return s.bulkErr == "" })
	w.enter()
	s = w.waitFor("the missing file", func(s snap) bool { return s.bulkErr != "" })
	if !strings.HasPrefix(s.bulkErr, "There is no file "+bad+"x") || s.phase != phaseBulkFile {
		t.Fatalf("phase %d, error %q", s.phase, s.bulkErr)
	}
	w.esc()
	w.waitFor("back on the search", func(s snap) bool { return s.phase == phaseSearch })
	w.final()
}

// TestBulkStopThenResume: ctrl+c in the middle of a bulk run stops it, not
// the wizard; the summary says how to go on; the next wizard on the same
// journal offers the run and finishes it, every change made once.
func TestBulkStopThenResume(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	dir := t.TempDir()
	targets := writeTargets(t, dir)
	deps := testDeps(d.org, dir)
	w := startWizard(t, deps, 120, 40)
	w.openBulkPlan(targets)
	// Every call now takes a while: the run is still going when ctrl+c comes.
	d.sim.SetFaults(fixtures.Faults{Latency: 400 * time.Millisecond})
	w.confirmBulk("2")
	w.waitFor("the run under way", func(s snap) bool { return s.phase == phaseBulkApply && s.bulkRunID != "" })
	w.tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	s := w.waitFor("the run stopped", func(s snap) bool { return s.phase == phaseBulkSummary })
	if s.bulkRes == nil || s.bulkRes.Status != journal.StatusInterrupted || s.quitDialog {
		t.Fatalf("after ctrl+c: %+v, quit dialog %v", s.bulkRes, s.quitDialog)
	}
	if !strings.Contains(s.view, "Stopped:") || !strings.Contains(s.view, "syncdoctor resume --journal "+deps.JournalPath) {
		t.Errorf("the summary does not say how to go on:\n%s", s.view)
	}
	w.typeText("q")
	w.tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	d.sim.SetFaults(fixtures.Faults{})

	again := startWizard(t, deps, 120, 40)
	s = again.waitFor("the offer to resume", func(s snap) bool { return s.phase == phaseResume })
	if !strings.Contains(s.view, "An unfinished bulk change") || !strings.Contains(s.view, targets) {
		t.Fatalf("the offer does not name the bulk run:\n%s", s.view)
	}
	again.enter()
	s = again.waitFor("the resumed run's summary", func(s snap) bool { return s.phase == phaseBulkSummary })
	if s.bulkRes == nil || s.bulkRes.Status != journal.StatusCompleted || s.bulkRes.Failed() {
		t.Fatalf("the resumed run: %+v\n%s", s.bulkRes, s.view)
	}
	again.final()
	org, demo := d.sim.Snapshot(), fixtures.Demo()
	if got := accountEmail(org, accountOf(demo, "lukasz.dabrowski@acme.io")); got != "lukasz.dabrowski_FREE@acme.io" {
		t.Errorf("line 17's holder has %q", got)
	}
	if got := accountEmail(org, accountOf(demo, "kofi@acme.com")); got != "kofi.boateng@acme.io" {
		t.Errorf("line 15's account has %q", got)
	}
}

// hostilePlan is a plan whose org data carries escape sequences and
// control characters, as a name set in an IdP may.
func hostilePlan() *bulk.Prepared {
	id, hid := "712020:aaaa", "712020:bbbb"
	evil := "Evil\x1b[2J\x1b]52;c;aGk=\x07 Name\r\n"
	rows := []bulk.Row{
		{Line: 2, CurrentEmail: "a@acme.com", TargetEmail: "b@acme.io", AccountID: &id, Status: bulk.RowConflict,
			Holder: &bulk.Holder{AccountID: hid, Email: "b@acme.io", Name: evil, ProductAccess: []string{"jira\x1b[31m"}},
			Path:   []bulk.EmailPath{bulk.ViaSetEmail}, Flags: []bulk.Flag{{Code: bulk.FlagHolderProductAccess, Detail: evil + " has product access"}}},
		{Line: 3, CurrentEmail: "c\x1b[1m@acme.com", TargetEmail: "d@acme.io", Status: bulk.RowNoAccount, Path: []bulk.EmailPath{}},
	}
	return &bulk.Prepared{
		Plan: &bulk.Plan{Setup: bulk.SetupNone, Rows: rows, Summary: map[bulk.RowStatus]int{bulk.RowConflict: 1, bulk.RowNoAccount: 1},
			Prerequisites: []bulk.Prerequisite{{Code: bulk.PrereqTargetEmailsTaken, Domain: "acme.io"}}},
		Changes: &bulk.Changes{Steps: []steps.PlanStep{
			{ID: steps.StepBulkParkHolder, Kind: steps.KindAPI, Destructive: true, Title: "Line 2: move " + evil + " to b_FREE@acme.io", Params: steps.Params{Line: 2}},
			{ID: steps.StepBulkSetEmail, Kind: steps.KindAPI, Destructive: true, Title: "Line 2: change a@acme.com to b@acme.io", Params: steps.Params{Line: 2}},
		}},
	}
}

// TestBulkPlanDrawsOrgDataSafely: names, emails and titles from the org
// or the list reach the screen with their control characters shown as
// escapes (search.DisplayText, as the search draws names), so no escape sequence
// of theirs reaches the terminal; and the plan and its review fit every
// window size, from the smallest the wizard takes.
func TestBulkPlanDrawsOrgDataSafely(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{40, 12}, {80, 24}, {120, 40}} {
		m := New(Deps{JournalPath: "journal.jsonl"})
		t.Cleanup(m.Close)
		m = updated(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		m.bulk.loading, m.bulk.seq, m.bulk.cancel = true, 7, func() {}
		m = updated(m, bulkPreparedMsg{seq: 7, path: "targets.csv", abs: "/x/targets.csv", worksheet: "/x/targets.worksheet.csv", prep: hostilePlan()})
		if m.phase != phaseBulkPlan {
			t.Fatalf("%v: phase %d", size, m.phase)
		}
		for _, ph := range []phase{phaseBulkPlan, phaseBulkConfirm} {
			m.phase = ph
			raw := m.View().Content
			for _, bad := range []string{"\x1b[2J", "\x1b]52", "\x07", "\r", "\x1b[31m", "\x1b[1m@"} {
				if strings.Contains(raw, bad) {
					t.Errorf("%v phase %d: the screen carries the org's %q", size, ph, bad)
				}
			}
			checkFits(t, fmt.Sprintf("%v phase %d", size, ph), ansi.Strip(raw), size[0], size[1])
		}
		if size[0] == 120 {
			m.phase = phaseBulkPlan
			if v := ansi.Strip(m.View().Content); !strings.Contains(v, `Evil\x1b[2J\x1b]52;c;aGk=\x07 Name`) {
				t.Errorf("the holder's name is not shown, made safe:\n%s", v)
			}
		}
	}
}
