package tui

import (
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/table"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The bulk plan: what the org says of every row, before anything changes.
// A table of the rows (filtered by status), the chosen row's details under
// it, and the changes the apply would make, in their order.

// statusOrder is the order of the filter: all, then the rows that can go
// ahead, then those that need a look, then the rest in the contract's order.
var statusOrder = []bulk.RowStatus{bulk.RowReady, bulk.RowConflict, bulk.RowInvalid, bulk.RowUnchanged,
	bulk.RowDuplicateTarget, bulk.RowNoAccount, bulk.RowUnmanaged, bulk.RowDomainUnclaimed}

// rowFilter is one stop of the status filter: "" is every row.
type rowFilter struct {
	status bulk.RowStatus
	n      int
}

// filters are the stops of the status filter: all, ready and conflict
// always, then each other status that some row has.
func (b bulkScreen) filters() []rowFilter {
	out := []rowFilter{{n: len(b.prep.Plan.Rows)}}
	for _, st := range statusOrder {
		n := b.prep.Plan.Summary[st]
		if n > 0 || st == bulk.RowReady || st == bulk.RowConflict {
			out = append(out, rowFilter{status: st, n: n})
		}
	}
	return out
}

// refilter fills the table with the rows the filter lets through, the
// cursor on the first.
func (b bulkScreen) refilter() bulkScreen {
	f := b.filters()[b.filter]
	b.shown = b.shown[:0:0]
	for i, r := range b.prep.Plan.Rows {
		if f.status == "" || r.Status == f.status {
			b.shown = append(b.shown, i)
		}
	}
	b.table.SetRows(b.tableRows(0))
	b.table.GotoTop()
	return b.marked()
}

// marked puts the marker on the chosen row: the selection must show
// without colour too.
func (b bulkScreen) marked() bulkScreen {
	b.table.SetRows(b.tableRows(b.table.Cursor()))
	return b
}

func (b bulkScreen) tableRows(cursor int) []table.Row {
	rows := make([]table.Row, len(b.shown))
	for i, ri := range b.shown {
		r := b.prep.Plan.Rows[ri]
		mark := " "
		if i == cursor {
			mark = "▸"
		}
		rows[i] = table.Row{mark, fmt.Sprint(r.Line), string(r.Status), search.DisplayText(r.CurrentEmail),
			search.DisplayText(r.TargetEmail), search.DisplayText(b.howWhy(r))}
	}
	return rows
}

// chosen is the plan row under the cursor, nil when the filter shows none.
func (b bulkScreen) chosen() *bulk.Row {
	c := b.table.Cursor()
	if c < 0 || c >= len(b.shown) {
		return nil
	}
	return &b.prep.Plan.Rows[b.shown[c]]
}

// layoutBulkTable sizes the table's columns to the window, and its height
// to what the rest of the plan screen leaves.
func (m Model) layoutBulkTable() Model {
	if m.bulk.prep == nil {
		return m
	}
	w, h := m.bodySize()
	if m.width == 0 { // no size yet: any will do until it comes
		w, h = 78, 20
	}
	cur, tgt, how := m.bulk.columnWidths(w)
	cols := []table.Column{{Title: "", Width: 1}, {Title: "Line", Width: 4}, {Title: "Status", Width: 16},
		{Title: "Current email", Width: cur}, {Title: "Target email", Width: tgt}, {Title: "How / why", Width: how}}
	m.bulk.table.SetColumns(cols)
	m.bulk.table.SetWidth(w)
	m.bulk.detailsRows = m.bulkDetailsRows(w, h)
	m.bulk.table.SetHeight(m.bulkLayout(w, h).table)
	return m
}

// bulkDetailsRows is the room the details get under the table: as much as
// the longest of the rows on show needs, so that moving between them
// moves nothing else, within a third of the body.
func (m Model) bulkDetailsRows(w, h int) int {
	most := 3
	for _, i := range m.bulk.shown {
		most = max(most, lipgloss.Height(m.bulkDetails(&m.bulk.prep.Plan.Rows[i], w)))
	}
	return min(most, max(h/3, 4))
}

// columnWidths share w out between the emails and the how/why: the
// emails as wide as the longest (of every row, so that the columns stay
// put when the filter changes), unless that leaves how/why too little.
func (b bulkScreen) columnWidths(w int) (cur, tgt, how int) {
	narrow := w < 100 // the how/why goes: the details say it
	cells := 6
	if narrow {
		cells = 5
	}
	rest := max(w-(1+4+16)-2*cells, 30) // marker, line, status; each cell has a space either side
	maxCur, maxTgt := len("Current email"), len("Target email")
	for _, r := range b.prep.Plan.Rows {
		maxCur = max(maxCur, lipgloss.Width(search.DisplayText(r.CurrentEmail)))
		maxTgt = max(maxTgt, lipgloss.Width(search.DisplayText(r.TargetEmail)))
	}
	avail := rest - min(max(rest/4, 16), 30)
	if narrow {
		avail = rest
	}
	tgt = min(maxTgt, avail/2)
	cur = min(maxCur, avail-tgt)
	tgt = min(maxTgt, avail-cur)
	if narrow {
		return cur, tgt, 0
	}
	return cur, tgt, rest - cur - tgt
}

// bulkPlanLayout is how the plan screen's rows are shared out.
type bulkPlanLayout struct {
	top, changes string // the title and prerequisites; the changes
	filter       string // the status filter's stops
	table        int    // the table's rows, its header included
	details      int    // the most rows the chosen row's details get
}

// bulkLayout shares the body out: the title and prerequisites, the
// filter, the table, the details, the changes. When the window is short
// the prerequisites and the changes shrink to a line each, then the table
// to a few rows.
func (m Model) bulkLayout(w, h int) bulkPlanLayout {
	want := len(m.bulk.shown) + 1 // the header and every row
	l := m.bulkLayoutAs(w, h, false)
	if l.table < min(want, 8) {
		l = m.bulkLayoutAs(w, h, true)
	}
	l.table = max(min(l.table, want), 4)
	return l
}

// bulkLayoutAs is the layout with the prerequisites and changes in full
// or in a line each; the table gets what is left.
func (m Model) bulkLayoutAs(w, h int, compact bool) bulkPlanLayout {
	detailsH := m.bulk.detailsRows
	l := bulkPlanLayout{top: m.bulkTop(w, compact), filter: m.bulkFilterLine(w), changes: m.bulkChanges(w, h, compact), details: detailsH}
	l.table = h - lipgloss.Height(l.top) - 1 - lipgloss.Height(l.filter) - detailsH - 2 - lipgloss.Height(l.changes)
	return l
}

// bulkPlanPage shows the plan of the target list; its state is m.bulk.
type bulkPlanPage struct{}

func (bulkPlanPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Back):
		m.phase = phaseBulkFile
		return m, m.bulk.input.Focus()
	case key.Matches(k, m.keys.Filter):
		m.bulk.filter = (m.bulk.filter + 1) % len(m.bulk.filters())
		m.bulk = m.bulk.refilter()
		m = m.layoutBulkTable()
		return m, nil
	case key.Matches(k, m.keys.Select):
		return m.openBulkConfirm()
	}
	var cmd tea.Cmd
	m.bulk.table, cmd = m.bulk.table.Update(k)
	m.bulk = m.bulk.marked()
	return m, cmd
}

