package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/safetext"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
)

// targetScreen asks what the email should become: an address typed, or the
// IdP's error text as it is, however it arrives: a bracketed paste, a paste
// the terminal sends as plain keys (each line ending in an enter), or typed.
// The box grows to show a pasted block.
type targetScreen struct {
	input   textarea.Model
	whole   bool                   // the text arrived whole (a bracketed paste)
	info    *diagnose.IdpErrorInfo // what was read from an error text
	readErr string                 // why nothing could be read from it
	invalid string                 // why the entry was refused
	settle  int                    // seq of the enter waiting to see whether more keys follow
}

// Sizes of the box: one line for an address, up to a screenful of a
// pasted error.
const (
	targetMinRows = 1
	targetMaxRows = 8
)

// pasteSettle is how long an enter waits before it counts: a paste sent as
// plain keys brings its next key within microseconds, a person does not.
const pasteSettle = 80 * time.Millisecond

func newTargetScreen(st Styles) targetScreen {
	ta := textarea.New()
	ta.Prompt = "› "
	ta.Placeholder = "new.email@example.com, or paste the IdP's error"
	ta.ShowLineNumbers = false
	ta.DynamicHeight = true
	ta.MinHeight, ta.MaxHeight = targetMinRows, targetMaxRows
	ta.KeyMap.InsertNewline.SetEnabled(false) // enter is decided here
	ta.SetHeight(targetMinRows)
	t := targetScreen{input: ta}
	return t.restyle(st)
}

func (t targetScreen) restyle(st Styles) targetScreen {
	is := textarea.DefaultStyles(st.isDark)
	is.Cursor.Blink = false
	is.Focused.Prompt = st.Accent
	is.Focused.CursorLine = is.Focused.Text
	t.input.SetStyles(is)
	return t
}

// reset empties the screen for another account, keeping size and style.
func (t targetScreen) reset() targetScreen {
	t.input.Reset()
	t.whole, t.info, t.readErr, t.invalid, t.settle = false, nil, "", "", 0
	return t
}

// block is the entry when it is an error text rather than an address: more
// than one word.
func (t targetScreen) block() string {
	v := strings.TrimSpace(t.input.Value())
	if !strings.ContainsAny(v, " \t\n") {
		return ""
	}
	return v
}

// effective is the target the entry gives: the address typed, or the one
// read from the error text ("" when none could be).
func (t targetScreen) effective() string {
	if t.block() == "" {
		return strings.TrimSpace(t.input.Value())
	}
	if t.info == nil {
		return ""
	}
	return t.info.Target
}

// read parses the entry as the IdP's error, for the preview and the
// diagnosis.
func (t targetScreen) read() targetScreen {
	t.info, t.readErr = nil, ""
	text := t.block()
	if text == "" {
		return t
	}
	info, err := diagnose.ParseIdpError(text)
	t.info = &info
	var in *diagnose.InputError
	switch {
	case errors.As(err, &in):
		t.readErr = in.Reason
	case err != nil:
		t.readErr = err.Error()
	}
	return t
}

// targetPage is the screen of the target phase; its state is m.target.
type targetPage struct{}

func (targetPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case targetSettleMsg:
		if msg.seq == m.target.settle {
			m.target.settle = 0
			return m.submitTarget()
		}
		return m, nil
	case tea.PasteMsg:
		m, cmd := m.typeIntoTarget(msg)
		m.target.whole = m.target.block() != ""
		return m, cmd
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
			return m.enterOnTarget()
		}
	}
	return m.typeIntoTarget(msg)
}

// typeIntoTarget hands msg to the box. Any key cancels an enter still
// settling: it was a line of a paste.
func (m Model) typeIntoTarget(msg tea.Msg) (Model, tea.Cmd) {
	before := m.target.input.Value()
	var cmd tea.Cmd
	m.target.input, cmd = m.target.input.Update(msg)
	if m.target.input.Value() != before {
		m.target.invalid, m.target.settle = "", 0
		m.target = m.target.read()
	}
	return m, cmd
}

