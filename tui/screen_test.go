package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
)

// TestEveryPhaseHasAScreen: routing, drawing and help look the phase up
// in the table, so a phase without a screen would panic there.
func TestEveryPhaseHasAScreen(t *testing.T) {
	t.Parallel()
	m := New(Deps{})
	t.Cleanup(m.Close)
	for p := range phaseCount {
		if m.screens[p] == nil {
			t.Errorf("phase %d has no screen", p)
		}
	}
}

// TestSharedPagerScrolls: on a paged screen (the summary) the scroll keys
// move the text and the status stays under it, and the full help lists
// them; a screen that does not page (the account) does not list them.
func TestSharedPagerScrolls(t *testing.T) {
	t.Parallel()
	m := New(Deps{})
	t.Cleanup(m.Close)
	m = updated(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	d := &diagnose.Diagnosis{Verdict: steps.VerdictNoBlocker, Target: "new@acme.com"}
	m.summary = summaryScreen{d: d, note: strings.Repeat("A line of the ticket note.\n\n", 30)}
	m.phase = phaseSummary
	view := func() string { return ansi.Strip(m.View().Content) }

	if v := view(); !strings.Contains(v, "more below") || strings.Contains(v, "more above") {
		t.Fatalf("the top of a long summary does not say there is more below:\n%s", v)
	}
	for range 5 {
		m = updated(m, tea.KeyPressMsg{Code: tea.KeyPgDown})
	}
	v := view()
	if !strings.Contains(v, "more above") || !strings.Contains(v, "c copies the ticket note") {
		t.Errorf("at the end of the summary: no 'more above', or the note's status is gone:\n%s", v)
	}
	m = updated(m, tea.KeyPressMsg{Code: tea.KeyUp})
	if v := view(); !strings.Contains(v, "more below") {
		t.Errorf("one line up from the end, no 'more below':\n%s", v)
	}

	m = updated(m, tea.KeyPressMsg{Code: '?', Text: "?"})
	if v := view(); !strings.Contains(v, "page up") {
		t.Errorf("the summary's full help lacks the scroll keys:\n%s", v)
	}
	m.phase, m.account = phaseAccount, accountScreen{user: client.User{Email: "a@acme.com"}}
	if v := view(); strings.Contains(v, "page up") {
		t.Errorf("the account's full help lists scroll keys it does not have:\n%s", v)
	}
}

// updated is the model after msg; the Cmd is dropped.
func updated(m Model, msg tea.Msg) Model {
	next, _ := m.Update(msg)
	return next.(Model)
}
