package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// The review before a bulk apply: every change in its order, the rows left
// alone, what it costs, and a typed confirmation of the number of changes,
// as a destructive step of a fix asks for the affected email.

// bulkConfirmedMsg: the accessible-mode confirmation (run outside the
// TUI) ended; ok when the operator confirmed.
type bulkConfirmedMsg struct {
	seq int
	ok  bool
}

// openBulkConfirm shows the review with a fresh form.
func (m Model) openBulkConfirm() (Model, tea.Cmd) {
	if m.bulk.nothingToDo() {
		return m, nil
	}
	w, _ := m.bodySize()
	m, seq := m.nextSeq()
	m.bulk.seq = seq
	m.bulk.form = huh.NewForm(huh.NewGroup(m.bulkConfirmField())).
		WithShowHelp(false).
		WithWidth(w - 4).
		WithTheme(huh.ThemeFunc(formTheme))
	m.bulk.confirmPager = pager{}
	m.phase = phaseBulkConfirm
	form := m.bulk.form
	if m.deps.Accessible {
		return m, tea.Exec(&formExec{form: form}, func(err error) tea.Msg {
			return bulkConfirmedMsg{seq: seq, ok: err == nil && bulkConfirmOK(form)}
		})
	}
	if m.bg != nil {
		form.Update(*m.bg)
	}
	return m, form.Init()
}

// bulkConfirmField asks for the number of changes; with none to make (only
// the worksheet to write) a yes is enough.
func (m Model) bulkConfirmField() huh.Field {
	n := len(m.bulk.prep.Changes.Steps)
	if n == 0 {
		title := "Write the worksheet?"
		if m.deps.Accessible {
			title = m.bulkCountLead() + " " + title
		}
		return huh.NewConfirm().Key("ok").Title(title).Affirmative("Write it").Negative("Back")
	}
	want := strconv.Itoa(n)
	title := "Changes:"
	if m.deps.Accessible {
		title = m.bulkCountLead() + " Leave it empty to go back. Changes:"
	}
	accessible := m.deps.Accessible
	return huh.NewInput().Key("count").Title(title).Validate(func(v string) error {
		v = strings.TrimSpace(v)
		if v == want || (v == "" && accessible) {
			return nil
		}
		return fmt.Errorf("type %s, the number of changes", want)
	})
}

// bulkConfirmOK reads the form's answer: the number typed, or yes.
func bulkConfirmOK(f *huh.Form) bool {
	if f.State != huh.StateCompleted {
		return false
	}
	if v, ok := f.Get("count").(string); ok {
		return strings.TrimSpace(v) != ""
	}
	return f.GetBool("ok")
}

// bulkCountLead is what the operator is asked, said above the form.
func (m Model) bulkCountLead() string {
	n := len(m.bulk.prep.Changes.Steps)
	if n == 0 {
		return fmt.Sprintf("Nothing changes in Atlassian: the apply only writes the IdP admin's worksheet (%d lines) and journals the run.",
			len(m.bulk.prep.Worksheet))
	}
	lead := fmt.Sprintf("To make these changes, type %d, the number of changes.", n)
	if !m.deps.Accessible {
		return lead // the review above the form lists them
	}
	// A plain prompt is all an accessible run shows: it lists the changes.
	const most = 50
	var b strings.Builder
	b.WriteString("The changes, in order:")
	for i, st := range m.bulk.prep.Changes.Steps {
		if i == most {
			fmt.Fprintf(&b, " ... and %d more (the journal lists them all).", n-most)
			break
		}
		fmt.Fprintf(&b, " %d. %s.", i+1, search.DisplayText(st.Title))
	}
	return b.String() + " " + lead
}

func (m Model) onBulkConfirmed(msg bulkConfirmedMsg) (Model, tea.Cmd) {
	if msg.seq != m.bulk.seq || m.phase != phaseBulkConfirm {
		return m, nil
	}
	if !msg.ok {
		m.bulk.form = nil
		m.phase = phaseBulkPlan
		return m, nil
	}
	return m.startBulkApply()
}

// bulkConfirmPage is the review; its state is m.bulk. The shared pager
// scrolls the changes while the form keeps the typed answer.
type bulkConfirmPage struct{}