// enterOnTarget: within an error text an enter is a line break (a paste
// the terminal sends as keys brings one per line); once the entry can be
// read (an address, or an error text naming one) it also asks for the
// diagnosis, which starts when no more keys follow within pasteSettle.
func (m Model) enterOnTarget() (Model, tea.Cmd) {
	t := &m.target
	text := t.input.Value()
	block := t.block() != ""
	ready := !block || t.whole || lastLineEmpty(text) || (t.info != nil && t.info.Target != "")
	if block && !lastLineEmpty(text) {
		t.input.InsertString("\n")
	}
	if !ready {
		return m, nil
	}
	m, seq := m.nextSeq()
	m.target.settle = seq
	return m, tea.Tick(pasteSettle, func(time.Time) tea.Msg { return targetSettleMsg{seq: seq} })
}

func lastLineEmpty(text string) bool {
	i := strings.LastIndexByte(text, '\n')
	return i >= 0 && strings.TrimSpace(text[i+1:]) == ""
}

// submitTarget checks the entry and starts the diagnosis.
func (m Model) submitTarget() (Model, tea.Cmd) {
	t := m.target.read()
	m.target = t
	entry := strings.TrimSpace(t.input.Value())
	target, idpError := entry, ""
	switch {
	case entry == "":
		m.target.invalid = "Type the email the account should get, or paste the error the IdP logged."
		return m, nil
	case t.block() != "" && (t.info == nil || t.info.Target == ""):
		m.target.invalid = firstOf(t.readErr, "No address was found in the pasted text.") + " Type the address instead, or ctrl+x to start again."
		return m, nil
	case t.block() != "":
		target, idpError = t.info.Target, entry
	}
	if err := diagnose.ValidEmail(target); err != nil {
		m.target.invalid = err.Error()
		return m, nil
	}
	a := m.account.user
	req := diagnose.Request{User: firstOf(a.AccountID, a.Email), Target: target, IdpError: idpError}
	m.target.input.Blur()
	return m.startDiagnosis(req)
}

func (targetPage) keys(m Model) []key.Binding {
	k := m.keys
	keys := []key.Binding{withHelp(k.Select, "enter", "diagnose"), k.Back}
	if m.target.block() != "" {
		keys = append(keys, k.ClearPaste)
	}
	return keys
}

func (targetPage) view(m Model, w, _ int) string {
	s := m.styles
	a := m.account.user
	var b strings.Builder
	b.WriteString(s.Title.Render("What should the email become?") + "\n")
	b.WriteString(s.Muted.Render(safetext.Clean(fmt.Sprintf("%s now has %s", firstOf(a.Name, "The account"), firstOf(a.Email, a.AccountID)))) + "\n\n")
	b.WriteString(m.target.input.View() + "\n")
	if m.target.invalid != "" {
		b.WriteString(paint(s.Error, wrap(safetext.Clean(m.target.invalid), w)) + "\n")
	}
	b.WriteString("\n")
	if m.target.info == nil {
		b.WriteString(paint(s.Muted, wrap("Or paste the error from the IdP's provisioning log as it is (Entra's line, "+
			"the SCIM response body, Okta's message, several lines are fine): the address it names is read out of it.", w)))
		return b.String()
	}
	b.WriteString(m.viewPasted(w))
	return b.String()
}

// viewPasted says what was read from the pasted error, and how to go on.
func (m Model) viewPasted(w int) string {
	s := m.styles
	t := m.target
	var b strings.Builder
	b.WriteString(s.Title.Render("Read from the pasted error") + "\n")
	if t.readErr != "" {
		b.WriteString(paint(s.Error, wrap(safetext.Clean(t.readErr), w)) + "\n")
	}
	i := t.info
	line := func(label, v string) { // read from the pasted text: cleaned
		if v != "" {
			b.WriteString(s.Muted.Render(fmt.Sprintf("  %-14s ", label)) + safetext.Clean(v) + "\n")
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
		b.WriteString(paint(s.Warn, wrap(fmt.Sprintf("The error is about %s, not %s: check that it is the right user.",
			safetext.Clean(i.UserHint), safetext.Clean(u.Email)), w)) + "\n")
	}
	if i.Target != "" {
		b.WriteString(s.Muted.Render("Press enter to diagnose with " + safetext.Clean(i.Target) + "."))
	}
	return b.String()
}
