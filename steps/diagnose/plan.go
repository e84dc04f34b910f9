package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
)

// PlanFor outlines the fix for a diagnosis (domain.md), under the promises
// of contract §2 "Plans": every change its own step; no plan verifies a
// domain that is not listed here, changes an account of another org or a
// different current person, or acts on evidence that could not be read.
// A not-found diagnosis, and a target the user already has, get an empty
// plan.
func PlanFor(d *Diagnosis) []steps.PlanStep {
	f := &d.Facts
	if d.Verdict == steps.VerdictNotFound || f.User == nil {
		return []steps.PlanStep{}
	}
	p := planner{d: d, f: f, rec: f.PersonRecord()}
	var plan []steps.PlanStep
	switch {
	case !address.Same(f.User.Email, f.Target):
		plan = p.withWarnings(p.verdictPlan())
	case f.unlinkedOwnRecord() != nil:
		// The IdP's address was reverted after Atlassian unlinked the
		// account: relinking it is what is left to do.
		plan = p.relinkPlan()
	default:
		return []steps.PlanStep{}
	}
	if len(f.Incomplete) > 0 && changes(plan) {
		plan = []steps.PlanStep{p.handoffMissingKeys()}
	}
	cleanPlan(plan)
	return plan
}

// verdictPlan is the plan for the verdict, before the warnings' steps.
func (p planner) verdictPlan() []steps.PlanStep {
	f := p.f
	switch p.d.Verdict {
	case steps.VerdictEmailTaken:
		return p.emailTakenPlan()
	case steps.VerdictDuplicateAccount:
		return p.duplicatePlan()
	case steps.VerdictTargetDomainUnclaimed:
		dom := address.Domain(f.Target)
		if f.domainState(dom) != domainUnverified {
			return []steps.PlanStep{p.handoffTargetDomain()}
		}
		return append([]steps.PlanStep{p.claimDomain(dom)}, p.provisionPlan()...)
	case steps.VerdictAccountUnmanaged:
		return p.unmanagedPlan()
	case steps.VerdictIdpOwned:
		return []steps.PlanStep{p.googlePrimaryEmail(), p.verifyUser()}
	case steps.VerdictScimRecordConflict:
		return p.staleRecordPlan()
	}
	return p.provisionPlan()
}

// emailTakenPlan frees the target, then provisions the user. A holder of
// another org is that org's to rename; a different current person is
// provisioned from the IdP, never changed; anyone else (a stray or former
// account) is parked on a placeholder.
func (p planner) emailTakenPlan() []steps.PlanStep {
	f := p.f
	switch {
	case f.HolderInOtherOrg():
		return []steps.PlanStep{p.handoffHolderOtherOrg()}
	case f.holderOtherPerson():
		plan := []steps.PlanStep{p.checkHolder(), p.provisionHolder(), p.handoffSharedAddress()}
		return append(plan, p.provisionPlan()...)
	}
	plan := []steps.PlanStep{p.checkHolder()}
	if f.holderClaimable() {
		plan = append(plan, p.claimHolder())
	}
	pending := f.holderPendingDeletion()
	if pending {
		plan = append(plan, p.cancelHolderDeletion())
	}
	if f.HolderLocked() {
		plan = append(plan, p.recordHolderMemberships(), p.unlinkHolder())
	}
	plan = append(plan, p.parkHolder())
	if pending {
		plan = append(plan, p.deleteHolder())
	}
	return append(plan, p.provisionPlan()...)
}

// unmanagedPlan makes the user's account this org's, then provisions it; an
// account on a domain no plan can verify is handed off.
func (p planner) unmanagedPlan() []steps.PlanStep {
	dom := address.Domain(p.f.User.Email)
	var plan []steps.PlanStep
	switch p.f.domainState(dom) {
	case domainOtherOrg, domainUnlisted:
		return []steps.PlanStep{p.handoffAccountOtherOrg()}
	case domainUnverified:
		plan = append(plan, p.claimDomain(dom))
	}
	return append(append(plan, p.claimAccount()), p.provisionPlan()...)
}

