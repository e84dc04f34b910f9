package diagnose

import (
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"
)

// Every verdict is explained in plain words, naming who and what it is about.
func TestExplainEveryVerdict(t *testing.T) {
	holder := jane("yuki.t@acme.com")
	cases := map[steps.Verdict]struct {
		facts *OrgFacts
		names string
	}{
		steps.VerdictNotFound:              {baseFacts(nil, nil, "yuki.t@acme.com"), "q"},
		steps.VerdictTargetDomainUnclaimed: {baseFacts(yuki(), nil, "yuki@typo.example"), "yuki@typo.example"},
		steps.VerdictAccountUnmanaged:      {baseFacts(yuki(unmanagedAcct), nil, "yuki.t@acme.com"), "Yuki Tanaka"},
		steps.VerdictDuplicateAccount:      {baseFacts(yuki(), holder, "yuki.t@acme.com"), "Jane Roe <yuki.t@acme.com>"},
		steps.VerdictEmailTaken:            {baseFacts(yuki(), holder, "yuki.t@acme.com"), "Jane Roe <yuki.t@acme.com>"},
		steps.VerdictIdpOwned:              {baseFacts(yuki(), nil, "yuki.t@acme.com"), "Yuki Tanaka"},
		steps.VerdictNoBlocker:             {baseFacts(yuki(), nil, "yuki.t@acme.com"), "provisioning"},
		steps.VerdictScimRecordConflict: {withTargetRecords(baseFacts(yuki(), nil, "yuki.t@acme.com"),
			scimRec("d-entra", "s-stale", "", "obj-old", "yuki.t@acme.com", "yuki.t@acme.com", "Old Hire")), "s-stale"},
	}
	if len(cases) != len(steps.Verdicts()) {
		t.Errorf("%d verdicts explained here, %d in the vocabulary", len(cases), len(steps.Verdicts()))
	}
	for verdict, c := range cases {
		d := &Diagnosis{Verdict: verdict, Target: c.facts.Target, Facts: *c.facts}
		if u := c.facts.User; u != nil {
			d.User = &UserRef{AccountID: u.AccountID, Email: u.Email, Name: u.Name}
		}
		e := Explain(d)
		if e.Headline == "" || e.Situation == "" || e.Headline == string(verdict) {
			t.Errorf("%s: not explained: %+v", verdict, e)
		}
		if !strings.Contains(e.Headline+" "+e.Situation, c.names) {
			t.Errorf("%s: %+v does not name %q", verdict, e, c.names)
		}
	}
}

// The situations beyond the articles are explained as their plans treat them.
func TestExplainSituations(t *testing.T) {
	entraYuki := linked("d-entra", "s-yuki", "obj-yuki", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka")
	deactivatedByIdP := yuki(deactivated, entraYuki)
	deactivatedByIdP.Scim[0].User.Active = ptr(false)
	cases := []struct {
		name  string
		facts *OrgFacts
		says  string
	}{
		{"claimable holder", baseFacts(yuki(entraYuki), jane("yuki.t@acme.com", unmanagedAcct), "yuki.t@acme.com"), "Available to claim"},
		{"holder pending deletion", baseFacts(yuki(entraYuki), jane("yuki.t@acme.com", pendingDeletion), "yuki.t@acme.com"), "grace period"},
		{"SAML JIT", samlJIT(baseFacts(yuki(), nil, "yuki.t@acme.com"), nil), "SAML JIT"},
		{"deactivated by the IdP", baseFacts(deactivatedByIdP, nil, "yuki.t@acme.com"), "IdP deactivated"},
		{"unlinked, address reverted", baseFacts(yuki(ownRecord("d-entra", "s-yuki", "obj-yuki", "Yuki Tanaka")), nil, "yuki.tanaka@acme.com"), "unlinked"},
		{"unlinked by an unverified domain", withTargetRecords(withDomain(baseFacts(yuki(), nil, "yuki@acme-labs.com"), "acme-labs.com", "unverified"),
			scimRec("d-entra", "s-yuki", "", "obj-yuki", "yuki@acme-labs.com", "yuki@acme-labs.com", "Yuki Tanaka")), "unlinked the account"},
	}
	for _, c := range cases {
		d := diagnosed(c.facts)
		d.User = &UserRef{AccountID: c.facts.User.AccountID, Email: c.facts.User.Email, Name: c.facts.User.Name}
		e := Explain(d)
		if !strings.Contains(e.Headline+" "+e.Situation, c.says) {
			t.Errorf("%s (%s): %+v does not say %q", c.name, d.Verdict, e, c.says)
		}
	}
}
