package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// planScreen shows every step of the fix before anything is done: who
// does it (the API, the IdP, or a check) and whether it is destructive.
type planScreen struct {
	pager pager
	note  string // why the operator is back here, when a run stopped at once
}

// planPage is the screen of the plan phase; it shows the diagnosis's
// plan, with m.plan. The shared pager scrolls it.
type planPage struct{}

func (planPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Back):
		m.phase = phaseDiagnosis
	case key.Matches(k, m.keys.Select) && len(m.diag.d.Plan) == 0:
		m.summary = newDiagnosisSummary(m.diag.d, m.deps.Now())
		m.phase = phaseSummary
	case key.Matches(k, m.keys.Select):
		return m.startRun()
	}
	return m, nil
}

func (planPage) keys(m Model) []key.Binding {
	k := m.keys
	if len(m.diag.d.Plan) == 0 {
		return []key.Binding{withHelp(k.Select, "enter", "summary"), k.Back}
	}
	return []key.Binding{withHelp(k.Select, "enter", "start: each step asks first"), withHelp(k.Down, "↓/pgdn", "scroll"), k.Back}
}

func (p planPage) view(m Model, w, h int) string {
	return viewPaged(m, p, w, h)
}

func (planPage) textRows(_ Model, _, h int) int { return h }

func (planPage) pager(m *Model) *pager { return &m.plan.pager }

func (planPage) text(m Model, w int) string {
	s := m.styles
	d := m.diag.d
	var b strings.Builder
	if len(d.Plan) == 0 {
		b.WriteString(s.Title.Render("Nothing to carry out") + "\n\n")
		b.WriteString(wrap(diagnose.Explain(d).Situation, w) + "\n")
		return b.String()
	}
	count := fmt.Sprintf("%d steps", len(d.Plan))
	if len(d.Plan) == 1 {
		count = "1 step"
	}
	b.WriteString(s.Title.Render("The plan: "+count) + "\n")
	if m.plan.note != "" {
		b.WriteString(s.Warn.Render(m.plan.note) + "\n")
	}
	b.WriteString(paint(s.Muted, wrap(m.planPreamble(), w)) + "\n\n")
	for i, st := range d.Plan {
		b.WriteString(hang(fmt.Sprintf("%2d. ", i+1), m.kindTag(st)+" "+safetext.Clean(st.Title), w) + "\n")
		if st.Detail != "" {
			b.WriteString(paint(s.Muted, hang("      ", safetext.Clean(st.Detail), w)) + "\n")
		}
	}
	return b.String()
}

// planPreamble says what the run will and will not do on its own.
func (m Model) planPreamble() string {
	idp := "IdP steps are yours to do in the IdP: the wizard shows what to do, waits, and verifies."
	if m.org.IdP != nil {
		idp = "IdP steps can be done by the simulated IdP, or by you."
	}
	return "Nothing changes until you confirm each step; a destructive step asks you to type the " +
		"affected email. Every change is journaled. " + idp
}

// kindTag marks who carries a step out, and whether it destroys something.
func (m Model) kindTag(st steps.PlanStep) string {
	s := m.styles
	tag := map[steps.Kind]string{steps.KindAPI: "[API]", steps.KindConsole: "[console]", steps.KindIdP: "[IdP]",
		steps.KindCheck: "[check]", steps.KindHandoff: "[hand-off]"}[st.Kind]
	out := s.Accent.Render(tag)
	if st.Destructive {
		out += " " + s.Danger.Render("[destructive]")
	}
	return out
}