// provisionPlan pushes the target from the IdP and verifies it. An account
// that no SCIM user links first takes the target itself: provisioning
// would otherwise make a second account at the target. Where nothing
// provisions (SAML JIT, or no directory) the email is set here, and the
// SAML attribute changed so that the next login keeps it; an account
// Atlassian unlinked after an earlier push is relinked.
func (p planner) provisionPlan() []steps.PlanStep {
	switch {
	case p.f.noProvisioning():
		return p.setEmailPlan()
	case p.f.unlinkedOwnRecord() != nil:
		return p.relinkPlan()
	}
	var plan []steps.PlanStep
	if !p.f.userLinked() {
		plan = append(plan, p.setEmailFirst())
	}
	return append(plan, p.provisionUser(), p.verifyUser())
}

// changes reports whether any step of the plan changes the org.
func changes(plan []steps.PlanStep) bool {
	return slices.ContainsFunc(plan, func(s steps.PlanStep) bool { return s.Kind.Changes() })
}

type planner struct {
	d   *Diagnosis
	f   *OrgFacts
	rec *ScimRecord // the person's SCIM record, nil when unknown
}

// account is the params naming an account: its id, email and name.
func account(a *AccountFacts) steps.Params {
	return steps.Params{AccountID: a.AccountID, Email: a.Email, Name: a.Name}
}

// label names an account in a title: its name, else its email.
func label(a *AccountFacts) string {
	if a.Name != "" {
		return a.Name
	}
	if a.Email != "" {
		return a.Email
	}
	return "account " + a.AccountID
}

// idp is the IdP kind behind a directory: the hints, else the pasted error's wording.
func (p planner) idp(dir string) steps.IdpKind {
	if k := p.f.Hints.IdpOf(dir); k != "" {
		return k
	}
	if p.f.IdpError != nil {
		return p.f.IdpError.IdP
	}
	return ""
}

// withRecord adds to ps the person's SCIM record and IdP, as far as known.
func (p planner) withRecord(ps steps.Params, withScimID bool) steps.Params {
	r := p.rec
	if r == nil {
		ps.Idp = p.idp("")
		return ps
	}
	ps.DirectoryID, ps.Idp = r.DirectoryID, p.idp(r.DirectoryID)
	if r.User != nil {
		ps.ExternalID = r.User.ExternalID
	}
	if withScimID {
		ps.ScimUserID = r.ScimUserID
	}
	return ps
}

func (p planner) idpName() string {
	if p.rec == nil {
		return wording.IdpName(p.idp(""))
	}
	return wording.IdpName(p.idp(p.rec.DirectoryID))
}

func (p planner) checkHolder() steps.PlanStep {
	h := p.f.Holder
	return steps.PlanStep{
		ID: steps.StepCheckHolder, Kind: steps.KindCheck,
		Title: fmt.Sprintf("Check that %s still holds %s", label(h), p.f.Target),
		Detail: fmt.Sprintf("%s holds %s, so the IdP's update of %s fails with 409 uniqueness; if it no longer does, the steps that free the address are skipped.",
			whoWithID(h), p.f.Target, who(p.f.User)),
		Params: account(h),
	}
}

func (p planner) recordHolderMemberships() steps.PlanStep {
	h := p.f.Holder
	params := account(h)
	if len(h.Scim) > 0 {
		params.DirectoryID, params.ScimUserID = h.Scim[0].DirectoryID, h.Scim[0].ScimUserID
	}
	return steps.PlanStep{
		ID: steps.StepRecordHolderMemberships, Kind: steps.KindCheck,
		Title:  fmt.Sprintf("Record the group memberships of %s (%s)", label(h), h.Email),
		Detail: "Removing the provisioning record drops the account's synced group memberships; they are written to the journal first.",
		Params: params,
	}
}

