package fixes

import (
	"context"
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/client"
)

// searchCall is the read that finds who holds an address.
func searchCall(email, why string) steps.Call {
	return steps.Call{
		Method: "POST", Path: "/admin/v2/orgs/{orgId}/directories/-/users/search",
		Body: fmt.Sprintf(`{"emails":[%q],"expand":["groups","productAccess"],"limit":100}`, email),
		Note: "read only: " + why,
	}
}

// accountReadCall is the read of one account (readAccount).
func accountReadCall(id, why string) steps.Call {
	return steps.Call{Method: "POST", Path: "/admin/v2/orgs/{orgId}/directories/-/users/search",
		Body: fmt.Sprintf(`{"accountIds":[%q],"expand":["groups","productAccess"],"limit":10}`, id), Note: "read only: " + why}
}

// userSummary names an account read from the org: "Name (email, account id)".
func userSummary(u *client.User) string {
	return wording.AccountWithID(u.Name, u.Email, u.AccountID)
}

// productKeys lists an account's products.
func productKeys(u *client.User) string {
	keys := make([]string, 0, len(u.ProductAccess))
	for _, p := range u.ProductAccess {
		keys = append(keys, p.Key)
	}
	return strings.Join(keys, ", ")
}

// holderGone is Check's answer when the account the plan names no longer
// holds the address: parked already (done), else the org changed (blocked).
func holderGone(ctx context.Context, env *run.Env, s steps.PlanStep, target string, now *client.User) (run.Precondition, error) {
	id := s.Params.AccountID
	u, err := readAccount(ctx, env, id)
	if err != nil {
		return run.Precondition{}, err
	}
	switch {
	case u == nil:
		return blocked("%s no longer exists in this org: the org changed since the diagnosis; diagnose again", stepAccount(s)), nil
	case now == nil && address.IsPlaceholderOf(u.Email, target):
		return alreadyDone("%s was already moved to %s; nobody holds %s", stepName(s), u.Email, target), nil
	case now == nil:
		return blocked("%s no longer holds %s (its email is now %s) and nobody else does: the org changed since the diagnosis; provisioning may go through now, but diagnose again first",
			stepName(s), target, u.Email), nil
	}
	return blocked("%s is now held by %s, not by %s: the org changed since the diagnosis; diagnose again",
		target, userSummary(now), stepAccount(s)), nil
}

// actCheckHolder is check-holder: the holder still holds the target.
type actCheckHolder struct{}

func (actCheckHolder) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{searchCall(s.Params.Email, "does "+s.Params.AccountID+" still hold the address?")}
}

func (actCheckHolder) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamEmail); why != "" {
		return blocked("%s", why), nil
	}
	target := s.Params.Email
	h, err := holderOf(ctx, env, target)
	if err != nil {
		return run.Precondition{}, err
	}
	if h == nil || h.AccountID != s.Params.AccountID {
		return holderGone(ctx, env, s, target, h)
	}
	if !h.Managed() {
		// Unmanaged on a verified domain is "Available to claim": the plan
		// claims it (claim-holder) before anything else changes it.
		st, _, err := domainStatus(ctx, env, address.Domain(h.Email))
		if err != nil {
			return run.Precondition{}, err
		}
		if st != "verified" {
			return blocked("this org does not manage %s, which holds %s, and cannot claim it (%s is not verified here): diagnose again", userSummary(h), target, address.Domain(h.Email)), nil
		}
		return ready("%s; it is unmanaged, available to claim", holderWarnings(h, target)), nil
	}
	return ready("%s", holderWarnings(h, target)), nil
}

// holderWarnings is what the operator must know before the holder's
// address is taken away.
func holderWarnings(h *client.User, target string) string {
	parts := []string{fmt.Sprintf("%s holds %s", userSummary(h), target)}
	if h.AccountStatus != "" && h.AccountStatus != "active" {
		parts = append(parts, "it is "+wording.Status(h.AccountStatus))
	}
	if h.Synced() {
		parts = append(parts, "provisioning links (locks) it, so its provisioning record is removed first")
	}
	if len(h.ProductAccess) > 0 {
		parts = append(parts, fmt.Sprintf("WARNING: it has product access (%s); accounts can never be merged, so its work stays with it under the placeholder address, "+
			"and if that work belongs to the user it has to be moved by hand (Atlassian suggestion ID-240)", productKeys(h)))
	}
	return strings.Join(parts, "; ")
}

// Execute journals the warnings: Check's Ready reason is only shown.
func (actCheckHolder) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	h, err := holderOf(ctx, env, s.Params.Email)
	if err != nil || h == nil {
		return err
	}
	if len(h.ProductAccess) > 0 {
		return setFact(env, factNote+string(s.ID), holderWarnings(h, s.Params.Email))
	}
	return nil
}

func (actCheckHolder) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error { return nil }

// actHandoffHolderOtherOrg is handoff-holder-other-org: the address is
// another org's to free. It stops the run with what that org (or the
// operator) must do, and passes once nobody holds the address any more.
type actHandoffHolderOtherOrg struct{}

func (actHandoffHolderOtherOrg) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{
		searchCall(s.Params.Email, "does another org's account still hold the address?"),
		{Method: steps.MethodPerson, Path: handoffWho(s) + ": rename or release " + s.Params.Email, Note: "the run stops here; nothing is changed"},
	}
}

func (actHandoffHolderOtherOrg) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	target := s.Params.Target
	if target == "" {
		target = s.Params.Email
	}
	if target == "" {
		return blocked("%s", missingParams(s, steps.ParamTarget)), nil
	}
	h, err := holderOf(ctx, env, target)
	if err != nil {
		return run.Precondition{}, err
	}
	if h == nil {
		return alreadyDone("nobody holds %s any more: the other org renamed or released it; run the fix again to provision the user", target), nil
	}
	if h.Managed() {
		return blocked("this org now manages %s, which holds %s: diagnose again, the fix is now this org's to make", userSummary(h), target), nil
	}
	return ready("%s", otherOrgInstructions(s, h, target)), nil
}

// otherOrgInstructions says what must happen outside this org.
func otherOrgInstructions(s steps.PlanStep, h *client.User, target string) string {
	dom := s.Params.Domain
	if dom == "" {
		dom = address.Domain(target)
	}
	local, _, _ := strings.Cut(target, "@")
	return fmt.Sprintf("%s holds %s, and this org does not manage it. Only the org that manages %s can free the address: "+
		"ask its admin to change that account's email to a placeholder such as %s+duplicated@%s (admin.atlassian.com > Directory > Managed accounts > the account > Change email address), "+
		"or to remove the domain %s from their org. If no org manages it, verify %s here (Settings > Domains) and claim the account (Directory > Managed accounts), then diagnose again. "+
		"Once nobody holds %s, run the fix again so that provisioning gives it to the user.",
		userSummary(h), target, dom, local, dom, dom, dom, target)
}

func (actHandoffHolderOtherOrg) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	target := s.Params.Target
	if target == "" {
		target = s.Params.Email
	}
	h, err := holderOf(ctx, env, target)
	if err != nil {
		return err
	}
	if h == nil {
		return nil
	}
	return &run.HandoffError{Who: handoffWho(s), Instructions: otherOrgInstructions(s, h, target) + " " + resumeLine}
}

func (actHandoffHolderOtherOrg) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	target := s.Params.Target
	if target == "" {
		target = s.Params.Email
	}
	h, err := holderOf(ctx, env, target)
	if err != nil {
		return err
	}
	if h != nil {
		return fmt.Errorf("%s still holds %s", userSummary(h), target)
	}
	return nil
}
