package tui

import (
	"context"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/table"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// The bulk change (contract §3, §4b), reached from the search screen: a
// target list (CSV) read and planned against the org, its rows in a table
// by status, the changes confirmed as a whole, carried out with a progress
// bar, and a summary with the IdP admin's worksheet. Five screens share
// one state, m.bulk: the file (this file), the plan (bulk_plan.go), the
// review and confirmation (bulk_confirm.go), the run (bulk_apply.go, its
// Cmd in bulk_bridge.go) and its summary (bulk_summary.go).

// bulkScreen is the bulk change under way, from its file to its summary.
type bulkScreen struct {
	// The file step.
	input   textinput.Model
	seq     int // of the load under way, or of the run
	cancel  context.CancelFunc
	loading bool
	loadErr string // why the file could not be used, in one line

	// The plan, once loaded.
	path        string // the target list as typed
	abs         string // and absolute, for the journal and verify
	worksheet   string // where the worksheet goes (absolute)
	prep        *bulk.Prepared
	filter      int   // index into filters()
	shown       []int // the plan rows on show in the table, by index
	table       table.Model
	detailsRows int // the chosen row's details get this many rows

	// The confirmation.
	form         *huh.Form
	confirmPager pager

	// The run.
	org      *run.Org // the org the run works on
	ch       <-chan tea.Msg
	running  bool
	stopping bool // ctrl+c: the run's context is cancelled, it is winding down
	resumed  bool // going on with a journaled run (no plan on hand)
	runID    string
	progress bulk.Progress
	recent   []bulk.ChangeOutcome // the last changes that ended, newest last
	res      *bulk.ApplyResult
	err      error

	summaryPager pager
}

// recentChanges is how many ended changes the run screen lists.
const recentChanges = 6

func newBulkScreen(st Styles, keys KeyMap) bulkScreen {
	ti := textinput.New()
	ti.Prompt = "› "
	ti.Placeholder = "path/to/targets.csv"
	b := bulkScreen{input: ti, table: newBulkTable(st, keys)}
	return b.restyle(st)
}

func (b bulkScreen) restyle(st Styles) bulkScreen {
	b.input.SetStyles(inputStyles(st))
	b.table.SetStyles(table.Styles{Header: st.TableHeader, Cell: st.TableCell, Selected: st.TableSelected})
	return b
}

// newBulkTable is the plan's table, moved by the wizard's own keys.
func newBulkTable(st Styles, k KeyMap) table.Model {
	km := table.KeyMap{LineUp: k.Up, LineDown: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, GotoTop: k.Home, GotoBottom: k.End}
	t := table.New(table.WithKeyMap(km), table.WithFocused(true))
	t.SetStyles(table.Styles{Header: st.TableHeader, Cell: st.TableCell, Selected: st.TableSelected})
	return t
}

// openBulk shows the file step, keeping the path typed last.
func (m Model) openBulk() (Model, tea.Cmd) {
	m.search.input.Blur()
	m.bulk.loadErr = ""
	m.phase = phaseBulkFile
	return m, m.bulk.input.Focus()
}

// stopLoad abandons a load under way (the operator went back).
func (b bulkScreen) stopLoad() bulkScreen {
	if b.loading && b.cancel != nil {
		b.cancel()
	}
	b.loading = false
	return b
}

// bulkFilePage asks for the target list; its state is m.bulk.
type bulkFilePage struct{}

func (bulkFilePage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.keys.Back):
			m.bulk = m.bulk.stopLoad()
			m.bulk.input.Blur()
			m.phase = phaseSearch
			return m, m.search.input.Focus()
		case key.Matches(k, m.keys.Select):
			return m.loadTargets()
		}
	}
	if m.bulk.loading {
		return m, nil
	}
	before := m.bulk.input.Value()
	var cmd tea.Cmd
	m.bulk.input, cmd = m.bulk.input.Update(msg)
	if m.bulk.input.Value() != before {
		m.bulk.loadErr = ""
	}
	return m, cmd
}

// loadTargets reads and plans the list typed, in a Cmd.
func (m Model) loadTargets() (Model, tea.Cmd) {
	path := strings.TrimSpace(m.bulk.input.Value())
	if path == "" {
		m.bulk.loadErr = "Type the path of the target list: a CSV with the header current_email,target_email."
		return m, nil
	}
	if m.org == nil {
		m.bulk.loadErr = "The org is not open yet; try again in a moment."
		return m, nil
	}
	m.bulk = m.bulk.stopLoad()
	m, seq := m.nextSeq()
	ctx, cancel := context.WithCancel(m.ctx)
	m.bulk.seq, m.bulk.cancel, m.bulk.loading, m.bulk.loadErr = seq, cancel, true, ""
	return m, bulkPrepareCmd(ctx, m.org, path, seq)
}

func (m Model) onBulkPrepared(msg bulkPreparedMsg) (Model, tea.Cmd) {
	if msg.seq != m.bulk.seq || !m.bulk.loading {
		return m, nil
	}
	m.bulk.cancel()
	m.bulk.loading = false
	if msg.err != nil {
		m.bulk.loadErr = oneLine(msg.err.Error())
		return m, nil
	}
	b := &m.bulk
	b.path, b.abs, b.worksheet, b.prep = msg.path, msg.abs, msg.worksheet, msg.prep
	b.filter, b.form, b.confirmPager, b.summaryPager = 0, nil, pager{}, pager{}
	b.res, b.err, b.resumed = nil, nil, false
	b.input.Blur()
	m = m.layoutBulkTable() // the columns first: the rows are cut to them
	m.bulk = m.bulk.refilter()
	m = m.layoutBulkTable() // then the height, for the rows shown
	m.phase = phaseBulkPlan
	return m, nil
}

// oneLine is an error as one line of org-safe text.
func oneLine(s string) string {
	return strings.Join(strings.Fields(search.DisplayText(s)), " ")
}

func (bulkFilePage) keys(m Model) []key.Binding {
	k := m.keys
	return []key.Binding{withHelp(k.Select, "enter", "read and plan it"), withHelp(k.Back, "esc", "back to the search")}
}

func (bulkFilePage) view(m Model, w, _ int) string {
	s := m.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Bulk change from a target list") + "\n")
	b.WriteString(paint(s.Muted, wrap("A CSV with the header current_email,target_email and one row per email to change "+
		"(a rebrand, a merger). Nothing changes before you have seen the whole plan and confirmed it.", w)) + "\n\n")
	b.WriteString(m.bulk.input.View() + "\n")
	switch {
	case m.bulk.loading:
		b.WriteString(s.Muted.Render(m.spinner() + " reading the list and checking every row against the org…"))
	case m.bulk.loadErr != "":
		b.WriteString(paint(s.Error, wrap(m.bulk.loadErr, w)))
	default:
		b.WriteString(s.Muted.Render("The path is read from the folder the wizard was started in; ~/ is your home folder."))
	}
	return b.String()
}