func (p planner) unlinkHolder() steps.PlanStep {
	h := p.f.Holder
	return steps.PlanStep{
		ID: steps.StepUnlinkHolder, Kind: steps.KindAPI, Destructive: true,
		Title:  fmt.Sprintf("Remove the provisioning record of %s (%s)", label(h), h.Email),
		Detail: fmt.Sprintf("Provisioning locks %s; deleting its SCIM record (onlyDeleteUserInDB) keeps the account and makes its email editable.", who(h)),
		Params: account(h),
	}
}

func (p planner) parkHolder() steps.PlanStep {
	h := p.f.Holder
	ph := address.Placeholder(h.Email, 1)
	params := account(h)
	params.Placeholder = ph
	return steps.PlanStep{
		ID: steps.StepParkHolder, Kind: steps.KindAPI, Destructive: true,
		Title:  fmt.Sprintf("Change the email of %s from %s to %s", label(h), h.Email, ph),
		Detail: fmt.Sprintf("The placeholder need not be a real mailbox; if %s is taken by then, the next free one (%s, ...) is used.", ph, address.Placeholder(h.Email, 2)),
		Params: params,
	}
}

func (p planner) provisionUser() steps.PlanStep {
	u := p.f.User
	dup := p.d.Verdict == steps.VerdictDuplicateAccount
	params := p.withRecord(account(u), !dup)
	params.Target = p.f.Target
	params.OtherDirectoryIDs = strings.Join(p.otherDirectories(), ",")
	params.Reactivate = p.f.deactivatedByIdP()
	title := fmt.Sprintf("Run provisioning for %s in %s", label(u), p.idpName())
	detail := fmt.Sprintf("In %s, run provisioning on demand for %s, so that it pushes %s to the account.", p.idpName(), label(u), p.f.Target)
	if params.Reactivate {
		title = fmt.Sprintf("Reactivate %s in %s and run provisioning", label(u), p.idpName())
		detail = fmt.Sprintf("The IdP deactivated %s, and while its SCIM link stands only the IdP can reactivate it (never Atlassian's lifecycle API). In %s, assign the user to the Atlassian app again (or re-enable their sign-in) and run provisioning on demand, so that it reactivates the account and pushes %s.",
			who(u), p.idpName(), p.f.Target)
	}
	if p.rec == nil {
		detail += " No SCIM record of the user was found here: check that the user is assigned to the Atlassian app in the IdP."
	} else if p.rec.User != nil && p.rec.User.ExternalID != "" {
		detail += fmt.Sprintf(" The IdP knows the user by externalId %s.", p.rec.User.ExternalID)
	}
	if others := p.otherDirectories(); len(others) > 0 {
		detail += fmt.Sprintf(" The user also has a record in directory %s: that IdP must carry %s too.", strings.Join(others, ", "), p.f.Target)
	}
	return steps.PlanStep{
		ID: steps.StepProvisionUser, Kind: steps.KindIdP,
		Title:  title,
		Detail: detail,
		Params: params,
	}
}

// otherDirectories are the directories holding a record of the user other
// than the person's record's.
func (p planner) otherDirectories() []string {
	var out []string
	for _, r := range p.f.User.Scim {
		if (p.rec == nil || r.DirectoryID != p.rec.DirectoryID) && !slices.Contains(out, r.DirectoryID) {
			out = append(out, r.DirectoryID)
		}
	}
	return out
}

func (p planner) verifyUser() steps.PlanStep {
	u := p.f.User
	params := account(u)
	params.Target = p.f.Target
	params.Reactivate = p.f.deactivatedByIdP()
	if p.rec != nil {
		params.DirectoryID = p.rec.DirectoryID
		if p.rec.User != nil {
			params.ExternalID = p.rec.User.ExternalID
		}
	}
	title := fmt.Sprintf("Verify that %s has %s and is linked", label(u), p.f.Target)
	detail := fmt.Sprintf("Read the account back: its email must be %s and a SCIM user must link it again; provisioning may take a moment.", p.f.Target)
	if params.Reactivate {
		title = fmt.Sprintf("Verify that %s is active, has %s and is linked", label(u), p.f.Target)
		detail = fmt.Sprintf("Read the account back: it must be active, its email %s, and a SCIM user must link it; provisioning may take a moment.", p.f.Target)
	}
	return steps.PlanStep{
		ID: steps.StepVerifyUser, Kind: steps.KindCheck,
		Title:  title,
		Detail: detail,
		Params: params,
	}
}

