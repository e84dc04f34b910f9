package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"

	"github.com/syncdoctor/syncdoctor/client"
)

// OrgFacts is everything diagnosis read from the org, and what the plan's
// steps act on. Classify is a pure function of it. The *Ev fields are
// indexes into Diagnosis.Evidence: the calls that showed each fact.
type OrgFacts struct {
	// Query is the user as asked: an email or an account id.
	Query string `json:"query"`
	// Target is the email the user's account should get.
	Target string `json:"target"`
	// IdpError is what the pasted IdP error said, when one was given.
	IdpError *IdpErrorInfo `json:"idpError,omitempty"`
	// User is the user's account; nil when no account matches Query.
	User *AccountFacts `json:"user,omitempty"`
	// Holder is the other account that holds Target; nil when none does.
	Holder *AccountFacts `json:"holder,omitempty"`
	// Domains are the org's domains (verified or not); another org's domains
	// never appear.
	Domains []client.Domain `json:"domains"`
	// ScimDirectories are the SCIM directories this tool holds a key for.
	ScimDirectories []string `json:"scimDirectories"`
	// Directories are the org's identity-provider directories, as the org
	// API lists them.
	Directories []client.Directory `json:"directories"`
	// Incomplete is what could not be read: directories without a key,
	// records in them.
	Incomplete []Unread `json:"incomplete"`
	// TargetRecords are the SCIM records that carry the target (by email, or
	// as userName), read when no account holds it.
	TargetRecords   []ScimRecord `json:"targetRecords,omitempty"`
	TargetRecordsEv []int        `json:"targetRecordsEvidence,omitempty"`
	// Hints are the facts no API shows (SAML, each directory's IdP, social logins).
	Hints steps.Hints `json:"hints"`

	UserLookupEv   []int `json:"userLookupEvidence,omitempty"`
	DomainsEv      []int `json:"domainsEvidence,omitempty"`
	HolderLookupEv []int `json:"holderLookupEvidence,omitempty"`
	DirectoriesEv  []int `json:"directoriesEvidence,omitempty"`
}

// Unread is something diagnosis could not read (contract §2, incomplete).
type Unread struct {
	DirectoryID string `json:"directoryId"`
	Reason      string `json:"reason"`
}

// AccountFacts is one account with what diagnosis learned about it.
type AccountFacts struct {
	client.User
	// EmailSet is the email.set privilege; nil when unknown.
	EmailSet *client.Privilege `json:"emailSet,omitempty"`
	// Unmanageable: the user-management API answered 403 forbidden, i.e.
	// this org does not manage the account.
	Unmanageable bool `json:"unmanageable,omitempty"`
	// Links are the account's SCIM links (get-scim-links).
	Links []client.ScimLink `json:"links"`
	// Scim are the SCIM records behind Links and, for the user, the records
	// whose primary email is the account's email and that link to no other
	// account (get-scim-links-for-email finds unlinked ones too).
	Scim []ScimRecord `json:"scim"`

	LinksEv      []int `json:"linksEvidence,omitempty"`
	PrivilegesEv []int `json:"privilegesEvidence,omitempty"`
}

// ScimRecord is one SCIM user of a directory, as far as it could be read.
type ScimRecord struct {
	DirectoryID string `json:"directoryId"`
	ScimUserID  string `json:"scimUserId"`
	// LinkedAccountID is the account the link names; "" when unlinked.
	LinkedAccountID string `json:"linkedAccountId,omitempty"`
	// User is the SCIM user itself; nil when it could not be read.
	User *client.ScimUser `json:"user,omitempty"`
	// Unread says why User is nil: "no-key" (no SCIM key for the
	// directory) or "gone" (the link names a SCIM user that no longer exists).
	Unread string `json:"unread,omitempty"`
	// Ev are the calls that showed the record (the link, the SCIM read).
	Ev []int `json:"evidence,omitempty"`
}

// Why a ScimRecord could not be read.
const (
	UnreadNoKey = "no-key"
	UnreadGone  = "gone"
)

// Finding is one fact of a diagnosis, in a sentence.
type Finding struct {
	Code      steps.FindingCode `json:"code"`
	AccountID string            `json:"accountId"`
	Detail    string            `json:"detail"`
	// Evidence are indexes into Diagnosis.Evidence.
	Evidence []int `json:"evidence,omitempty"`
}

