package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
)

// The steps that stop a run for someone the tool cannot act for, and the
// idp step that asks the IdP before a different person is ever touched.

// handoffTargetDomain: the target's domain is not this org's to verify.
func (p planner) handoffTargetDomain() steps.PlanStep {
	f := p.f
	dom := address.Domain(f.Target)
	params := steps.Params{Domain: dom, Target: f.Target, Idp: p.personIdp()}
	var title, detail string
	switch meant := f.targetLookalike(); {
	case f.domainState(dom) == domainOtherOrg:
		params.Reason = "other-org"
		title = fmt.Sprintf("Hand off: another org owns %s", dom)
		detail = fmt.Sprintf("Another org has verified %s, so this org can neither verify it nor give its addresses. The IdP's admin gives %s another address "+
			"(or keeps the current one); only if the two orgs agree can the other org's admin release %s. Nothing is changed here.", dom, label(f.User), dom)
	case meant != "":
		params.Reason, params.Meant = "lookalike", meant
		fixed := strings.TrimSuffix(f.Target, dom) + meant
		title = fmt.Sprintf("Hand off: correct %s in %s (probably %s)", f.Target, p.idpName(), fixed)
		detail = fmt.Sprintf("%s is not one of this org's domains but is a keystroke or two from %s, which it has verified: the address in %s is most likely a typo of %s. "+
			"The IdP's admin corrects the attribute that holds it, then provisions %s again. Nothing is changed here.", dom, meant, p.idpName(), fixed, label(f.User))
	default:
		params.Reason = "unlisted"
		title = fmt.Sprintf("Hand off: %s is not one of this org's domains", dom)
		detail = fmt.Sprintf("No plan verifies a domain that is not listed for this org. Either the IdP's admin corrects %s's address in %s, "+
			"or an org admin adds %s under Settings > Domains and verifies it (if another org has verified it, that org must release it first); then diagnose again. Nothing is changed here.",
			label(f.User), p.idpName(), dom)
	}
	if r := f.unlinkedOwnRecord(); r != nil {
		detail += fmt.Sprintf(" The IdP already pushed %s and Atlassian unlinked the account (SCIM user %s, directory %s), dropping its synced groups: once the IdP's address is back to %s, "+
			"run syncdoctor again with --target %s to relink the account and restore its groups.", f.Target, r.ScimUserID, r.DirectoryID, f.User.Email, f.User.Email)
	}
	return steps.PlanStep{ID: steps.StepHandoffTargetDomain, Kind: steps.KindHandoff, Title: title, Detail: detail, Params: params}
}

// handoffAccountOtherOrg: the user's account is on a domain this org can
// never verify, so it can never be managed here.
func (p planner) handoffAccountOtherOrg() steps.PlanStep {
	u := p.f.User
	dom := address.Domain(u.Email)
	params := account(u)
	params.Domain, params.Target, params.Reason = dom, p.f.Target, "unlisted"
	whose := "is not one of this org's domains"
	if p.f.domainState(dom) == domainOtherOrg {
		params.Reason, whose = "other-org", "is verified by another org"
	}
	return steps.PlanStep{
		ID: steps.StepHandoffAccountOtherOrg, Kind: steps.KindHandoff,
		Title: fmt.Sprintf("Hand off: this org cannot manage %s's account on %s", label(u), dom),
		Detail: fmt.Sprintf("%s %s, so this org can never manage %s, and accounts cannot be merged. Provisioning %s from the IdP gives the person a new account here; "+
			"the old account and its history stay where they are (that domain's org manages it). Nothing is changed here.", dom, whose, who(u), p.f.Target),
		Params: params,
	}
}

// handoffHolderOtherOrg: the holder belongs to another org (or none).
func (p planner) handoffHolderOtherOrg() steps.PlanStep {
	h := p.f.Holder
	params := account(h)
	params.Domain, params.Target = address.Domain(p.f.Target), p.f.Target
	return steps.PlanStep{
		ID: steps.StepHandoffHolderOtherOrg, Kind: steps.KindHandoff,
		Title: fmt.Sprintf("Hand off: ask the org that manages %s to rename or release it", p.f.Target),
		Detail: fmt.Sprintf("%s holds %s but this org does not manage it (%s). Only the org that manages it can rename it "+
			"(change its email to a placeholder such as %s) or release the address; if no org manages it, an admin here claims the account first (Directory > Managed accounts). "+
			"Then provision %s again. Nothing is changed here.", who(h), p.f.Target, p.f.holderNotManaged(), address.Placeholder(p.f.Target, 1), label(p.f.User)),
		Params: params,
	}
}

