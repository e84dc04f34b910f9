package diagnose

import (
	"fmt"
	"slices"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
)

// The plans of the situations beyond the two source articles (contract §2,
// research/situations.md S1, S4, S5, S7, S9).

// deactivatedByIdP: the IdP deactivated the user's account; only the IdP
// reactivates it while the link stands.
func (f *OrgFacts) deactivatedByIdP() bool { return f.deactivatingRecord() != nil }

// noProvisioning: no directory provisions this org's users (SAML JIT, or
// no identity provider at all), and the listing says so: the email is set
// through the API, never by provisioning.
func (f *OrgFacts) noProvisioning() bool {
	return f.Directories != nil && len(f.Directories) == 0 && len(f.ScimDirectories) == 0 && !locked(f.User)
}

// staleRecordPlan journals the SCIM record that holds the target, unlinks
// it from the account it links (so that deleting it does not deactivate
// that account), deletes it, then provisions the user.
func (p planner) staleRecordPlan() []steps.PlanStep {
	r := p.f.conflictingRecord()
	params := steps.Params{DirectoryID: r.DirectoryID, ScimUserID: r.ScimUserID, Email: p.f.Target, AccountID: r.LinkedAccountID}
	rec := fmt.Sprintf("SCIM user %s in directory %s", r.ScimUserID, r.DirectoryID)
	plan := []steps.PlanStep{{
		ID: steps.StepRecordStaleRecord, Kind: steps.KindCheck,
		Title:  fmt.Sprintf("Record the stale %s (userName %s) in the journal", rec, r.User.UserName),
		Detail: "Deleting a SCIM user cannot be undone: the whole record, with its groups and the account it links, is written to the journal first.",
		Params: params,
	}}
	if r.LinkedAccountID != "" {
		plan = append(plan, steps.PlanStep{
			ID: steps.StepUnlinkStaleRecord, Kind: steps.KindAPI, Destructive: true,
			Title: fmt.Sprintf("Unlink the stale %s from account %s", rec, r.LinkedAccountID),
			Detail: fmt.Sprintf("Deleting a linked SCIM user deactivates the account it links; unlinked first, account %s stays as it is (it loses the group memberships synced through this record).",
				r.LinkedAccountID),
			Params: params,
		})
	}
	plan = append(plan, steps.PlanStep{
		ID: steps.StepDeleteStaleRecord, Kind: steps.KindAPI, Destructive: true,
		Title: fmt.Sprintf("Delete the stale %s, which holds %s", rec, p.f.Target),
		Detail: fmt.Sprintf("The directory answers the IdP's update of %s with 409 uniqueness while this record carries %s. SCIM DELETE removes it for good; the journal keeps a copy.",
			who(p.f.User), p.f.Target),
		Params: params,
	})
	return append(plan, p.provisionPlan()...)
}

func (p planner) claimHolder() steps.PlanStep {
	h := p.f.Holder
	dom := address.Domain(h.Email)
	params := account(h)
	params.Domain, params.DomainVerified = dom, true
	return steps.PlanStep{
		ID: steps.StepClaimHolder, Kind: steps.KindConsole,
		Title: fmt.Sprintf("Claim %s (%s) as a managed account of this org", label(h), h.Email),
		Detail: fmt.Sprintf("%s is unmanaged on %s, which this org has verified (\"Available to claim\"); no API claims an account. In admin.atlassian.com, claim it (Settings > Domains > %s > Claim accounts); "+
			"the tool then reads its claim status to see it managed, and can change its email.", who(h), dom, dom),
		Params: params,
	}
}

func (p planner) cancelHolderDeletion() steps.PlanStep {
	h := p.f.Holder
	return steps.PlanStep{
		ID: steps.StepCancelHolderDeletion, Kind: steps.KindAPI,
		Title: fmt.Sprintf("Cancel the pending deletion of %s (%s)", label(h), h.Email),
		Detail: fmt.Sprintf("%s is deleted and within the 14-day grace period, which keeps %s taken; its email can change only once the deletion is cancelled (the account stays deactivated). It is deleted again after it moves to a placeholder.",
			who(h), h.Email),
		Params: account(h),
	}
}

func (p planner) deleteHolder() steps.PlanStep {
	h := p.f.Holder
	return steps.PlanStep{
		ID: steps.StepDeleteHolder, Kind: steps.KindAPI, Destructive: true,
		Title: fmt.Sprintf("Delete %s again, now on its placeholder", label(h)),
		Detail: fmt.Sprintf("The account was being deleted before this plan cancelled it: deleted again, it goes through the grace period on the placeholder, and %s stays free.",
			p.f.Target),
		Params: account(h),
	}
}

