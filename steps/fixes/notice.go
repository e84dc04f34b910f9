package fixes

import (
	"context"
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

// actSocialLoginNotice is social-login-notice: the account's owner must
// change the address at the social login provider too. A person tells
// them; no API can show it done, so it is recorded as done by the
// operator's word (run.Unverifiable), never as verified.
type actSocialLoginNotice struct{}

func (actSocialLoginNotice) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{{Method: steps.MethodPerson, Path: "tell: " + socialNotice(s), Note: "a person does it; recorded as done by the operator's word"}}
}

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
		return alreadyDone("the notice was given earlier in this run"), nil
	}
	return ready("%s", socialNotice(s)), nil
}

// Execute: against a live org the run waits until the operator has told
// the owner; on a simulated org the confirmation stands for it. Either way
// the notice is journaled with who gave it.
func (actSocialLoginNotice) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.IdP == nil {
		return &run.OperatorActionError{Instructions: "Tell them: " + socialNotice(s) + " " + resumeLine}
	}
	return setFact(env, factNotice+string(s.ID), socialNotice(s))
}

func (actSocialLoginNotice) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return nil
}

// Unverifiable marks the step as done by the operator's word.
func (actSocialLoginNotice) Unverifiable() {}
