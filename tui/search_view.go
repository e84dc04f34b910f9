package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/lipgloss/v2"

	"github.com/syncdoctor/syncdoctor/client"
)

// The search screen's drawing: the box, how much of the org is loaded, and
// the hits with their matched letters and badges.

func (searchPage) view(m Model, w, h int) string {
	s := m.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("Find the user") + "\n")
	b.WriteString(m.search.input.View() + "\n")
	status := m.loadStatus(w)
	b.WriteString(status + "\n\n")
	listH := h - 3 - lipgloss.Height(status)
	if m.search.group != nil {
		b.WriteString(m.viewMembers(w, listH))
		return b.String()
	}
	rows := m.searchRows()
	if len(rows) == 0 {
		b.WriteString(m.searchHint())
		return b.String()
	}
	first := scrollStart(m.search.cursor, len(rows), listH)
	for i := first; i < len(rows) && i < first+listH; i++ {
		b.WriteString(m.viewRow(rows[i], i == m.search.cursor, w) + "\n")
	}
	return b.String()
}

// scrollStart is the first row to show so that the cursor stays visible.
func scrollStart(cursor, n, h int) int {
	if h <= 0 || n <= h {
		return 0
	}
	return min(max(cursor-h/2, 0), n-h)
}

func (m Model) searchHint() string {
	s := m.styles
	q := strings.TrimSpace(m.search.input.Value())
	switch {
	case q == "":
		hint := s.Muted.Render("Type part of a name, an email address or an account id; misspellings are fine.\n" +
			"A group lists its members.")
		if m.org != nil {
			hint += "\n\n" + s.Muted.Render("Many emails at once (a rebrand)? ") +
				s.Accent.Render("ctrl+b") + s.Muted.Render(" reads them from a CSV.")
		}
		return hint
	case m.search.answered != m.search.seq:
		return s.Muted.Render(m.spinner() + " searching…")
	case !m.loading.done:
		return s.Muted.Render("Nothing matches yet: more accounts are still loading.")
	}
	return s.Muted.Render("Nothing matches " + fmt.Sprintf("%q", q) + ". Try part of the name, or the old email.")
}

// loadStatus says how much of the org the search covers, on one line of w
// columns, or two when a warm start's saved org and the fresh load's count
// would not fit side by side (the count is what the operator watches).
func (m Model) loadStatus(w int) string {
	s := m.styles
	l := m.loading
	switch {
	case m.search.stale != "":
		return s.Warn.Render(safetext.Clean(m.search.stale))
	case l.err != nil:
		return s.Error.Render("Loading stopped: ") + s.Muted.Render("search covers what arrived; ctrl+r tries again")
	case !l.done && l.cached != nil && !l.cacheDone:
		return s.Muted.Render(besideOrBelow(w,
			fmt.Sprintf("%s reading the org saved %s ago: %d of %d accounts", m.spinner(), search.Age(l.savedAt, m.deps.Now()), l.cacheIn, l.cacheTotal),
			"refreshing from the org… "+loadCounts(l.p)))
	case !l.done && l.cached != nil:
		n, _ := l.cached.Counts()
		return s.Muted.Render(besideOrBelow(w,
			fmt.Sprintf("%s searching the %d %s saved %s ago", m.spinner(), n, plural(n, "account", "accounts"), search.Age(l.savedAt, m.deps.Now())),
			"refreshing from the org… "+loadCounts(l.p)))
	case !l.done:
		return s.Muted.Render(m.spinner() + " loading… " + loadCounts(l.p))
	}
	return s.Muted.Render(fmt.Sprintf("%d %s and %d %s loaded",
		l.p.Accounts, plural(l.p.Accounts, "account", "accounts"), l.p.Groups, plural(l.p.Groups, "group", "groups")))
}

// besideOrBelow is "first; second" when that fits in w columns, else
// second on its own line under first, indented past the spinner.
func besideOrBelow(w int, first, second string) string {
	if line := first + "; " + second; ansi.StringWidth(line) <= w {
		return line
	}
	return first + "\n  " + second
}

