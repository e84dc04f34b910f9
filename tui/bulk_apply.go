package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// The bulk run: the applier works in a Cmd, several changes at a time;
// the screen follows its progress. ctrl+c cancels the run's context: the
// changes under way end, each journaled, and resume goes on from there.

// startBulkApply journals a new bulk run of the confirmed plan and carries
// it out. The run id is made in the Cmd (randomness is I/O).
func (m Model) startBulkApply() (Model, tea.Cmd) {
	bs := m.bulk
	h := journal.RunHeader{
		Started: m.deps.Now(), Org: m.org.Client.OrgID(), Mode: m.org.Mode, Plan: bs.prep.Changes.Steps,
		Tool: m.deps.Version, OrgState: m.org.StatePath,
		Bulk: bs.prep.Run(bs.abs, bs.worksheet, 0, 0),
	}
	m.bulk.form = nil
	m.bulk.resumed = false
	m.runOrg = nil
	return m.launchBulk(bulkRequest{org: m.org, header: &h, worksheet: bs.prep.Worksheet}, h)
}

// startBulkResume goes on with a journaled bulk run on the org it worked on.
func (m Model) startBulkResume(org *run.Org, r *journal.RunLog) (Model, tea.Cmd) {
	m.runOrg = org
	m.bulk.prep, m.bulk.resumed = nil, true
	m.bulk.path, m.bulk.abs, m.bulk.worksheet = r.Header.Bulk.Targets, r.Header.Bulk.Targets, r.Header.Bulk.Worksheet
	m, cmd := m.launchBulk(bulkRequest{org: org, resume: r}, r.Header)
	m.bulk.runID = r.Header.RunID
	done := 0
	for _, st := range r.Steps {
		if st.Status.Finished() {
			done++
		}
	}
	m.bulk.progress.Done = done
	return m, cmd
}

// launchBulk starts a bulk apply session under a context of its own, which
// ctrl+c (or quitting) cancels.
func (m Model) launchBulk(req bulkRequest, h journal.RunHeader) (Model, tea.Cmd) {
	m, seq := m.nextSeq()
	ctx, cancel := context.WithCancel(m.ctx)
	ch := make(chan tea.Msg, 16)
	req.journal = m.deps.JournalPath
	b := &m.bulk
	b.seq, b.cancel, b.ch, b.org = seq, cancel, ch, req.org
	b.running, b.stopping, b.runID = true, false, ""
	b.res, b.err, b.recent, b.summaryPager = nil, nil, nil, pager{}
	b.progress = bulk.Progress{Total: len(h.Plan)}
	m.phase = phaseBulkApply
	return m, tea.Batch(bulkApplyCmd(ctx, m.ctx, req, seq, ch), listen(ch))
}

// stopBulk cancels the run: the changes under way end and are journaled,
// and the run returns as interrupted.
func (m Model) stopBulk() Model {
	if m.bulk.running && m.bulk.cancel != nil {
		m.bulk.cancel()
		m.bulk.stopping = true
	}
	return m
}

// onBulkAsync takes the answers of the bulk Cmds, whichever screen is on
// show; each carries the sequence number it was asked under.
func (m Model) onBulkAsync(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case bulkPreparedMsg:
		return m.onBulkPrepared(msg)
	case bulkConfirmedMsg:
		return m.onBulkConfirmed(msg)
	case bulkStartedMsg:
		if msg.seq == m.bulk.seq {
			m.bulk.runID = msg.header.RunID
			return m, listen(m.bulk.ch)
		}
	case bulkProgressMsg:
		if msg.seq == m.bulk.seq {
			m.bulk = m.bulk.advance(msg.p)
			return m, listen(m.bulk.ch)
		}
	case bulkDoneMsg:
		if msg.seq == m.bulk.seq {
			return m.bulkDone(msg)
		}
	}
	return m, nil
}

// advance takes one change's end. Workers report in parallel, so a report
// may overtake another: the counts only grow.
func (b bulkScreen) advance(p bulk.Progress) bulkScreen {
	b.progress.Done = max(b.progress.Done, p.Done)
	b.progress.Failed = max(b.progress.Failed, p.Failed)
	b.progress.Total = p.Total
	b.progress.Last = p.Last
	b.recent = append(b.recent, p.Last)
	if len(b.recent) > recentChanges {
		b.recent = b.recent[len(b.recent)-recentChanges:]
	}
	return b
}

