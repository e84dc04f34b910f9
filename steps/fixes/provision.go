package fixes

import (
	"context"
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

// provisionInstructions says how to run provisioning for the user in its
// IdP, naming the attribute that must hold the target (domain.md).
func provisionInstructions(s steps.PlanStep, emailSetFirst bool) string {
	name, target := stepName(s), s.Params.Target
	var b strings.Builder
	switch s.Params.Idp {
	case steps.IdpEntra:
		fmt.Fprintf(&b, "In Microsoft Entra ID (Enterprise applications > your Atlassian Cloud app > Provisioning > Provision on demand), provision %s. "+
			"The user's mail attribute, mapped to emails[type eq \"work\"].value, must hold %s; with SAML SSO on, the claim used as the Unique User Identifier (Name ID) in the app's single sign-on settings must send the same address.", name, target)
	case steps.IdpOkta:
		fmt.Fprintf(&b, "In Okta (Applications > your Atlassian Cloud app > Assignments), push %s again: Push now, or remove and re-assign the user. "+
			"The user's primary email, mapped to the app's primary email, must be %s; with SAML SSO on, the app username format (Sign On settings) must give the same address.", name, target)
	case steps.IdpGoogle:
		fmt.Fprintf(&b, "In the Google Admin console (Directory > Users > %s > User information), the primary email must be %s; then provision the user again (or wait for the next sync) so that it reaches Atlassian.", name, target)
	case steps.IdpOneLogin:
		fmt.Fprintf(&b, "In OneLogin (Applications > your Atlassian Cloud app > Users), re-apply provisioning for %s. "+
			"The attribute mapped to emails[type eq \"work\"].value must hold %s, and the SAML NameID must send the same address.", name, target)
	default:
		fmt.Fprintf(&b, "In your identity provider's Atlassian Cloud app, provision %s again (provision on demand, or push the user). "+
			"The attribute mapped to emails[type eq \"work\"].value must hold %s, and the SAML NameID must send the same address.", name, target)
	}
	if ext := s.Params.ExternalID; ext != "" {
		fmt.Fprintf(&b, " The IdP knows the user by externalId %s.", ext)
	}
	if others := s.Params.OtherDirectoryIDs; others != "" {
		fmt.Fprintf(&b, " The user also has a record in directory %s: that IdP must carry %s too.", others, target)
	}
	if emailSetFirst {
		fmt.Fprintf(&b, " The account's email was already set to %s, so that provisioning links this account instead of creating a second one.", target)
	}
	return b.String() + " " + resumeLine
}

// actProvisionUser is provision-user: provisioning pushes the target to the
// user's account and links it. It changes the org only through the IdP: an
// unlinked account takes the target first in its own step (set-email-first).
type actProvisionUser struct{}

func (actProvisionUser) Calls(s steps.PlanStep) []steps.Call {
	what := fmt.Sprintf("%s: provision on demand for %s", idpLabel(s), stepName(s))
	if ext := s.Params.ExternalID; ext != "" {
		what += " (externalId " + ext + ")"
	}
	return []steps.Call{idpCall(what), accountReadCall(s.Params.AccountID, "the account's email, after")}
}

func (actProvisionUser) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamTarget); why != "" {
		return blocked("%s", why), nil
	}
	id, target, dir := s.Params.AccountID, s.Params.Target, s.Params.DirectoryID
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	links, err := readLinks(ctx, env, id)
	if err != nil {
		return run.Precondition{}, err
	}
	if address.Same(u.Email, target) && linkIn(links, dir) && len(links) > 0 && (!s.Params.Reactivate || isActive(u)) {
		return alreadyDone("%s already has %s and is linked (%s)", stepName(s), target, describeLinks(links)), nil
	}
	if pre, err := targetProvisionable(ctx, env, u, target); err != nil || pre.State == run.Blocked {
		return pre, err
	}
	if len(links) == 0 && !address.Same(u.Email, target) {
		return blocked("no SCIM user links %s and its email is %s, not %s: provisioning would make a second account at %s; diagnose again", stepName(s), u.Email, target, target), nil
	}
	return ready("%s (%s) is to get %s from %s", stepName(s), u.Email, target, idpLabel(s)), nil
}

