package diagnose

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"

	"github.com/syncdoctor/syncdoctor/client"
)

// Evidence is one check diagnosis made: the call and what it answered.
type Evidence struct {
	// Call is the request, e.g.
	// "POST /admin/v2/orgs/{orgId}/directories/-/users/search {emails:[x]}".
	Call string `json:"call"`
	// Answer is what it answered, in a sentence.
	Answer string `json:"answer"`
}

// gatherer reads the org for one diagnosis (api-facts §8), recording each
// call as Evidence and reporting it to progress as it happens.
type gatherer struct {
	c        *client.Client
	progress func(Evidence)
	ev       []Evidence
}

// note records one check and returns its evidence index.
func (g *gatherer) note(call, said string) []int {
	e := cleanEvidence(Evidence{Call: call, Answer: said})
	g.ev = append(g.ev, e)
	if g.progress != nil {
		g.progress(e)
	}
	return []int{len(g.ev) - 1}
}

// readError is an org read that failed: the org could not be read.
func readError(call string, err error) error { return fmt.Errorf("%s: %w", call, err) }

func callSearchEmail(email string) string {
	return fmt.Sprintf("POST /admin/v2/orgs/{orgId}/directories/-/users/search {emails:[%s]}", email)
}

// gather fills f (whose Query, Target, IdpError, Hints and ScimDirectories
// are set) from the org: the user, the domains, the holder of the target,
// the SCIM links and records of both, and their email.set privileges.
func (g *gatherer) gather(ctx context.Context, f *OrgFacts, byEmail bool) error {
	var err error
	if byEmail {
		f.User, f.UserLookupEv, err = g.lookupEmail(ctx, f.Query, "")
	} else {
		f.User, f.UserLookupEv, err = g.lookupID(ctx, f.Query)
	}
	if err != nil || f.User == nil {
		return err
	}
	if err := g.domains(ctx, f); err != nil {
		return err
	}
	if err := g.directories(ctx, f); err != nil {
		return err
	}
	if !address.Same(f.User.Email, f.Target) {
		f.Holder, f.HolderLookupEv, err = g.lookupEmail(ctx, f.Target, f.User.AccountID)
		if err != nil {
			return err
		}
	}
	if err := g.scim(ctx, f.User, true); err != nil {
		return err
	}
	if f.Holder != nil {
		if err := g.scim(ctx, f.Holder, false); err != nil {
			return err
		}
	} else if !address.Same(f.User.Email, f.Target) {
		if err := g.targetRecords(ctx, f); err != nil {
			return err
		}
		f.noteUnread(f.TargetRecords)
	}
	for _, a := range []*AccountFacts{f.User, f.Holder} {
		if a == nil {
			continue
		}
		if err := g.privileges(ctx, a); err != nil {
			return err
		}
		f.noteUnread(a.Scim)
	}
	return nil
}

// directories lists the org's identity-provider directories; each one this
// tool holds no SCIM key for is incomplete evidence. A listing the org API
// refuses is incomplete too: the tool cannot know what it does not see.
func (g *gatherer) directories(ctx context.Context, f *OrgFacts) error {
	const call = "GET /admin/v2/orgs/{orgId}/directories"
	dirs, err := g.c.Directories(ctx)
	switch {
	case client.IsUnreachable(err):
		return readError(call, err)
	case err != nil:
		f.DirectoriesEv = g.note(call, "The org's directories could not be listed: "+err.Error())
		f.Incomplete = append(f.Incomplete, Unread{Reason: "the org's directories could not be listed"})
		return nil
	}
	f.Directories = append([]client.Directory{}, dirs...) // listed: empty, not unknown
	var names, unkeyed []string
	for _, d := range dirs {
		names = append(names, d.ID)
		if !slices.Contains(f.ScimDirectories, d.ID) {
			unkeyed = append(unkeyed, d.ID)
			f.Incomplete = append(f.Incomplete, Unread{DirectoryID: d.ID, Reason: "no SCIM key for this directory"})
		}
	}
	said := "The org has no identity-provider directory."
	if len(names) > 0 {
		said = fmt.Sprintf("The org's directories: %s.", strings.Join(names, ", "))
	}
	if len(unkeyed) > 0 {
		said += fmt.Sprintf(" No SCIM key was given for %s: what it holds is unknown.", strings.Join(unkeyed, ", "))
	}
	f.DirectoriesEv = g.note(call, said)
	return nil
}

// noteUnread adds to Incomplete the directories of records that could not
// be read for want of a key, once each.
func (f *OrgFacts) noteUnread(recs []ScimRecord) {
	for _, r := range recs {
		if r.Unread != UnreadNoKey || slices.ContainsFunc(f.Incomplete, func(u Unread) bool { return u.DirectoryID == r.DirectoryID }) {
			continue
		}
		f.Incomplete = append(f.Incomplete, Unread{DirectoryID: r.DirectoryID, Reason: "no SCIM key for this directory"})
	}
}