func (p planner) duplicatePlan() []steps.PlanStep {
	u, h := p.f.User, p.f.Holder
	// The person in the IdP: the old account's owner, known by the
	// duplicate's SCIM record.
	person := p.withRecord(steps.Params{AccountID: u.AccountID, Name: u.Name}, false)
	person.Groups = strings.Join(p.scimGroups(), ",")
	record := account(u)
	record.DuplicateAccountID, record.DuplicateEmail = h.AccountID, h.Email
	if p.rec != nil {
		record.DirectoryID, record.ScimUserID = p.rec.DirectoryID, p.rec.ScimUserID
		if p.rec.User != nil {
			record.ExternalID = p.rec.User.ExternalID
		}
	}
	ph := address.Placeholder(h.Email, 1)
	parked := account(h)
	parked.Placeholder = ph
	setOld := account(u)
	setOld.Target = p.f.Target
	plan := []steps.PlanStep{
		{
			ID: steps.StepRecordMemberships, Kind: steps.KindCheck,
			Title:  fmt.Sprintf("Record the group memberships of %s and of the duplicate account %s", label(u), h.Email),
			Detail: "Synced group memberships are lost when the user is synced again; every membership of both accounts and of the SCIM user is written to the journal first.",
			Params: record,
		},
		{
			ID: steps.StepIdpRemoveGroups, Kind: steps.KindIdP,
			Title:  fmt.Sprintf("Remove %s from all groups in %s", label(u), p.idpName()),
			Detail: "Remove the user from every group assigned to the Atlassian app; for a dynamic group, exclude the user from the group's scope." + groupList(person.Groups),
			Params: person,
		},
		{
			ID: steps.StepUnlinkDuplicate, Kind: steps.KindAPI, Destructive: true,
			Title:  fmt.Sprintf("Remove the provisioning record of the duplicate account %s", h.Email),
			Detail: fmt.Sprintf("Deleting the SCIM record (onlyDeleteUserInDB) that now points at %s makes that account editable; the account itself stays.", who(h)),
			Params: account(h),
		},
		{
			ID: steps.StepParkDuplicate, Kind: steps.KindAPI, Destructive: true,
			Title:  fmt.Sprintf("Change the duplicate account's email from %s to %s", h.Email, ph),
			Detail: fmt.Sprintf("The placeholder need not be a real mailbox; if %s is taken by then, the next free one (%s, ...) is used.", ph, address.Placeholder(h.Email, 2)),
			Params: parked,
		},
	}
	if p.f.userLinked() {
		plan = append(plan, steps.PlanStep{
			ID: steps.StepUnlinkOld, Kind: steps.KindAPI, Destructive: true,
			Title:  fmt.Sprintf("Remove the provisioning record of %s's old account (%s)", label(u), u.Email),
			Detail: "The old account is still linked by provisioning, which locks its email: its SCIM record must go before the email can be set.",
			Params: account(u),
		})
	}
	return append(plan,
		steps.PlanStep{
			ID: steps.StepSetOldEmail, Kind: steps.KindAPI, Destructive: true,
			Title:  fmt.Sprintf("Change the email of %s from %s to %s", label(u), u.Email, p.f.Target),
			Detail: "The old account keeps its history and product access; provisioning then links it again.",
			Params: setOld,
		},
		steps.PlanStep{
			ID: steps.StepIdpAddGroups, Kind: steps.KindIdP,
			Title:  fmt.Sprintf("Add %s back to their groups in %s", label(u), p.idpName()),
			Detail: "Put the user back in every group removed before (for a dynamic group, take the exclusion out of its scope)." + groupList(person.Groups),
			Params: person,
		},
		p.provisionUser(),
		p.verifyUser(),
		steps.PlanStep{
			ID: steps.StepRestoreMemberships, Kind: steps.KindAPI,
			Title:  fmt.Sprintf("Restore the group memberships of %s", label(u)),
			Detail: "Re-add every recorded membership that is still missing, then check them all.",
			Params: steps.Params{AccountID: u.AccountID, Name: u.Name, DuplicateAccountID: h.AccountID},
		},
	)
}

