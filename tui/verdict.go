package tui

import (
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps/diagnose"

	"github.com/syncdoctor/syncdoctor/steps"
)

// verdictText is a verdict in plain words: what was found, and the
// situation of the knowledge-base article it matches with what it means.
type verdictText struct {
	headline  string
	situation string
}

func explainVerdict(d *diagnose.Diagnosis) verdictText {
	user, target := "the user", d.Target
	if d.User != nil {
		user = firstOf(d.User.Name, d.User.Email)
	}
	holder := "another account"
	if h := d.Facts.Holder; h != nil {
		holder = h.Email
		if h.Name != "" {
			holder = h.Name + " <" + h.Email + ">"
		}
	}
	switch d.Verdict {
	case steps.VerdictNotFound:
		return verdictText{fmt.Sprintf("No account in this org matches %s.", d.Facts.Query),
			"Check the spelling, or search by name or account id: tickets often carry an old or misspelled address. Provisioning is not involved."}
	case steps.VerdictTargetDomainUnclaimed:
		return verdictText{fmt.Sprintf("%s is on a domain this org has not verified.", target),
			"Neither an admin nor provisioning can give an account an address on a domain the org has not verified and claimed. Verify the domain first, or correct the address in the IdP."}
	case steps.VerdictAccountUnmanaged:
		return verdictText{fmt.Sprintf("This org does not manage %s's account.", user),
			"Provisioning never updates an account the org does not manage (the first check of the article's situation 2): provisioning would make a second account instead. The account must be claimed first."}
	case steps.VerdictDuplicateAccount:
		return verdictText{fmt.Sprintf("Provisioning made a second account for %s.", user),
			fmt.Sprintf("Situation 2 of the knowledge-base article: provisioning created a new account (%s) instead of updating the old one. "+
				"Accounts cannot be merged: the new account is moved aside and the old one, with its history, takes the address.", holder)}
	case steps.VerdictEmailTaken:
		return verdictText{fmt.Sprintf("Another account already holds %s.", target),
			fmt.Sprintf("Situation 1 of the knowledge-base article: the address belongs to %s, so the IdP's update fails with 409 uniqueness. "+
				"That account gets a placeholder address, then provisioning runs again.", holder)}
	case steps.VerdictIdpOwned:
		return verdictText{fmt.Sprintf("Google Workspace owns %s's email.", user),
			"The account comes from the Google Workspace integration: its email changes only in Google, and the change reaches Atlassian with the next sync."}
	case steps.VerdictNoBlocker:
		return verdictText{"Nothing in Atlassian blocks the change.",
			"Run provisioning for the user again from the IdP: the update can go through."}
	}
	return verdictText{string(d.Verdict), ""}
}
