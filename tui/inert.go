package tui

import (
	"io"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// Org data on screen. Anyone who can set their display name or a group's
// name chooses the bytes the wizard draws, and a terminal obeys escape
// sequences wherever they stand: a screen clear, an OSC 8 link, an OSC 52
// clipboard write, colour, a right-to-left override. So every value from
// outside (a name, an email, an id, a group, a server's error, a journal's
// words, a pasted error) is cleaned where the wizard draws it
// (safetext.Clean, or search.DisplayText, which is Clean): what a terminal
// obeys or hides shows as an escape (\x1b[2J, \u202e), and widths are
// measured on the cleaned text. The values themselves stay exact: they
// are identity, compared with and sent back to the APIs.
//
// Every frame then passes inert, the last guard: what a screen forgot to
// clean cannot reach the terminal. The one escape sequence the wizard
// draws itself is SGR (lipgloss's colours and attributes); inert keeps
// those and escapes everything else. A colour of the org's own would pass
// this guard as the wizard's would: cleaning where the values are drawn
// is what stops those. What goes to the clipboard and to the note's file
// is guarded too (safetext.Text), and so are an accessible run's prompts,
// which reach the terminal past View (inertWriter).

// inert returns frame with every character safetext escapes escaped (line
// breaks and tabs kept: they are the frame's layout), except the SGR
// sequences the wizard's styles make.
func inert(frame string) string {
	var b strings.Builder
	done := 0 // frame[:done] is written
	for i := 0; i < len(frame); {
		j := strings.IndexByte(frame[i:], 0x1b)
		if j < 0 {
			break
		}
		i += j
		n := sgrLength(frame[i:])
		if n == 0 {
			i++ // a bare ESC: escaped with the text around it
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(frame) + 16)
		}
		b.WriteString(safetext.Text(frame[done:i]))
		b.WriteString(frame[i : i+n])
		i += n
		done = i
	}
	if done == 0 {
		return safetext.Text(frame) // no styling: nothing copied when nothing needs escaping
	}
	b.WriteString(safetext.Text(frame[done:]))
	return b.String()
}

// sgrLength is the length of the SGR sequence (ESC [ digits ; : m) that s
// starts with, 0 when it does not start with one.
func sgrLength(s string) int {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9' || c == ';' || c == ':':
		case c == 'm':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

// inertWriter passes each write through inert: the last guard on what
// reaches the terminal past View (huh's accessible prompts, styled with
// SGR like a frame). A write is escaped whole, so an SGR sequence split
// across two writes would be shown escaped, never obeyed.
type inertWriter struct{ w io.Writer }

func (g inertWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(g.w, inert(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