// groupList names the SCIM groups a groups step is about, as a sentence
// ("" when they could not be read).
func groupList(groups string) string {
	names := steps.List(groups)
	if len(names) == 0 {
		return " Its groups could not be read here: the record-memberships step lists them in the journal."
	}
	return " Its groups: " + strings.Join(names, ", ") + "."
}

// scimGroups are the SCIM group names of the person's record, when read.
func (p planner) scimGroups() []string {
	if p.rec == nil || p.rec.User == nil {
		return nil
	}
	var out []string
	for _, g := range p.rec.User.Groups {
		if g.Display != "" {
			out = append(out, g.Display)
		} else {
			out = append(out, g.Value)
		}
	}
	return out
}

// claimDomain verifies a domain listed for this org (the target's, or the
// user's account's) in the console.
func (p planner) claimDomain(dom string) steps.PlanStep {
	return steps.PlanStep{
		ID: steps.StepClaimDomain, Kind: steps.KindConsole,
		Title: fmt.Sprintf("Verify the domain %s for this org", dom),
		Detail: fmt.Sprintf("%s is listed for this org but not verified. In admin.atlassian.com, Settings > Domains, verify it (DNS TXT record or HTTPS file); "+
			"the tool then reads the domains list to see it verified. Its accounts then become available for this org to claim.", dom),
		Params: steps.Params{Domain: dom, Target: p.f.Target},
	}
}

// claimAccount claims the user's account in the console; its domain is
// verified by then (a claim-domain step comes first when it is not).
func (p planner) claimAccount() steps.PlanStep {
	u := p.f.User
	dom := address.Domain(u.Email)
	params := account(u)
	params.Domain, params.DomainVerified = dom, p.f.domainVerified(dom)
	return steps.PlanStep{
		ID: steps.StepClaimAccount, Kind: steps.KindConsole,
		Title: fmt.Sprintf("Claim %s (%s) as a managed account of this org", label(u), u.Email),
		Detail: fmt.Sprintf("Provisioning never updates an account the org does not manage. In admin.atlassian.com, claim %s (Directory > Managed accounts, or Settings > Domains > %s > Claim accounts); "+
			"the tool then reads its claim status to see it managed.", who(u), dom),
		Params: params,
	}
}

// setEmailFirst gives the unlinked account the target before provisioning,
// so that provisioning links it instead of making a second account.
func (p planner) setEmailFirst() steps.PlanStep {
	u := p.f.User
	params := account(u)
	params.Target = p.f.Target
	return steps.PlanStep{
		ID: steps.StepSetEmailFirst, Kind: steps.KindAPI, Destructive: true,
		Title: fmt.Sprintf("Change the email of %s from %s to %s before provisioning", label(u), u.Email, p.f.Target),
		Detail: fmt.Sprintf("No SCIM user links %s, so provisioning %s would make a second account instead of updating this one. "+
			"With the address already on the account, provisioning links it. Changing the email ends the user's sessions.", who(u), p.f.Target),
		Params: params,
	}
}

func (p planner) googlePrimaryEmail() steps.PlanStep {
	u := p.f.User
	params := account(u)
	params.Target, params.Idp = p.f.Target, steps.IdpGoogle
	if p.rec != nil {
		params.DirectoryID = p.rec.DirectoryID
	}
	return steps.PlanStep{
		ID: steps.StepGooglePrimaryEmail, Kind: steps.KindIdP,
		Title:  fmt.Sprintf("Change the Google primary email of %s to %s", label(u), p.f.Target),
		Detail: "In the Google Admin console, change the user's primary email; it flows to the linked Atlassian account.",
		Params: params,
	}
}