// targetProvisionable is Blocked when provisioning target to the account u
// cannot go well: another account holds it (409), its domain is not
// verified (the account would be unlinked), or the org does not manage u.
func targetProvisionable(ctx context.Context, env *run.Env, u *client.User, target string) (run.Precondition, error) {
	h, err := holderOf(ctx, env, target)
	if err != nil {
		return run.Precondition{}, err
	}
	if h != nil && h.AccountID != u.AccountID {
		return blocked("%s is held by %s: provisioning would fail with 409 uniqueness; diagnose again", target, userSummary(h)), nil
	}
	st, listed, err := domainStatus(ctx, env, address.Domain(target))
	if err != nil {
		return run.Precondition{}, err
	}
	if st != "verified" {
		why := "is not listed for this org"
		if listed {
			why = "is " + st + " for this org"
		}
		return blocked("the domain %s of %s %s: provisioning would unlink the account and drop its synced groups; verify the domain first",
			address.Domain(target), target, why), nil
	}
	if !u.Managed() {
		return blocked("this org does not manage %s: provisioning never updates an account the org does not manage (it would create a second account); claim it first", userSummary(u)), nil
	}
	return run.Precondition{State: run.Ready}, nil
}

func (actProvisionUser) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id, target := s.Params.AccountID, s.Params.Target
	u, err := mustReadAccount(ctx, env, id)
	if err != nil {
		return err
	}
	links, err := readLinks(ctx, env, id)
	if err != nil {
		return err
	}
	if env.IdP == nil {
		return &run.OperatorActionError{Instructions: provisionInstructions(s, false)}
	}
	ext, err := externalIDOf(ctx, env, s, links, target, u.Email)
	if err != nil {
		return err
	}
	if ext == "" {
		return &run.OperatorActionError{Instructions: "The IdP user of " + stepName(s) + " is not known here (no SCIM record names it). " + provisionInstructions(s, false)}
	}
	before := map[string]any{"accountId": id, "email": u.Email, "scimLinks": links}
	call := idpCall(fmt.Sprintf("%s: provision on demand for %s (externalId %s)", idpLabel(s), stepName(s), ext))
	return runIdp(ctx, env, s, idpLabel(s), call, before, func(ctx context.Context) (run.IdpReport, error) {
		return env.IdP.Provision(ctx, ext)
	})
}

func (actProvisionUser) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return settle(ctx, env, func(ctx context.Context) error {
		if err := hasTargetAndLink(ctx, env, s.Params.AccountID, s.Params.Target, s.Params.DirectoryID, ""); err != nil {
			return err
		}
		return reactivated(ctx, env, s)
	})
}

// reactivated is nil unless the step must see the account active again
// (reactivate) and it is not.
func reactivated(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if !s.Params.Reactivate {
		return nil
	}
	u, err := mustReadAccount(ctx, env, s.Params.AccountID)
	if err != nil {
		return err
	}
	if !isActive(u) {
		return fmt.Errorf("%s is still %s: the IdP has not reactivated it", userSummary(u), u.AccountStatus)
	}
	return nil
}

// actSetEmailFirst is set-email-first: an account no SCIM user links takes
// the target before provisioning, so that provisioning links it instead of
// making a second account. With direct it is set-email: the org has no
// provisioning, and this is the change itself.
type actSetEmailFirst struct{ direct bool }

func (actSetEmailFirst) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{
		accountReadCall(s.Params.AccountID, "its email and links, right before"),
		emailCall(s.Params.AccountID, s.Params.Target),
	}
}

func (a actSetEmailFirst) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamTarget); why != "" {
		return blocked("%s", why), nil
	}
	id, target := s.Params.AccountID, s.Params.Target
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	if address.Same(u.Email, target) {
		return alreadyDone("%s already has %s", stepName(s), target), nil
	}
	links, err := readLinks(ctx, env, id)
	if err != nil {
		return run.Precondition{}, err
	}
	if len(links) > 0 {
		return alreadyDone("a SCIM user links %s by now (%s): provisioning updates its email itself", stepName(s), describeLinks(links)), nil
	}
	if pre, err := targetProvisionable(ctx, env, u, target); err != nil || pre.State == run.Blocked {
		return pre, err
	}
	allowed, reason, err := emailSetAllowed(ctx, env, id)
	if err != nil {
		return run.Precondition{}, err
	}
	if !allowed {
		return blocked("the email of %s cannot be set: %s", stepName(s), refusalSentence(reason)), nil
	}
	if a.direct {
		return ready("%s (%s) is to get %s", stepName(s), u.Email, target), nil
	}
	return ready("no SCIM user links %s: it takes %s before provisioning, so that provisioning links it", stepName(s), target), nil
}