// lookupEmail finds the account holding email, other than the account
// except (the user, when looking for the holder). Emails compare
// case-insensitively.
func (g *gatherer) lookupEmail(ctx context.Context, email, except string) (*AccountFacts, []int, error) {
	call := callSearchEmail(email)
	users, err := g.c.UsersByEmail(ctx, email)
	if err != nil {
		return nil, nil, readError(call, err)
	}
	for _, u := range users {
		if u.AccountID == except || !address.Same(u.Email, email) {
			continue
		}
		lead := "Found"
		if except != "" {
			lead = email + " belongs to"
		}
		return &AccountFacts{User: u}, g.note(call, lead+" "+accountSummary(u)+"."), nil
	}
	said := "No account has the address " + email + "."
	if except != "" {
		said = "No other account holds " + email + "."
	}
	return nil, g.note(call, said), nil
}

// lookupID finds an account by id, then reads it again by its email for
// the groups and product access the details endpoint leaves out.
func (g *gatherer) lookupID(ctx context.Context, id string) (*AccountFacts, []int, error) {
	call := "GET /admin/v2/orgs/{orgId}/directories/-/users/" + id
	u, err := g.c.GetUser(ctx, id)
	if client.IsNotFound(err) {
		return nil, g.note(call, "No account in this org has the id "+id+"."), nil
	}
	if err != nil {
		return nil, nil, readError(call, err)
	}
	ev := g.note(call, "Found "+accountSummary(u)+".")
	if u.Email == "" {
		return &AccountFacts{User: u}, ev, nil
	}
	call = callSearchEmail(u.Email)
	users, err := g.c.UsersByEmail(ctx, u.Email)
	if err != nil {
		return nil, nil, readError(call, err)
	}
	for _, x := range users {
		if x.AccountID == u.AccountID {
			ev = evs(ev, g.note(call, "Read "+accountSummary(x)+"."))
			return &AccountFacts{User: x}, ev, nil
		}
	}
	return &AccountFacts{User: u}, evs(ev, g.note(call, "The search by "+u.Email+" did not return the account again; its groups and product access are unknown.")), nil
}

func (g *gatherer) domains(ctx context.Context, f *OrgFacts) error {
	const call = "GET /admin/v1/orgs/{orgId}/domains"
	f.Domains = []client.Domain{}
	for d, err := range g.c.Domains(ctx) {
		if err != nil {
			return readError(call, err)
		}
		f.Domains = append(f.Domains, d)
	}
	var verified, other []string
	for _, d := range f.Domains {
		if d.Verified() {
			verified = append(verified, d.Name)
		} else {
			other = append(other, fmt.Sprintf("%s (%s)", d.Name, d.ClaimStatus))
		}
	}
	said := "The org has no domains."
	switch {
	case len(verified) > 0 && len(other) > 0:
		said = fmt.Sprintf("The org has verified %s; not verified: %s.", strings.Join(verified, ", "), strings.Join(other, ", "))
	case len(verified) > 0:
		said = fmt.Sprintf("The org has verified %s.", strings.Join(verified, ", "))
	case len(other) > 0:
		said = fmt.Sprintf("The org has verified no domain; not verified: %s.", strings.Join(other, ", "))
	}
	f.DomainsEv = g.note(call, said)
	return nil
}