// Classify picks the verdict, the first of contract §2 that holds, and
// lists the findings: the verdict's own first, then every other verdict
// condition that also holds, then the remaining finding codes. It reads
// nothing but f.
func Classify(f *OrgFacts) (verdict steps.Verdict, findings []Finding) {
	if f.User == nil {
		return steps.VerdictNotFound, []Finding{{
			Code:     steps.VerdictNotFound.Code(),
			Detail:   fmt.Sprintf("No Atlassian account in this org matches %s.", f.Query),
			Evidence: evs(f.UserLookupEv),
		}}
	}
	u, h := f.User, f.Holder
	dup := f.duplicate()

	// Each verdict's condition, in contract order; nil when it does not hold.
	conds := []struct {
		verdict steps.Verdict
		finding *Finding
	}{
		{steps.VerdictTargetDomainUnclaimed, f.targetDomainUnclaimed()},
		{steps.VerdictAccountUnmanaged, f.accountUnmanaged()},
		{steps.VerdictDuplicateAccount, f.duplicateFinding(dup)},
		{steps.VerdictEmailTaken, f.emailTaken(dup)},
		{steps.VerdictScimRecordConflict, f.scimRecordConflict()},
		{steps.VerdictIdpOwned, f.idpOwned()},
	}
	var rest []Finding
	for _, c := range conds {
		if c.finding == nil {
			continue
		}
		if verdict == "" {
			verdict = c.verdict
			findings = append(findings, *c.finding)
		} else {
			rest = append(rest, *c.finding)
		}
	}
	if verdict == "" {
		verdict = steps.VerdictNoBlocker
		findings = append(findings, Finding{
			Code:      steps.VerdictNoBlocker.Code(),
			AccountID: u.AccountID,
			Detail:    fmt.Sprintf("Nothing in Atlassian stops %s from getting %s: %s.", who(u), f.Target, f.noBlockerRemedy()),
			Evidence:  evs(f.UserLookupEv, f.DomainsEv, f.HolderLookupEv, u.PrivilegesEv),
		})
	}
	findings = append(findings, rest...)
	findings = append(findings, f.targetDomainFindings()...)
	findings = append(findings, f.situationFindings()...)

	if address.Same(u.Email, f.Target) {
		findings = append(findings, Finding{
			Code: steps.FindingTargetEqualsCurrent, AccountID: u.AccountID,
			Detail:   fmt.Sprintf("%s already has the target address %s.", who(u), f.Target),
			Evidence: evs(f.UserLookupEv),
		})
	}
	if inactive(u) {
		findings = append(findings, Finding{
			Code: steps.FindingAccountInactive, AccountID: u.AccountID,
			Detail:   fmt.Sprintf("The account of %s is %s.", who(u), wording.Status(u.AccountStatus)),
			Evidence: evs(f.UserLookupEv),
		})
	}
	if r := f.deactivatingRecord(); r != nil {
		findings = append(findings, Finding{
			Code: steps.FindingAccountDeactivatedByIdp, AccountID: u.AccountID,
			Detail: fmt.Sprintf("The account of %s is %s and linked to SCIM user %s in directory %s, whose active is false: the IdP deactivated it, and only the IdP can reactivate it (the lifecycle API is refused while the link stands).",
				who(u), wording.Status(u.AccountStatus), r.ScimUserID, r.DirectoryID),
			Evidence: evs(f.UserLookupEv, r.Ev),
		})
	}
	if h != nil {
		findings = append(findings, f.holderFindings()...)
	}
	if f.scimRecordMissing() {
		findings = append(findings, Finding{
			Code: steps.FindingScimRecordMissing, AccountID: u.AccountID,
			Detail:   scimRecordMissingDetail(f),
			Evidence: evs(u.LinksEv),
		})
	}
	for _, a := range []*AccountFacts{u, h} {
		if a == nil {
			continue
		}
		if p := f.Hints.SocialLogin[a.AccountID]; p != "" {
			findings = append(findings, Finding{
				Code: steps.FindingSocialLogin, AccountID: a.AccountID,
				Detail: fmt.Sprintf("%s signs in with %s, so the next %s login puts back the old email unless the address changes at %s too.",
					who(a), wording.SocialName(p), wording.SocialName(p), wording.SocialName(p)),
			})
		}
	}
	if fd := f.samlScimMismatch(verdict); fd != nil {
		findings = append(findings, *fd)
	}
	return verdict, findings
}

