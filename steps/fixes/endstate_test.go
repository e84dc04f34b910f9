package fixes

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// checkEndState is contract §2's rule for the org after `fix --yes` on a
// simulated org with the simulated IdP, whatever the verdict: no account
// created or deleted; no account changed but the user's, a parked holder's,
// and a holder's that her own IdP record moved to the address the IdP gives
// her; every group membership the user had (org groups, and the groups of
// the SCIM user behind the user's account) there again, but those the run
// journaled as not restorable here.
func checkEndState(t *testing.T, before, after *fixtures.Snapshot, d *diagnose.Diagnosis, r *journal.RunLog) {
	t.Helper()
	ids := func(s *fixtures.Snapshot) []string {
		var out []string
		for _, a := range s.Accounts {
			out = append(out, a.AccountID)
		}
		slices.Sort(out)
		return out
	}
	if b, a := ids(before), ids(after); !slices.Equal(b, a) {
		t.Errorf("accounts created or deleted: %d before, %d after", len(b), len(a))
	}
	user := ""
	if d.User != nil {
		user = d.User.AccountID
	}
	for _, b := range before.Accounts {
		a := fxAccount(after, b.AccountID)
		if a == nil || sameAccount(b, *a) || b.AccountID == user {
			continue
		}
		switch {
		case address.IsPlaceholderOf(a.Email, d.Target):
			// a parked holder
		case strings.EqualFold(b.Email, d.Target) && movedByOwnIdP(before, b.AccountID, a.Email):
			// the holder's own IdP record gave her another address
			if changedBeyondEmail(b, *a) {
				t.Errorf("the holder %s changed beyond her email: %+v -> %+v", b.AccountID, b, *a)
			}
		default:
			t.Errorf("account %s (%s) changed, and it is not the user's nor a parked holder's: %+v -> %+v", b.AccountID, b.Email, b, *a)
		}
	}
	if user == "" {
		return
	}
	lost := notRestorable(t, r)
	ub, ua := fxAccount(before, user), fxAccount(after, user)
	for _, g := range ub.Groups {
		if !slices.Contains(ua.Groups, g) && !lost[g] {
			t.Errorf("the user lost the group %s: %v -> %v", g, ub.Groups, ua.Groups)
		}
	}
	for dir, groups := range scimGroupsOf(before, user) {
		have := scimGroupsOf(after, user)[dir]
		for _, g := range groups {
			if !slices.Contains(have, g) && !lost[groupIDByName(before, g)] {
				t.Errorf("the user's SCIM user in %s lost the group %s: %v -> %v", dir, g, groups, have)
			}
		}
	}
}

// sameAccount compares two states of an account, groups in any order.
func sameAccount(a, b fixtures.Account) bool {
	slices.Sort(a.Groups)
	slices.Sort(b.Groups)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// changedBeyondEmail reports whether an account changed in more than its
// email (and the name its IdP record sends with it).
func changedBeyondEmail(a, b fixtures.Account) bool {
	b.Email, b.Name = a.Email, a.Name
	return !sameAccount(a, b)
}

// movedByOwnIdP reports whether the IdP user behind the account's SCIM user
// gives it the address email.
func movedByOwnIdP(s *fixtures.Snapshot, accountID, email string) bool {
	for _, d := range s.Directories {
		for _, u := range d.Users {
			if u.AtlassianAccountID == nil || *u.AtlassianAccountID != accountID {
				continue
			}
			for _, iu := range d.IdpUsers {
				if iu.ExternalID == u.ExternalID && strings.EqualFold(iu.ScimEmail, email) {
					return true
				}
			}
		}
	}
	return false
}

// scimGroupsOf are, per directory, the SCIM group names of the SCIM users
// that link the account.
func scimGroupsOf(s *fixtures.Snapshot, accountID string) map[string][]string {
	out := map[string][]string{}
	for _, d := range s.Directories {
		for _, u := range d.Users {
			if u.AtlassianAccountID == nil || *u.AtlassianAccountID != accountID {
				continue
			}
			for _, g := range d.Groups {
				if slices.Contains(g.Members, u.ID) {
					out[d.ID] = append(out[d.ID], g.DisplayName)
				}
			}
		}
	}
	return out
}

func groupIDByName(s *fixtures.Snapshot, name string) string {
	for _, g := range s.Groups {
		if g.Name == name {
			return g.ID
		}
	}
	for _, d := range s.Directories {
		for _, g := range d.Groups {
			if g.DisplayName == name && g.OrgGroupID != "" {
				return g.OrgGroupID
			}
		}
	}
	return name
}

// notRestorable are the org groups the run recorded as coming from a
// record in another directory that the fix deletes (and said so).
func notRestorable(t *testing.T, r *journal.RunLog) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	if r == nil {
		return out
	}
	if _, noted := r.Facts[factNotRestored]; !noted {
		return out
	}
	for _, rec := range recorded(t, r) {
		for _, g := range rec.OrgGroups {
			if strings.HasPrefix(g.Via, viaDirPrefix) {
				out[g.ID] = true
			}
		}
	}
	return out
}