// setEmailPlan sets the email where nothing provisions it: through the
// user-management API, the SAML attribute beside it so that the next
// login keeps it (saml-jit-revert), then the email read back.
func (p planner) setEmailPlan() []steps.PlanStep {
	u := p.f.User
	params := account(u)
	params.Target = p.f.Target
	plan := []steps.PlanStep{{
		ID: steps.StepSetEmail, Kind: steps.KindAPI, Destructive: true,
		Title:  fmt.Sprintf("Change the email of %s from %s to %s", label(u), u.Email, p.f.Target),
		Detail: "No directory provisions this org's users, so the email is set here. Changing the email ends the user's sessions.",
		Params: params,
	}}
	if slices.ContainsFunc(p.d.Findings, func(fd Finding) bool { return fd.Code == steps.FindingSamlJitRevert }) {
		plan = append(plan, p.idpSamlAttribute())
	}
	return append(plan, steps.PlanStep{
		ID: steps.StepVerifyEmail, Kind: steps.KindCheck,
		Title:  fmt.Sprintf("Verify that %s has %s", label(u), p.f.Target),
		Detail: fmt.Sprintf("Read the account back: its email must be %s.", p.f.Target),
		Params: params,
	})
}

func (p planner) idpSamlAttribute() steps.PlanStep {
	u := p.f.User
	idp := p.idp("")
	attr := idp.SamlAttributeOrEach()
	params := account(u)
	params.Target, params.Idp, params.SamlAttribute = p.f.Target, idp, attr
	where := "the IdP"
	if idp != "" {
		where = wording.IdpName(idp)
	}
	return steps.PlanStep{
		ID: steps.StepIdpSamlAttribute, Kind: steps.KindIdP,
		Title: fmt.Sprintf("Make %s send %s for %s at SAML login", where, p.f.Target, label(u)),
		Detail: fmt.Sprintf("With SAML JIT the next login sets the account's email to the address the IdP sends: change it (%s) to %s for this user, or the email set here is undone. No API shows the IdP's SAML settings: this step is recorded on your word.",
			attr, p.f.Target),
		Params: params,
	}
}

// relinkPlan relinks an account Atlassian unlinked when the IdP pushed an
// address it could not take (scim-unlinked): the memberships of the
// unlinked record journaled, the account given the target (unless it has
// it), the user unassigned and assigned again in the IdP (its SCIM user
// is made anew and links the account that holds the address), then the
// link and the synced groups checked.
func (p planner) relinkPlan() []steps.PlanStep {
	u, r := p.f.User, p.f.unlinkedOwnRecord()
	ext := ""
	if r.User != nil {
		ext = r.User.ExternalID
	}
	record := account(u)
	record.DirectoryID, record.ScimUserID, record.ExternalID = r.DirectoryID, r.ScimUserID, ext
	var plan []steps.PlanStep
	plan = append(plan, steps.PlanStep{
		ID: steps.StepRecordMemberships, Kind: steps.KindCheck,
		Title:  fmt.Sprintf("Record the group memberships of %s and of its unlinked SCIM user %s", label(u), r.ScimUserID),
		Detail: "When Atlassian unlinked the account it dropped its synced group memberships; the unlinked SCIM user still names its groups. Both are written to the journal, to check them back at the end.",
		Params: record,
	})
	if !address.Same(u.Email, p.f.Target) {
		plan = append(plan, p.setEmailFirst())
	}
	reassign := account(u)
	reassign.Target, reassign.DirectoryID, reassign.ScimUserID, reassign.ExternalID = p.f.Target, r.DirectoryID, r.ScimUserID, ext
	reassign.Idp = p.idp(r.DirectoryID)
	idpName := wording.IdpName(reassign.Idp)
	plan = append(plan, steps.PlanStep{
		ID: steps.StepIdpReassignUser, Kind: steps.KindIdP,
		Title: fmt.Sprintf("Unassign %s from the Atlassian app in %s and assign them again", label(u), idpName),
		Detail: fmt.Sprintf("Pushing again would only update the unlinked SCIM user %s. Unassigned, the IdP deletes it; assigned again, it creates a new one, which links the account holding %s and brings back its synced groups (Atlassian's KB: de-provision and re-provision).",
			r.ScimUserID, p.f.Target),
		Params: reassign,
	})
	verify := account(u)
	verify.Target, verify.DirectoryID, verify.ExternalID = p.f.Target, r.DirectoryID, ext
	return append(plan,
		steps.PlanStep{
			ID: steps.StepVerifyUser, Kind: steps.KindCheck,
			Title:  fmt.Sprintf("Verify that %s has %s and is linked", label(u), p.f.Target),
			Detail: fmt.Sprintf("Read the account back: its email must be %s and the new SCIM user must link it.", p.f.Target),
			Params: verify,
		},
		steps.PlanStep{
			ID: steps.StepRestoreMemberships, Kind: steps.KindAPI,
			Title:  fmt.Sprintf("Restore the group memberships of %s", label(u)),
			Detail: "Re-add every recorded local membership still missing, then check them all, the synced ones included.",
			Params: steps.Params{AccountID: u.AccountID, Name: u.Name},
		})
}
