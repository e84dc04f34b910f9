package fixes

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/client"
)

// record-memberships, record-holder-memberships and restore-memberships.
// The record is one fact, FactMemberships: a []membershipRecord, which
// reads as []MembershipFact (the ticket note's shape) with what restoring
// needs beside it. Only the first record counts: a resumed run never
// records the state its own changes made.

// Roles of a membershipRecord.
const (
	roleOldAccount = "old-account" // the user's account, which keeps its history
	roleDuplicate  = "duplicate"   // the account provisioning made by mistake
	roleHolder     = "holder"      // the account holding the target
	roleScimUser   = "scim-user"   // the person's SCIM user (groups by SCIM name)
)

// How a recorded org group membership comes back (recordedGroup.Via).
const (
	viaOrg = "org" // a local group: the org API adds it back
	viaIdP = "idp" // a group synced from the person's IdP: the IdP pushes it back
	// viaDirPrefix + directory id: synced from another directory's record
	// of the old account, which the fix deletes; that IdP no longer
	// provisions the person, so it does not come back here.
	viaDirPrefix = "directory:"
)

// membershipRecord is one account's, or the SCIM user's, recorded group
// memberships. Its JSON is a MembershipFact's, plus the fields after Groups.
type membershipRecord struct {
	AccountID   string          `json:"accountId,omitempty"`
	ExternalID  string          `json:"externalId,omitempty"`
	Groups      []string        `json:"groups"`
	Role        string          `json:"role,omitempty"`
	OrgGroups   []recordedGroup `json:"orgGroups,omitempty"`
	DirectoryID string          `json:"directoryId,omitempty"`
	ScimUserID  string          `json:"scimUserId,omitempty"`
}

// recordedGroup is one org group membership. DirectoryID is the group's
// own directory: membership writes need it (`-` is for reads only).
type recordedGroup struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DirectoryID string `json:"directoryId,omitempty"`
	Synced      bool   `json:"synced,omitempty"`
	Via         string `json:"via"`
}

// actRecordMemberships is record-memberships (both accounts of a duplicate
// and the person's SCIM user) and, with holder, record-holder-memberships
// (the holder and its SCIM user).
type actRecordMemberships struct{ holder bool }

func (a actRecordMemberships) ids(s steps.PlanStep) []string {
	ids := []string{s.Params.AccountID}
	if d := s.Params.DuplicateAccountID; !a.holder && d != "" {
		ids = append(ids, d)
	}
	return ids
}

func (a actRecordMemberships) Calls(s steps.PlanStep) []steps.Call {
	ids := a.ids(s)
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = fmt.Sprintf("%q", id)
	}
	calls := []steps.Call{{Method: "POST", Path: "/admin/v2/orgs/{orgId}/directories/-/groups/search",
		Body: `{"accountIds":[` + strings.Join(quoted, ",") + `],"limit":100}`, Note: "read only: which of their groups are synced from the IdP"}}
	if dir, sid := s.Params.DirectoryID, s.Params.ScimUserID; dir != "" && sid != "" {
		calls = append(calls, steps.Call{Method: "GET", Path: "/scim/directory/" + dir + "/Users/" + sid, Note: "read only: the SCIM user's groups"})
	}
	for _, id := range ids {
		calls = append(calls, accountReadCall(id, "the account's groups"))
	}
	return calls
}

func (a actRecordMemberships) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID); why != "" {
		return blocked("%s", why), nil
	}
	var recs []membershipRecord
	if ok, err := getFact(env, journal.FactMemberships, &recs); err != nil {
		return run.Precondition{}, err
	} else if ok {
		return alreadyDone("recorded earlier in this run: %s", describeRecords(recs)), nil
	}
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	return ready("the group memberships are recorded before anything changes"), nil
}

func describeRecords(recs []membershipRecord) string {
	parts := make([]string, 0, len(recs))
	for _, r := range recs {
		who := "account " + r.AccountID
		if r.AccountID == "" {
			who = "SCIM user " + r.ExternalID
		}
		gs := "no group"
		if len(r.Groups) > 0 {
			gs = strings.Join(r.Groups, ", ")
		}
		parts = append(parts, who+": "+gs)
	}
	return strings.Join(parts, "; ")
}

