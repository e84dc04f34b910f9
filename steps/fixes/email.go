package fixes

import (
	"context"
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/client"
)

// The api steps that change one account: unlink-holder, unlink-duplicate,
// unlink-old (onlyDeleteUserInDB), park-holder, park-duplicate (a
// placeholder email) and set-old-email (the target).

// actUnlink deletes the provisioning records of an account, so that its
// email becomes editable: unlink-holder, unlink-duplicate, unlink-old.
type actUnlink struct{}

func unlinkCall(accountID string) steps.Call {
	return steps.Call{Method: "DELETE", Path: "/admin/user-provisioning/v1/org/{orgId}/user/" + accountID + "/onlyDeleteUserInDB",
		Note: "deletes every SCIM user linked to the account, in every directory, with their synced group memberships; the account stays"}
}

func (actUnlink) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{unlinkCall(s.Params.AccountID)}
}

func (actUnlink) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID); why != "" {
		return blocked("%s", why), nil
	}
	id := s.Params.AccountID
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	links, err := readLinks(ctx, env, id)
	if err != nil {
		return run.Precondition{}, err
	}
	if len(links) == 0 {
		return alreadyDone("no SCIM user links %s any more", stepName(s)), nil
	}
	if want := s.Params.Email; want != "" && !address.Same(u.Email, want) {
		return blocked("%s no longer has %s (its email is now %s): the org changed since the diagnosis; diagnose again", stepName(s), want, u.Email), nil
	}
	if !u.Managed() {
		return blocked("this org does not manage %s: its provisioning record can only be deleted for a managed account", userSummary(u)), nil
	}
	return ready("%s is linked to %s: deleting them keeps the account and makes its email editable", stepName(s), describeLinks(links)), nil
}

func (actUnlink) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id := s.Params.AccountID
	links, err := readLinks(ctx, env, id)
	if err != nil {
		return err
	}
	before := map[string]any{"accountId": id, "email": s.Params.Email, "scimLinks": links}
	return env.Mutate(ctx, s.ID, unlinkCall(id), before, func(ctx context.Context) error {
		return env.Client.DeleteProvisioningRecord(ctx, id)
	})
}

// Verify: no SCIM user links the account and its email may be set. A
// refusal for another reason than SCIM is journaled for the operator; the
// step that sets the email will stop on it.
func (actUnlink) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id := s.Params.AccountID
	return settle(ctx, env, func(ctx context.Context) error {
		links, err := readLinks(ctx, env, id)
		if err != nil {
			return err
		}
		if len(links) > 0 {
			return fmt.Errorf("%s is still linked to %s", id, describeLinks(links))
		}
		allowed, reason, err := emailSetAllowed(ctx, env, id)
		switch {
		case err != nil:
			return err
		case allowed:
			return nil
		case reason == client.ReasonSCIM:
			return fmt.Errorf("no SCIM link is listed, but setting the email of %s is still refused for SCIM (externalDirectory.scim)", id)
		}
		return setFact(env, factNote+string(s.ID), fmt.Sprintf("the provisioning record of %s is gone, but its email still cannot be set: %s", id, refusalSentence(reason)))
	})
}

// actPark moves an account off an address onto a placeholder on the same
// domain: park-holder, park-duplicate. The placeholder is chosen once, at
// the first Execute, and journaled, so a resumed run uses the same one.
type actPark struct{}

func (actPark) Calls(s steps.PlanStep) []steps.Call {
	base := s.Params.Email
	ph := s.Params.Placeholder
	if ph == "" {
		ph = address.Placeholder(base, 1)
	}
	c := emailCall(s.Params.AccountID, ph)
	c.Note = fmt.Sprintf("if %s is taken by then, the next free one (%s, ...) is used", ph, address.Placeholder(base, 2))
	return []steps.Call{c}
}

