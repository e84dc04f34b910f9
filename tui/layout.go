package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/syncdoctor/syncdoctor/steps/search"
)

// minWidth and minHeight: below this the screens cannot say enough.
const (
	minWidth  = 40
	minHeight = 12
	margin    = 1 // left and right
)

// View draws header, banner, the screen and the help line. The screen
// gets exactly the rows left over, so the help line stays at the bottom.
// The frame passes inert, the last guard against org data the terminal
// would obey (inert.go).
func (m Model) View() tea.View {
	v := tea.NewView(inert(m.render()))
	v.AltScreen = true
	v.WindowTitle = "syncdoctor"
	return v
}

func (m Model) render() string {
	if m.width == 0 {
		return "syncdoctor: starting…"
	}
	if m.width < minWidth || m.height < minHeight {
		return "syncdoctor needs a terminal of at least 40×12; make this one larger."
	}
	w, h := m.bodySize()
	top := []string{m.header(w)}
	if b := m.banner(w); b != "" {
		top = append(top, b)
	}
	foot := m.footer(w)
	body := m.body(w, h)
	if m.quitting != nil {
		body = centre(w, h, m.viewQuit(w))
	}
	out := strings.Join(top, "\n") + "\n\n" + fit(body, w, h) + "\n" + foot
	return indent(out, margin)
}

// bodySize is the room a screen has: the window less the margins, the
// header, the banner, the blank line under them and the help.
func (m Model) bodySize() (w, h int) {
	w = m.width - 2*margin
	top := 2 // header and the blank line
	if m.banner(w) != "" {
		top++
	}
	return w, max(m.height-top-lipgloss.Height(m.footer(w)), 1)
}

// body is the screen on show, drawn in w×h.
func (m Model) body(w, h int) string {
	return m.screens[m.phase].view(m, w, h)
}

// footer is the help line, or the full help when asked for.
func (m Model) footer(w int) string {
	hv := m.helpKeys()
	line := m.shortHelpFitting(hv.short, w)
	if m.showHelp {
		line = m.help.FullHelpView(hv.full)
	}
	if m.wait != nil {
		// A wait of seconds would otherwise look like a hang.
		line = m.styles.Warn.Render(ansi.Truncate(search.DisplayText(m.wait.String()), w, "…")) + "\n" + line
	}
	return line
}

// onWait shows the client's wait until it has run its time.
func (m Model) onWait(msg waitMsg) (Model, tea.Cmd) {
	m.wait = &msg.w
	m.waitSeq++
	seq := m.waitSeq
	return m, tea.Batch(listenWaits(m.deps.Waits), tea.Tick(msg.w.Delay, func(time.Time) tea.Msg { return waitOverMsg{seq: seq} }))
}

// shortHelpFitting is the help line in w cells: when all the keys do not
// fit, the screen's last ones give way (the full help, ?, lists them),
// never quitting and ? itself, which come last.
func (m Model) shortHelpFitting(keys []key.Binding, w int) string {
	h := m.help
	h.SetWidth(0) // measure whole lines: help's own cut would hide keys silently
	for len(keys) > 2 {
		if line := h.ShortHelpView(keys); lipgloss.Width(line) <= w {
			return line
		}
		keys = append(keys[:len(keys)-3:len(keys)-3], keys[len(keys)-2:]...)
	}
	return ansi.Truncate(m.help.ShortHelpView(keys), w, "…")
}

// helpKeys are the bindings that work on the screen on show: the short
// line, and the full view (the screen's keys, scrolling where the shared
// pager scrolls the screen, then leaving and help).
func (m Model) helpKeys() helpView {
	k := m.keys
	if m.quitting != nil {
		return helpView{short: []key.Binding{k.Yes, k.No}}
	}
	quit := k.Quit
	if m.typing() {
		quit = k.ForceQuit
	}
	hk := k.Help
	name := "?"
	if m.freeText() {
		name = "f1"
	}
	if m.showHelp {
		hk = withHelp(hk, name, "fewer keys")
	} else {
		hk = withHelp(hk, name, "more keys")
	}
	s := m.screens[m.phase]
	own := s.keys(m)
	full := [][]key.Binding{own}
	if _, ok := s.(paged); ok {
		full = append(full, []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown})
	}
	full = append(full, []key.Binding{quit, hk})
	return helpView{short: append(append([]key.Binding{}, own...), quit, hk), full: full}
}

// withHelp is b with other help text, for a screen that gives a key a
// more precise meaning.
func withHelp(b key.Binding, k, desc string) key.Binding {
	b.SetHelp(k, desc)
	return b
}

// fit makes s exactly h lines of at most w cells: longer lines are cut
// with an ellipsis, missing lines are blank.
func fit(s string, w, h int) string {
	if h < 1 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// indent puts n spaces before every line.
func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// wrap breaks text to w cells, at spaces where it can and inside a long
// word (an id, a URL) where it must.
func wrap(s string, w int) string {
	if w < 10 {
		w = 10
	}
	return ansi.Wrap(s, w, "")
}

// hang writes text after prefix, wrapped to w, continuation lines indented
// under the text.
func hang(prefix, text string, w int) string {
	pw := ansi.StringWidth(prefix)
	lines := strings.Split(wrap(text, w-pw), "\n")
	return prefix + strings.Join(lines, "\n"+strings.Repeat(" ", pw))
}

// paint styles each line of text on its own: a block rendered whole would
// be padded to its widest line, and trailing blanks are noise.
func paint(st lipgloss.Style, text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = st.Render(l)
		}
	}
	return strings.Join(lines, "\n")
}
