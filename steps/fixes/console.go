package fixes

import (
	"context"
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

// The check steps an admin unblocks in admin.atlassian.com: claim-domain,
// claim-account; and social-login-notice, which only informs. Check reads
// the org once; when the change is not there yet, a simulated org's admin
// console makes it, and against a live org the run waits for the operator
// (an *OperatorActionError) and resume verifies it.

// actClaimDomain is claim-domain: the target's domain verified for this org.
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
	case listed:
		return ready("%s is listed for this org but %s", dom, st), nil
	}
	return ready("%s is not listed for this org: it must be added and verified (if another org has verified it, that org must remove it first)", dom), nil
}

func claimDomainInstructions(dom string) string {
	return fmt.Sprintf("In admin.atlassian.com, go to Settings > Domains. If %s is not listed, add it (Add domain). "+
		"Verify it: add the DNS TXT record shown (or upload the HTTPS file), then select Verify domain. "+
		"If another organization has verified %s, that organization must remove it first; until then this org can neither give its addresses nor manage its accounts. %s",
		dom, dom, resumeLine)
}

func (actClaimDomain) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	dom := s.Params.Domain
	if env.Console == nil {
		return &run.OperatorActionError{Instructions: claimDomainInstructions(dom)}
	}
	return verifyDomainMutation(ctx, env, s, dom)
}

// verifyDomainMutation verifies a domain through the simulated console.
func verifyDomainMutation(ctx context.Context, env *run.Env, s steps.PlanStep, dom string) error {
	st, listed, err := domainStatus(ctx, env, dom)
	if err != nil {
		return err
	}
	if !listed {
		st = "not listed"
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

// actClaimAccount is claim-account: the user's account managed by this org.
type actClaimAccount struct{}

func (actClaimAccount) Calls(s steps.PlanStep) []steps.Call {
	var calls []steps.Call
	if !s.Params.DomainVerified {
		calls = append(calls, adminCall("Settings > Domains: verify "+s.Params.Domain))
	}
	return append(calls,
		adminCall(fmt.Sprintf("Settings > Domains > %s: claim the accounts, so that %s is managed", s.Params.Domain, stepAccount(s))),
		accountReadCall(s.Params.AccountID, "is it managed?"),
	)
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
	return ready("%s is not managed by this org (claim status %s)", userSummary(u), wording.Or(u.ClaimStatus, "unknown")), nil
}

func claimAccountInstructions(s steps.PlanStep) string {
	dom := s.Params.Domain
	first := ""
	if !s.Params.DomainVerified {
		first = fmt.Sprintf("First verify %s under Settings > Domains (add the DNS TXT record shown, or upload the HTTPS file, then Verify domain). ", dom)
	}
	return fmt.Sprintf("In admin.atlassian.com: %sThen claim the accounts on %s (Settings > Domains > %s > Claim accounts), so that %s is listed under Directory > Managed accounts. "+
		"If another organization has verified %s, this org can never manage the account (accounts cannot be merged): provisioning would give the user a new account here instead. %s",
		first, dom, dom, stepAccount(s), dom, resumeLine)
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
	dom := s.Params.Domain
	if dom == "" {
		dom = address.Domain(u.Email)
	}
	st, _, err := domainStatus(ctx, env, dom)
	if err != nil {
		return err
	}
	if st != "verified" {
		if err := verifyDomainMutation(ctx, env, s, dom); err != nil {
			return err
		}
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

// actSocialLoginNotice is social-login-notice: it tells the operator that
// the owner must change the address at the social login provider too. It is
// done once shown; the notice is journaled.
type actSocialLoginNotice struct{}

func (actSocialLoginNotice) Calls(s steps.PlanStep) []steps.Call { return []steps.Call{} }

func socialNotice(s steps.PlanStep) string {
	prov := wording.SocialName(s.Params.Provider)
	if prov == "" {
		prov = "a social login"
	}
	msg := fmt.Sprintf("%s signs in with %s: once the email changes, they must change the address at %s too (or stop signing in with it), or the next %s login puts the old email back.",
		stepAccount(s), prov, prov, prov)
	if h := s.Params.HolderAccountID; h != "" {
		hp := wording.SocialName(s.Params.HolderProvider)
		msg += fmt.Sprintf(" Account %s, which holds the address now, signs in with %s too: after it moves to a placeholder, its owner must not sign in with %s under the old address.", h, wording.Or(hp, "a social login"), wording.Or(hp, "it"))
	}
	return msg
}

func (actSocialLoginNotice) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if env.Facts != nil && env.Facts.Has(factNotice+string(s.ID)) {
		return alreadyDone("the notice was shown earlier in this run"), nil
	}
	return ready("%s", socialNotice(s)), nil
}

func (actSocialLoginNotice) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return setFact(env, factNotice+string(s.ID), socialNotice(s))
}

func (actSocialLoginNotice) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return nil
}