func (bulkPlanPage) keys(m Model) []key.Binding {
	k := m.keys
	next := withHelp(k.Select, "enter", "review")
	if m.bulk.nothingToDo() {
		next.SetEnabled(false)
	}
	return []key.Binding{withHelp(k.Up, "↑/↓", "rows"), k.Filter, next, withHelp(k.Back, "esc", "back")}
}

// nothingToDo: no change to make and no worksheet line to hand over.
func (b bulkScreen) nothingToDo() bool {
	return len(b.prep.Changes.Steps) == 0 && len(b.prep.Worksheet) == 0
}

func (bulkPlanPage) view(m Model, w, h int) string {
	s := m.styles
	l := m.bulkLayout(w, h)
	var b strings.Builder
	b.WriteString(l.top + "\n\n")
	b.WriteString(l.filter + "\n")
	if len(m.bulk.shown) == 0 {
		b.WriteString(s.Muted.Render("  No row has this status: f shows the next.") + strings.Repeat("\n", l.table))
	} else {
		b.WriteString(m.bulk.table.View() + "\n")
	}
	// The details keep their rows, so that the changes under them stay put.
	b.WriteString("\n" + fit(clipLines(m.bulkDetails(m.bulk.chosen(), w), l.details, s), w, l.details) + "\n\n")
	b.WriteString(l.changes)
	return b.String()
}