// bulkDone takes the applier's return and shows the summary.
func (m Model) bulkDone(msg bulkDoneMsg) (Model, tea.Cmd) {
	b := &m.bulk
	b.cancel() // the run is over: release its context
	b.running, b.stopping = false, false
	b.res, b.err = msg.res, msg.err
	if msg.res != nil && msg.res.Status == journal.StatusInterrupted {
		b.err = nil // the summary says it stopped, and how to go on
	}
	if m.quitting != nil && m.quitting.stopping {
		return m.quit()
	}
	m.phase = phaseBulkSummary
	var changes []steps.PlanStep
	if msg.res != nil {
		for _, c := range msg.res.Changes {
			changes = append(changes, c.Step)
		}
	}
	return m, m.refreshAccounts(changes)
}

// bulkApplyPage follows the run; its state is m.bulk.
type bulkApplyPage struct{}

func (bulkApplyPage) update(m Model, _ tea.Msg) (Model, tea.Cmd) {
	return m, nil // ctrl+c is a global key here (quit.go); the rest waits
}

func (bulkApplyPage) keys(m Model) []key.Binding {
	if !m.bulk.running || m.bulk.stopping {
		return nil
	}
	return []key.Binding{m.keys.Stop}
}

func (bulkApplyPage) view(m Model, w, _ int) string {
	s := m.styles
	bs := m.bulk
	var b strings.Builder
	title := "Applying the bulk change"
	if bs.resumed {
		title = "Going on with the bulk change"
	}
	b.WriteString(s.Title.Render(title) + s.Muted.Render("  "+search.DisplayText(bs.path)) + "\n")
	if bs.runID == "" {
		b.WriteString("\n" + s.Muted.Render(m.spinner()+" writing the worksheet and opening the journal…"))
		return b.String()
	}
	b.WriteString(s.Muted.Render("run "+search.DisplayText(bs.runID)+" · journal "+search.DisplayText(m.deps.JournalPath)) + "\n\n")
	p := bs.progress
	b.WriteString(m.bar(float64(p.Done)/float64(max(p.Total, 1)), min(w, 60)) + "\n")
	counts := fmt.Sprintf("%d of %d changes ended", p.Done, p.Total)
	failed := s.Muted.Render(fmt.Sprintf(" · %d failed", p.Failed))
	if p.Failed > 0 {
		failed = s.Error.Render(fmt.Sprintf(" · %d failed or blocked", p.Failed))
	}
	b.WriteString(counts + failed + "\n\n")
	if len(bs.recent) > 0 {
		b.WriteString(s.Title.Render("Last changes") + s.Muted.Render("  newest last") + "\n")
		for _, c := range bs.recent {
			b.WriteString(m.outcomeLine(c, w) + "\n")
		}
		b.WriteString("\n")
	}
	switch {
	case bs.stopping:
		b.WriteString(s.Warn.Render(m.spinner() + " stopping: the changes under way end and are journaled…"))
	case bs.running:
		b.WriteString(s.Muted.Render(m.spinner()+" working…") + "\n\n")
		b.WriteString(paint(s.Muted, wrap("ctrl+c stops the run: the changes under way end and are journaled, nothing done "+
			"is lost, and this goes on from there:", w)) + "\n")
		b.WriteString(paint(s.Muted, indent(shellLines(m.resumeWords(), w-2), 2)))
	}
	return b.String()
}

// outcomeLine is one change as it ended: a mark, its title, and why when
// it did not end done.
func (m Model) outcomeLine(c bulk.ChangeOutcome, w int) string {
	s := m.styles
	mark := map[journal.StepStatus]string{journal.StepDone: s.OK.Render("✓"), journal.StepSkipped: s.OK.Render("↷"),
		journal.StepFailed: s.Error.Render("✗"), journal.StepBlocked: s.Error.Render("■")}[c.Status]
	if mark == "" {
		mark = s.Muted.Render("·")
	}
	text := search.DisplayText(c.Step.Title)
	if c.Status != journal.StepDone {
		status := string(c.Status)
		if c.Status == journal.StepPending {
			status = "not reached"
		}
		text += s.Muted.Render(" (" + status + ")")
	}
	if why := joinReason(c.Reason, errorOf(c.Error)); why != "" && c.Status != journal.StepDone {
		text += s.Muted.Render(": " + search.DisplayText(why))
	}
	return hang("  "+mark+" ", text, w)
}
