package fixes

import (
	"context"
	"fmt"
	"net/http"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

// idp-reassign-user, idp-saml-attribute and verify-email: relinking an
// account Atlassian unlinked (scim-unlinked, research S5), and the email
// change of an org that nothing provisions (SAML JIT, research S7).

// actIdpReassign is idp-reassign-user: the user unassigned from the app in
// the IdP and assigned again, so that its unlinked SCIM user is deleted and
// made anew, linking the account that holds the target.
type actIdpReassign struct{}

func (actIdpReassign) Calls(s steps.PlanStep) []steps.Call {
	what := fmt.Sprintf("%s: unassign %s from the Atlassian app, then assign them again", idpLabel(s), stepName(s))
	if ext := s.Params.ExternalID; ext != "" {
		what += " (externalId " + ext + ")"
	}
	return []steps.Call{idpCall(what), accountReadCall(s.Params.AccountID, "the account's email and links, after")}
}

func (actIdpReassign) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamTarget); why != "" {
		return blocked("%s", why), nil
	}
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	if hasTargetAndLink(ctx, env, s.Params.AccountID, s.Params.Target, s.Params.DirectoryID, "") == nil {
		return alreadyDone("%s has %s and a SCIM user links it", stepName(s), s.Params.Target), nil
	}
	if !address.Same(u.Email, s.Params.Target) {
		// Assigned again, the IdP would create an account at the target.
		return blocked("%s has %s, not %s: assigned again, the IdP would make a second account; the email must be set first", stepName(s), u.Email, s.Params.Target), nil
	}
	if pre, err := targetProvisionable(ctx, env, u, s.Params.Target); err != nil || pre.State == run.Blocked {
		return pre, err
	}
	return ready("%s has %s and no SCIM user links it: assigned again, the IdP's new SCIM user links it", stepName(s), s.Params.Target), nil
}

func reassignInstructions(s steps.PlanStep) string {
	var how string
	switch s.Params.Idp {
	case steps.IdpEntra:
		how = "In Microsoft Entra ID (Enterprise applications > your Atlassian Cloud app > Users and groups), remove the user's assignment and let provisioning run (or provision on demand) so that it deletes the SCIM user; then assign the user again and provision on demand."
	case steps.IdpOkta:
		how = "In Okta (Applications > your Atlassian Cloud app > Assignments), unassign the user (with deprovisioning on, Okta deletes the SCIM user), then assign them again."
	default:
		how = "In the identity provider's Atlassian Cloud app, unassign the user (so that the IdP deletes its SCIM user), then assign them again and push them."
	}
	return fmt.Sprintf("%s The user is %s, with the address %s; the SCIM user that goes is %s in directory %s. %s",
		how, stepName(s), s.Params.Target, s.Params.ScimUserID, s.Params.DirectoryID, resumeLine)
}

func (actIdpReassign) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.IdP == nil {
		return &run.OperatorActionError{Instructions: reassignInstructions(s)}
	}
	u, err := mustReadAccount(ctx, env, s.Params.AccountID)
	if err != nil {
		return err
	}
	links, err := readLinks(ctx, env, u.AccountID)
	if err != nil {
		return err
	}
	ext, err := externalIDOf(ctx, env, s, links, s.Params.Target, u.Email)
	if err != nil {
		return err
	}
	if ext == "" {
		return &run.OperatorActionError{Instructions: "The IdP user of " + stepName(s) + " is not known here. " + reassignInstructions(s)}
	}
	before := map[string]any{"accountId": u.AccountID, "email": u.Email, "scimLinks": links, "scimUserId": s.Params.ScimUserID, "directoryId": s.Params.DirectoryID}
	// Two changes in the IdP, each journaled: the unassignment deletes the
	// SCIM user (a resumed run finds it gone: 404, nothing to delete), the
	// assignment makes it anew.
	unassign := idpCall(fmt.Sprintf("%s: unassign %s (externalId %s): the IdP deletes its SCIM user", idpLabel(s), stepName(s), ext))
	err = runIdp(ctx, env, s, idpLabel(s), unassign, before, func(ctx context.Context) (run.IdpReport, error) {
		rep, err := env.IdP.Delete(ctx, ext)
		if rep.Status == http.StatusNotFound {
			rep.Status = http.StatusNoContent // gone already: what unassigning wants
		}
		return rep, err
	})
	if err != nil {
		return err
	}
	assign := idpCall(fmt.Sprintf("%s: assign %s again (externalId %s) and provision them", idpLabel(s), stepName(s), ext))
	return runIdp(ctx, env, s, idpLabel(s), assign, before, func(ctx context.Context) (run.IdpReport, error) {
		return env.IdP.Provision(ctx, ext)
	})
}

func (actIdpReassign) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return settle(ctx, env, func(ctx context.Context) error {
		return hasTargetAndLink(ctx, env, s.Params.AccountID, s.Params.Target, s.Params.DirectoryID, "")
	})
}

// actIdpSamlAttribute is idp-saml-attribute: the IdP sends the target at
// SAML login. No API shows the IdP's SAML settings: it is done by the
// operator's word (run.Unverifiable).
type actIdpSamlAttribute struct{}

func samlInstructions(s steps.PlanStep) string {
	attr := s.Params.SamlAttribute
	if attr == "" {
		attr = "the attribute sent as the SAML NameID"
	}
	return fmt.Sprintf("In %s, change the address sent for %s at SAML login (%s) to %s: with SAML JIT, the next login sets the account's email to what the IdP sends.",
		idpLabel(s), stepName(s), attr, s.Params.Target)
}

func (actIdpSamlAttribute) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{idpCall(samlInstructions(s))}
}

func (actIdpSamlAttribute) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamTarget); why != "" {
		return blocked("%s", why), nil
	}
	if env.Facts != nil && env.Facts.Has(factNotice+string(s.ID)) {
		return alreadyDone("done earlier in this run, by the operator's word"), nil
	}
	return ready("%s", samlInstructions(s)), nil
}

// Execute: a live org's run waits for the operator; on a simulated org
// (which holds no SAML settings) the confirmation stands for it. Either way
// it is journaled as done by the operator's word.
func (actIdpSamlAttribute) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.IdP == nil {
		return &run.OperatorActionError{Instructions: samlInstructions(s) + " No API shows it: it is recorded on your word. " + resumeLine}
	}
	return setFact(env, factNotice+string(s.ID), samlInstructions(s))
}

func (actIdpSamlAttribute) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return nil
}

// Unverifiable marks the step as done by the operator's word.
func (actIdpSamlAttribute) Unverifiable() {}

// actVerifyEmail is verify-email: the account has the target.
type actVerifyEmail struct{}

func (actVerifyEmail) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{accountReadCall(s.Params.AccountID, "the account's email")}
}

// Check is verify-user's: the account is still there to read back.
func (actVerifyEmail) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	return actVerifyUser{}.Check(ctx, env, s)
}

func (actVerifyEmail) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error { return nil }

func (actVerifyEmail) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return waitEmail(ctx, env, s.Params.AccountID, s.Params.Target)
}