func (m Model) viewRow(r searchRow, selected bool, w int) string {
	s := m.styles
	marker := "  "
	if selected {
		marker = s.Cursor.Render("▸ ")
	}
	var line string
	switch {
	case r.typed != "":
		line = "Diagnose " + s.Accent.Render(safetext.Clean(r.typed)) + s.Muted.Render(" as typed (not among the loaded accounts)")
	case r.hit.Entry.Kind == search.EntryGroup:
		line = m.groupRow(*r.hit)
	default:
		line = m.accountRow(*r.hit)
	}
	line = marker + line
	if selected {
		// One bar across the row: the row's own colours would each end
		// the bar's background where they end, so it is drawn plain.
		return s.Selected.Bold(true).Width(w).Render(ansi.Strip(fit(line, w, 1)))
	}
	return line
}

// accountRow shows "Name <email>" with the matched letters marked, then
// the badges.
func (m Model) accountRow(h search.Hit) string {
	s := m.styles
	a := h.Entry.Account
	field := h.Field
	if field == "" { // a group's member: not a search hit (a hit's Field is cleaned)
		field = safetext.Clean(firstOf(a.Name, "(no name)") + " <" + a.Email + ">")
	}
	return lipgloss.StyleRunes(field, h.Matched, s.Match, lipgloss.NewStyle()) + "  " + m.badges(a)
}

func (m Model) groupRow(h search.Hit) string {
	s := m.styles
	g := h.Entry.Group
	kind := "local group"
	if g.ExternalSynced {
		kind = "synced from the IdP"
	}
	name := lipgloss.StyleRunes(h.Field, h.Matched, s.Match, lipgloss.NewStyle()) // the cleaned name Matched counts in
	return s.Accent.Render("group ") + name + "  " + s.Badge.Render(fmt.Sprintf("%d members · %s", h.Entry.Members, kind))
}

// badges sum an account up at a glance: who manages it, whether
// provisioning locks it, whether it is in use, what it can reach.
func (m Model) badges(a client.User) string {
	s := m.styles
	var parts []string
	if m.search.fromOrg[a.AccountID] && !m.loading.done {
		parts = append(parts, s.Accent.Render("found in the org"))
	}
	if a.ClaimStatus != "" {
		parts = append(parts, s.Badge.Render(safetext.Clean(a.ClaimStatus)))
	}
	if a.Synced() {
		parts = append(parts, s.Locked.Render("provisioned (locked)"))
	}
	if a.AccountStatus != "" && a.AccountStatus != "active" {
		parts = append(parts, s.Warn.Render(safetext.Clean(a.AccountStatus)))
	}
	parts = append(parts, s.Badge.Render(products(a)))
	return strings.Join(parts, s.Muted.Render(" · "))
}

// products lists an account's product access.
func products(a client.User) string {
	if len(a.ProductAccess) == 0 {
		return "no product access"
	}
	keys := make([]string, 0, len(a.ProductAccess))
	for _, p := range a.ProductAccess {
		keys = append(keys, safetext.Clean(p.Key))
	}
	return strings.Join(keys, ", ")
}

func (m Model) viewMembers(w, h int) string {
	s := m.styles
	g := m.search.group
	shown := m.shownMembers()
	var b strings.Builder
	b.WriteString(s.Accent.Render("group "+search.DisplayText(g.Name)) + s.Muted.Render(fmt.Sprintf("  %d members loaded", len(m.search.members))) + "\n")
	if f := m.search.mfilter; f != "" {
		b.WriteString(s.Muted.Render(fmt.Sprintf("  filter %q: %d shown", search.DisplayText(f), len(shown))) + "\n")
		h--
	} else {
		b.WriteString(s.Muted.Render("  type to filter by name or email") + "\n")
		h--
	}
	if len(shown) == 0 {
		b.WriteString(s.Muted.Render("No member of this group matches, among those loaded."))
		return b.String()
	}
	first := scrollStart(m.search.mcursor, len(shown), h-1)
	for i := first; i < len(shown) && i < first+h-1; i++ {
		hit := search.Hit{Entry: search.Entry{Kind: search.EntryAccount, Account: shown[i]}}
		b.WriteString(m.viewRow(searchRow{hit: &hit}, i == m.search.mcursor, w) + "\n")
	}
	return b.String()
}