func (bulkConfirmPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	if m.bulk.form == nil || m.deps.Accessible {
		return m, nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.keys.Back) {
		m.bulk.form = nil
		m.phase = phaseBulkPlan
		return m, nil
	}
	f, cmd := m.bulk.form.Update(msg)
	if ff, ok := f.(*huh.Form); ok {
		m.bulk.form = ff
	}
	switch m.bulk.form.State {
	case huh.StateCompleted:
		return m.onBulkConfirmed(bulkConfirmedMsg{seq: m.bulk.seq, ok: bulkConfirmOK(m.bulk.form)})
	case huh.StateAborted:
		return m.onBulkConfirmed(bulkConfirmedMsg{seq: m.bulk.seq})
	}
	return m, cmd
}

func (bulkConfirmPage) keys(m Model) []key.Binding {
	k := m.keys
	return []key.Binding{withHelp(k.Select, "enter", "confirm"), withHelp(k.Down, "↓/pgdn", "scroll"), withHelp(k.Back, "esc", "back")}
}

func (p bulkConfirmPage) view(m Model, w, h int) string {
	return viewPaged(m, p, w, h) + "\n" + m.bulkConfirmBox(w)
}

func (bulkConfirmPage) textRows(m Model, w, h int) int {
	return h - 1 - lipgloss.Height(m.bulkConfirmBox(w))
}

func (bulkConfirmPage) pager(m *Model) *pager { return &m.bulk.confirmPager }

func (bulkConfirmPage) text(m Model, w int) string {
	s := m.styles
	bs := m.bulk
	ch := bs.prep.Changes
	var b strings.Builder
	n := len(ch.Steps)
	if n > 0 {
		b.WriteString(s.Title.Render(fmt.Sprintf("Review: %d %s, in this order", n, plural(n, "change", "changes"))) + "\n")
		b.WriteString(paint(s.Muted, wrap("Holders of taken targets are parked on _FREE placeholders first, then the emails "+
			"are set, a few at a time. Each change is checked right before it is made, journaled, and read back.", w)) + "\n")
		for i, st := range ch.Steps {
			tag := s.Danger.Render("[destructive] ")
			if !st.Destructive {
				tag = ""
			}
			b.WriteString(hang(fmt.Sprintf("%*d. ", len(strconv.Itoa(n)), i+1), tag+search.DisplayText(st.Title), w) + "\n")
		}
	} else {
		b.WriteString(s.Title.Render("Review: no change to make in Atlassian") + "\n")
	}
	if prs := bs.prep.Plan.Prerequisites; len(prs) > 0 {
		b.WriteString("\n" + s.Warn.Render("Before the switch") + "\n")
		for _, g := range prereqGroups(prs) {
			b.WriteString(hang("  · ", fmt.Sprintf(g.long, strings.Join(g.domains, ", ")), w) + "\n")
		}
	}
	if len(ch.Left) > 0 {
		b.WriteString("\n" + s.Warn.Render(fmt.Sprintf("Left as they are (%d)", len(ch.Left))) + "\n")
		for _, l := range ch.Left {
			b.WriteString(hang(fmt.Sprintf("  line %d: ", l.Line), search.DisplayText(l.Reason), w) + "\n")
		}
	}
	b.WriteString("\n")
	for _, c := range m.bulkCost(bs.worksheet) {
		b.WriteString(paint(s.Warn, wrap(c, w)) + "\n")
	}
	b.WriteString(paint(s.Muted, wrap("The worksheet is written before the first change. The run is journaled in "+m.deps.JournalPath+
		"; if it stops part way, this goes on without making a change twice:", w)) + "\n")
	b.WriteString(paint(s.Muted, indent(shellLines(m.resumeWords(), w-2), 2)) + "\n")
	if m.org.Simulated() {
		b.WriteString(paint(s.Muted, wrap("This org is simulated: nothing real is changed.", w)) + "\n")
	}
	return b.String()
}

// bulkConfirmBox is the question under the review.
func (m Model) bulkConfirmBox(w int) string {
	s := m.styles
	body := wrap(m.bulkCountLead(), w-4)
	if m.bulk.form != nil && !m.deps.Accessible {
		body += "\n" + m.bulk.form.View()
	}
	return s.Box.Width(w).Render(strings.TrimRight(body, "\n"))
}
