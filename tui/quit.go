package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// quitDialog asks before leaving in the middle of a fix. stopping: the
// operator said yes and the run is winding down (its journal is being
// closed); the wizard quits when the run returns, or after a grace period.
type quitDialog struct {
	runID    string
	bulk     bool // the run is a bulk change's
	stopping bool
}

// quitNowMsg ends the grace period of a stopping run.
type quitNowMsg struct{}

// quitGrace is how long a stopping run gets to journal its end.
const quitGrace = 3 * time.Second

// globalKey handles the keys that work on every screen. ok is false when
// the key is the screen's to handle.
func (m Model) globalKey(msg tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	if m.quitting != nil {
		m, cmd := m.updateQuit(msg)
		return m, cmd, true
	}
	switch {
	case key.Matches(msg, m.keys.Stop) && m.phase == phaseBulkApply && m.bulk.running && !m.bulk.stopping:
		// ctrl+c stops a bulk run, not the wizard: the summary then says
		// how to go on.
		return m.stopBulk(), nil, true
	case key.Matches(msg, m.keys.ForceQuit):
		m, cmd := m.askQuit()
		return m, cmd, true
	case key.Matches(msg, m.keys.Quit) && !m.typing():
		m, cmd := m.askQuit()
		return m, cmd, true
	case key.Matches(msg, m.keys.Help) && (msg.Code != '?' || !m.freeText()):
		m.showHelp = !m.showHelp
		return m, nil, true
	}
	return m, nil, false
}

// freeText reports whether the focused box takes any text, ? included:
// the IdP error pasted as keys may hold one. Help is on f1 there.
func (m Model) freeText() bool { return m.phase == phaseTarget }

// typing reports whether keys are text: a text box or a form has focus.
func (m Model) typing() bool {
	return m.phase == phaseSearch || m.phase == phaseTarget || m.phase == phaseBulkFile || m.formOpen()
}

// askQuit quits, or asks first when a fix is under way.
func (m Model) askQuit() (Model, tea.Cmd) {
	if !m.midFix() {
		return m.quit()
	}
	m.quitting = &quitDialog{runID: m.run.runID}
	if m.phase == phaseBulkApply {
		m.quitting = &quitDialog{runID: m.bulk.runID, bulk: true}
	}
	return m, nil
}

// midFix: leaving now would leave a run unfinished.
func (m Model) midFix() bool {
	return m.phase == phaseSteps && (m.run.running || m.run.waiting != nil) ||
		m.phase == phaseBulkApply && m.bulk.running
}

func (m Model) updateQuit(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case m.quitting.stopping:
		return m, nil
	case m.quitting.bulk && (key.Matches(msg, m.keys.Yes) || key.Matches(msg, m.keys.ForceQuit)):
		if !m.bulk.running {
			return m.quit()
		}
		m.quitting.stopping = true
		m = m.stopBulk()
		return m, tea.Tick(quitGrace, func(time.Time) tea.Msg { return quitNowMsg{} })
	case key.Matches(msg, m.keys.Yes), key.Matches(msg, m.keys.ForceQuit):
		if !m.run.running {
			return m.quit()
		}
		m.quitting.stopping = true
		var relisten tea.Cmd
		if m.run.ask != nil || m.run.hands != nil {
			// The executor waited on the operator, so nothing listened for
			// its messages: listen again to hear the run end.
			m.run.ask, m.run.hands = nil, nil
			relisten = listen(m.run.ch)
		}
		m.run = m.run.stop()
		return m, tea.Batch(relisten, tea.Tick(quitGrace, func(time.Time) tea.Msg { return quitNowMsg{} }))
	case key.Matches(msg, m.keys.No):
		m.quitting = nil
	}
	return m, nil
}

// quit ends the program. The context ends every Cmd still running.
func (m Model) quit() (Model, tea.Cmd) {
	m.cancel()
	return m, tea.Quit
}

func (m Model) viewQuit(width int) string {
	s := m.styles
	what := "fix"
	if m.quitting.bulk {
		what = "bulk change"
	}
	body := s.Title.Render("Quit in the middle of the "+what+"?") + "\n\n"
	if m.quitting.stopping {
		body += "Stopping the run and closing the journal…"
	} else {
		inner := min(width, 76) - 4
		body += wrap(fmt.Sprintf("Run %s is kept in the journal: nothing done so far is lost, "+
			"and nothing is done twice when it goes on. To go on later, run", safetext.Clean(m.quitting.runID)), inner) + "\n\n"
		body += hang("  ", m.resumeCmd, inner) + "\n\n"
		body += wrap("or open the wizard again: it offers the unfinished run.", inner) + "\n\n"
		body += s.Accent.Render("y") + " quit now   " + s.Accent.Render("n/esc") + " stay"
	}
	return s.Box.Width(min(width, 76)).Render(body)
}

// centre places a dialog in the middle of the body.
func centre(w, h int, block string) string {
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, block)
}