func (a actRecordMemberships) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.Facts != nil && env.Facts.Has(journal.FactMemberships) {
		return nil // only the first record counts
	}
	ids := a.ids(s)
	info := map[string]client.Group{}
	for g, err := range env.Client.SearchGroups(ctx, client.GroupSearch{AccountIDs: ids, Limit: 100}) {
		if err != nil {
			return fmt.Errorf("reading the groups of %s: %w", strings.Join(ids, ", "), err)
		}
		info[g.ID] = g
	}
	// The person's SCIM user and its groups.
	dir, sid, ext := s.Params.DirectoryID, s.Params.ScimUserID, s.Params.ExternalID
	var person *client.ScimUser
	if dir != "" && sid != "" {
		su, _, err := readScimUser(ctx, env, dir, sid)
		if err != nil {
			return err
		}
		person = su
	}
	if person == nil && dir != "" && ext != "" {
		su, _, err := findScimUser(ctx, env, dir, ext)
		if err != nil {
			return err
		}
		person = su
	}
	personGroups := scimGroupNames(person)
	// Groups the old account has from records in other directories.
	otherDir := map[string]string{} // group name (folded) -> directory
	if !a.holder {
		links, err := readLinks(ctx, env, ids[0])
		if err != nil {
			return err
		}
		for _, l := range links {
			if l.DirectoryID == dir {
				continue
			}
			su, _, err := readScimUser(ctx, env, l.DirectoryID, l.ScimUserID)
			if err != nil {
				return err
			}
			for _, n := range scimGroupNames(su) {
				otherDir[strings.ToLower(n)] = l.DirectoryID
			}
		}
	}

	var recs []membershipRecord
	for i, id := range ids {
		u, err := readAccount(ctx, env, id)
		if err != nil {
			return err
		}
		if u == nil {
			if i == 0 {
				return fmt.Errorf("account %s no longer exists", id)
			}
			continue
		}
		role := roleOldAccount
		switch {
		case a.holder:
			role = roleHolder
		case i > 0:
			role = roleDuplicate
		}
		rec := membershipRecord{AccountID: id, Role: role, Groups: []string{}}
		for _, g := range u.Groups {
			gi, known := info[g.ID]
			synced := known && gi.ExternalSynced
			via := viaOrg
			switch {
			case !synced:
			case address.ContainsFold(personGroups, g.Name):
				via = viaIdP
			case otherDir[strings.ToLower(g.Name)] != "":
				via = viaDirPrefix + otherDir[strings.ToLower(g.Name)]
			default:
				via = viaIdP
			}
			rec.Groups = append(rec.Groups, g.Name)
			rec.OrgGroups = append(rec.OrgGroups, recordedGroup{ID: g.ID, Name: g.Name, DirectoryID: gi.DirectoryID, Synced: synced, Via: via})
		}
		recs = append(recs, rec)
	}
	if person != nil {
		recs = append(recs, membershipRecord{ExternalID: person.ExternalID, Role: roleScimUser, Groups: personGroups, DirectoryID: dir, ScimUserID: person.ID})
	}
	return setFact(env, journal.FactMemberships, recs)
}

func (a actRecordMemberships) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.Facts == nil || !env.Facts.Has(journal.FactMemberships) {
		return errors.New("the memberships were not journaled")
	}
	return nil
}

// actRestoreMemberships is restore-memberships: every recorded membership
// of the person back on the old account, then all of them checked.
type actRestoreMemberships struct{}

func (actRestoreMemberships) Calls(s steps.PlanStep) []steps.Call {
	id := s.Params.AccountID
	return []steps.Call{
		{Method: "POST", Path: "/admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships", Body: fmt.Sprintf(`{"accountId":%q}`, id),
			Note: "once per recorded local group still missing from the account, in the group's own directory"},
	}
}

