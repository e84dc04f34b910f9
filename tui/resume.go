package tui

import (
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// resumeScreen offers, on start, the journal's unfinished run: go on with
// it (nothing done is done again) or start a new case.
type resumeScreen struct {
	seq     int
	run     *journal.RunLog
	opening bool
	err     error
	back    phase // where "start a new case" goes
}

func (m Model) onJournalRead(msg journalReadMsg) (Model, tea.Cmd) {
	if msg.run == nil || m.phase > phaseSearch {
		// An unreadable journal is not this screen's problem: a run will
		// report it when it opens the journal to write.
		return m, nil
	}
	m.resume = resumeScreen{run: msg.run, back: m.phase}
	m.phase = phaseResume
	return m, nil
}

// resumePage is the screen of the resume phase; its state is m.resume.
type resumePage struct{}

func (resumePage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || m.resume.opening {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Resume):
		m, seq := m.nextSeq()
		m.resume.seq, m.resume.opening, m.resume.err = seq, true, nil
		return m, openRunOrgCmd(m.ctx, m.deps.Open, m.resume.run, seq)
	case key.Matches(k, m.keys.Fresh):
		return m.leaveResume(), nil
	case key.Matches(k, m.keys.Dismiss):
		// It stays in the journal; the next start offers the one before.
		return m.leaveResume(), dismissRunCmd(m.deps.JournalPath, m.resume.run.Header.RunID)
	}
	return m, nil
}

// leaveResume goes to where a new case starts.
func (m Model) leaveResume() Model {
	m.phase = m.resume.back
	if m.phase == phaseLoading && m.loading.done {
		m.phase = phaseSearch
	}
	return m
}

// onRunDismissed: a journal that cannot be written is said on the search.
func (m Model) onRunDismissed(msg runDismissedMsg) Model {
	if msg.err != nil {
		m.search.stale = "The run could not be dismissed: " + msg.err.Error()
	}
	return m
}

func (m Model) onRunOrgOpened(msg runOrgOpenedMsg) (Model, tea.Cmd) {
	if msg.seq != m.resume.seq {
		return m, nil
	}
	m.resume.opening = false
	if msg.err != nil {
		m.resume.err = msg.err
		return m, nil
	}
	m.opened = append(m.opened, msg.org)
	if msg.run.Header.Bulk != nil {
		return m.startBulkResume(msg.org, msg.run)
	}
	return m.startResume(msg.org, msg.run)
}

func (resumePage) keys(m Model) []key.Binding {
	return []key.Binding{m.keys.Resume, m.keys.Fresh, m.keys.Dismiss}
}

func (resumePage) view(m Model, w, _ int) string {
	s := m.styles
	r := m.resume.run
	h := r.Header
	var b strings.Builder
	row := func(label, v string) { // one line each: ids and addresses are not wrapped; the journal's words cleaned
		b.WriteString(s.Muted.Render(fmt.Sprintf("  %-9s ", label)) + safetext.Clean(v) + "\n")
	}
	if h.Bulk != nil {
		b.WriteString(s.Title.Render("An unfinished bulk change is in the journal") + "\n\n")
		row("Run", h.RunID+", started "+h.Started.Local().Format("2006-01-02 15:04"))
		row("Targets", search.DisplayText(h.Bulk.Targets))
		row("Changes", bulkEnded(r))
		row("Org", h.Org+" ("+string(h.Mode)+")")
		row("Stopped", r.Status.Words())
		b.WriteString("\n" + wrap("Going on checks each remaining change against the org right before it is made: a change "+
			"already made (its answer lost in the interruption) is found made, not made twice.", w) + "\n\n")
	} else {
		b.WriteString(s.Title.Render("An unfinished fix is in the journal") + "\n\n")
		row("Run", h.RunID+", started "+h.Started.Local().Format("2006-01-02 15:04"))
		row("User", search.DisplayText(h.User)+" → "+search.DisplayText(h.Target))
		row("Verdict", string(h.Verdict))
		row("Org", h.Org+" ("+string(h.Mode)+")")
		b.WriteString(hang(s.Muted.Render(fmt.Sprintf("  %-9s ", "Stopped")), stoppedAt(r), w) + "\n") // wrapped under its text
		b.WriteString("\n" + wrap("Going on re-checks the org before every remaining step: nothing already done is done again, "+
			"and a step that waited for you in the IdP is verified. d never offers this run again (it stays in the journal).", w) + "\n\n")
	}
	switch {
	case m.resume.opening:
		b.WriteString(m.spinner() + " Opening the org of that run…")
	case m.resume.err != nil:
		b.WriteString(paint(s.Error, wrap("It cannot be resumed here: "+safetext.Clean(m.resume.err.Error()), w)))
	}
	return b.String()
}

// bulkEnded says how many of a bulk run's changes are made, and how many failed.
func bulkEnded(r *journal.RunLog) string {
	ended, failed := 0, 0
	for _, st := range r.Steps {
		if st.Status.Finished() {
			ended++
		}
		if st.Status == journal.StepFailed || st.Status == journal.StepBlocked {
			failed++
		}
	}
	out := fmt.Sprintf("%d of %d made", ended, len(r.Steps))
	if failed > 0 {
		out += fmt.Sprintf(", %d failed or blocked (tried again)", failed)
	}
	return out
}

// stoppedAt says where and how a run stopped.
func stoppedAt(r *journal.RunLog) string {
	for i, st := range r.Steps {
		if !st.Status.Finished() {
			return fmt.Sprintf("%s, at step %d of %d: %s", r.Status.Words(), i+1, len(r.Steps), search.DisplayText(r.Header.Plan[i].Title))
		}
	}
	return r.Status.Words()
}
