package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
	"github.com/syncdoctor/syncdoctor/steps/search"
)

// accountScreen shows the chosen account at a glance, with its SCIM links
// read from the org (the index does not hold them).
type accountScreen struct {
	seq       int
	user      client.User
	known     bool // read from the org (loaded, or looked up); false: not found or not yet
	lookingUp bool // a typed address or id is being looked up in the org
	missing   bool // the org has no such account
	reading   bool
	links     []scimLinkView
	err       error
}

// openAccount shows an account and starts reading its SCIM links.
func (m Model) openAccount(u client.User, known bool) (Model, tea.Cmd) {
	m, seq := m.nextSeq()
	m.account = accountScreen{seq: seq, user: u, known: known}
	m.target = m.target.reset()
	m.phase = phaseAccount
	if !known {
		// Typed, not among the accounts loaded so far: the org may well
		// have it (a big org loads for a while). Ask it directly.
		m.account.lookingUp = true
		return m, lookupUserCmd(m.ctx, m.org.Client, seq, u)
	}
	if u.AccountID == "" {
		return m, nil
	}
	m.account.reading = true
	return m, readScimCmd(m.ctx, m.org.Client, seq, u.AccountID)
}

// onUserLookedUp shows the account the org has for what was typed, and
// reads its links; or says the org has none.
func (m Model) onUserLookedUp(msg userLookedUpMsg) (Model, tea.Cmd) {
	if msg.seq != m.account.seq {
		return m, nil
	}
	a := &m.account
	a.lookingUp = false
	switch {
	case msg.err != nil:
		a.err = msg.err
		return m, nil
	case msg.user == nil:
		a.missing = true
		return m, nil
	}
	m.loading.add([]client.User{*msg.user}) // the next search finds it at once
	a.user, a.known, a.reading = *msg.user, true, true
	return m, readScimCmd(m.ctx, m.org.Client, a.seq, msg.user.AccountID)
}

func (m Model) onScimRead(msg scimReadMsg) Model {
	if msg.seq != m.account.seq {
		return m
	}
	m.account.reading, m.account.links, m.account.err = false, msg.links, msg.err
	return m
}

// accountPage is the screen of the account phase; its state is m.account.
type accountPage struct{}

func (accountPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Back):
		m.phase = phaseSearch
	case key.Matches(k, m.keys.Select):
		m.phase = phaseTarget
		return m, m.target.input.Focus()
	}
	return m, nil
}

func (accountPage) keys(m Model) []key.Binding {
	return []key.Binding{withHelp(m.keys.Select, "enter", "next: the new email"), m.keys.Back}
}

func (accountPage) view(m Model, w, _ int) string {
	s := m.styles
	a := m.account.user
	var b strings.Builder
	if !m.account.known {
		typed := safetext.Clean(firstOf(a.Email, a.AccountID))
		b.WriteString(s.Title.Render(typed) + "\n\n")
		switch {
		case m.account.lookingUp:
			b.WriteString(m.spinner() + " Not loaded yet: looking it up in the org…\n")
		case m.account.missing:
			b.WriteString(paint(s.Warn, wrap("No account in the org has "+typed+
				". Check the spelling, or search by name: tickets often carry an old address. The diagnosis can still go on (and say not-found).", w)) + "\n")
		case m.account.err != nil:
			b.WriteString(paint(s.Error, wrap("It could not be looked up: "+safetext.Clean(m.account.err.Error())+". The diagnosis looks it up again.", w)) + "\n")
		}
		return b.String()
	}
	b.WriteString(s.Title.Render(safetext.Clean(firstOf(a.Name, a.Email))) + "\n\n")
	row := func(label, value string) {
		b.WriteString(s.Muted.Render(fmt.Sprintf("  %-15s ", label)) + value + "\n")
	}
	row("Email", safetext.Clean(a.Email))
	row("Account id", safetext.Clean(a.AccountID))
	row("Status", statusText(a))
	row("Claim", claimText(a))
	row("Provisioning", m.provisioningText(a))
	row("Groups", groupsText(a))
	row("Product access", products(a))
	b.WriteString("\n" + s.Title.Render("SCIM links") + "\n")
	b.WriteString(m.viewLinks(w))
	return b.String()
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func statusText(a client.User) string {
	if a.AccountStatus == "" {
		return "unknown"
	}
	return safetext.Clean(a.AccountStatus)
}

func claimText(a client.User) string {
	switch a.ClaimStatus {
	case "managed":
		return "managed by this org"
	case "unmanaged":
		return "unmanaged: this org cannot change it until it claims it"
	}
	return "unknown"
}

// provisioningText says who can change the account's email: an unmanaged
// account's is not this org's to change, whoever provisions it.
func (m Model) provisioningText(a client.User) string {
	switch {
	case a.Synced():
		return m.styles.Locked.Render("provisioned (locked)") + ": only the IdP can change its email"
	case !a.Managed():
		return "not provisioned"
	}
	return "not provisioned: an admin can change its email"
}

func groupsText(a client.User) string {
	if len(a.Groups) == 0 {
		return "none"
	}
	names := make([]string, 0, len(a.Groups))
	for _, g := range a.Groups {
		names = append(names, search.DisplayText(g.Name))
	}
	return strings.Join(names, ", ")
}

func (m Model) viewLinks(w int) string {
	s := m.styles
	switch {
	case m.account.reading:
		return "  " + m.spinner() + " reading…\n"
	case m.account.err != nil:
		return "  " + s.Error.Render("could not be read: ") + wrap(safetext.Clean(m.account.err.Error()), w-4) + "\n"
	case len(m.account.links) == 0:
		return "  " + s.Muted.Render("none: no SCIM user links this account") + "\n"
	}
	var b strings.Builder
	for _, l := range m.account.links {
		b.WriteString("  " + m.linkText(l) + "\n")
	}
	return b.String()
}

// linkText is one SCIM link: the directory, its IdP, the SCIM user.
func (m Model) linkText(l scimLinkView) string {
	s := m.styles
	clean := safetext.Clean
	dir := clean(l.link.DirectoryID)
	if idp := idpName(m.org.Hints.DirectoryIdp[dir]); idp != "" {
		dir += " (" + idp + ")"
	}
	head := s.Accent.Render(dir) + ": SCIM user " + clean(l.link.ScimUserID)
	if l.user == nil {
		return head + s.Muted.Render(", "+clean(l.unread))
	}
	u := l.user
	parts := []string{"userName " + clean(u.UserName), "email " + clean(u.PrimaryEmail())}
	if u.ExternalID != "" {
		parts = append(parts, "externalId "+clean(u.ExternalID))
	}
	if u.Active != nil && !*u.Active {
		parts = append(parts, s.Warn.Render("inactive"))
	}
	return head + s.Muted.Render(", "+strings.Join(parts, ", "))
}

// idpName names an IdP kind for people ("" when unknown).
func idpName(kind steps.IdpKind) string {
	if kind == steps.IdpOther {
		return "another IdP"
	}
	return kind.DisplayName()
}