// restoreGap is what is missing from the old account against the record.
type restoreGap struct {
	local    []recordedGroup // local groups: the org API adds them
	synced   []recordedGroup // synced groups: only the IdP brings them back
	scim     []string        // SCIM groups the person's SCIM user is not in again
	lost     []recordedGroup // synced from a deleted record of another directory
	ext, dir string          // the person in the IdP
}

func (g *restoreGap) empty() bool { return len(g.local)+len(g.synced)+len(g.scim) == 0 }

func groupNames(gs []recordedGroup) string {
	names := make([]string, len(gs))
	for i, g := range gs {
		names[i] = g.Name
	}
	return strings.Join(names, ", ")
}

func (g *restoreGap) String() string {
	var parts []string
	if len(g.local) > 0 {
		parts = append(parts, "local groups "+groupNames(g.local))
	}
	if len(g.synced) > 0 {
		parts = append(parts, "synced groups "+groupNames(g.synced))
	}
	if len(g.scim) > 0 {
		parts = append(parts, "SCIM groups "+strings.Join(g.scim, ", "))
	}
	return strings.Join(parts, "; ")
}

// lostNote says which memberships cannot come back here, "" when none.
func (g *restoreGap) lostNote() string {
	if len(g.lost) == 0 {
		return ""
	}
	var parts []string
	for _, l := range g.lost {
		parts = append(parts, fmt.Sprintf("%s (synced from directory %s)", l.Name, strings.TrimPrefix(l.Via, viaDirPrefix)))
	}
	return "not restored here: " + strings.Join(parts, ", ") +
		": they came from the old account's record in another directory, which the fix deleted; they come back only if that IdP provisions the user again"
}

// records reads the journaled record; nil when none was made.
func records(env *run.Env) ([]membershipRecord, error) {
	var recs []membershipRecord
	ok, err := getFact(env, journal.FactMemberships, &recs)
	if err != nil || !ok {
		return nil, err
	}
	return recs, nil
}

// gap compares the old account (and the person's SCIM user) with the record.
func gap(ctx context.Context, env *run.Env, id string, recs []membershipRecord) (*restoreGap, error) {
	u, err := mustReadAccount(ctx, env, id)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, g := range u.Groups {
		have[g.ID] = true
	}
	out := &restoreGap{}
	seen := map[string]bool{}
	for _, r := range recs {
		if r.Role == roleScimUser {
			out.ext, out.dir = r.ExternalID, r.DirectoryID
			continue
		}
		for _, g := range r.OrgGroups {
			if seen[g.ID] {
				continue
			}
			seen[g.ID] = true
			switch {
			case strings.HasPrefix(g.Via, viaDirPrefix):
				if !have[g.ID] {
					out.lost = append(out.lost, g)
				}
			case have[g.ID]:
			case g.Synced:
				out.synced = append(out.synced, g)
			default:
				out.local = append(out.local, g)
			}
		}
	}
	for _, r := range recs {
		if r.Role != roleScimUser || len(r.Groups) == 0 {
			continue
		}
		su, readable, err := findScimUser(ctx, env, r.DirectoryID, r.ExternalID)
		if err != nil {
			return nil, err
		}
		if !readable {
			continue
		}
		out.scim = missingNames(r.Groups, scimGroupNames(su))
	}
	return out, nil
}

// restored journals that every recorded membership is back (once).
func restored(env *run.Env, g *restoreGap) error {
	if env.Facts != nil && env.Facts.Has(journal.FactMembershipsRestored) {
		return nil
	}
	if note := g.lostNote(); note != "" {
		if err := setFact(env, factNotRestored, note); err != nil {
			return err
		}
	}
	return setFact(env, journal.FactMembershipsRestored, journal.FormatTime(env.Now()))
}

