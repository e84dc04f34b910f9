package fixes

import (
	"context"
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

// The console steps: what an admin does in admin.atlassian.com (verify a
// listed domain, claim an account). Each asks first like any change; a
// simulated org's console does it, a live org's admin does it by hand (the
// run waits, and resume verifies it). Each makes one change and no
// Atlassian API call that changes the org.

// actClaimDomain is claim-domain: a domain listed for this org, verified.
type actClaimDomain struct{}

func (actClaimDomain) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{
		adminCall("Settings > Domains: verify " + s.Params.Domain),
		{Method: "GET", Path: "/admin/v1/orgs/{orgId}/domains", Note: "read only: is " + s.Params.Domain + " verified?"},
	}
}

func (actClaimDomain) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamDomain); why != "" {
		return blocked("%s", why), nil
	}
	dom := s.Params.Domain
	st, listed, err := domainStatus(ctx, env, dom)
	switch {
	case err != nil:
		return run.Precondition{}, err
	case st == "verified":
		return alreadyDone("%s is verified for this org", dom), nil
	case !listed:
		return blocked("%s is not listed for this org: no plan verifies a domain that is not this org's; diagnose again", dom), nil
	case st == "superseded":
		return blocked("another org has verified %s: only that org can release it; diagnose again", dom), nil
	}
	return ready("%s is listed for this org but %s", dom, st), nil
}

func claimDomainInstructions(dom string) string {
	return fmt.Sprintf("In admin.atlassian.com, go to Settings > Domains and verify %s: add the DNS TXT record shown "+
		"(or upload the HTTPS file), then select Verify domain. %s", dom, resumeLine)
}

func (actClaimDomain) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	dom := s.Params.Domain
	if env.Console == nil {
		return &run.OperatorActionError{Instructions: claimDomainInstructions(dom)}
	}
	st, _, err := domainStatus(ctx, env, dom)
	if err != nil {
		return err
	}
	before := map[string]string{"domain": dom, "status": st}
	return env.Mutate(ctx, s.ID, adminCall("Settings > Domains: verify "+dom), before, func(ctx context.Context) error {
		return env.Console.VerifyDomain(ctx, dom)
	})
}

func (actClaimDomain) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	dom := s.Params.Domain
	return settle(ctx, env, func(ctx context.Context) error {
		st, listed, err := domainStatus(ctx, env, dom)
		switch {
		case err != nil:
			return err
		case !listed:
			return fmt.Errorf("%s is not listed for this org", dom)
		case st != "verified":
			return fmt.Errorf("%s is %s, not verified", dom, st)
		}
		return nil
	})
}

// actClaimAccount is claim-account: the user's account, on a verified
// domain, claimed so that this org manages it.
type actClaimAccount struct{}

func (actClaimAccount) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{
		adminCall(fmt.Sprintf("Directory > Managed accounts: claim %s", stepAccount(s))),
		accountReadCall(s.Params.AccountID, "is it managed?"),
	}
}

func (actClaimAccount) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID); why != "" {
		return blocked("%s", why), nil
	}
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	if u.Managed() {
		return alreadyDone("%s is a managed account of this org", userSummary(u)), nil
	}
	dom := address.Domain(u.Email)
	st, _, err := domainStatus(ctx, env, dom)
	if err != nil {
		return run.Precondition{}, err
	}
	if st != "verified" {
		return blocked("%s is not verified for this org: an account is claimed only on a verified domain", dom), nil
	}
	return ready("%s is not managed by this org (claim status %s)", userSummary(u), wording.Or(u.ClaimStatus, "unknown")), nil
}

func claimAccountInstructions(s steps.PlanStep) string {
	return fmt.Sprintf("In admin.atlassian.com, claim %s so that it is listed under Directory > Managed accounts "+
		"(Settings > Domains > %s > Claim accounts, or the account's own Claim action). %s", stepAccount(s), s.Params.Domain, resumeLine)
}

func (actClaimAccount) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.Console == nil {
		return &run.OperatorActionError{Instructions: claimAccountInstructions(s)}
	}
	id := s.Params.AccountID
	u, err := mustReadAccount(ctx, env, id)
	if err != nil {
		return err
	}
	before := map[string]string{"accountId": id, "email": u.Email, "claimStatus": u.ClaimStatus}
	return env.Mutate(ctx, s.ID, adminCall("Directory > Managed accounts: claim "+stepAccount(s)), before, func(ctx context.Context) error {
		return env.Console.ClaimAccount(ctx, id)
	})
}

func (actClaimAccount) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id := s.Params.AccountID
	return settle(ctx, env, func(ctx context.Context) error {
		u, err := readAccount(ctx, env, id)
		switch {
		case err != nil:
			return err
		case u == nil:
			return run.StopPolling(fmt.Errorf("account %s no longer exists", id))
		case !u.Managed():
			return fmt.Errorf("%s is not managed by this org yet (claim status %s)", userSummary(u), wording.Or(u.ClaimStatus, "unknown"))
		}
		return nil
	})
}