func (f *OrgFacts) targetDomainUnclaimed() *Finding {
	d := address.Domain(f.Target)
	if f.domainVerified(d) {
		return nil
	}
	state := "is not one of this org's domains"
	switch f.domainState(d) {
	case domainOtherOrg:
		state = "has been verified by another org"
	case domainUnverified:
		dom, _ := f.domain(d)
		state = fmt.Sprintf("is listed for this org but not verified (its claim is %s)", dom.ClaimStatus)
	}
	return &Finding{
		Code: steps.VerdictTargetDomainUnclaimed.Code(), AccountID: f.User.AccountID,
		Detail: fmt.Sprintf("The domain %s %s, so neither an admin nor provisioning can give %s the address %s.",
			d, state, who(f.User), f.Target),
		Evidence: evs(f.DomainsEv),
	}
}

func (f *OrgFacts) accountUnmanaged() *Finding {
	u := f.User
	var why []string
	ev := evs(f.UserLookupEv)
	if u.ClaimStatus == "unmanaged" {
		why = append(why, "its claim status is unmanaged")
	}
	if d := address.Domain(u.Email); d != "" && !f.domainVerified(d) {
		why = append(why, fmt.Sprintf("its domain %s is not verified here", d))
		ev = evs(ev, f.DomainsEv)
	}
	if u.Unmanageable {
		why = append(why, "the user-management API refuses it")
		ev = evs(ev, u.PrivilegesEv)
	}
	if len(why) == 0 {
		return nil
	}
	return &Finding{
		Code: steps.VerdictAccountUnmanaged.Code(), AccountID: u.AccountID,
		Detail: fmt.Sprintf("%s is not managed by this org (%s), and provisioning never updates an account the org does not manage.",
			who(u), strings.Join(why, "; ")),
		Evidence: ev,
	}
}

// dupMatch is how the holder was found to be the user's duplicate.
type dupMatch struct {
	holder *ScimRecord // the holder's SCIM record that names the person
	user   *ScimRecord // the user's own record with the same externalId; nil for a name match
	byName bool
}

// duplicate finds whether provisioning links the holder to the same person
// as the user (contract §2, duplicate-account): a holder SCIM user with the
// externalId of one of the user's SCIM users, in any directory; or, when
// the user's account is linked to no SCIM user, a holder SCIM user that
// carries the user's name, case and spacing aside. A holder record that
// could not be read (no SCIM key) stands in with the holder account's name,
// which provisioning sets from the same displayName.
func (f *OrgFacts) duplicate() *dupMatch {
	u, h := f.User, f.Holder
	if u == nil || h == nil {
		return nil
	}
	for i := range h.Scim {
		hr := &h.Scim[i]
		if hr.User == nil || hr.User.ExternalID == "" {
			continue
		}
		for j := range u.Scim {
			ur := &u.Scim[j]
			same := ur.DirectoryID == hr.DirectoryID && ur.ScimUserID == hr.ScimUserID
			if ur.User != nil && !same && ur.User.ExternalID == hr.User.ExternalID {
				return &dupMatch{holder: hr, user: ur}
			}
		}
	}
	if f.userLinked() {
		return nil
	}
	for i := range h.Scim {
		hr := &h.Scim[i]
		name := h.Name
		if hr.User != nil {
			name = scimDisplayName(*hr.User)
		}
		if sameName(name, u.Name) {
			return &dupMatch{holder: hr, byName: true}
		}
	}
	return nil
}

func (f *OrgFacts) duplicateFinding(m *dupMatch) *Finding {
	if m == nil {
		return nil
	}
	u, h := f.User, f.Holder
	var how string
	ev := evs(f.HolderLookupEv, m.holder.Ev)
	if m.byName {
		how = fmt.Sprintf("its SCIM user %s in directory %s carries the name %q while the account of %s is linked to no SCIM user",
			m.holder.ScimUserID, m.holder.DirectoryID, u.Name, who(u))
		ev = evs(ev, u.LinksEv)
	} else {
		how = fmt.Sprintf("its SCIM user %s in directory %s carries externalId %s, the same as the SCIM user %s of %s in directory %s",
			m.holder.ScimUserID, m.holder.DirectoryID, m.holder.User.ExternalID, m.user.ScimUserID, who(u), m.user.DirectoryID)
		ev = evs(ev, m.user.Ev)
	}
	return &Finding{
		Code: steps.VerdictDuplicateAccount.Code(), AccountID: h.AccountID,
		Detail: fmt.Sprintf("Provisioning made a second account, %s, for the same person as %s: %s.",
			who(h), who(u), how),
		Evidence: ev,
	}
}

