package tui

import (
	"fmt"
	"io"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// askKind is the shape of a step's question.
type askKind int

const (
	askConfirm askKind = iota // yes or no
	askTyped                  // destructive: type the affected email
	askWho                    // IdP step on a simulated org: who does it
)

// Values of the askWho select.
const (
	whoSimulated = "simulated"
	whoMe        = "me"
	whoStop      = "stop"
)

// askState is a step waiting for the operator's answer; reply is where
// the executor waits for it.
type askState struct {
	step  steps.PlanStep
	reply chan<- confirmReply
	form  *huh.Form
	field huh.Field // the form's one field: its value is the answer
	kind  askKind
}

// ask shows a fresh form for the step the executor asks about. In
// accessible mode the form runs outside the TUI, as plain prompts.
func (m Model) ask(msg confirmAskMsg) (Model, tea.Cmd) {
	w, _ := m.bodySize()
	a := &askState{step: msg.step, reply: msg.reply, kind: m.askKindOf(msg.step)}
	a.field = m.askField(msg.step)
	a.form = huh.NewForm(huh.NewGroup(a.field)).
		WithShowHelp(false).
		WithWidth(w - 4).
		WithTheme(huh.ThemeFunc(formTheme))
	m.run.ask = a
	if i := m.run.current; i >= 0 && i < len(m.run.rows) {
		m.run.rows[i].stage = stageAsking
	}
	form := a.form
	if m.deps.Accessible {
		return m, tea.Exec(&formExec{form: form}, func(err error) tea.Msg {
			return formExecDoneMsg{seq: msg.seq, reply: a.replyFrom(err == nil)}
		})
	}
	if m.bg != nil {
		form.Update(*m.bg)
	}
	return m, form.Init()
}

func (m Model) askKindOf(st steps.PlanStep) askKind {
	switch {
	case st.Destructive:
		return askTyped
	case st.Kind == steps.KindIdP && m.run.org.IdP != nil, st.Kind == steps.KindConsole && m.run.org.Console != nil:
		return askWho
	}
	return askConfirm
}

// askField is the question for one step. Titles stay short: an embedded
// huh form sizes itself before it wraps a long title, and would hide the
// answer under it. What the step does is said above the form (viewAsk).
// In accessible mode the prompt is all there is on screen, so its title
// says everything; and as a plain prompt has no esc, an empty answer to
// the typed confirmation means "stop here".
func (m Model) askField(st steps.PlanStep) huh.Field {
	kind := m.askKindOf(st)
	title := map[askKind]string{askTyped: "Email:", askWho: "Who does it?", askConfirm: "Go on?"}[kind]
	if m.deps.Accessible {
		title = m.accessibleTitle(st, title)
	}
	switch kind {
	case askTyped:
		email := affectedEmail(st)
		return huh.NewInput().Key("typed").Title(title).
			Validate(func(v string) error {
				v = strings.TrimSpace(v)
				if strings.EqualFold(v, email) || (v == "" && m.deps.Accessible) {
					return nil
				}
				return fmt.Errorf("that is not %s", safetext.Clean(email))
			})
	case askWho:
		stand := "Run it in the simulated IdP"
		if st.Kind == steps.KindConsole {
			stand = "Run it in the simulated admin console"
		}
		return huh.NewSelect[string]().Key("how").Title(title).Options(
			huh.NewOption(stand, whoSimulated),
			huh.NewOption("I'll do it myself (the wizard shows what to do and waits)", whoMe),
			huh.NewOption("Stop here; go on later (syncdoctor resume)", whoStop),
		)
	}
	c := huh.NewConfirm().Key("ok").Title(title).Affirmative("Do it").Negative("Stop here")
	if st.Kind == steps.KindIdP || st.Kind == steps.KindConsole {
		// Going on only shows what to do: enter goes on. A change through
		// the API keeps "Stop here" focused, so enter alone never makes it.
		yes := true
		c.Affirmative("Go on").Value(&yes)
	}
	return c
}

// formTheme is huh's Charm theme with a focused button that shows without
// colour (NO_COLOR, a monochrome terminal): reversed, bold and underlined,
// where colour alone told the two buttons apart.
func formTheme(isDark bool) *huh.Styles {
	t := huh.ThemeCharm(isDark)
	t.Focused.FocusedButton = t.Focused.FocusedButton.Reverse(true).Bold(true).Underline(true)
	t.Focused.Next = t.Focused.FocusedButton
	return t
}

// accessibleTitle is the whole question as one prompt: the step, what it
// does, what its check found, what is asked.
func (m Model) accessibleTitle(st steps.PlanStep, ask string) string {
	parts := []string{fmt.Sprintf("Step %d of %d: %s.", m.run.current+1, len(m.run.plan), safetext.Clean(st.Title))}
	if st.Destructive {
		parts = append(parts, "This change is destructive.")
	}
	parts = append(parts, safetext.Clean(st.Detail))
	if i := m.run.current; i >= 0 && i < len(m.run.rows) && m.run.rows[i].checked != "" {
		parts = append(parts, "Checked just now: "+strings.TrimPrefix(m.run.rows[i].checked, "ready: ")+".")
	}
	lead := m.askLead(st)
	if m.askKindOf(st) == askTyped {
		lead += " Leave it empty to stop here."
	}
	return strings.Join(append(parts, lead, ask), " ")
}

// askLead is what the operator is asked, said above the form.
func (m Model) askLead(st steps.PlanStep) string {
	switch m.askKindOf(st) {
	case askTyped:
		return "To confirm, type " + safetext.Clean(affectedEmail(st)) + ", " + affectedWhat(st) + " (case does not matter)."
	case askWho:
		if st.Kind == steps.KindConsole {
			return "This step happens in admin.atlassian.com: the simulated console can do it, or you can, as on a live org."
		}
		return "This step happens in the IdP: the simulated IdP can do it, or you can, as on a live org."
	}
	switch st.Kind {
	case steps.KindIdP:
		return "You do this step in the IdP: the wizard then shows what to do, and waits for you."
	case steps.KindConsole:
		return "You do this step in admin.atlassian.com: the wizard then shows what to do, and waits for you."
	}
	return "Do this step now?"
}

// affectedWhat says whose address affectedEmail is: a SCIM record's, when
// the step acts on a record rather than an account.
func affectedWhat(st steps.PlanStep) string {
	switch st.ID {
	case steps.StepUnlinkStaleRecord, steps.StepDeleteStaleRecord:
		return "the address the stale SCIM record carries"
	case steps.StepDeleteHolder:
		return "the address the account held before it moved to its placeholder"
	}
	return "the address of the account this changes"
}

// affectedEmail is the address a destructive step takes away or changes:
// the account's current email, the one the operator can check by eye.
func affectedEmail(st steps.PlanStep) string {
	return firstOf(st.Params.Email, st.Params.Target, st.Params.AccountID)
}

// replyFrom reads the operator's answer from the field; anything but a
// completed form is a no.
func (a *askState) replyFrom(completed bool) confirmReply {
	if !completed {
		return confirmReply{}
	}
	switch v := a.field.GetValue().(type) {
	case bool:
		return confirmReply{yes: v}
	case string:
		if a.kind == askWho {
			return confirmReply{yes: v != whoStop, manual: v == whoMe}
		}
		return confirmReply{yes: strings.EqualFold(strings.TrimSpace(v), affectedEmail(a.step))}
	}
	return confirmReply{}
}

// updateAsk passes keys to the form; esc answers no ("stop here").
func (m Model) updateAsk(msg tea.Msg) (Model, tea.Cmd) {
	a := m.run.ask
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, m.keys.Back) {
		return m.answer(confirmReply{})
	}
	f, cmd := a.form.Update(msg)
	if ff, ok := f.(*huh.Form); ok {
		a.form = ff
	}
	if a.form.State != huh.StateNormal {
		return m.answer(a.replyFrom(a.form.State == huh.StateCompleted))
	}
	return m, cmd
}

