package tui

import (
	"strings"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/syncdoctor/syncdoctor/client"
)

// searchLimit is how many hits one query shows.
const searchLimit = 50

// searchScreen finds the user: one text box, fuzzy over accounts (name,
// email, account id) and groups (name). A group lists its members.
type searchScreen struct {
	input    textinput.Model
	seq      int // of the latest query: older answers are dropped
	answered int // the seq of the hits shown: behind seq while a search runs
	hits     []search.Hit
	cursor   int
	stale    string        // why the index may show an old state
	group    *client.Group // when its members are listed
	members  []client.User
	mfilter  string // typed over the members: part of a name or an email
	mcursor  int
	// fromOrg are the accounts the org API gave for a query while the load
	// had not reached them: shown marked as such.
	fromOrg map[string]bool
}

func newSearchScreen(st Styles) searchScreen {
	ti := textinput.New()
	ti.Prompt = "› "
	ti.Placeholder = "a name, an email, an account id or a group"
	ti.Focus()
	s := searchScreen{input: ti}
	return s.restyle(st)
}

func (s searchScreen) restyle(st Styles) searchScreen {
	s.input.SetStyles(inputStyles(st))
	return s
}

// inputStyles are the text boxes' styles; the cursor does not blink, so
// the screen only changes when something happened.
func inputStyles(st Styles) textinput.Styles {
	is := textinput.DefaultStyles(st.isDark)
	is.Cursor.Blink = false
	is.Focused.Prompt = st.Accent
	return is
}

// layoutInputs sizes the text boxes to the window.
func (m Model) layoutInputs() Model {
	w := max(m.width-2*margin-4, 10)
	m.search.input.SetWidth(w)
	m.target.input.SetWidth(w)
	m.bulk.input.SetWidth(w)
	return m
}

// searchPage is the screen of the search phase; its state is m.search.
// It draws in search_view.go.
type searchPage struct{}

func (searchPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	if m.search.group != nil {
		return m.updateMembers(msg)
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if m, cmd, done := m.searchKey(k); done {
			return m, cmd
		}
	}
	before := m.search.input.Value()
	var cmd tea.Cmd
	m.search.input, cmd = m.search.input.Update(msg)
	if m.search.input.Value() == before {
		return m, cmd
	}
	m, seq := m.nextSeq()
	m.search.seq, m.search.cursor = seq, 0
	return m, tea.Batch(cmd, debounceCmd(seq))
}

// searchKey handles the keys that are not text: moving, choosing, back.
func (m Model) searchKey(k tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	s := &m.search
	n := len(m.searchRows())
	switch {
	case key.Matches(k, m.keys.Up):
		s.cursor = wrapIndex(s.cursor-1, n)
	case key.Matches(k, m.keys.Down):
		s.cursor = wrapIndex(s.cursor+1, n)
	case key.Matches(k, m.keys.PageUp):
		s.cursor = max(s.cursor-10, 0)
	case key.Matches(k, m.keys.PageDown):
		s.cursor = max(min(s.cursor+10, n-1), 0)
	case key.Matches(k, m.keys.Select):
		m, cmd := m.choose()
		return m, cmd, true
	case key.Matches(k, m.keys.Back) && s.input.Value() != "":
		s.input.SetValue("")
		s.hits, s.cursor = nil, 0
		m.seq++ // answers to the cleared query are dropped
		s.seq = m.seq
	case key.Matches(k, m.keys.RetryLoad) && m.org != nil && !m.loading.opening:
		// Reload the org: after a fix outside the wizard, or a failed load.
		m, cmd := m.retryLoad()
		return m, cmd, true
	case key.Matches(k, m.keys.Bulk) && m.org != nil:
		m, cmd := m.openBulk()
		return m, cmd, true
	default:
		return m, nil, false
	}
	return m, nil, true
}

func wrapIndex(i, n int) int {
	if n == 0 {
		return 0
	}
	return (i%n + n) % n
}

// searchRow is a hit, or the query itself when it is an address or an
// account id that the loaded accounts do not hold: the live org may have
// more than was loaded, and diagnosis looks it up directly.
type searchRow struct {
	hit   *search.Hit
	typed string
}

