package fixes

import (
	"context"
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/client"
)

// cancel-holder-deletion and delete-holder: a holder deleted within the
// 14-day grace period keeps its email taken (research S4). Its deletion is
// cancelled, it moves to a placeholder (park-holder), and it is deleted
// again, through the user-management lifecycle API.

// statusForDeletion is the v2 status of an account deleted within the grace
// period.
const statusForDeletion = "for_deletion"

func lifecycleCall(accountID, action string) steps.Call {
	return steps.Call{Method: "POST", Path: "/users/" + accountID + "/manage/lifecycle/" + action}
}

// actCancelDeletion is cancel-holder-deletion.
type actCancelDeletion struct{}

func (actCancelDeletion) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{accountReadCall(s.Params.AccountID, "is it still pending deletion?"), lifecycleCall(s.Params.AccountID, "cancel-delete")}
}

func (actCancelDeletion) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamEmail); why != "" {
		return blocked("%s", why), nil
	}
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	switch {
	case u.Status != statusForDeletion:
		return alreadyDone("%s is not pending deletion (status %s)", userSummary(u), u.Status), nil
	case !address.Same(u.Email, s.Params.Email):
		return blocked("%s no longer holds %s: the org changed since the diagnosis; diagnose again", userSummary(u), s.Params.Email), nil
	}
	return ready("%s is pending deletion and holds %s", userSummary(u), s.Params.Email), nil
}

func (actCancelDeletion) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id := s.Params.AccountID
	u, err := mustReadAccount(ctx, env, id)
	if err != nil {
		return err
	}
	before := map[string]string{"accountId": id, "email": u.Email, "status": u.Status, "accountStatus": u.AccountStatus}
	return env.Mutate(ctx, s.ID, lifecycleCall(id, "cancel-delete"), before, func(ctx context.Context) error {
		return env.Client.CancelDeleteAccount(ctx, id)
	})
}

func (actCancelDeletion) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return waitStatus(ctx, env, s.Params.AccountID, func(st string) bool { return st != statusForDeletion }, "no longer pending deletion")
}

// actDeleteAgain is delete-holder: the parked holder, deleted again.
type actDeleteAgain struct{}

func (actDeleteAgain) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{accountReadCall(s.Params.AccountID, "is it parked, and not deleted yet?"), lifecycleCall(s.Params.AccountID, "delete")}
}

func (actDeleteAgain) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamEmail); why != "" {
		return blocked("%s", why), nil
	}
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	switch {
	case u.Status == statusForDeletion:
		return alreadyDone("%s is pending deletion again", userSummary(u)), nil
	case address.Same(u.Email, s.Params.Email):
		// Deleted with the target still on it, it would keep it taken for
		// another two weeks: park-holder must have run first.
		return blocked("%s still holds %s: it is deleted only once it is on a placeholder", userSummary(u), s.Params.Email), nil
	}
	return ready("%s is on %s and is deleted again, as before", userSummary(u), u.Email), nil
}

func (actDeleteAgain) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id := s.Params.AccountID
	u, err := mustReadAccount(ctx, env, id)
	if err != nil {
		return err
	}
	before := map[string]string{"accountId": id, "email": u.Email, "status": u.Status, "accountStatus": u.AccountStatus}
	return env.Mutate(ctx, s.ID, lifecycleCall(id, "delete"), before, func(ctx context.Context) error {
		return env.Client.DeleteAccount(ctx, id)
	})
}

func (actDeleteAgain) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return waitStatus(ctx, env, s.Params.AccountID, func(st string) bool { return st == statusForDeletion }, "pending deletion")
}

// waitStatus polls until the account's v2 status is as wanted.
func waitStatus(ctx context.Context, env *run.Env, id string, ok func(string) bool, want string) error {
	return settle(ctx, env, func(ctx context.Context) error {
		u, err := readAccount(ctx, env, id)
		switch {
		case err != nil:
			return err
		case u == nil:
			return run.StopPolling(fmt.Errorf("account %s no longer exists", id))
		case !ok(u.Status):
			return fmt.Errorf("%s is not %s yet (status %s)", userSummary(u), want, u.Status)
		}
		return nil
	})
}

// isActive: the account is active (both statuses the v2 user shows agree).
func isActive(u *client.User) bool {
	return (u.AccountStatus == "" || u.AccountStatus == "active") && (u.Status == "" || u.Status == "active")
}
