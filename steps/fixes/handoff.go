package fixes

import (
	"context"
	"errors"
	"fmt"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

// The hand-off steps: someone the tool cannot act for must act (another
// org's admin, the IdP's admin, whoever holds a SCIM key). They change
// nothing: Execute stops the run for that person (run.HandoffError), and a
// resumed run verifies, where the API can show it, that they acted.

// actHandoff is every handoff-* step; freed says whether the step's
// condition can be gone by now (the target freed by someone else), in
// which case it is skipped.
type actHandoff struct{ freed bool }

func (actHandoff) Calls(s steps.PlanStep) []steps.Call {
	var calls []steps.Call
	if s.Params.Target != "" && s.Params.AccountID != "" {
		calls = append(calls, searchCall(s.Params.Target, "who holds it"))
	}
	return append(calls, steps.Call{Method: steps.MethodPerson, Path: handoffWho(s) + ": " + s.Title, Note: "the run stops here; nothing is changed"})
}

func (a actHandoff) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if !a.freed {
		return ready("%s", s.Title), nil
	}
	free, h, err := targetFree(ctx, env, s)
	switch {
	case err != nil:
		return run.Precondition{}, err
	case free:
		return alreadyDone("%s is free now: no one needs to act", s.Params.Target), nil
	}
	return ready("%s still holds %s", userSummary(h), s.Params.Target), nil
}

func (actHandoff) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return &run.HandoffError{Who: handoffWho(s), Instructions: handoffInstructions(s)}
}

// Verify, on resume: a hand-off about a taken address is done once the
// address is free; the others changed what the plan was made on, so the
// case is diagnosed again.
func (a actHandoff) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if !a.freed {
		return run.StopPolling(errors.New("this run ended at a hand-off: once it is done, diagnose the user again (the plan was made on what the hand-off changes)"))
	}
	free, h, err := targetFree(ctx, env, s)
	switch {
	case err != nil:
		return err
	case !free:
		return run.StopPolling(fmt.Errorf("%s still holds %s", userSummary(h), s.Params.Target))
	}
	return nil
}

// targetFree reports whether no account holds the target any more; h is
// who holds it when one does.
func targetFree(ctx context.Context, env *run.Env, s steps.PlanStep) (free bool, h *client.User, err error) {
	h, err = holderOf(ctx, env, s.Params.Target)
	return err == nil && h == nil, h, err
}

// handoffWho names who must act.
func handoffWho(s steps.PlanStep) string {
	switch s.ID {
	case steps.StepHandoffHolderOtherOrg:
		return "the admin of the org that manages " + s.Params.Target
	case steps.StepHandoffMissingKeys:
		return "whoever holds the org's SCIM keys"
	case steps.StepHandoffAccountOtherOrg:
		return "the person, and the IdP's admin"
	case steps.StepHandoffTargetDomain:
		if s.Params.Reason == "other-org" {
			return "the IdP's admin, or the org that verified " + s.Params.Domain
		}
		return "the IdP's admin, or an org admin here"
	}
	return "the IdP's admin (" + idpLabel(s) + ")"
}

// handoffInstructions say what to tell them: the step's own detail, and
// how the run goes on.
func handoffInstructions(s steps.PlanStep) string {
	if s.ID == steps.StepHandoffSharedAddress {
		return fmt.Sprintf("%s still holds %s after %s was asked again: the IdP gives two current people that address. "+
			"Its admin gives one of them another address (the attribute that holds the email, and the one sent at SAML login), "+
			"then provisions both again. Nothing is changed here. %s", stepAccount(s), s.Params.Target, idpLabel(s), resumeLine)
	}
	return s.Detail + " " + resumeLine
}
