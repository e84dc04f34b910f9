package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// pager scrolls a screen's text when it is taller than the window: the
// diagnosis, the plan and the summary can be long at 80×24.
type pager struct {
	offset int
}

// key scrolls content of total lines in h rows on ↑/↓ and the page keys;
// ok is false for any other key.
func (p pager) key(k tea.KeyPressMsg, keys KeyMap, h, total int) (pager, bool) {
	switch {
	case key.Matches(k, keys.Up):
		p.offset--
	case key.Matches(k, keys.Down):
		p.offset++
	case key.Matches(k, keys.PageUp):
		p.offset -= max(h-1, 1)
	case key.Matches(k, keys.PageDown):
		p.offset += max(h-1, 1)
	default:
		return p, false
	}
	p.offset = max(min(p.offset, total-(h-1)), 0)
	return p, true
}

// view shows h lines of content from the offset, with a last line saying
// that there is more when there is.
func (p pager) view(content string, h int, st Styles) string {
	lines := contentLines(content)
	if len(lines) <= h {
		return strings.Join(lines, "\n")
	}
	off := min(p.offset, len(lines)-(h-1))
	end := off + h - 1
	more := st.Muted.Render("↓ more below (↓, pgdn)")
	if end >= len(lines) {
		end = len(lines)
		more = st.Muted.Render("↑ more above (↑, pgup)")
	}
	return strings.Join(lines[off:end], "\n") + "\n" + more
}

func contentLines(content string) []string {
	return strings.Split(strings.TrimRight(content, "\n"), "\n")
}

// paged is a screen whose text the shared pager scrolls. Such a screen
// only says what its text is, how many rows it gets and where its offset
// is kept; the root scrolls it on ↑/↓ and the page keys before the screen
// sees them (updateScreen), and the full help lists those keys.
type paged interface {
	screen
	// text is the whole text, wrapped to w.
	text(m Model, w int) string
	// textRows is how many of the body's h rows the text gets, the line
	// saying there is more included.
	textRows(m Model, w, h int) int
	// pager is where the screen keeps its offset, inside m.
	pager(m *Model) *pager
}

// scroll moves a paged screen's text on ↑/↓ and the page keys; ok is
// false for any other message, which is then the screen's.
func scroll(m Model, s paged, msg tea.Msg) (Model, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, false
	}
	// A key comes without a size: page by the body as View draws it.
	w, h := m.bodySize()
	p := s.pager(&m)
	next, ok := p.key(k, m.keys, s.textRows(m, w, h), len(contentLines(s.text(m, w))))
	if ok {
		*p = next
	}
	return m, ok
}

// viewPaged draws a paged screen's text from its offset, in the rows the
// screen gives it.
func viewPaged(m Model, s paged, w, h int) string {
	return s.pager(&m).view(s.text(m, w), s.textRows(m, w, h), m.styles)
}
