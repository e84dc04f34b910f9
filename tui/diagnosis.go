package tui

import (
	"context"
	"errors"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// diagnosisScreen shows each check as diagnosis makes it, then the
// verdict in plain words and the findings.
type diagnosisScreen struct {
	seq      int
	cancel   context.CancelFunc
	ch       <-chan tea.Msg
	req      diagnose.Request
	evidence []diagnose.Evidence
	d        *diagnose.Diagnosis
	err      error
	pager    pager
}

func (m Model) startDiagnosis(req diagnose.Request) (Model, tea.Cmd) {
	m = m.stopDiagnosis()
	m, seq := m.nextSeq()
	ctx, cancel := context.WithCancel(m.ctx)
	ch := make(chan tea.Msg, 4)
	m.diag = diagnosisScreen{seq: seq, cancel: cancel, ch: ch, req: req}
	m.phase = phaseDiagnosis
	return m, tea.Batch(diagnoseCmd(ctx, m.org, req, seq, ch), listen(ch))
}

// stopDiagnosis abandons a diagnosis under way (the operator went back).
func (m Model) stopDiagnosis() Model {
	if m.diag.cancel != nil {
		m.diag.cancel()
	}
	return m
}

func (m Model) onDiagnosisAsync(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case evidenceMsg:
		if msg.seq == m.diag.seq {
			m.diag.evidence = append(m.diag.evidence, msg.ev)
			return m, listen(m.diag.ch)
		}
	case diagnosisMsg:
		if msg.seq == m.diag.seq {
			m.diag.cancel() // done: release its context
			m.diag.d, m.diag.err = msg.d, msg.err
			m.diag.pager = pager{}
		}
	}
	return m, nil
}

// diagnosisPage is the screen of the diagnosis phase; its state is
// m.diag. The shared pager scrolls it.
type diagnosisPage struct{}

func (diagnosisPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Back):
		m = m.stopDiagnosis()
		m.phase = phaseTarget
		return m, m.target.input.Focus()
	case key.Matches(k, m.keys.Retry) && m.diag.err != nil:
		return m.startDiagnosis(m.diag.req)
	case key.Matches(k, m.keys.Select) && m.diag.d != nil:
		m.plan = planScreen{}
		m.phase = phasePlan
	}
	return m, nil
}

func (diagnosisPage) keys(m Model) []key.Binding {
	k := m.keys
	switch {
	case m.diag.d != nil:
		return []key.Binding{withHelp(k.Select, "enter", "see the plan"), withHelp(k.Down, "↓/pgdn", "scroll"), k.Back}
	case m.diag.err != nil:
		return []key.Binding{k.Retry, k.Back}
	}
	return []key.Binding{withHelp(k.Back, "esc", "stop and go back")}
}

func (d diagnosisPage) view(m Model, w, h int) string {
	return viewPaged(m, d, w, h)
}

func (diagnosisPage) textRows(_ Model, _, h int) int { return h }

func (diagnosisPage) pager(m *Model) *pager { return &m.diag.pager }

func (diagnosisPage) text(m Model, w int) string {
	s := m.styles
	dg := m.diag
	var b strings.Builder
	who := firstOf(m.account.user.Email, dg.req.User) // asked by id, shown by address
	b.WriteString(s.Title.Render("Diagnosis: "+search.DisplayText(who)+" → "+search.DisplayText(dg.req.Target)) + "\n\n")
	switch {
	case dg.err != nil:
		b.WriteString(s.Error.Render("The diagnosis could not be made.") + "\n")
		b.WriteString(wrap(diagnosisError(dg.err), w) + "\n\n")
	case dg.d != nil:
		b.WriteString(m.viewVerdict(dg.d, w) + "\n")
	}
	head := "Checks"
	if dg.d == nil && dg.err == nil {
		head = m.spinner() + " Checking the org…"
	}
	b.WriteString(s.Title.Render(head) + "\n")
	for _, ev := range dg.evidence {
		b.WriteString(hang(m.okMark(), ev.Answer, w) + "\n")
		b.WriteString(s.Muted.Render("  "+ev.Call) + "\n")
	}
	return b.String()
}

// diagnosisError says what to do about an error: bad input goes back to
// the target, a failed read can be retried.
func diagnosisError(err error) string {
	var in *diagnose.InputError
	if errors.As(err, &in) {
		return safetext.Text(in.Reason) + " Press esc to change it."
	}
	return safetext.Text(diagnose.Advice(err)) + " Press r to try again."
}

func (m Model) viewVerdict(d *diagnose.Diagnosis, w int) string {
	s := m.styles
	v := diagnose.Explain(d)
	var b strings.Builder
	b.WriteString(s.Muted.Render("Verdict "+string(d.Verdict)) + "\n")
	b.WriteString(paint(s.Verdict, wrap(v.Headline, w)) + "\n")
	b.WriteString(wrap(v.Situation, w) + "\n\n")
	b.WriteString(s.Title.Render("Findings") + "\n")
	for _, f := range d.Findings {
		b.WriteString(hang("• ", f.Detail+" "+s.Muted.Render("("+string(f.Code)+")"), w) + "\n")
	}
	return b.String()
}

// okMark marks a check made: a word, not only a colour.
func (m Model) okMark() string {
	return m.styles.OK.Render("✓ ")
}