// answer hands the operator's answer to the waiting executor. The reply
// channel has room for the one answer, so this never blocks.
func (m Model) answer(r confirmReply) (Model, tea.Cmd) {
	m.run.ask.reply <- r
	m.run.ask = nil
	return m, listen(m.run.ch)
}

// forwardToForm gives the form on show the window size and colours.
func (m Model) forwardToForm(msg tea.Msg) tea.Cmd {
	f := m.openForm()
	if f == nil {
		return nil
	}
	_, cmd := f.Update(msg)
	return cmd
}

func (m Model) formOpen() bool { return m.openForm() != nil }

// openForm is the huh form on show, nil when none is: a step's question,
// or the bulk change's confirmation.
func (m Model) openForm() *huh.Form {
	switch {
	case m.phase == phaseSteps && m.run.ask != nil:
		return m.run.ask.form
	case m.phase == phaseBulkConfirm && m.bulk.form != nil && !m.deps.Accessible:
		return m.bulk.form
	}
	return nil
}

func (m Model) askKeys() []key.Binding {
	k := m.keys
	stop := withHelp(k.Back, "esc", "stop here")
	switch m.run.ask.kind {
	case askTyped:
		return []key.Binding{withHelp(k.Select, "enter", "confirm"), stop}
	case askWho:
		return []key.Binding{k.Up, k.Down, withHelp(k.Select, "enter", "choose"), stop}
	}
	return []key.Binding{
		key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "no")),
		key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "switch")),
		withHelp(k.Select, "enter", "answer"), stop,
	}
}

