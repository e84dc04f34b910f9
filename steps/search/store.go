package search

import (
	"cmp"
	"strings"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/client"
)

// How the index holds an org of a million accounts in little memory. A
// client.User is 224 bytes before its strings, and most of it is the same
// from one account to the next: statuses, group names, product keys. So an
// account is kept as
//
//   - one string with everything of its own: the folded text searches read,
//     the folded account id, then the id (when folding changes it), name,
//     nickname, email and addedToOrg as they came;
//   - an index into a table of shapes (accountType, accountStatus,
//     claimStatus, membershipStatus, status, managementSource,
//     emailVerified, the same for thousands of accounts);
//   - its groups and products, in shared arrays of the index, groups
//     interned;
//
// and becomes a client.User again for the few that a search returns.

// accountShape is what many accounts have in common.
type accountShape struct {
	accountType, accountStatus, claimStatus, membershipStatus, status string
	managementSource                                                  string
	hasManagementSource, emailVerified                                bool
}

func shapeOf(u *client.User) accountShape {
	sh := accountShape{
		accountType: u.AccountType, accountStatus: u.AccountStatus, claimStatus: u.ClaimStatus,
		membershipStatus: u.MembershipStatus, status: u.Status, emailVerified: u.EmailVerified,
	}
	if u.ManagementSource != nil {
		sh.managementSource, sh.hasManagementSource = *u.ManagementSource, true
	}
	return sh
}

// userGroupKey tells interned group memberships apart.
type userGroupKey struct {
	id, name, description string
	hasDescription        bool
}

// interned is what accounts share, each kept once. The caller holds the
// index's lock.
type interned struct {
	shapes    []accountShape
	shapeIDs  map[accountShape]uint32
	msources  []*string // per shape: the managementSource handed out
	ugroups   []client.UserGroup
	ugroupIDs map[userGroupKey]uint32
	strs      map[string]string
}

func (t *interned) shape(u *client.User) uint32 {
	sh := shapeOf(u)
	if id, ok := t.shapeIDs[sh]; ok {
		return id
	}
	if t.shapeIDs == nil {
		t.shapeIDs = map[accountShape]uint32{}
	}
	id := uint32(len(t.shapes))
	t.shapes = append(t.shapes, sh)
	t.msources = append(t.msources, u.ManagementSource)
	t.shapeIDs[sh] = id
	return id
}

func (t *interned) ugroup(g client.UserGroup) uint32 {
	key := userGroupKey{id: g.ID, name: g.Name}
	if g.Description != nil {
		key.description, key.hasDescription = *g.Description, true
	}
	if id, ok := t.ugroupIDs[key]; ok {
		return id
	}
	if t.ugroupIDs == nil {
		t.ugroupIDs = map[userGroupKey]uint32{}
	}
	id := uint32(len(t.ugroups))
	t.ugroups = append(t.ugroups, g)
	t.ugroupIDs[key] = id
	return id
}

func (t *interned) str(s string) string {
	if v, ok := t.strs[s]; ok {
		return v
	}
	if t.strs == nil {
		t.strs = map[string]string{}
	}
	t.strs[s] = s
	return s
}

// The lengths in coldEntry.lens.
const (
	lenID = iota // 0: the id is the folded id
	lenName
	lenNickname
	lenEmail
)

// accountData lays out an account's own strings (see above), and says
// where the folded text and the folded id end.
func accountData(u *client.User, folded, foldedID string) (data string, hotLen int, lens [4]uint32) {
	id := u.AccountID
	if id == foldedID {
		id = ""
	}
	var b strings.Builder
	b.Grow(len(folded) + len(foldedID) + len(id) + len(u.Name) + len(u.Nickname) + len(u.Email) + len(u.AddedToOrg))
	for _, s := range []string{folded, foldedID, id, u.Name, u.Nickname, u.Email, u.AddedToOrg} {
		b.WriteString(s)
	}
	lens = [4]uint32{uint32(len(id)), uint32(len(u.Name)), uint32(len(u.Nickname)), uint32(len(u.Email))}
	return b.String(), len(folded) + len(foldedID), lens
}

// accountStrings are an account's own strings, from its data.
type accountStrings struct {
	id, name, nickname, email, addedToOrg string
}

func (ix *Index) accountStrings(i int32) accountStrings {
	h, c := &ix.hot[i], &ix.cold[i]
	rest := c.data[len(h.text):]
	cut := func(n uint32) string {
		s := rest[:n]
		rest = rest[n:]
		return s
	}
	var a accountStrings
	a.id = cut(c.lens[lenID])
	if a.id == "" {
		a.id = h.id()
	}
	a.name, a.nickname, a.email = cut(c.lens[lenName]), cut(c.lens[lenNickname]), cut(c.lens[lenEmail])
	a.addedToOrg = rest
	return a
}

// user is the account at entry i as it was added (an empty Groups or
// ProductAccess comes back nil).
func (ix *Index) user(i int32) client.User {
	c := &ix.cold[i]
	a := ix.accountStrings(i)
	sh := &ix.shared.shapes[c.shape]
	u := client.User{
		AccountID: a.id, AccountType: sh.accountType, AccountStatus: sh.accountStatus,
		ClaimStatus: sh.claimStatus, Email: a.email, EmailVerified: sh.emailVerified,
		Name: a.name, Nickname: a.nickname, ManagementSource: ix.shared.msources[c.shape],
		MembershipStatus: sh.membershipStatus, Status: sh.status, AddedToOrg: a.addedToOrg,
	}
	if c.ng > 0 {
		u.Groups = make([]client.UserGroup, c.ng)
		for k, g := range ix.grefs[c.g0 : c.g0+c.ng] {
			u.Groups[k] = ix.shared.ugroups[g]
		}
	}
	if c.np > 0 {
		u.ProductAccess = append([]client.ProductAccess(nil), ix.products[c.p0:c.p0+c.np]...)
	}
	return u
}

// entry is the Entry at i.
func (ix *Index) entry(i int32) Entry {
	if EntryKind(ix.hot[i].kind) == EntryGroup {
		g := ix.groupList[ix.cold[i].g0]
		return Entry{Kind: EntryGroup, Group: g, Members: ix.members[g.ID]}
	}
	return Entry{Kind: EntryAccount, Account: ix.user(i)}
}

// shown is what a hit for entry i shows: "Name <email>" for an account (the
// name or the email alone when the other is missing, the id when both
// are), the name for a group; where the email starts in it, in runes (-1
// without one); and the email folded.
func (ix *Index) shown(i int32) (field string, emailAt int, foldedEmail string) {
	if EntryKind(ix.hot[i].kind) == EntryGroup {
		g := &ix.groupList[ix.cold[i].g0]
		return groupField(g), -1, ""
	}
	a := ix.accountStrings(i)
	field, emailAt, email := accountField(a.id, a.name, a.nickname, a.email)
	if email != "" {
		foldedEmail = fold(email)
	}
	return field, emailAt, foldedEmail
}

func accountField(id, name, nickname, email string) (field string, emailAt int, shownEmail string) {
	name = displayText(strings.TrimSpace(cmp.Or(name, nickname)))
	email = displayText(strings.TrimSpace(email))
	switch {
	case name != "" && email != "":
		return name + " <" + email + ">", utf8.RuneCountInString(name) + 2, email
	case name != "":
		return name, -1, ""
	case email != "":
		return email, 0, email
	default:
		return displayText(id), -1, ""
	}
}

func groupField(g *client.Group) string {
	return displayText(strings.TrimSpace(cmp.Or(g.Name, g.ID)))
}