func (f *OrgFacts) emailTaken(dup *dupMatch) *Finding {
	if f.Holder == nil || dup != nil {
		return nil
	}
	return &Finding{
		Code: steps.VerdictEmailTaken.Code(), AccountID: f.Holder.AccountID,
		Detail: fmt.Sprintf("%s already belongs to another account, %s, so changing %s to it fails with a 409 uniqueness error.",
			f.Target, whoWithID(f.Holder), who(f.User)),
		Evidence: evs(f.HolderLookupEv),
	}
}

// idpOwned: the Google Workspace integration owns the account's email. The
// user-management API says so (reason externalDirectory.google); failing
// that, a link to a directory the hints name as Google counts, unless the
// API said the lock is a SCIM directory's (Google as a SCIM IdP changes
// emails by provisioning like any other IdP).
func (f *OrgFacts) idpOwned() *Finding {
	u := f.User
	reason := u.EmailSet.Refusal()
	dir := ""
	for _, l := range u.Links {
		if f.Hints.IdpOf(l.DirectoryID) == steps.IdpGoogle {
			dir = l.DirectoryID
			break
		}
	}
	switch {
	case reason == client.ReasonGoogle:
		return &Finding{
			Code: steps.VerdictIdpOwned.Code(), AccountID: u.AccountID,
			Detail: fmt.Sprintf("The email of %s is owned by Google Workspace (email.set is refused with %s), so it changes only as the Google primary email.",
				who(u), client.ReasonGoogle),
			Evidence: evs(u.PrivilegesEv),
		}
	case dir != "" && reason != client.ReasonSCIM:
		return &Finding{
			Code: steps.VerdictIdpOwned.Code(), AccountID: u.AccountID,
			Detail: fmt.Sprintf("%s is linked to directory %s, which is Google Workspace, so its email changes only as the Google primary email.",
				who(u), dir),
			Evidence: evs(u.LinksEv, u.PrivilegesEv),
		}
	}
	return nil
}

func (f *OrgFacts) holderFindings() []Finding {
	h := f.Holder
	var out []Finding
	add := func(code steps.FindingCode, detail string, ev ...[]int) {
		out = append(out, Finding{Code: code, AccountID: h.AccountID, Detail: detail, Evidence: evs(ev...)})
	}
	if f.domainState(address.Domain(h.Email)) == domainOtherOrg {
		add(steps.FindingHolderOtherOrg,
			fmt.Sprintf("%s, which holds %s, is on %s, which another org has verified, so only that org can rename or release the address.",
				who(h), f.Target, address.Domain(h.Email)),
			f.HolderLookupEv, f.DomainsEv, h.PrivilegesEv)
	}
	if f.holderClaimable() {
		add(steps.FindingHolderClaimable,
			fmt.Sprintf("%s is unmanaged while its domain %s is verified here (\"Available to claim\"): this org claims it first, then can change its email.",
				who(h), address.Domain(h.Email)),
			f.HolderLookupEv, f.DomainsEv)
	}
	if f.holderPendingDeletion() {
		add(steps.FindingHolderPendingDeletion,
			fmt.Sprintf("%s is deleted and within the 14-day grace period (status for_deletion): its email stays taken unless the deletion is cancelled, the account parked on a placeholder, and deleted again.",
				who(h)),
			f.HolderLookupEv)
	}
	if f.HolderLocked() {
		add(steps.FindingHolderProvisioned,
			fmt.Sprintf("%s is linked by provisioning%s: only the IdP changes its email, unless its provisioning record is removed.",
				who(h), inDirectories(h.Links)),
			f.HolderLookupEv, h.LinksEv, h.PrivilegesEv)
	}
	if len(h.ProductAccess) > 0 {
		keys := make([]string, 0, len(h.ProductAccess))
		for _, p := range h.ProductAccess {
			keys = append(keys, p.Key)
		}
		add(steps.FindingHolderProductAccess,
			fmt.Sprintf("%s has product access (%s), and accounts cannot be merged: its work stays with it when its email changes.",
				who(h), strings.Join(keys, ", ")),
			f.HolderLookupEv)
	}
	if f.holderOtherPerson() {
		add(steps.FindingHolderOtherPerson,
			fmt.Sprintf("%s is active, provisioned by the IdP, and not a second account of %s: a different, current person, whose account no plan changes. Provisioning that person again from the IdP may free %s; if it does not, the IdP gives two people the same address.",
				who(h), who(f.User), f.Target),
			f.HolderLookupEv, h.LinksEv)
	}
	if inactive(h) {
		add(steps.FindingHolderInactive, fmt.Sprintf("%s, which holds %s, is %s.", who(h), f.Target, wording.Status(h.AccountStatus)),
			f.HolderLookupEv)
	}
	return out
}

