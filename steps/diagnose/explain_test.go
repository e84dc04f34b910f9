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
