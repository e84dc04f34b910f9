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