// holderNotManaged says why this org does not manage the holder, "" when it does.
func (f *OrgFacts) holderNotManaged() string {
	h := f.Holder
	var why []string
	if h.ClaimStatus == "unmanaged" {
		why = append(why, "its claim status is unmanaged")
	}
	if d := address.Domain(h.Email); d != "" && !f.domainVerified(d) {
		why = append(why, fmt.Sprintf("its domain %s is not this org's", d))
	}
	if h.Unmanageable {
		why = append(why, "the user-management API refuses it")
	}
	return strings.Join(why, "; ")
}

// HolderInOtherOrg reports whether the holder is visible but beyond this
// org's reach: not managed here, and not claimable either.
func (f *OrgFacts) HolderInOtherOrg() bool {
	return f.Holder != nil && f.holderNotManaged() != "" && !f.holderClaimable()
}

// holderOtherPerson: the holder is an active account linked to a SCIM user
// and not the user's duplicate: a different, current person (contract §2,
// holder-other-person). No plan changes such an account.
func (f *OrgFacts) holderOtherPerson() bool {
	h := f.Holder
	if h == nil || h.AccountStatus != "active" || f.duplicate() != nil {
		return false
	}
	return h.Synced() || len(h.Links) > 0
}

// HolderLocked reports whether provisioning links (locks) the holder.
func (f *OrgFacts) HolderLocked() bool { return f.Holder != nil && locked(f.Holder) }

func locked(a *AccountFacts) bool {
	return a.Synced() || len(a.Links) > 0 || a.EmailSet.Refusal() == client.ReasonSCIM
}

// userLinked reports whether any SCIM user links the user's account.
func (f *OrgFacts) userLinked() bool { return f.User != nil && locked(f.User) && !f.userGoogleOnly() }

// userGoogleOnly: the lock on the user is Google Workspace's, not a SCIM link.
func (f *OrgFacts) userGoogleOnly() bool {
	u := f.User
	return len(u.Links) == 0 && !u.Synced() && u.EmailSet.Refusal() == client.ReasonGoogle
}

// deactivatingRecord is the user's linked SCIM record whose active is false
// while the account is not active (contract §2, account-deactivated-by-idp);
// nil when there is none.
func (f *OrgFacts) deactivatingRecord() *ScimRecord {
	u := f.User
	if !inactive(u) {
		return nil
	}
	for i := range u.Scim {
		r := &u.Scim[i]
		if r.LinkedAccountID == u.AccountID && r.User != nil && r.User.Active != nil && !*r.User.Active {
			return r
		}
	}
	return nil
}

func scimRecordMissingDetail(f *OrgFacts) string {
	if len(f.Directories) == 0 && len(f.ScimDirectories) == 0 && f.Directories != nil {
		return fmt.Sprintf("%s has no SCIM record: this org provisions nobody (it has no identity-provider directory), so the email is changed here, not by provisioning.", who(f.User))
	}
	return fmt.Sprintf("%s has no SCIM record in any directory (none is linked to the account or carries its email), so provisioning has nothing to update.", who(f.User))
}

// noBlockerRemedy says how the change is made when nothing blocks it.
func (f *OrgFacts) noBlockerRemedy() string {
	switch {
	case f.noProvisioning():
		return "no directory provisions this org's users, so the email is set here through the API"
	case f.unlinkedOwnRecord() != nil:
		return "but its SCIM user links no account, so the IdP must make it anew to link it again"
	}
	return "run provisioning for them again from the IdP"
}

