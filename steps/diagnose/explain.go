package diagnose

import (
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// kbArticle names the knowledge-base article whose two situations the
// verdicts follow (seed 000).
const kbArticle = `Atlassian's knowledge-base article "Failed to update an Atlassian account email address via provisioning sync"`

// Explanation is a verdict in plain words, for the wizard and the CLI
// alike: what was found, and the situation it is (the knowledge-base
// article's, where it matches one) with what that means for the fix.
type Explanation struct {
	Headline  string
	Situation string
}

// Explain says a diagnosis's verdict in plain words, as its plan will
// treat it; the org data it names is cleaned (words.go).
func Explain(d *Diagnosis) Explanation {
	e := explain(d)
	return Explanation{Headline: safetext.Clean(e.Headline), Situation: safetext.Clean(e.Situation)}
}

func explain(d *Diagnosis) Explanation {
	f := &d.Facts
	switch d.Verdict {
	case steps.VerdictNotFound:
		return Explanation{fmt.Sprintf("No account in this org matches %s.", f.Query),
			"Check the spelling, or search by name or account id: tickets often carry an old or misspelled address. Provisioning is not involved."}
	case steps.VerdictTargetDomainUnclaimed:
		return explainTargetDomain(d)
	case steps.VerdictAccountUnmanaged:
		return explainUnmanaged(d)
	case steps.VerdictDuplicateAccount:
		return Explanation{fmt.Sprintf("Provisioning made a second account for %s.", userWord(d)),
			fmt.Sprintf("Situation 2 of %s: provisioning created a new account (%s) instead of updating the old one. "+
				"Accounts cannot be merged: the new account is moved aside and the old one, with its history, takes the address.", kbArticle, holderWord(d))}
	case steps.VerdictEmailTaken:
		return explainTaken(d)
	case steps.VerdictIdpOwned:
		return Explanation{fmt.Sprintf("Google Workspace owns %s's email.", userWord(d)),
			"The account comes from the Google Workspace integration: its email changes only in Google, and the change reaches Atlassian with the next sync."}
	case steps.VerdictScimRecordConflict:
		return explainStaleRecord(d)
	case steps.VerdictNoBlocker:
		return explainNoBlocker(d)
	}
	return Explanation{Headline: string(d.Verdict)}
}

func explainTargetDomain(d *Diagnosis) Explanation {
	f := &d.Facts
	dom := address.Domain(d.Target)
	head := fmt.Sprintf("%s is on a domain this org has not verified.", d.Target)
	switch f.domainState(dom) {
	case domainOtherOrg:
		return Explanation{head, fmt.Sprintf("Another org has verified %s: this org can neither verify it nor give its addresses. "+
			"The IdP's admin gives the user another address; only the other org can release the domain. Nothing is changed here.", dom)}
	case domainUnverified:
		if f.unlinkedOwnRecord() != nil {
			return Explanation{head, fmt.Sprintf("The IdP already pushed %s: Atlassian could not take it, unlinked the account and dropped its synced groups (research S5). "+
				"Once an admin verifies %s, the account takes the address, the IdP makes its SCIM user anew, which links it again, and its groups come back.", d.Target, dom)}
		}
		return Explanation{head, fmt.Sprintf("%s is listed for this org but not verified: once an admin verifies it, provisioning can give the user the address. "+
			"Changing an account to an unverified domain would unlink it and drop its synced groups.", dom)}
	}
	if meant := f.targetLookalike(); meant != "" {
		return Explanation{head, fmt.Sprintf("%s is most likely a typo of %s, which this org has verified: the address in the IdP is to be corrected to %s. Nothing is changed here.",
			dom, meant, strings.TrimSuffix(d.Target, dom)+meant)}
	}
	return Explanation{head, fmt.Sprintf("%s is not one of this org's domains: either the address in the IdP is wrong, or an admin adds and verifies %s first. Nothing is changed here.", dom, dom)}
}

func explainUnmanaged(d *Diagnosis) Explanation {
	f := &d.Facts
	head := fmt.Sprintf("This org does not manage %s's account.", userWord(d))
	dom := address.Domain(f.User.Email)
	switch f.domainState(dom) {
	case domainOtherOrg, domainUnlisted:
		return Explanation{head, fmt.Sprintf("The account is on %s, which this org cannot verify, so it can never manage it, and accounts cannot be merged: "+
			"provisioning gives the person a new account here, and the old one stays with its history. Nothing is changed here.", dom)}
	}
	return Explanation{head, fmt.Sprintf("Provisioning never updates an account the org does not manage (the first check of situation 2 of %s): "+
		"it would make a second account instead. The account is claimed first.", kbArticle)}
}

func explainTaken(d *Diagnosis) Explanation {
	f := &d.Facts
	head := fmt.Sprintf("Another account already holds %s.", d.Target)
	switch {
	case f.HolderInOtherOrg():
		return Explanation{head, fmt.Sprintf("Situation 1 of %s, but the address belongs to %s, which this org does not manage: "+
			"only the org that manages it can rename or release it. Nothing is changed here.", kbArticle, holderWord(d))}
	case f.holderClaimable():
		return Explanation{head, fmt.Sprintf("Situation 1 of %s: the address belongs to %s, which is unmanaged on a domain this org has verified (\"Available to claim\"). "+
			"No API claims an account: it is claimed in admin.atlassian.com first, then moved to a placeholder address, and provisioning runs again.", kbArticle, holderWord(d))}
	case f.holderPendingDeletion():
		return Explanation{head, fmt.Sprintf("The address belongs to %s, which is deleted and in its 14-day grace period: its email stays taken until then. "+
			"Its deletion is cancelled, it moves to a placeholder address and is deleted again; then provisioning runs again.", holderWord(d))}
	case f.holderOtherPerson():
		return Explanation{head, fmt.Sprintf("The address belongs to %s, a different, current person provisioned by the IdP, whose account is never changed. "+
			"The IdP is asked again for that person first: if it already gives them another address, the address is free; if not, the IdP gives two people one address, and its admin must decide.", holderWord(d))}
	}
	return Explanation{head, fmt.Sprintf("Situation 1 of %s: the address belongs to %s, so the IdP's update fails with 409 uniqueness. "+
		"That account gets a placeholder address, then provisioning runs again.", kbArticle, holderWord(d))}
}

func explainStaleRecord(d *Diagnosis) Explanation {
	r := d.Facts.conflictingRecord()
	head := fmt.Sprintf("No account holds %s, but a stale SCIM record does.", d.Target)
	if r == nil {
		return Explanation{Headline: head}
	}
	then := "It is written whole to the journal, deleted (this cannot be undone), and provisioning runs again."
	if r.LinkedAccountID != "" {
		then = fmt.Sprintf("It is written whole to the journal, unlinked from account %s (so that the account is not deactivated), deleted (this cannot be undone), and provisioning runs again.", r.LinkedAccountID)
	}
	return Explanation{head, fmt.Sprintf("SCIM user %s of directory %s carries the address, so the directory answers the IdP's update with the same 409 uniqueness "+
		"(a user deleted in the IdP without going through the app, a rehire, a guest made a member). %s", r.ScimUserID, r.DirectoryID, then)}
}

func explainNoBlocker(d *Diagnosis) Explanation {
	f := &d.Facts
	plain := Explanation{"Nothing in Atlassian blocks the change.",
		"Run provisioning for the user again from the IdP: the update can go through."}
	if f.User == nil {
		return plain
	}
	switch {
	case address.Same(f.User.Email, d.Target) && f.unlinkedOwnRecord() != nil:
		return Explanation{fmt.Sprintf("%s already has %s, but Atlassian unlinked the account.", userWord(d), d.Target),
			"Its SCIM user links no account, and the synced groups were dropped: the IdP makes the SCIM user anew, which links the account again, and the groups come back."}
	case address.Same(f.User.Email, d.Target):
		return Explanation{fmt.Sprintf("%s already has %s.", userWord(d), d.Target),
			"There is nothing to change in Atlassian: the change went through already."}
	case f.noProvisioning():
		why := "No directory provisions this org's users, so the email is set here through the API."
		if f.samlJIT() {
			why += " With SAML JIT, the next SAML login sets the email to what the IdP sends: the IdP's attribute changes too."
		}
		return Explanation{"Nothing in Atlassian blocks the change.", why}
	case f.unlinkedOwnRecord() != nil:
		return Explanation{"Nothing in Atlassian blocks the change, but Atlassian unlinked the account.",
			"An earlier push left the user's SCIM user linked to no account: pushing again would only update that record. The IdP makes it anew, which links the account, and its groups come back."}
	case f.deactivatedByIdP():
		return Explanation{"Nothing in Atlassian blocks the change, but the IdP deactivated the account.",
			"Only the IdP reactivates an account its SCIM user links: the user is reactivated there and provisioned again."}
	}
	return plain
}

func userWord(d *Diagnosis) string {
	if d.User == nil {
		return "the user"
	}
	if d.User.Name != "" {
		return d.User.Name
	}
	return d.User.Email
}

func holderWord(d *Diagnosis) string {
	h := d.Facts.Holder
	switch {
	case h == nil:
		return "another account"
	case h.Name != "":
		return h.Name + " <" + h.Email + ">"
	}
	return h.Email
}
