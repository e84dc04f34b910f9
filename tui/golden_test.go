package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/syncdoctor/syncdoctor/fixtures"
)

// TestGoldenScreens keeps the main screens as text (colours stripped) at
// 80×24 and 120×40, on the demo's duplicate-account case. Regenerate with
// go test ./tui -run TestGoldenScreens -update.
//
// Not parallel: the flow runs in a directory of its own (t.Chdir) with a
// relative journal path, so that the path on screen is the same on every
// machine; the goldens are compared once back in the package directory.
func TestGoldenScreens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			var shots []screenShot
			t.Run("flow", func(t *testing.T) {
				t.Chdir(t.TempDir())
				shots = goldenFlow(t, size[0], size[1])
			})
			for _, s := range shots {
				t.Run(s.name, func(t *testing.T) { golden.RequireEqual(t, []byte(s.view)) })
			}
		})
	}
}

type screenShot struct{ name, view string }

func goldenFlow(t *testing.T, width, height int) []screenShot {
	d := startDemo(t, false)
	deps := testDeps(d.org, "")
	deps.JournalPath = "journal.jsonl"
	w := startWizard(t, deps, width, height)
	var shots []screenShot
	shot := func(name string) {
		t.Helper()
		s := w.settle()
		view := s.view
		if s.runID != "" {
			view = strings.ReplaceAll(view, s.runID, "RUNID0000000") // as long as a run id: same wrapping
		}
		checkFits(t, name, s.view, width, height)
		if !strings.Contains(s.view, "DEMO ORG (simulated)") {
			t.Errorf("%s: no banner saying the org is simulated:\n%s", name, s.view)
		}
		shots = append(shots, screenShot{name, trimLines(view)})
	}

	w.waitFor("the org to load", func(s snap) bool { return s.phase == phaseSearch && s.loaded })
	w.typeText("takeshi kobayasi") // misspelled
	w.waitFor("hits", func(s snap) bool { return s.query == "takeshi kobayasi" && s.settled && len(s.rows) > 1 })
	shot("search")

	for range indexOf(w.p.now().rows, "tkobayashi@acme.com") {
		w.key(tea.KeyDown)
	}
	w.enter()
	w.waitFor("the account", func(s snap) bool { return s.phase == phaseAccount && !strings.Contains(s.view, "reading") })
	shot("account")

	w.enter()
	w.waitFor("the target screen", func(s snap) bool { return s.phase == phaseTarget })
	w.tm.Send(pasteOf(fixtures.Scenarios()))
	w.waitFor("the paste read", func(s snap) bool { return s.pasted })
	shot("target-pasted")

	w.tm.Send(tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl})
	w.waitFor("the paste forgotten", func(s snap) bool { return !s.pasted })
	w.typeText("takeshi.kobayashi@acme.com")
	w.enter()
	w.diagnose()
	shot("diagnosis")

	w.enter()
	w.waitFor("the plan", func(s snap) bool { return s.phase == phasePlan })
	shot("plan")

	w.enter()
	s := w.waitFor("the first question", func(s snap) bool { return s.ask != nil })
	shot("ask-idp")
	w.answer(s)
	s = w.waitFor("the destructive question", func(s snap) bool { return s.ask != nil && s.askKind == askTyped })
	shot("ask-destructive")

	w.runRest()
	w.enter()
	w.waitFor("the summary", func(s snap) bool { return s.phase == phaseSummary })
	shot("summary")
	w.final()
	return shots
}

// runRest answers every remaining question until the run ends.
func (w *wizard) runRest() {
	for {
		s := w.waitFor("a question or the end", func(s snap) bool { return s.ask != nil || (!s.running && s.res != nil) })
		if s.ask == nil {
			return
		}
		w.answer(s)
		w.waitFor("the answer taken", func(n snap) bool { return n.ask != s.ask })
	}
}

func indexOf(rows []string, want string) int {
	for i, r := range rows {
		if r == want {
			return i
		}
	}
	return 0
}

// pasteOf is the Entra 409 of the demo's own-stray-account case, as an
// admin pastes it.
func pasteOf(scs []fixtures.Scenario) tea.PasteMsg {
	for _, sc := range scs {
		if sc.IdpError != "" {
			return tea.PasteMsg{Content: sc.IdpError}
		}
	}
	return tea.PasteMsg{}
}

// trimLines drops trailing blanks, which say nothing about the screen.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// checkFits: a screen fills the terminal exactly, never wider.
func checkFits(t *testing.T, name, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != height {
		t.Errorf("%s: %d lines, want %d", name, len(lines), height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("%s: line %d is %d wide (> %d): %q", name, i+1, w, width, l)
		}
	}
}

// TestGoldenBulk keeps the bulk change's screens as text at 120×40: the
// plan's table (every row, then the conflicts with line 20's details), the
// review, and the summary. Regenerate with
// go test ./tui -run TestGoldenBulk -update.
//
// The target list lies in a folder whose path is padded to a fixed length,
// then shown as goldenDir: paths wrap alike on every machine.
func TestGoldenBulk(t *testing.T) {
	var shots []screenShot
	t.Run("flow", func(t *testing.T) {
		dir := fixedLengthDir(t)
		t.Chdir(dir)
		shots = goldenBulkFlow(t, dir, 120, 40)
	})
	for _, s := range shots {
		t.Run(s.name, func(t *testing.T) { golden.RequireEqual(t, []byte(s.view)) })
	}
}

// goldenDir stands for the folder of the target list on screen.
var goldenDir = "/home/operator/rebrand" + strings.Repeat("-", 64-len("/home/operator/rebrand"))

// fixedLengthDir is a new folder whose path is as long as goldenDir.
func fixedLengthDir(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	if len(base)+2 > len(goldenDir) {
		t.Skipf("the temporary folder %s is too long for the golden's fixed-length path", base)
	}
	dir := filepath.Join(base, strings.Repeat("d", len(goldenDir)-len(base)-1))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

func goldenBulkFlow(t *testing.T, dir string, width, height int) []screenShot {
	d := startDemo(t, false)
	if err := os.WriteFile("targets.csv", fixtures.DemoTargetsCSV(), 0o600); err != nil {
		t.Fatal(err)
	}
	deps := testDeps(d.org, "")
	deps.JournalPath = "journal.jsonl"
	w := startWizard(t, deps, width, height)
	var shots []screenShot
	shot := func(name string) {
		t.Helper()
		s := w.settle()
		checkFits(t, name, s.view, width, height)
		view := strings.ReplaceAll(s.view, dir, goldenDir)
		if s.bulkRunID != "" {
			view = strings.ReplaceAll(view, s.bulkRunID, "RUNID0000000")
		}
		shots = append(shots, screenShot{name, trimLines(view)})
	}
	w.openBulkPlan("targets.csv")
	shot("plan")
	w.key('f')
	w.key('f')
	w.key(tea.KeyDown)
	w.waitFor("line 20 chosen", func(s snap) bool { return s.bulkChosen == 20 })
	shot("plan-conflict")
	w.enter()
	w.waitFor("the review", func(s snap) bool { return s.phase == phaseBulkConfirm })
	shot("review")
	w.typeText("2")
	w.enter()
	w.waitFor("the summary", func(s snap) bool { return s.phase == phaseBulkSummary })
	shot("summary")
	w.final()
	return shots
}