func (actSetEmailFirst) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	u, err := mustReadAccount(ctx, env, s.Params.AccountID)
	if err != nil {
		return err
	}
	return setEmailMutation(ctx, env, s, u.AccountID, u.Email, s.Params.Target)
}

func (actSetEmailFirst) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return waitEmail(ctx, env, s.Params.AccountID, s.Params.Target)
}

// actProvisionHolder is provision-holder: the holder, a different current
// person, is provisioned again from the IdP, which may already give her
// another address. Nothing else of hers is touched.
type actProvisionHolder struct{}

func (actProvisionHolder) Calls(s steps.PlanStep) []steps.Call {
	what := fmt.Sprintf("%s: provision on demand for %s", idpLabel(s), stepName(s))
	if ext := s.Params.ExternalID; ext != "" {
		what += " (externalId " + ext + ")"
	}
	return []steps.Call{searchCall(s.Params.Target, "who holds it, before"), idpCall(what), accountReadCall(s.Params.AccountID, "the holder's email and links, after")}
}

func (actProvisionHolder) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamTarget); why != "" {
		return blocked("%s", why), nil
	}
	h, err := holderOf(ctx, env, s.Params.Target)
	if err != nil {
		return run.Precondition{}, err
	}
	if h == nil || h.AccountID != s.Params.AccountID {
		return alreadyDone("%s no longer holds %s", stepAccount(s), s.Params.Target), nil
	}
	return ready("%s still holds %s: provisioning them from %s shows whether the IdP gives them another address", userSummary(h), s.Params.Target, idpLabel(s)), nil
}

func holderInstructions(s steps.PlanStep) string {
	return fmt.Sprintf("In %s, look at %s: a different person from the user, who holds %s. If their address in the IdP is another one by now, provision them on demand, "+
		"so that Atlassian takes it and %s is free. Change nothing else of theirs. %s", idpLabel(s), stepAccount(s), s.Params.Target, s.Params.Target, resumeLine)
}

func (actProvisionHolder) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.IdP == nil {
		return &run.OperatorActionError{Instructions: holderInstructions(s)}
	}
	links, err := readLinks(ctx, env, s.Params.AccountID)
	if err != nil {
		return err
	}
	ext, err := externalIDOf(ctx, env, s, links, s.Params.Target)
	if err != nil {
		return err
	}
	if ext == "" {
		return &run.OperatorActionError{Instructions: "The IdP user of " + stepAccount(s) + " is not known here. " + holderInstructions(s)}
	}
	before := map[string]any{"accountId": s.Params.AccountID, "email": s.Params.Target, "scimLinks": links}
	call := idpCall(fmt.Sprintf("%s: provision on demand for %s (externalId %s)", idpLabel(s), stepName(s), ext))
	return runIdp(ctx, env, s, idpLabel(s), call, before, func(ctx context.Context) (run.IdpReport, error) {
		return env.IdP.Provision(ctx, ext)
	})
}

// Verify: the holder's account is still there and still linked: asking the
// IdP again must not have harmed the other person. Whether the target is
// free is the next step's question.
func (actProvisionHolder) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return settle(ctx, env, func(ctx context.Context) error {
		u, err := readAccount(ctx, env, s.Params.AccountID)
		if err != nil {
			return err
		}
		if u == nil {
			return run.StopPolling(fmt.Errorf("%s no longer exists", stepAccount(s)))
		}
		links, err := readLinks(ctx, env, s.Params.AccountID)
		if err != nil {
			return err
		}
		if len(links) == 0 {
			return fmt.Errorf("%s is no longer linked by provisioning", userSummary(u))
		}
		return nil
	})
}