// key names what a row is, whatever its place: an account, a group, or
// the address as typed.
func (r searchRow) key() string {
	switch {
	case r.hit == nil:
		return "typed:" + r.typed
	case r.hit.Entry.Kind == search.EntryGroup:
		return "group:" + r.hit.Entry.Group.ID
	}
	return "account:" + r.hit.Entry.Account.AccountID
}

// withHits shows a query's hits again (more accounts loaded, the org's
// answer joined) with the cursor on the row it was on, wherever that row
// now is: a row must not change under the operator's enter. A row no
// longer there puts the cursor back on the first.
func (m Model) withHits(hits []search.Hit) Model {
	var chosen string
	if rows := m.searchRows(); m.search.cursor < len(rows) {
		chosen = rows[m.search.cursor].key()
	}
	m.search.hits = hits
	m.search.cursor = 0
	for i, r := range m.searchRows() {
		if r.key() == chosen {
			m.search.cursor = i
			break
		}
	}
	return m
}

func (m Model) searchRows() []searchRow {
	rows := make([]searchRow, 0, len(m.search.hits)+1)
	for i := range m.search.hits {
		rows = append(rows, searchRow{hit: &m.search.hits[i]})
	}
	q := strings.TrimSpace(m.search.input.Value())
	if looksLikeUser(q) && !holds(m.search.hits, q) {
		rows = append(rows, searchRow{typed: q})
	}
	return rows
}

func looksLikeUser(q string) bool {
	return !strings.ContainsAny(q, " \t") && (strings.Contains(q, "@") || strings.Contains(q, ":"))
}

func holds(hits []search.Hit, q string) bool {
	for _, h := range hits {
		a := h.Entry.Account
		if h.Entry.Kind == search.EntryAccount && (strings.EqualFold(a.Email, q) || a.AccountID == q) {
			return true
		}
	}
	return false
}

// choose acts on the row under the cursor.
func (m Model) choose() (Model, tea.Cmd) {
	rows := m.searchRows()
	if m.search.cursor >= len(rows) {
		return m, nil
	}
	r := rows[m.search.cursor]
	switch {
	case r.typed != "":
		u := client.User{Email: r.typed}
		if !strings.Contains(r.typed, "@") {
			u = client.User{AccountID: r.typed}
		}
		return m.openAccount(u, false)
	case r.hit.Entry.Kind == search.EntryGroup:
		g := r.hit.Entry.Group
		m.search.group, m.search.mcursor, m.search.mfilter = &g, 0, ""
		m.search.members = m.loading.index().Members(g.ID)
		return m, nil
	}
	return m.openAccount(r.hit.Entry.Account, true)
}

func (m Model) updateMembers(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	s := &m.search
	shown := m.shownMembers()
	n := len(shown)
	switch {
	case key.Matches(k, m.keys.Up):
		s.mcursor = wrapIndex(s.mcursor-1, n)
	case key.Matches(k, m.keys.Down):
		s.mcursor = wrapIndex(s.mcursor+1, n)
	case key.Matches(k, m.keys.PageUp):
		s.mcursor = max(s.mcursor-10, 0)
	case key.Matches(k, m.keys.PageDown):
		s.mcursor = max(min(s.mcursor+10, n-1), 0)
	case key.Matches(k, m.keys.Back) && s.mfilter != "":
		s.mfilter, s.mcursor = "", 0
	case key.Matches(k, m.keys.Back):
		s.group = nil
	case key.Matches(k, m.keys.Select) && s.mcursor < n:
		return m.openAccount(shown[s.mcursor], true)
	case k.Code == tea.KeyBackspace && s.mfilter != "":
		_, size := utf8.DecodeLastRuneInString(s.mfilter)
		s.mfilter, s.mcursor = s.mfilter[:len(s.mfilter)-size], 0
	case k.Text != "":
		s.mfilter, s.mcursor = s.mfilter+k.Text, 0
	}
	return m, nil
}

// shownMembers are the group's members that the filter keeps: those whose
// name or email holds it, case and accents aside.
func (m Model) shownMembers() []client.User {
	f := strings.TrimSpace(m.search.mfilter)
	if f == "" {
		return m.search.members
	}
	var out []client.User
	for _, u := range m.search.members {
		if search.Contains(u.Name, f) || search.Contains(u.Email, f) {
			out = append(out, u)
		}
	}
	return out
}