func (actRestoreMemberships) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID); why != "" {
		return blocked("%s", why), nil
	}
	recs, err := records(env)
	if err != nil {
		return run.Precondition{}, err
	}
	if recs == nil {
		return blocked("no group memberships were recorded in this run (record-memberships did not run), so there is nothing to restore from"), nil
	}
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	g, err := gap(ctx, env, s.Params.AccountID, recs)
	if err != nil {
		return run.Precondition{}, err
	}
	note := ""
	if n := g.lostNote(); n != "" {
		note = "; " + n
	}
	if g.empty() {
		if err := restored(env, g); err != nil {
			return run.Precondition{}, err
		}
		return alreadyDone("every recorded membership is on %s%s", stepName(s), note), nil
	}
	return ready("%s lacks %s%s", stepName(s), g, note), nil
}

func membershipCall(directoryID, groupID, accountID string) steps.Call {
	return steps.Call{Method: "POST", Path: "/admin/v2/orgs/{orgId}/directories/" + directoryID + "/groups/" + groupID + "/memberships", Body: fmt.Sprintf(`{"accountId":%q}`, accountID)}
}

func (actRestoreMemberships) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id := s.Params.AccountID
	recs, err := records(env)
	if err != nil {
		return err
	}
	g, err := gap(ctx, env, id, recs)
	if err != nil {
		return err
	}
	for _, grp := range g.local {
		dir, err := groupDirectory(ctx, env, grp)
		if err != nil {
			return err
		}
		before := map[string]any{"accountId": id, "groupId": grp.ID, "directoryId": dir, "group": grp.Name, "member": false}
		err = env.Mutate(ctx, s.ID, membershipCall(dir, grp.ID, id), before, func(ctx context.Context) error {
			return env.Client.AddGroupMember(ctx, dir, grp.ID, id)
		})
		switch {
		case err == nil:
		case client.IsConflict(err):
			// Already a member (or a product's user limit): Verify tells.
		case isUncertainErr(err):
			// The answer was lost: read before deciding, never resend blindly.
			u, rerr := mustReadAccount(ctx, env, id)
			if rerr != nil || !slices.ContainsFunc(u.Groups, func(x client.UserGroup) bool { return x.ID == grp.ID }) {
				return err
			}
		default:
			return err
		}
	}
	if len(g.synced) == 0 && len(g.scim) == 0 {
		return nil
	}
	// The IdP pushed the synced groups at idp-add-groups and provisioning;
	// one still missing is the IdP admin's to put back: this step changes
	// the org only through its API.
	missing := strings.Join(append(nonEmpty(groupNames(g.synced)), g.scim...), ", ")
	return &run.OperatorActionError{Instructions: fmt.Sprintf(
		"%s is still missing from these groups, which are synced from the identity provider (directory %s), so only the IdP can put it back: %s. "+
			"Add the user to them in the IdP (for a dynamic group, take any exclusion out of its rule) and provision the user again. %s",
		stepName(s), wording.Or(g.dir, "unknown"), missing, resumeLine)}
}

// groupDirectory is the directory a recorded group lives in: as recorded,
// else as the org's group search says now (a record made before the
// directory was kept).
func groupDirectory(ctx context.Context, env *run.Env, grp recordedGroup) (string, error) {
	if grp.DirectoryID != "" && grp.DirectoryID != "-" {
		return grp.DirectoryID, nil
	}
	for g, err := range env.Client.SearchGroups(ctx, client.GroupSearch{GroupIDs: []string{grp.ID}, Limit: 10}) {
		if err != nil {
			return "", fmt.Errorf("reading the directory of group %s: %w", grp.Name, err)
		}
		if g.ID == grp.ID && g.DirectoryID != "" {
			return g.DirectoryID, nil
		}
	}
	return "", fmt.Errorf("group %s (%s) names no directory: its membership cannot be written", grp.Name, grp.ID)
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func (actRestoreMemberships) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id := s.Params.AccountID
	recs, err := records(env)
	if err != nil {
		return err
	}
	return settle(ctx, env, func(ctx context.Context) error {
		g, err := gap(ctx, env, id, recs)
		if err != nil {
			return err
		}
		if !g.empty() {
			return fmt.Errorf("%s still lacks %s", stepName(s), g)
		}
		return restored(env, g)
	})
}