// scimRecordMissing: an account no SCIM user links and none carries the
// email of (contract §2, literally: in an org that provisions nobody too,
// where it says provisioning will not be the fix). An account the Google
// Workspace integration owns needs none.
func (f *OrgFacts) scimRecordMissing() bool {
	u := f.User
	return len(u.Links) == 0 && len(u.Scim) == 0 && !u.Synced() && !f.userGoogleOnly()
}

// samlScimMismatch: SAML SSO on (or not known to be off) and the person's
// SCIM userName differs from its primary email.
func (f *OrgFacts) samlScimMismatch(verdict steps.Verdict) *Finding {
	state := f.Hints.SamlState()
	r := f.samlMismatchRecord(verdict)
	if state == "off" || r == nil {
		return nil
	}
	lead := "SAML SSO is on"
	if state == "unknown" {
		lead = "Whether SAML SSO is on is not known (state it with ATLASSIAN_SAML_SSO); if it is"
	}
	return &Finding{
		Code: steps.FindingSamlScimMismatch, AccountID: f.User.AccountID,
		Detail: fmt.Sprintf("%s, and the SCIM user of %s in directory %s has userName %s but primary email %s: if SAML sends the one and SCIM the other, the account email flips between them.",
			lead, who(f.User), r.DirectoryID, r.User.UserName, r.User.PrimaryEmail()),
		Evidence: evs(r.Ev),
	}
}

// samlMismatchRecord is the first of the person's SCIM records whose
// userName differs from its primary email: the user's own records and, for
// a duplicate, the duplicate's record that names the person.
func (f *OrgFacts) samlMismatchRecord(verdict steps.Verdict) *ScimRecord {
	recs := make([]*ScimRecord, 0, len(f.User.Scim)+1)
	for i := range f.User.Scim {
		recs = append(recs, &f.User.Scim[i])
	}
	if m := f.duplicate(); verdict == steps.VerdictDuplicateAccount && m != nil {
		recs = append(recs, m.holder)
	}
	for _, r := range recs {
		if r.User == nil {
			continue
		}
		email := r.User.PrimaryEmail()
		if r.User.UserName != "" && email != "" && !address.Same(r.User.UserName, email) {
			return r
		}
	}
	return nil
}

// PersonRecord is the SCIM record through which the IdP provisions the
// user: for a duplicate, the duplicate's record that names the person;
// otherwise the user's own, a linked one first. nil when none is known.
func (f *OrgFacts) PersonRecord() *ScimRecord {
	if m := f.duplicate(); m != nil {
		return m.holder
	}
	if f.User == nil {
		return nil
	}
	var best *ScimRecord
	bestScore := -1
	for i := range f.User.Scim {
		r := &f.User.Scim[i]
		score := 0
		if r.LinkedAccountID != "" {
			score += 2
		}
		if r.User != nil {
			score++
		}
		if score > bestScore {
			best, bestScore = r, score
		}
	}
	return best
}

func inactive(a *AccountFacts) bool {
	return a.AccountStatus == "inactive" || a.AccountStatus == "closed"
}

// who names an account for people: "Name (email)".
func who(a *AccountFacts) string { return wording.Account(a.Name, a.Email, a.AccountID) }

// whoWithID names an account with its id: "Name (email, account id)".
func whoWithID(a *AccountFacts) string { return wording.AccountWithID(a.Name, a.Email, a.AccountID) }

func inDirectories(links []client.ScimLink) string {
	var dirs []string
	for _, l := range links {
		if !slices.Contains(dirs, l.DirectoryID) {
			dirs = append(dirs, l.DirectoryID)
		}
	}
	if len(dirs) == 0 {
		return ""
	}
	return " (directory " + strings.Join(dirs, ", ") + ")"
}

// scimDisplayName is the name a SCIM user carries.
func scimDisplayName(u client.ScimUser) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	if u.Name != nil {
		if u.Name.Formatted != "" {
			return u.Name.Formatted
		}
		return strings.TrimSpace(u.Name.GivenName + " " + u.Name.FamilyName)
	}
	return ""
}

// sameName compares people's names case and spacing aside.
func sameName(a, b string) bool {
	a, b = strings.Join(strings.Fields(a), ""), strings.Join(strings.Fields(b), "")
	return a != "" && strings.EqualFold(a, b)
}

// evs joins evidence index lists, sorted, without repeats; nil when empty.
func evs(lists ...[]int) []int {
	var out []int
	for _, l := range lists {
		out = append(out, l...)
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return slices.Compact(out)
}
