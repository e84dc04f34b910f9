package tui

import (
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/lipgloss/v2"

	"github.com/syncdoctor/syncdoctor/steps"
)

// The fix screen's drawing: the step list, and under it the question, the
// operator's turn or how the run ended.

func (stepsPage) view(m Model, w, h int) string {
	s := m.styles
	box := m.stepsBox(w, h-3) // the title and the current step's row stay
	title := s.Title.Render("The fix") + s.Muted.Render("  run "+safetext.Clean(m.run.runID))
	for _, n := range m.run.notices {
		title += "\n" + paint(s.Warn, wrap(search.DisplayText(n), w))
	}
	rowsH := h - 1 - lipgloss.Height(title) - lipgloss.Height(box)
	return title + "\n" + m.stepRows(w, rowsH) + "\n" + box
}

// stepRows lists the steps, scrolled so that the current one shows.
func (m Model) stepRows(w, h int) string {
	r := m.run
	lines := make([]string, 0, len(r.rows))
	first := scrollStart(max(r.current, 0), len(r.rows), h)
	for i := first; i < len(r.rows) && len(lines) < h; i++ {
		lines = append(lines, m.stepLine(i, w))
	}
	return strings.Join(lines, "\n")
}

func (m Model) stepLine(i, w int) string {
	s := m.styles
	row, st := m.run.rows[i], m.run.plan[i]
	mark := map[string]string{
		stagePending: s.Muted.Render("·"), stageDone: s.OK.Render("✓"), stageSkipped: s.OK.Render("↷"),
		stageFailed: s.Error.Render("✗"), stageBlocked: s.Error.Render("■"), stageStopped: s.Warn.Render("–"),
		stageWaiting: s.Warn.Render("…"), stageAsking: s.Cursor.Render("▸"), stageYourTurn: s.Cursor.Render("▸"),
		stageByWord: s.OK.Render("✓"), stageHandedOff: s.Warn.Render("→"),
	}[row.stage]
	switch {
	case m.deps.Accessible:
		// A screen reader says words, not glyphs.
		mark = "[" + row.stage + "]"
	case mark == "":
		mark = m.spinner()
	}
	tag := m.kindTag(steps.PlanStep{Kind: st.Kind}) // the question says when it is destructive
	line := fmt.Sprintf("%s %2d. %s %s", mark, i+1, tag, safetext.Clean(st.Title))
	lw := w - stageWidth - 1
	line = fit(line, lw, 1)
	pad := strings.Repeat(" ", max(lw-lipgloss.Width(line), 0)+1)
	return line + pad + s.Muted.Render(row.stage)
}

// stepsBox is the part under the list: the question, the operator's
// turn, or how the run ended.
func (m Model) stepsBox(w, h int) string {
	r := m.run
	switch {
	case r.ask != nil:
		return m.viewAsk(w, h)
	case r.hands != nil:
		return m.viewHands(w)
	case r.running && r.verifying != nil:
		return paint(m.styles.Muted, wrap(fmt.Sprintf("%s Verifying step %d: reading the org until it shows the change, for up to %s…",
			m.spinner(), r.verifying.index+1, run.DefaultPatience().Timeout), w))
	case r.running:
		return m.styles.Muted.Render(m.spinner() + " working…")
	case r.waiting != nil:
		return m.viewWaiting(w, h)
	case r.err != nil && r.res == nil:
		return paint(m.styles.Error, wrap("The run could not be carried out: "+safetext.Clean(r.err.Error()), w))
	case r.res != nil:
		return m.viewRunEnd(w)
	}
	return ""
}

func (m Model) viewHands(w int) string {
	s := m.styles
	st := m.run.hands.step
	where, stand := "in the IdP", "the simulated IdP"
	if st.Kind == steps.KindConsole {
		where, stand = "in admin.atlassian.com", "the simulated admin console"
	}
	body := s.Title.Render("Your turn "+where+": "+safetext.Clean(st.Title)) + "\n" + wrap(safetext.Clean(st.Detail), w-4) + "\n"
	if c := m.run.rows[m.run.current].checked; c != "" {
		body += paint(s.Muted, wrap("Checked just now: "+strings.TrimPrefix(c, "ready: "), w-4)) + "\n"
	}
	body += "\n" + paint(s.Muted, wrap("This org is simulated: press enter when you would have done it, and "+stand+" does it "+
		"in your place; then the wizard verifies. esc stops here.", w-4))
	return s.Box.Width(w).Render(body)
}

func (m Model) viewWaiting(w, h int) string {
	s := m.styles
	wt := m.run.waiting
	where := "in the IdP"
	if wt.kind == steps.KindConsole {
		where = "in admin.atlassian.com"
	}
	body := s.Title.Render(fmt.Sprintf("Step %d is yours to do %s", wt.index+1, where)) + "\n" +
		wrap(run.WithoutResumeHint(wt.instructions), w-4) + "\n"
	if wt.notYet != "" {
		body += "\n" + paint(s.Warn, wrap("Not done yet: "+wt.notYet, w-4)) + "\n"
	}
	body += "\n" + s.Accent.Render("When it is done, press enter:") + " " + wrap("the wizard verifies it now, then goes on.", w-4)
	later := "\n" + paint(s.Muted, wrap("Not now? Quit: the run waits in the journal, and the next start offers it.", w-4))
	if out := s.Box.Width(w).Render(body + later); lipgloss.Height(out) <= h || h <= 0 {
		return out
	}
	return s.Box.Width(w).Render(body) // a small terminal: the one thing to do
}

func (m Model) viewRunEnd(w int) string {
	s := m.styles
	res := m.run.res
	head := runHeadline(res)
	style := s.OK
	if res.Status != journal.StatusCompleted {
		style = s.Warn
	}
	out := paint(style, wrap(head, w)) + "\n"
	for i, row := range m.run.rows {
		if row.reason != "" && row.stage != stageDone {
			out += paint(s.Muted, hang(fmt.Sprintf("  %d. %s: ", i+1, row.stage), row.reason, w)) + "\n"
		}
	}
	return out + s.Muted.Render("Press enter for the summary and the ticket note.")
}

// runHeadline says in one sentence how a run ended.
func runHeadline(res *run.Result) string {
	switch res.Status {
	case journal.StatusCompleted:
		if res.Fixed {
			return "Done: every step is carried out and the account is verified."
		}
		return "Done: every step is carried out, but nothing shows the account with its new email."
	case journal.StatusDeclined:
		return "Stopped at your request; the rest of the plan was not carried out."
	case journal.StatusBlocked:
		return "Stopped: a step found the org not as the plan expects."
	case journal.StatusWaitingOperator:
		if waitingStep(res).Kind == steps.KindHandoff {
			return "Handed off: someone this tool cannot act for must act; nothing more was changed."
		}
		return "Waiting for you: a step is yours to do (in the IdP or admin.atlassian.com)."
	}
	return "A step failed; the run stopped there."
}

// waitingStep is the step a run waits at (the zero step when none does).
func waitingStep(res *run.Result) run.StepOutcome {
	for _, st := range res.Steps {
		if st.Status == journal.StepWaiting {
			return st
		}
	}
	return run.StepOutcome{}
}