// onSearchAsync takes the debounce tick (ask the index) and its answer.
func (m Model) onSearchAsync(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case searchTickMsg:
		if msg.seq == m.search.seq {
			return m, tea.Batch(m.refreshSearch(), m.askOrg())
		}
	case orgAnswerMsg:
		if msg.seq == m.search.seq && msg.err == nil {
			return m.onOrgAnswer(msg)
		}
	case searchResultsMsg:
		if msg.seq == m.search.seq {
			if msg.seq == m.search.answered {
				m = m.withHits(msg.hits) // the same query again: its chosen row stays chosen
			} else {
				m.search.hits = msg.hits // a new query's first hits: from the top
				m.search.cursor = min(m.search.cursor, max(len(m.searchRows())-1, 0))
			}
			m.search.answered = msg.seq
		}
	}
	return m, nil
}

// refreshSearch asks the index again for the current query, under the
// current sequence number (used when a new page has arrived).
func (m Model) refreshSearch() tea.Cmd {
	q := strings.TrimSpace(m.search.input.Value())
	ss := m.loading.session()
	if q == "" || ss == nil {
		return nil
	}
	return searchCmd(ss, m.search.seq, q, searchLimit)
}

func (searchPage) keys(m Model) []key.Binding {
	k := m.keys
	if m.search.group != nil {
		back := withHelp(k.Back, "esc", "back to the search")
		if m.search.mfilter != "" {
			back = withHelp(k.Back, "esc", "clear the filter")
		}
		return []key.Binding{withHelp(k.Select, "enter", "choose this user"), k.Up, k.Down, withHelp(k.PageDown, "pgdn", "page"), back}
	}
	keys := []key.Binding{withHelp(k.Select, "enter", "choose"), k.Up, k.Down, withHelp(k.Back, "esc", "clear")}
	if m.org != nil && m.width >= 110 { // narrower, the hint under the box says it
		keys = append(keys, k.Bulk)
	}
	if m.org != nil {
		keys = append(keys, k.RetryLoad)
	}
	return keys
}

// askOrg asks the org API for the query while the load is under way: an
// account the pages have not reached is found in one round trip.
func (m Model) askOrg() tea.Cmd {
	q := strings.TrimSpace(m.search.input.Value())
	if q == "" || m.loading.done || m.org == nil || m.loading.ix == nil {
		return nil
	}
	return askOrgCmd(m.ctx, m.org.Client, m.search.seq, q)
}

// onOrgAnswer puts what the org answered in the index, marked, and searches
// again: the org's answers and the local fuzzy hits come out as one list.
func (m Model) onOrgAnswer(msg orgAnswerMsg) (Model, tea.Cmd) {
	var fresh []client.User
	for _, u := range msg.users {
		if _, loaded := m.loading.index().Account(u.AccountID); !loaded {
			fresh = append(fresh, u)
		}
	}
	if len(fresh) == 0 {
		return m, nil
	}
	if m.search.fromOrg == nil {
		m.search.fromOrg = map[string]bool{}
	}
	for _, u := range fresh {
		m.search.fromOrg[u.AccountID] = true
	}
	m.loading.add(fresh)
	return m, m.refreshSearch()
}

// refreshAccounts reads again the accounts a run acted on and puts them in
// the index, so that the next search shows them as the org does now.
func (m Model) refreshAccounts(plan []steps.PlanStep) tea.Cmd {
	ids := steps.Accounts(plan)
	if len(ids) == 0 || m.org == nil || m.loading.ix == nil || m.runOrg != nil {
		return nil // a resumed run's org may not be the one loaded
	}
	return refreshIndexCmd(m.ctx, m.org.Client, m.loading.ix, m.loading.cached, ids)
}

// onIndexRefreshed searches again: the hits may show the old state.
func (m Model) onIndexRefreshed(msg indexRefreshedMsg) (Model, tea.Cmd) {
	if msg.err != nil {
		m.search.stale = "The accounts this run changed could not be read again (" + msg.err.Error() + "): ctrl+r reloads the org."
		return m, nil
	}
	m.search.stale = ""
	return m, m.refreshSearch()
}
