package diagnose

import (
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps"
)

// Explanation is a verdict in plain words, for the wizard and the CLI
// alike: what was found, and the situation it is (the knowledge-base
// article's, where it matches one) with what that means for the fix.
type Explanation struct {
	Headline  string
	Situation string
}

// Explain says a diagnosis's verdict in plain words.
func Explain(d *Diagnosis) Explanation {
	user, target := "the user", d.Target
	if d.User != nil {
		user = d.User.Name
		if user == "" {
			user = d.User.Email
		}
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
		return Explanation{fmt.Sprintf("No account in this org matches %s.", d.Facts.Query),
			"Check the spelling, or search by name or account id: tickets often carry an old or misspelled address. Provisioning is not involved."}
	case steps.VerdictTargetDomainUnclaimed:
		return Explanation{fmt.Sprintf("%s is on a domain this org has not verified.", target),
			"Neither an admin nor provisioning can give an account an address on a domain the org has not verified and claimed. Verify the domain first, or correct the address in the IdP."}
	case steps.VerdictAccountUnmanaged:
		return Explanation{fmt.Sprintf("This org does not manage %s's account.", user),
			"Provisioning never updates an account the org does not manage (the first check of the article's situation 2): provisioning would make a second account instead. The account must be claimed first."}
	case steps.VerdictDuplicateAccount:
		return Explanation{fmt.Sprintf("Provisioning made a second account for %s.", user),
			fmt.Sprintf("Situation 2 of the knowledge-base article: provisioning created a new account (%s) instead of updating the old one. "+
				"Accounts cannot be merged: the new account is moved aside and the old one, with its history, takes the address.", holder)}
	case steps.VerdictEmailTaken:
		return Explanation{fmt.Sprintf("Another account already holds %s.", target),
			fmt.Sprintf("Situation 1 of the knowledge-base article: the address belongs to %s, so the IdP's update fails with 409 uniqueness. "+
				"That account gets a placeholder address, then provisioning runs again.", holder)}
	case steps.VerdictIdpOwned:
		return Explanation{fmt.Sprintf("Google Workspace owns %s's email.", user),
			"The account comes from the Google Workspace integration: its email changes only in Google, and the change reaches Atlassian with the next sync."}
	case steps.VerdictNoBlocker:
		return Explanation{"Nothing in Atlassian blocks the change.",
			"Run provisioning for the user again from the IdP: the update can go through."}
	}
	return Explanation{Headline: string(d.Verdict)}
}