// holderRecord is the holder's first SCIM record, nil when it has none.
func (p planner) holderRecord() *ScimRecord {
	if h := p.f.Holder; h != nil && len(h.Scim) > 0 {
		return &h.Scim[0]
	}
	return nil
}

// provisionHolder asks the IdP again for the holder, a different current
// person: her own record may already give her another address.
func (p planner) provisionHolder() steps.PlanStep {
	h := p.f.Holder
	params := account(h)
	params.Target = p.f.Target
	idp := p.idp("")
	if r := p.holderRecord(); r != nil {
		params.DirectoryID = r.DirectoryID
		idp = p.idp(r.DirectoryID)
		if r.User != nil {
			params.ExternalID = r.User.ExternalID
		}
	}
	params.Idp = idp
	return steps.PlanStep{
		ID: steps.StepProvisionHolder, Kind: steps.KindIdP,
		Title: fmt.Sprintf("Run provisioning for %s in %s, to see whether it frees %s", label(h), wording.IdpName(idp), p.f.Target),
		Detail: fmt.Sprintf("%s is a different, current person, whose account no plan changes. Provisioning that person again from %s changes nothing unless the IdP already gives them another address, "+
			"which frees %s. Then the tool checks whether the address is free.", who(h), wording.IdpName(idp), p.f.Target),
		Params: params,
	}
}

// handoffSharedAddress stops the run when the target is still taken after
// the holder was provisioned: the IdP gives two current people one address.
func (p planner) handoffSharedAddress() steps.PlanStep {
	h := p.f.Holder
	params := account(h)
	params.Target, params.Idp = p.f.Target, p.personIdp()
	return steps.PlanStep{
		ID: steps.StepHandoffSharedAddress, Kind: steps.KindHandoff,
		Title: fmt.Sprintf("Hand off if %s still holds %s: two people share it in the IdP", label(h), p.f.Target),
		Detail: fmt.Sprintf("Skipped when %s is free by now. Otherwise the run stops here: the IdP gives %s and %s the same address, and only the IdP's admin can give one of them another. "+
			"Nothing is changed here.", p.f.Target, label(p.f.User), label(h)),
		Params: params,
	}
}

// handoffMissingKeys stops before anything changes: a directory of the org
// could not be read, and what it holds could change the verdict.
func (p planner) handoffMissingKeys() steps.PlanStep {
	var dirs, asks []string
	n := len(p.f.ScimDirectories)
	for _, u := range p.f.Incomplete {
		if u.DirectoryID == "" {
			asks = append(asks, "an org API key that may list the org's directories (created without scopes)")
			continue
		}
		if slices.Contains(dirs, u.DirectoryID) {
			continue
		}
		dirs = append(dirs, u.DirectoryID)
		n++
		dirVar, keyVar := client.SCIMEnvNames(n)
		asks = append(asks, fmt.Sprintf("%s=%s and %s=<its SCIM API key>", dirVar, u.DirectoryID, keyVar))
	}
	return steps.PlanStep{
		ID: steps.StepHandoffMissingKeys, Kind: steps.KindHandoff,
		Title: fmt.Sprintf("Hand off: give what could not be read (%s), then diagnose again", orWhat(dirs)),
		Detail: fmt.Sprintf("This tool could not read %s, so what it holds (a second record of the user, the holder's identity) is unknown and could change the verdict. "+
			"Nothing is done on a guess: set %s (the key is in admin.atlassian.com, Security > Identity providers > the directory > User provisioning), then diagnose again.",
			orWhat(dirs), strings.Join(asks, "; ")),
		Params: steps.Params{DirectoryIDs: strings.Join(dirs, ",")},
	}
}

// orWhat names the unread directories, or the listing that failed.
func orWhat(dirs []string) string {
	if len(dirs) == 0 {
		return "the org's directories"
	}
	return "directory " + strings.Join(dirs, ", ")
}

// personIdp is the IdP that provisions the user, as far as known.
func (p planner) personIdp() steps.IdpKind {
	if p.rec == nil {
		return p.idp("")
	}
	return p.idp(p.rec.DirectoryID)
}
