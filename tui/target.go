package tui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/diagnose"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// targetScreen asks what the email should become: typed, or read out of
// the IdP's error text pasted as it is (one line or many).
type targetScreen struct {
	input   textinput.Model
	pasted  string                 // the IdP error as pasted, passed on to diagnosis
	info    *diagnose.IdpErrorInfo // what was read from it
	readErr string                 // why nothing could be read from it
	invalid string                 // why the typed target was refused
}

func newTargetScreen(st Styles) targetScreen {
	ti := textinput.New()
	ti.Prompt = "› "
	ti.Placeholder = "new.email@example.com, or paste the IdP's error"
	t := targetScreen{input: ti}
	return t.restyle(st)
}

func (t targetScreen) restyle(st Styles) targetScreen {
	t.input.SetStyles(inputStyles(st))
	return t
}

// reset empties the screen for another account, keeping size and style.
func (t targetScreen) reset() targetScreen {
	t.input.SetValue("")
	t.pasted, t.info, t.readErr, t.invalid = "", nil, "", ""
	return t
}

// targetPage is the screen of the target phase; its state is m.target.
type targetPage struct{}

func (targetPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if !isBareEmail(msg.Content) {
			m.target = m.target.readPaste(msg.Content)
			return m, nil
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Back):
			m.target.input.Blur()
			m.phase = phaseAccount
			return m, nil
		case key.Matches(msg, m.keys.ClearPaste):
			m.target = m.target.reset()
			return m, nil
		case key.Matches(msg, m.keys.Select):
			return m.submitTarget()
		}
	}
	var cmd tea.Cmd
	m.target.input, cmd = m.target.input.Update(msg)
	m.target.invalid = ""
	return m, cmd
}

// isBareEmail: a paste that is one address goes into the box as typed.
func isBareEmail(s string) bool {
	return diagnose.ValidEmail(strings.TrimSpace(s)) == nil
}

// readPaste reads the IdP's error and puts the address it names in the box.
func (t targetScreen) readPaste(text string) targetScreen {
	t.pasted, t.info, t.readErr, t.invalid = text, nil, "", ""
	info, err := diagnose.ParseIdpError(text)
	t.info = &info
	var in *diagnose.InputError
	switch {
	case errors.As(err, &in):
		t.readErr = in.Reason
	case err != nil:
		t.readErr = err.Error()
	}
	if info.Target != "" {
		t.input.SetValue(info.Target)
		t.input.CursorEnd()
	}
	return t
}

// submitTarget checks the target and starts the diagnosis.
func (m Model) submitTarget() (Model, tea.Cmd) {
	target := strings.TrimSpace(m.target.input.Value())
	if target == "" {
		m.target.invalid = "Type the email the account should get, or paste the error the IdP logged."
		return m, nil
	}
	if err := diagnose.ValidEmail(target); err != nil {
		m.target.invalid = err.Error()
		return m, nil
	}
	a := m.account.user
	req := diagnose.Request{User: firstOf(a.Email, a.AccountID), Target: target, IdpError: m.target.pasted}
	m.target.input.Blur()
	return m.startDiagnosis(req)
}

func (targetPage) keys(m Model) []key.Binding {
	k := m.keys
	keys := []key.Binding{withHelp(k.Select, "enter", "diagnose"), k.Back}
	if m.target.pasted != "" {
		keys = append(keys, k.ClearPaste)
	}
	return keys
}

func (targetPage) view(m Model, w, _ int) string {
	s := m.styles
	a := m.account.user
	var b strings.Builder
	b.WriteString(s.Title.Render("What should the email become?") + "\n")
	b.WriteString(s.Muted.Render(fmt.Sprintf("%s now has %s", firstOf(a.Name, "The account"), firstOf(a.Email, a.AccountID))) + "\n\n")
	b.WriteString(m.target.input.View() + "\n")
	if m.target.invalid != "" {
		b.WriteString(paint(s.Error, wrap(m.target.invalid, w)) + "\n")
	}
	b.WriteString("\n")
	if m.target.pasted == "" {
		b.WriteString(paint(s.Muted, wrap("Or paste the error from the IdP's provisioning log as it is (Entra's line, "+
			"the SCIM response body, Okta's message, several lines are fine): the address it names is read out of it.", w)))
		return b.String()
	}
	b.WriteString(m.viewPasted(w))
	return b.String()
}

// viewPasted says what was read from the pasted error.
func (m Model) viewPasted(w int) string {
	s := m.styles
	t := m.target
	var b strings.Builder
	b.WriteString(s.Title.Render("Read from the pasted error") + "\n")
	if t.readErr != "" {
		b.WriteString(paint(s.Error, wrap(t.readErr, w)) + "\n")
	}
	i := t.info
	line := func(label, v string) {
		if v != "" {
			b.WriteString(s.Muted.Render(fmt.Sprintf("  %-14s ", label)) + v + "\n")
		}
	}
	line("address taken", i.Target)
	line("user", i.UserHint)
	line("IdP", idpName(i.IdP))
	line("error", i.Code)
	if i.Status != 0 {
		line("HTTP status", fmt.Sprint(i.Status))
	}
	if u := m.account.user; i.UserHint != "" && u.Email != "" && !strings.EqualFold(i.UserHint, u.Email) {
		b.WriteString(paint(s.Warn, wrap(fmt.Sprintf("The error is about %s, not %s: check that it is the right user.", i.UserHint, u.Email), w)) + "\n")
	}
	return b.String()
}
