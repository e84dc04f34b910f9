package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/syncdoctor/syncdoctor/fixtures"
)

// TestGoldenScreens keeps the main screens as text (colours stripped) at
// 80×24 and 120×40, on the demo's duplicate-account case. Regenerate with
// go test ./tui -run TestGoldenScreens -update.
func TestGoldenScreens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			goldenFlow(t, size[0], size[1])
		})
	}
}

func goldenFlow(t *testing.T, width, height int) {
	d := startDemo(t, false)
	dir := t.TempDir()
	w := startWizard(t, testDeps(d.org, dir), width, height)
	shot := func(name string) {
		t.Helper()
		s := w.settle()
		view := strings.ReplaceAll(s.view, dir, "$DIR")
		if s.runID != "" {
			view = strings.ReplaceAll(view, s.runID, "$RUNID")
		}
		t.Run(name, func(t *testing.T) { golden.RequireEqual(t, []byte(view)) })
	}

	w.waitFor("the org to load", func(s snap) bool { return s.phase == phaseSearch && s.loaded })
	w.typeText("takeshi kobayasi") // misspelled
	w.waitFor("hits", func(s snap) bool { return len(s.rows) > 1 })
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