func (actPark) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamEmail); why != "" {
		return blocked("%s", why), nil
	}
	id, target := s.Params.AccountID, s.Params.Email
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	var chosen string
	if _, err := getFact(env, factPlaceholder+id, &chosen); err != nil {
		return run.Precondition{}, err
	}
	if chosen != "" && address.Same(u.Email, chosen) || address.IsPlaceholderOf(u.Email, target) {
		return alreadyDone("%s already has the placeholder %s", stepName(s), u.Email), nil
	}
	if !address.Same(u.Email, target) {
		h, err := holderOf(ctx, env, target)
		if err != nil {
			return run.Precondition{}, err
		}
		return holderGone(ctx, env, s, target, h)
	}
	if chosen != "" {
		h, err := holderOf(ctx, env, chosen)
		if err != nil {
			return run.Precondition{}, err
		}
		if h != nil && h.AccountID != id {
			return blocked("the placeholder %s chosen for %s earlier is now taken by %s: the org changed under this run; diagnose again", chosen, stepName(s), userSummary(h)), nil
		}
	}
	allowed, reason, err := emailSetAllowed(ctx, env, id)
	if err != nil {
		return run.Precondition{}, err
	}
	if !allowed {
		why := refusalSentence(reason)
		if reason == client.ReasonSCIM {
			why += "; its provisioning record must be deleted first"
		}
		return blocked("the email of %s cannot be changed: %s", stepName(s), why), nil
	}
	return ready("%s still holds %s and its email may be changed", stepName(s), target), nil
}

// maxPlaceholder bounds the search for a free placeholder.
const maxPlaceholder = 50

// choosePlaceholder picks the first free placeholder from n on (the plan's
// preferred one for n = 1) and journals it.
func choosePlaceholder(ctx context.Context, env *run.Env, s steps.PlanStep, id, base string, from int) (string, int, error) {
	for n := from; n <= maxPlaceholder; n++ {
		cand := address.Placeholder(base, n)
		if n == 1 && s.Params.Placeholder != "" {
			cand = s.Params.Placeholder
		}
		h, err := holderOf(ctx, env, cand)
		if err != nil {
			return "", 0, err
		}
		if h == nil || h.AccountID == id {
			if err := setFact(env, factPlaceholder+id, cand); err != nil {
				return "", 0, err
			}
			return cand, n, nil
		}
	}
	return "", 0, fmt.Errorf("no free placeholder for %s among %s ... %s", base, address.Placeholder(base, 1), address.Placeholder(base, maxPlaceholder))
}

func (actPark) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id, base := s.Params.AccountID, s.Params.Email
	u, err := mustReadAccount(ctx, env, id)
	if err != nil {
		return err
	}
	var ph string
	n := 1
	if _, err := getFact(env, factPlaceholder+id, &ph); err != nil {
		return err
	}
	if ph == "" {
		if ph, n, err = choosePlaceholder(ctx, env, s, id, base, 1); err != nil {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		err = setEmailMutation(ctx, env, s, id, u.Email, ph)
		if attempt >= 2 || !client.IsConflict(err) {
			return err
		}
		// Taken between the look-up and the change (a certain refusal:
		// nothing changed): the next free one.
		if ph, n, err = choosePlaceholder(ctx, env, s, id, base, n+1); err != nil {
			return err
		}
	}
}

func (actPark) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id := s.Params.AccountID
	var ph string
	if ok, err := getFact(env, factPlaceholder+id, &ph); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("no placeholder was journaled for %s", id)
		}
		return err
	}
	return waitEmail(ctx, env, id, ph)
}

// actSetOldEmail gives the user's old account the target: set-old-email.
type actSetOldEmail struct{}

func (actSetOldEmail) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{emailCall(s.Params.AccountID, s.Params.Target)}
}

func (actSetOldEmail) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
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
	h, err := holderOf(ctx, env, target)
	if err != nil {
		return run.Precondition{}, err
	}
	if h != nil {
		return blocked("%s is held by %s, so %s cannot take it: the duplicate was not moved aside, or someone took the address since; diagnose again",
			target, userSummary(h), stepName(s)), nil
	}
	if before := s.Params.Email; before != "" && !address.Same(u.Email, before) {
		return blocked("the email of %s changed since the diagnosis (%s, now %s): diagnose again", stepName(s), before, u.Email), nil
	}
	allowed, reason, err := emailSetAllowed(ctx, env, id)
	if err != nil {
		return run.Precondition{}, err
	}
	if !allowed {
		why := refusalSentence(reason)
		if reason == client.ReasonSCIM {
			why += "; its provisioning record must be deleted first"
		}
		return blocked("the email of %s cannot be changed: %s", stepName(s), why), nil
	}
	return ready("%s (%s) takes %s, which nobody holds", stepName(s), u.Email, target), nil
}

func (actSetOldEmail) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id := s.Params.AccountID
	u, err := mustReadAccount(ctx, env, id)
	if err != nil {
		return err
	}
	return setEmailMutation(ctx, env, s, id, u.Email, s.Params.Target)
}

func (actSetOldEmail) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return waitEmail(ctx, env, s.Params.AccountID, s.Params.Target)
}