// scim reads an account's SCIM links and the SCIM users behind them; for
// the user (ownEmail) also the records whose primary email is its email and
// that link to no other account.
func (g *gatherer) scim(ctx context.Context, a *AccountFacts, ownEmail bool) error {
	call := "GET /admin/user-provisioning/v1/org/{orgId}/user/" + a.AccountID + "/get-scim-links"
	links, err := g.c.ScimLinks(ctx, a.AccountID)
	if err != nil {
		return readError(call, err)
	}
	a.Links = links
	if a.Links == nil {
		a.Links = []client.ScimLink{}
	}
	a.LinksEv = g.note(call, linksSaid("No SCIM user links the account "+a.AccountID+".", "The account "+a.AccountID+" is linked to", a.AccountID, links))
	type found struct {
		link client.ScimLink
		ev   []int
	}
	var recs []found
	for _, l := range links {
		recs = append(recs, found{l, a.LinksEv})
	}
	if ownEmail && a.Email != "" {
		call := fmt.Sprintf("POST /admin/user-provisioning/v1/org/{orgId}/get-scim-links-for-email {email:%s}", a.Email)
		byEmail, err := g.c.ScimLinksForEmail(ctx, a.Email)
		if err != nil {
			return readError(call, err)
		}
		ev := g.note(call, linksSaid("No SCIM record has the primary email "+a.Email+".", "SCIM records with the primary email "+a.Email+":", "", byEmail))
		a.LinksEv = evs(a.LinksEv, ev)
		for _, l := range byEmail {
			if id := linkAccount(l); id != "" && id != a.AccountID {
				continue // another account's record: not the user's own
			}
			recs = append(recs, found{l, ev})
		}
	}
	a.Scim = []ScimRecord{}
	for _, r := range recs {
		if i := findRecord(a.Scim, r.link.DirectoryID, r.link.ScimUserID); i >= 0 {
			a.Scim[i].Ev = evs(a.Scim[i].Ev, r.ev)
			if a.Scim[i].LinkedAccountID == "" {
				a.Scim[i].LinkedAccountID = linkAccount(r.link)
			}
			continue
		}
		rec := ScimRecord{DirectoryID: r.link.DirectoryID, ScimUserID: r.link.ScimUserID, LinkedAccountID: linkAccount(r.link), Ev: r.ev}
		if err := g.readScimUser(ctx, &rec); err != nil {
			return err
		}
		a.Scim = append(a.Scim, rec)
	}
	return nil
}

// targetRecords reads the SCIM records that carry the target while no
// account holds it (contract §2, scim-record-conflict and scim-unlinked):
// those whose primary email it is, and in each directory this tool has a
// key for, the one whose userName it is.
func (g *gatherer) targetRecords(ctx context.Context, f *OrgFacts) error {
	call := fmt.Sprintf("POST /admin/user-provisioning/v1/org/{orgId}/get-scim-links-for-email {email:%s}", f.Target)
	links, err := g.c.ScimLinksForEmail(ctx, f.Target)
	if err != nil {
		return readError(call, err)
	}
	ev := g.note(call, linksSaid("No SCIM record has the primary email "+f.Target+".", "SCIM records with the primary email "+f.Target+":", "", links))
	f.TargetRecordsEv = ev
	f.TargetRecords = []ScimRecord{}
	for _, l := range links {
		rec := ScimRecord{DirectoryID: l.DirectoryID, ScimUserID: l.ScimUserID, LinkedAccountID: linkAccount(l), Ev: ev}
		if err := g.readScimUser(ctx, &rec); err != nil {
			return err
		}
		f.TargetRecords = append(f.TargetRecords, rec)
	}
	for _, dir := range f.ScimDirectories {
		if err := g.recordByUserName(ctx, f, dir); err != nil {
			return err
		}
	}
	return nil
}

// recordByUserName adds to f.TargetRecords the SCIM user of dir whose
// userName is the target, if any.
func (g *gatherer) recordByUserName(ctx context.Context, f *OrgFacts, dir string) error {
	call := fmt.Sprintf("GET /scim/directory/%s/Users?filter=userName eq %q", dir, f.Target)
	s, err := g.c.SCIM(dir)
	if err != nil {
		return readError(call, err)
	}
	u, err := s.FindUserByUserName(ctx, f.Target)
	if err != nil {
		return readError(call, err)
	}
	if u == nil {
		f.TargetRecordsEv = evs(f.TargetRecordsEv, g.note(call, "No SCIM user of directory "+dir+" has the userName "+f.Target+"."))
		return nil
	}
	ev := g.note(call, scimUserSaid(*u))
	f.TargetRecordsEv = evs(f.TargetRecordsEv, ev)
	if i := findRecord(f.TargetRecords, dir, u.ID); i >= 0 {
		f.TargetRecords[i].Ev = evs(f.TargetRecords[i].Ev, ev)
		return nil
	}
	f.TargetRecords = append(f.TargetRecords, ScimRecord{DirectoryID: dir, ScimUserID: u.ID, LinkedAccountID: u.AccountID(), User: u, Ev: ev})
	return nil
}

func (g *gatherer) readScimUser(ctx context.Context, rec *ScimRecord) error {
	call := fmt.Sprintf("GET /scim/directory/%s/Users/%s", rec.DirectoryID, rec.ScimUserID)
	s, err := g.c.SCIM(rec.DirectoryID)
	var noKey *client.NoDirectoryKeyError
	if errors.As(err, &noKey) {
		rec.Unread = UnreadNoKey
		rec.Ev = evs(rec.Ev, g.note(call, "Not read: this tool has no SCIM key for directory "+rec.DirectoryID+"."))
		return nil
	}
	if err != nil {
		return readError(call, err)
	}
	u, err := s.User(ctx, rec.ScimUserID)
	if client.IsNotFound(err) {
		rec.Unread = UnreadGone
		rec.Ev = evs(rec.Ev, g.note(call, "SCIM user "+rec.ScimUserID+" no longer exists in directory "+rec.DirectoryID+"."))
		return nil
	}
	if err != nil {
		return readError(call, err)
	}
	rec.User = &u
	if rec.LinkedAccountID == "" {
		rec.LinkedAccountID = u.AccountID()
	}
	rec.Ev = evs(rec.Ev, g.note(call, scimUserSaid(u)))
	return nil
}

