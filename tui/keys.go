package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key the wizard answers to. One map for all screens: each
// screen picks the bindings that apply to it for the help line, so what the
// help shows is always what works.
type KeyMap struct {
	Quit      key.Binding // leave (asks first in the middle of a fix)
	ForceQuit key.Binding // ctrl+c: the same, from any screen, even while typing
	Help      key.Binding
	Back      key.Binding
	Select    key.Binding
	Up        key.Binding
	Down      key.Binding
	PageUp    key.Binding
	PageDown  key.Binding

	Retry       key.Binding // loading failed: try again
	RetryLoad   key.Binding // the same while typing in search
	ClearPaste  key.Binding // target: forget the pasted IdP error
	Verify      key.Binding // waiting for the operator: "I have done it"
	SimulateIdP key.Binding // waiting, simulated org: let the simulated IdP do it
	Copy        key.Binding
	Save        key.Binding
	NewCase     key.Binding
	Resume      key.Binding
	Fresh       key.Binding
	Dismiss     key.Binding // resume offer: never offer this run again
	Yes         key.Binding
	No          key.Binding

	Bulk   key.Binding // search: a bulk change from a target list (CSV)
	Filter key.Binding // bulk plan: cycle the status filter
	Home   key.Binding // bulk plan: the first row
	End    key.Binding // bulk plan: the last row
	Stop   key.Binding // bulk apply: ctrl+c stops the run, which stays resumable
}

// DefaultKeyMap is the wizard's keys. A function, not a package variable,
// so that no screen can change another's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?", "more keys")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Select:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Up:        key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),

		Retry:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		RetryLoad:   key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reload the org")),
		ClearPaste:  key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "forget the pasted error")),
		Verify:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "I've done it, verify now")),
		SimulateIdP: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "let the simulated IdP do it")),
		Copy:        key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy note")),
		Save:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save note")),
		NewCase:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new case")),
		Resume:      key.NewBinding(key.WithKeys("enter", "y"), key.WithHelp("enter", "resume it")),
		Fresh:       key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "start a new case")),
		Dismiss:     key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "never offer it again")),
		Yes:         key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:          key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "no")),

		Bulk:   key.NewBinding(key.WithKeys("ctrl+b"), key.WithHelp("ctrl+b", "bulk change from a CSV")),
		Filter: key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "status filter")),
		Home:   key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first row")),
		End:    key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last row")),
		Stop:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "stop (resumable)")),
	}
}

// helpView adapts a list of bindings to help.KeyMap: the short line shows
// them all, the full view one column per group.
type helpView struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpView) ShortHelp() []key.Binding  { return h.short }
func (h helpView) FullHelp() [][]key.Binding { return h.full }
