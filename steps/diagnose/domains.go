package diagnose

import (
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
)

// domainState is a domain as this org sees it.
type domainState string

const (
	domainVerified   domainState = "verified"
	domainUnverified domainState = "unverified" // listed for this org, not (yet) verified
	domainOtherOrg   domainState = "other-org"  // another org verified it
	domainUnlisted   domainState = "unlisted"   // not this org's at all
)

// claimSuperseded is the claim status of a domain this org added and another
// org verified (fixtures/assumptions.go names the assumption).
const claimSuperseded = "superseded"

// domain finds one of the org's listed domains, case aside.
func (f *OrgFacts) domain(name string) (client.Domain, bool) {
	for _, d := range f.Domains {
		if strings.EqualFold(d.Name, name) {
			return d, true
		}
	}
	return client.Domain{}, false
}

func (f *OrgFacts) domainVerified(name string) bool {
	d, ok := f.domain(name)
	return ok && d.Verified()
}

// domainState says what the org can do with a domain: verified, listed
// but not verified (a console step can verify it), another org's, or
// unlisted (neither can be verified by a plan).
func (f *OrgFacts) domainState(name string) domainState {
	d, ok := f.domain(name)
	switch {
	case !ok:
		return domainUnlisted
	case d.Verified():
		return domainVerified
	case d.ClaimStatus == claimSuperseded:
		return domainOtherOrg
	}
	return domainUnverified
}

// verifiedDomains are the names of the org's verified domains.
func (f *OrgFacts) verifiedDomains() []string {
	var out []string
	for _, d := range f.Domains {
		if d.Verified() {
			out = append(out, d.Name)
		}
	}
	return out
}

// targetLookalike is the verified domain an unlisted target domain is most
// likely a typo of ("" when the domain is listed or near none).
func (f *OrgFacts) targetLookalike() string {
	dom := address.Domain(f.Target)
	if f.domainState(dom) != domainUnlisted {
		return ""
	}
	meant, _ := address.Lookalike(dom, f.verifiedDomains())
	return meant
}

// targetDomainFindings are target-domain-other-org and
// target-domain-lookalike, when they hold.
func (f *OrgFacts) targetDomainFindings() []Finding {
	dom := address.Domain(f.Target)
	var out []Finding
	if f.domainState(dom) == domainOtherOrg {
		out = append(out, Finding{
			Code: steps.FindingTargetDomainOtherOrg, AccountID: f.User.AccountID,
			Detail: fmt.Sprintf("Another org has verified %s (this org's claim on it is superseded), so no plan can verify it here: only that org can release the domain, or the two orgs consolidate.",
				dom),
			Evidence: evs(f.DomainsEv),
		})
	}
	if meant := f.targetLookalike(); meant != "" {
		out = append(out, Finding{
			Code: steps.FindingTargetDomainLookalike, AccountID: f.User.AccountID,
			Detail: fmt.Sprintf("%s is not one of this org's domains, and it is a keystroke or two from %s, which this org has verified: %s is most likely a typo of %s in the IdP.",
				dom, meant, f.Target, strings.TrimSuffix(f.Target, dom)+meant),
			Evidence: evs(f.DomainsEv),
		})
	}
	return out
}