func (g *gatherer) privileges(ctx context.Context, a *AccountFacts) error {
	call := "GET /users/" + a.AccountID + "/manage?privileges=email.set"
	privs, err := g.c.Privileges(ctx, a.AccountID, client.PrivilegeEmailSet)
	var me *client.ManageError
	if errors.As(err, &me) && me.Key == "forbidden" {
		a.Unmanageable = true
		a.PrivilegesEv = g.note(call, "403 forbidden: this org does not manage "+a.AccountID+".")
		return nil
	}
	if err != nil {
		return readError(call, err)
	}
	p, ok := privs[client.PrivilegeEmailSet]
	if !ok {
		a.PrivilegesEv = g.note(call, "The answer did not say whether email.set is allowed.")
		return nil
	}
	a.EmailSet = &p
	said := "email.set is allowed: an admin can change the email of " + a.AccountID + "."
	if !p.Allowed {
		said = "email.set is refused for " + a.AccountID
		if r := p.Refusal(); r != "" {
			said += " with reason " + r
		}
		said += "."
	}
	a.PrivilegesEv = g.note(call, said)
	return nil
}

func linkAccount(l client.ScimLink) string {
	if l.AtlassianAccountID == nil {
		return ""
	}
	return *l.AtlassianAccountID
}

func findRecord(recs []ScimRecord, dir, id string) int {
	for i, r := range recs {
		if r.DirectoryID == dir && r.ScimUserID == id {
			return i
		}
	}
	return -1
}

// linksSaid lists SCIM links in a sentence; self is the account the lead
// already names, whose links need no "(linked to ...)".
func linksSaid(none, lead, self string, links []client.ScimLink) string {
	if len(links) == 0 {
		return none
	}
	parts := make([]string, 0, len(links))
	for _, l := range links {
		s := fmt.Sprintf("SCIM user %s in directory %s", l.ScimUserID, l.DirectoryID)
		switch id := linkAccount(l); id {
		case self:
			if self == "" {
				s += " (unlinked)"
			}
		default:
			s += " (linked to " + id + ")"
		}
		parts = append(parts, s)
	}
	return lead + " " + strings.Join(parts, ", ") + "."
}

// accountSummary describes an account in one clause.
func accountSummary(u client.User) string {
	var b strings.Builder
	name := u.Name
	if name == "" {
		name = "(no name)"
	}
	fmt.Fprintf(&b, "%s <%s>, account %s", name, u.Email, u.AccountID)
	var traits []string
	if u.AccountStatus != "" {
		traits = append(traits, wording.Status(u.AccountStatus))
	}
	if u.Status == "for_deletion" {
		traits = append(traits, "pending deletion (status for_deletion)")
	}
	if u.ClaimStatus != "" {
		traits = append(traits, u.ClaimStatus)
	}
	if u.Synced() {
		traits = append(traits, "provisioned (synced)")
	}
	if len(traits) > 0 {
		b.WriteString(": " + strings.Join(traits, ", "))
	}
	if len(u.ProductAccess) > 0 {
		keys := make([]string, 0, len(u.ProductAccess))
		for _, p := range u.ProductAccess {
			keys = append(keys, p.Key)
		}
		b.WriteString("; product access: " + strings.Join(keys, ", "))
	}
	if len(u.Groups) > 0 {
		names := make([]string, 0, len(u.Groups))
		for _, gr := range u.Groups {
			names = append(names, gr.Name)
		}
		b.WriteString("; groups: " + strings.Join(names, ", "))
	}
	return b.String()
}

func scimUserSaid(u client.ScimUser) string {
	var b strings.Builder
	fmt.Fprintf(&b, "SCIM user %s: userName %s, primary email %s", u.ID, u.UserName, u.PrimaryEmail())
	if u.ExternalID != "" {
		fmt.Fprintf(&b, ", externalId %s", u.ExternalID)
	}
	if n := scimDisplayName(u); n != "" {
		fmt.Fprintf(&b, ", name %q", n)
	}
	if u.Active != nil && !*u.Active {
		b.WriteString(", inactive")
	}
	if id := u.AccountID(); id != "" {
		b.WriteString(", linked to account " + id)
	} else {
		b.WriteString(", linked to no account")
	}
	b.WriteString(".")
	return b.String()
}