// bulkTop is the title and the prerequisites.
func (m Model) bulkTop(w int, compact bool) string {
	s := m.styles
	p := m.bulk.prep.Plan
	title := s.Title.Render("Bulk change: "+search.DisplayText(m.bulk.path)) +
		s.Muted.Render(fmt.Sprintf("  %d rows · setup %s", len(p.Rows), p.Setup))
	if len(p.Prerequisites) == 0 {
		return fit(title, w, 1) + "\n" + s.OK.Render("Before the switch: nothing; the org's domains are ready.")
	}
	groups := prereqGroups(p.Prerequisites)
	if compact {
		parts := make([]string, 0, len(groups))
		for _, g := range groups {
			parts = append(parts, fit(g.short+" "+strings.Join(g.domains, ", "), w-2, 1))
		}
		// One line: the review lists them in full.
		return fit(title, w, 1) + "\n" + fit(s.Warn.Render("Before the switch: ")+strings.Join(parts, " · "), w, 1)
	}
	var b strings.Builder
	b.WriteString(fit(title, w, 1) + "\n" + s.Warn.Render("Before the switch") + "\n")
	for _, g := range groups {
		b.WriteString(hang("  · ", fmt.Sprintf(g.long, strings.Join(g.domains, ", ")), w) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// prereqGroup is one kind of prerequisite with its domains.
type prereqGroup struct {
	code        string
	short, long string // long has a %s for the domains
	domains     []string
}

func prereqGroups(prs []bulk.Prerequisite) []prereqGroup {
	words := map[string][2]string{
		bulk.PrereqDomainUnclaimed: {"verify",
			"verify %s in this org: no email can move onto a domain it has not verified (those rows are left alone)"},
		bulk.PrereqSourceDomainUnclaimed: {"not managed here:",
			"%s: not verified in this org, so the accounts on them are not managed from here"},
		bulk.PrereqTargetEmailsTaken: {"targets held on",
			"other accounts hold targets on %s: the apply parks each holder it may on a _FREE placeholder first"},
	}
	var out []prereqGroup
	for _, pr := range prs {
		d := search.DisplayText(pr.Domain)
		if n := len(out); n > 0 && out[n-1].code == pr.Code {
			out[n-1].domains = append(out[n-1].domains, d)
			continue
		}
		wd, ok := words[pr.Code]
		if !ok {
			wd = [2]string{search.DisplayText(pr.Code) + ":", search.DisplayText(pr.Code) + ": %s"}
		}
		out = append(out, prereqGroup{code: pr.Code, short: wd[0], long: wd[1], domains: []string{d}})
	}
	return out
}

// bulkFilterLine shows every stop of the filter with its count, the one
// in force marked (brackets, not only colour).
func (m Model) bulkFilterLine(w int) string {
	s := m.styles
	parts := []string{}
	for i, f := range m.bulk.filters() {
		name := string(f.status)
		if name == "" {
			name = "all"
		}
		label := fmt.Sprintf("%s %d", name, f.n)
		if i == m.bulk.filter {
			parts = append(parts, s.Cursor.Render("["+label+"]"))
		} else {
			parts = append(parts, s.Muted.Render(label))
		}
	}
	return pack(s.Muted.Render("Show (f)  "), parts, s.Muted.Render(" · "), w)
}

// howWhy is the table's last column: how a row's email changes, or why it
// does not.
func (b bulkScreen) howWhy(r bulk.Row) string {
	switch r.Status {
	case bulk.RowReady:
		return pathShort(r.Path)
	case bulk.RowConflict:
		who := firstOf(r.Holder.Name, r.Holder.Email)
		if b.leftReason(r.Line) != "" {
			return "left alone (" + who + ")"
		}
		return "parks " + who
	case bulk.RowDuplicateTarget:
		if others := b.sameTarget(r); len(others) > 0 {
			return "same target as line " + joinInts(others)
		}
	case bulk.RowDomainUnclaimed:
		return domainOf(r.TargetEmail) + " not verified"
	}
	return map[bulk.RowStatus]string{
		bulk.RowInvalid:   "not an email address",
		bulk.RowUnchanged: "already the target",
		bulk.RowNoAccount: "no account has it",
		bulk.RowUnmanaged: "not managed by this org",
	}[r.Status]
}

// pathShort says, for the table, how an account's email changes: by this
// apply (set-email), and which IdP attributes the worksheet asks for.
func pathShort(path []bulk.EmailPath) string {
	words := map[bulk.EmailPath]string{bulk.ViaIdpSamlAttribute: "SAML", bulk.ViaIdpScimAttribute: "SCIM",
		bulk.ViaGooglePrimaryEmail: "Google"}
	var out, idp []string
	for _, p := range path {
		if p == bulk.ViaSetEmail {
			out = append(out, "set-email")
			continue
		}
		idp = append(idp, firstOf(words[p], string(p)))
	}
	if len(idp) > 0 {
		out = append(out, "worksheet: "+strings.Join(idp, " + "))
	}
	return strings.Join(out, " + ")
}

// pathLong says how an account's email changes, in full; worksheet is
// the row's number of worksheet lines.
func pathLong(path []bulk.EmailPath, worksheet int) string {
	var parts, attrs []string
	for _, p := range path {
		switch p {
		case bulk.ViaSetEmail:
			parts = append(parts, "this apply sets it (user-management API)")
		case bulk.ViaIdpSamlAttribute:
			attrs = append(attrs, "SAML")
		case bulk.ViaIdpScimAttribute:
			attrs = append(attrs, "SCIM")
		case bulk.ViaGooglePrimaryEmail:
			parts = append(parts, "the Google Workspace admin changes the primary email")
		default:
			parts = append(parts, string(p))
		}
	}
	if len(attrs) > 0 {
		parts = append(parts, "the IdP's admin changes the "+strings.Join(attrs, " and ")+" "+plural(len(attrs), "attribute", "attributes"))
	}
	out := strings.Join(parts, "; then ")
	if worksheet > 0 {
		out += fmt.Sprintf(" (%d worksheet %s)", worksheet, plural(worksheet, "line", "lines"))
	}
	return out
}

// statusWhy says what a row's status means.
func statusWhy(st bulk.RowStatus) string {
	return map[bulk.RowStatus]string{
		bulk.RowInvalid:         "not an email address",
		bulk.RowUnchanged:       "already the target: nothing to change",
		bulk.RowDuplicateTarget: "another row wants the same target",
		bulk.RowNoAccount:       "no account has the current email",
		bulk.RowUnmanaged:       "this org does not manage the account",
		bulk.RowDomainUnclaimed: "target domain not verified here",
		bulk.RowConflict:        "another account holds the target",
		bulk.RowReady:           "nothing in Atlassian blocks it",
	}[st]
}

// leftReason is why the apply leaves a row alone ("" when it does not).
func (b bulkScreen) leftReason(line int) string {
	for _, l := range b.prep.Changes.Left {
		if l.Line == line {
			return l.Reason
		}
	}
	return ""
}

// sourceUnverified: the plan found the current emails' domain d not
// verified in this org.
func (b bulkScreen) sourceUnverified(d string) bool {
	for _, pr := range b.prep.Plan.Prerequisites {
		if pr.Code == bulk.PrereqSourceDomainUnclaimed && strings.EqualFold(pr.Domain, d) {
			return true
		}
	}
	return false
}

// sameTarget are the other lines that want r's target.
func (b bulkScreen) sameTarget(r bulk.Row) []int {
	var out []int
	for _, o := range b.prep.Plan.Rows {
		if o.Line != r.Line && strings.EqualFold(o.TargetEmail, r.TargetEmail) {
			out = append(out, o.Line)
		}
	}
	return out
}

// rowChanges are the apply's changes for a line, with their numbers.
func (b bulkScreen) rowChanges(line int) []string {
	var out []string
	for i, st := range b.prep.Changes.Steps {
		if st.Params.Line == line {
			out = append(out, fmt.Sprintf("%d. %s", i+1, search.DisplayText(st.Title)))
		}
	}
	return out
}

// worksheetLines counts a line's worksheet lines.
func (b bulkScreen) worksheetLines(line int) int {
	n := 0
	for _, l := range b.prep.Worksheet {
		if l.Line == line {
			n++
		}
	}
	return n
}

// bulkDetails is everything the plan says of a row.
func (m Model) bulkDetails(r *bulk.Row, w int) string {
	s := m.styles
	bs := m.bulk
	if r == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(fmt.Sprintf("Line %d", r.Line)) + "  " + m.statusWord(r.Status) + "  " +
		search.DisplayText(r.CurrentEmail) + s.Muted.Render(" → ") + search.DisplayText(r.TargetEmail) + "\n")
	field := func(label, text string) {
		b.WriteString(hang(s.Muted.Render(fmt.Sprintf("  %-12s", label)), search.DisplayText(text), w) + "\n")
	}
	if r.AccountID != nil {
		field("Account", *r.AccountID)
	}
	switch r.Status {
	case bulk.RowReady, bulk.RowConflict: // the holder says why
	case bulk.RowDuplicateTarget:
		field("Why", bs.howWhy(*r))
	case bulk.RowDomainUnclaimed:
		field("Why", "the target's domain "+domainOf(r.TargetEmail)+" is not verified in this org: verify it first")
	case bulk.RowUnmanaged:
		why := statusWhy(r.Status)
		if bs.sourceUnverified(domainOf(r.CurrentEmail)) {
			why = "its domain " + domainOf(r.CurrentEmail) + " is not verified in this org, so the account is not managed from here"
		}
		field("Why", why)
	default:
		field("Why", statusWhy(r.Status))
	}
	if h := r.Holder; h != nil {
		field("Held by", wordsAccount(h.Name, h.Email, h.AccountID))
		access := "no product access"
		if len(h.ProductAccess) > 0 {
			access = "product access: " + strings.Join(h.ProductAccess, ", ")
		}
		link := "not provisioned"
		if h.Provisioned {
			link = "provisioned (the IdP owns its email)"
		}
		field("", access+" · "+link)
	}
	if why := bs.leftReason(r.Line); why != "" {
		b.WriteString(hang(s.Warn.Render(fmt.Sprintf("  %-12s", "Left alone")), search.DisplayText(why), w) + "\n")
	} else if len(r.Path) > 0 && (r.Status == bulk.RowReady || r.Status == bulk.RowConflict) {
		field("How", pathLong(r.Path, bs.worksheetLines(r.Line)))
	}
	for _, c := range bs.rowChanges(r.Line) {
		field("Change", c)
	}
	for _, f := range r.Flags {
		b.WriteString(hang(s.Warn.Render(fmt.Sprintf("  %-12s", "Warning")), search.DisplayText(f.Detail), w) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// statusWord is a row's status, coloured by what it means; the word says
// it without colour.
func (m Model) statusWord(st bulk.RowStatus) string {
	s := m.styles
	switch st {
	case bulk.RowReady:
		return s.OK.Render(string(st))
	case bulk.RowConflict:
		return s.Warn.Render(string(st))
	case bulk.RowUnchanged:
		return s.Muted.Render(string(st))
	}
	return s.Error.Render(string(st))
}

// bulkChanges is the list of changes in their order, the rows left alone,
// what the changes cost (sessions) and the worksheet; in one line when
// compact.
func (m Model) bulkChanges(w, h int, compact bool) string {
	s := m.styles
	bs := m.bulk
	ch := bs.prep.Changes
	n := len(ch.Steps)
	cost := m.bulkCost(m.bulkWorksheetShown())
	if compact {
		parts := []string{s.Title.Render(fmt.Sprintf("%d %s (enter reviews them)", n, plural(n, "change", "changes")))}
		if l := len(ch.Left); l > 0 {
			parts = append(parts, s.Warn.Render(fmt.Sprintf("%d left alone", l)))
		}
		if u := ch.SetEmailCount(); u > 0 {
			parts = append(parts, s.Warn.Render(fmt.Sprintf("%d %s signed out", u, plural(u, "user", "users"))))
		}
		if l := len(bs.prep.Worksheet); l > 0 {
			parts = append(parts, s.Warn.Render(fmt.Sprintf("%d worksheet %s", l, plural(l, "line", "lines"))))
		}
		return pack("", parts, s.Muted.Render(" · "), w)
	}
	var b strings.Builder
	switch {
	case n == 0:
		b.WriteString(s.Title.Render("No change to make in Atlassian") + "\n")
	default:
		b.WriteString(s.Title.Render(fmt.Sprintf("Changes (%d), in this order", n)) + s.Muted.Render("  enter reviews them all") + "\n")
	}
	limit := max(h/8, 2)
	for i, st := range ch.Steps {
		if i == limit && n > limit+1 {
			b.WriteString(s.Muted.Render(fmt.Sprintf("  … and %d more", n-limit)) + "\n")
			break
		}
		b.WriteString(fit(fmt.Sprintf("  %d. %s", i+1, search.DisplayText(st.Title)), w, 1) + "\n")
	}
	if len(ch.Left) > 0 {
		lines := make([]int, len(ch.Left))
		for i, l := range ch.Left {
			lines[i] = l.Line
		}
		b.WriteString(fit(s.Warn.Render(fmt.Sprintf("Left alone (%d): line %s", len(ch.Left), joinInts(lines)))+
			s.Muted.Render(": its details say why"), w, 1) + "\n")
	}
	for _, c := range cost {
		b.WriteString(paint(s.Warn, wrap(c, w)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// bulkCost says what the changes cost: each email change ends the user's
// sessions; the worksheet is the IdP admin's work.
func (m Model) bulkCost(worksheet string) []string {
	bs := m.bulk
	var out []string
	if n := bs.prep.Changes.SetEmailCount(); n > 0 {
		out = append(out, fmt.Sprintf("Each email change ends that user's sessions: %d %s signed out.", n, plural(n, "user is", "users are")))
	}
	if n := len(bs.prep.Worksheet); n > 0 {
		out = append(out, fmt.Sprintf("The IdP's admin gets %d worksheet %s: %s.", n, plural(n, "line", "lines"), search.DisplayText(worksheet)))
	}
	return out
}

// bulkWorksheetShown is the worksheet's path as the operator would type
// it: beside the target list as they named it.
func (m Model) bulkWorksheetShown() string {
	p := m.bulk.path
	if i := strings.LastIndexByte(p, '.'); i > strings.LastIndexByte(p, '/') {
		p = p[:i]
	}
	return p + ".worksheet.csv"
}

// pack lays items out after prefix, as many to a line as fit in w, never
// breaking one (wrap would break "domain-unclaimed 2" at its hyphen);
// continuation lines are indented under the first item.
func pack(prefix string, items []string, sep string, w int) string {
	pad := strings.Repeat(" ", lipgloss.Width(prefix))
	var lines []string
	line := prefix
	for i, it := range items {
		if i > 0 {
			if lipgloss.Width(line+sep+it) > w {
				// The separator's mark ends the line ("," or "·").
				if end := strings.TrimRight(ansi.Strip(sep), " "); lipgloss.Width(line+end) <= w {
					line += end
				}
				lines = append(lines, line)
				line = pad + it
				continue
			}
			line += sep
		}
		line += it
	}
	return strings.Join(append(lines, line), "\n")
}

// clipLines keeps the first h lines of text, the last saying there is more.
func clipLines(text string, h int, s Styles) string {
	lines := strings.Split(text, "\n")
	if h <= 0 {
		return ""
	}
	if len(lines) <= h {
		return text
	}
	return strings.Join(append(lines[:h-1], s.Muted.Render("  …")), "\n")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ", ")
}

func domainOf(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return email[i+1:]
	}
	return email
}

// wordsAccount names an account: "Name <email> · account ID".
func wordsAccount(name, email, id string) string {
	who := firstOf(name, email)
	if name != "" && email != "" {
		who = name + " <" + email + ">"
	}
	if id == "" {
		return who
	}
	if who == "" {
		return "account " + id
	}
	return who + " · account " + id
}