// withWarnings adds the steps the warning findings call for, before the
// step that makes the IdP push (or, failing one, before verify-user).
func (p planner) withWarnings(plan []steps.PlanStep) []steps.PlanStep {
	var warn []steps.PlanStep
	if s, ok := p.socialLoginNotice(); ok {
		warn = append(warn, s)
	}
	if s, ok := p.alignSamlAttribute(); ok {
		warn = append(warn, s)
	}
	if len(warn) == 0 {
		return plan
	}
	at := slices.IndexFunc(plan, func(s steps.PlanStep) bool {
		return s.ID == steps.StepProvisionUser || s.ID == steps.StepGooglePrimaryEmail
	})
	if at < 0 {
		at = slices.IndexFunc(plan, func(s steps.PlanStep) bool { return s.ID == steps.StepVerifyUser })
	}
	if at < 0 {
		at = len(plan)
	}
	return slices.Insert(plan, at, warn...)
}

func (p planner) socialLoginNotice() (steps.PlanStep, bool) {
	var who []*AccountFacts
	for _, fd := range p.d.Findings {
		if fd.Code != steps.FindingSocialLogin {
			continue
		}
		for _, a := range []*AccountFacts{p.f.User, p.f.Holder} {
			if a != nil && a.AccountID == fd.AccountID && !slices.Contains(who, a) {
				who = append(who, a)
			}
		}
	}
	if len(who) == 0 {
		return steps.PlanStep{}, false
	}
	first := who[0]
	prov := p.f.Hints.SocialLogin[first.AccountID]
	params := account(first)
	params.Provider = prov
	detail := fmt.Sprintf("%s signs in with %s: the address must change at %s too, or the next %s login puts the old email back.",
		label(first), wording.SocialName(prov), wording.SocialName(prov), wording.SocialName(prov))
	if len(who) > 1 {
		h := who[1]
		hp := p.f.Hints.SocialLogin[h.AccountID]
		params.HolderAccountID, params.HolderProvider = h.AccountID, hp
		detail += fmt.Sprintf(" %s signs in with %s too.", label(h), wording.SocialName(hp))
	}
	return steps.PlanStep{
		ID: steps.StepSocialLoginNotice, Kind: steps.KindIdP,
		Title:  fmt.Sprintf("Tell %s to change the address at %s too", label(first), wording.SocialName(prov)),
		Detail: detail,
		Params: params,
	}, true
}

// samlAttributes names, per IdP, the SAML attribute used as the account
// email at login and the SCIM email mapping (domain.md).
func samlAttributes(idp steps.IdpKind) (saml, scim string) {
	return idp.SamlAttribute(), idp.ScimAttribute()
}

func (p planner) alignSamlAttribute() (steps.PlanStep, bool) {
	if !slices.ContainsFunc(p.d.Findings, func(fd Finding) bool { return fd.Code == steps.FindingSamlScimMismatch }) {
		return steps.PlanStep{}, false
	}
	r := p.f.samlMismatchRecord(p.d.Verdict)
	if r == nil {
		return steps.PlanStep{}, false
	}
	u := p.f.User
	idp := p.idp(r.DirectoryID)
	saml, scim := samlAttributes(idp)
	return steps.PlanStep{
		ID: steps.StepAlignSamlAttribute, Kind: steps.KindIdP,
		Title: fmt.Sprintf("Map the SAML and SCIM email of %s to the same attribute in %s", label(u), wording.IdpName(idp)),
		Detail: fmt.Sprintf("Set %s and %s to the same IdP attribute, the one holding %s: its SCIM userName is %s but its email %s, and if SAML sends one and SCIM the other the account email flips.",
			saml, scim, p.f.Target, r.User.UserName, r.User.PrimaryEmail()),
		Params: steps.Params{
			AccountID: u.AccountID, Name: u.Name, Target: p.f.Target,
			DirectoryID: r.DirectoryID, ScimUserID: r.ScimUserID,
			ScimUserName: r.User.UserName, ScimEmail: r.User.PrimaryEmail(),
			Idp: idp, SamlAttribute: saml, ScimAttribute: scim,
		},
	}, true
}