// viewAsk shows the step, what its check found and the question.
// viewAsk draws the question in w×h: on a small terminal the step's
// detail, then the check's words, then the destructive warning's
// explanation give way, so that the answer's field always shows.
func (m Model) viewAsk(w, h int) string {
	s := m.styles
	a := m.run.ask
	st := a.step
	title := s.Title.Render(fmt.Sprintf("Step %d: %s", m.run.current+1, safetext.Clean(st.Title)))
	var destructive, detail, checked string
	if st.Destructive {
		destructive = s.Danger.Render("Destructive: ") + s.Muted.Render("journaled before and after; this tool does not undo it.")
	}
	if st.Detail != "" {
		detail = wrap(safetext.Clean(st.Detail), w-4)
	}
	if c := m.run.rows[m.run.current].checked; c != "" {
		style := s.Muted
		if strings.Contains(c, "WARNING") {
			style = s.Warn
		}
		checked = paint(style, wrap("Checked just now: "+strings.TrimPrefix(c, "ready: "), w-4))
	}
	question := wrap(m.askLead(st), w-4) + "\n" + a.form.View()
	box := func(parts ...string) string {
		var kept []string
		for _, p := range parts {
			if p != "" {
				kept = append(kept, p)
			}
		}
		return s.Box.Width(w).Render(strings.TrimRight(strings.Join(kept, "\n"), "\n"))
	}
	tries := [][]string{
		{title, destructive, detail, checked, "", question},
		{title, destructive, checked, "", question},
		{title, destructive, question},
		{title, s.Danger.Render("Destructive."), question},
	}
	for _, parts := range tries {
		if out := box(parts...); lipgloss.Height(out) <= h || h <= 0 {
			return out
		}
	}
	return box(tries[len(tries)-1]...)
}

// formExec runs a huh form in accessible mode, outside the TUI: plain
// prompts a screen reader can follow. tea.Exec hands it the terminal.
type formExec struct {
	form *huh.Form
	in   io.Reader
	out  io.Writer
}

func (f *formExec) Run() error {
	return f.form.WithAccessible(true).WithInput(f.in).WithOutput(f.out).Run()
}

func (f *formExec) SetStdin(r io.Reader) { f.in = r }

// SetStdout takes the terminal, behind inert as a frame is: the prompts
// name the step and its email, and they reach the terminal past View.
func (f *formExec) SetStdout(w io.Writer) { f.out = inertWriter{w} }
func (f *formExec) SetStderr(io.Writer)   {}
