package diagnose

import (
	"fmt"
	"slices"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
)

// The situations beyond the two source articles (research/situations.md):
// a stale SCIM record holding the target, a holder this org can claim or
// that waits for deletion, an account the IdP deactivated or unlinked, and
// SAML JIT undoing an admin's change at the next login.

// unlinkedOwnRecord is the SCIM user, linked to no account, that carries the
// user's name while the user's account is linked to none: the IdP pushed a
// change Atlassian could not take and unlinked the account (contract §2,
// scim-unlinked). nil when there is none.
func (f *OrgFacts) unlinkedOwnRecord() *ScimRecord {
	u := f.User
	if u == nil || locked(u) {
		return nil
	}
	for _, recs := range [][]ScimRecord{u.Scim, f.TargetRecords} {
		for i := range recs {
			r := &recs[i]
			if r.LinkedAccountID == "" && r.User != nil && sameName(scimDisplayName(*r.User), u.Name) {
				return r
			}
		}
	}
	return nil
}

// conflictingRecord is the SCIM record that holds the target while no
// account does (contract §2, scim-record-conflict): not linked to the
// user's account, carrying the target as its userName or primary email, in
// a directory where the IdP writes the user, and not the user's own
// unlinked record. nil when there is none.
func (f *OrgFacts) conflictingRecord() *ScimRecord {
	u := f.User
	if u == nil || f.Holder != nil {
		return nil
	}
	own := f.unlinkedOwnRecord()
	writes := f.userDirectories()
	for i := range f.TargetRecords {
		r := &f.TargetRecords[i]
		switch {
		case r.LinkedAccountID == u.AccountID, r.User == nil, own != nil && r.DirectoryID == own.DirectoryID && r.ScimUserID == own.ScimUserID:
			continue
		case len(writes) > 0 && !slices.Contains(writes, r.DirectoryID):
			continue
		}
		if address.Same(r.User.UserName, f.Target) || address.Same(r.User.PrimaryEmail(), f.Target) {
			return r
		}
	}
	return nil
}

// userDirectories are the directories holding a SCIM user linked to the
// user's account: where the IdP writes the user.
func (f *OrgFacts) userDirectories() []string {
	var out []string
	for _, r := range f.User.Scim {
		if r.LinkedAccountID == f.User.AccountID && !slices.Contains(out, r.DirectoryID) {
			out = append(out, r.DirectoryID)
		}
	}
	for _, l := range f.User.Links {
		if !slices.Contains(out, l.DirectoryID) {
			out = append(out, l.DirectoryID)
		}
	}
	return out
}

func (f *OrgFacts) scimRecordConflict() *Finding {
	r := f.conflictingRecord()
	if r == nil {
		return nil
	}
	link := "linked to no account"
	if r.LinkedAccountID != "" {
		link = "linked to account " + r.LinkedAccountID
	}
	return &Finding{
		Code: steps.VerdictScimRecordConflict.Code(), AccountID: f.User.AccountID,
		Detail: fmt.Sprintf("No account holds %s, but SCIM user %s in directory %s (%s, userName %s) carries it, so that directory answers the IdP's update of %s with 409 uniqueness: a stale record (a user deleted in the IdP without going through the app, a rehire, a guest made a member).",
			f.Target, r.ScimUserID, r.DirectoryID, link, r.User.UserName, who(f.User)),
		Evidence: evs(f.HolderLookupEv, f.TargetRecordsEv, r.Ev),
	}
}

// holderClaimable: the holder is unmanaged on a domain this org has
// verified ("Available to claim").
func (f *OrgFacts) holderClaimable() bool {
	h := f.Holder
	return h != nil && h.ClaimStatus == "unmanaged" && f.domainVerified(address.Domain(h.Email))
}

// holderPendingDeletion: the holder is deleted, within the grace period.
func (f *OrgFacts) holderPendingDeletion() bool {
	return f.Holder != nil && f.Holder.Status == "for_deletion"
}

// samlJIT: SAML SSO on, and no directory provisions (setup 2).
func (f *OrgFacts) samlJIT() bool {
	return f.Hints.SamlSso != nil && *f.Hints.SamlSso && len(f.Directories) == 0 && len(f.ScimDirectories) == 0
}

func (f *OrgFacts) samlJitRevert() *Finding {
	u := f.User
	if !f.samlJIT() {
		return nil
	}
	known := f.Hints.SamlLoggedIn != nil
	if known && !f.Hints.SamlLoggedIn[u.AccountID] {
		return nil
	}
	lead := fmt.Sprintf("%s logs in through SAML", who(u))
	if !known {
		lead = fmt.Sprintf("Whether %s logs in through SAML is not known; if so", who(u))
	}
	return &Finding{
		Code: steps.FindingSamlJitRevert, AccountID: u.AccountID,
		Detail: fmt.Sprintf("The org has SAML SSO and no provisioning (SAML JIT). %s, and the next login sets the account's email to the one the IdP sends: an email set by an admin alone is undone unless the attribute sent at login changes too.",
			lead),
		Evidence: evs(f.DomainsEv, f.DirectoriesEv),
	}
}

// situationFindings are the findings of this file that hold beside the
// verdict (scim-record-conflict is a verdict, and listed by Classify).
func (f *OrgFacts) situationFindings() []Finding {
	var out []Finding
	u := f.User
	if r := f.unlinkedOwnRecord(); r != nil {
		why := "the link was broken (an unlink, or a record the IdP made anew)"
		if dom := address.Domain(r.User.PrimaryEmail()); !f.domainVerified(dom) {
			why = fmt.Sprintf("the IdP pushed that address, Atlassian could not take it (%s is not verified here) and unlinked the account", dom)
		}
		out = append(out, Finding{
			Code: steps.FindingScimUnlinked, AccountID: u.AccountID,
			Detail: fmt.Sprintf("%s is linked to no SCIM user, while SCIM user %s in directory %s, linked to no account, carries the name %q and the address %s: %s, dropping its synced group memberships.",
				who(u), r.ScimUserID, r.DirectoryID, scimDisplayName(*r.User), r.User.PrimaryEmail(), why),
			Evidence: evs(u.LinksEv, r.Ev),
		})
	}
	if fd := f.samlJitRevert(); fd != nil {
		out = append(out, *fd)
	}
	return out
}
