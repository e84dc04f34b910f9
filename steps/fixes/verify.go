package fixes

import (
	"context"
	"errors"
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/client"
)

// actVerifyUser is verify-user: the user's account has the target and a
// SCIM user links it (in directoryId, with externalId, when the plan names
// them).
type actVerifyUser struct{}

func (actVerifyUser) Calls(s steps.PlanStep) []steps.Call {
	id := s.Params.AccountID
	calls := []steps.Call{
		accountReadCall(id, "the account's email"),
		{Method: "GET", Path: "/admin/user-provisioning/v1/org/{orgId}/user/" + id + "/get-scim-links", Note: "read only: the SCIM users linking it"},
	}
	if dir, ext := s.Params.DirectoryID, s.Params.ExternalID; dir != "" && ext != "" {
		calls = append(calls, steps.Call{Method: "GET", Path: "/scim/directory/" + dir + "/Users/{scimUserId}", Note: "read only: its externalId is " + ext})
	}
	return calls
}

func (actVerifyUser) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamTarget); why != "" {
		return blocked("%s", why), nil
	}
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	return ready("reading %s back", stepName(s)), nil
}

func (actVerifyUser) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error { return nil }

func (actVerifyUser) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return settle(ctx, env, func(ctx context.Context) error {
		if err := hasTargetAndLink(ctx, env, s.Params.AccountID, s.Params.Target, s.Params.DirectoryID, s.Params.ExternalID); err != nil {
			return err
		}
		return reactivated(ctx, env, s)
	})
}

// hasTargetAndLink is nil when the account has the target (case aside) and
// a SCIM user links it: one of directory dir and with externalId ext, when
// those are given ("" = any).
func hasTargetAndLink(ctx context.Context, env *run.Env, id, target, dir, ext string) error {
	u, err := readAccount(ctx, env, id)
	switch {
	case err != nil:
		return err
	case u == nil:
		return run.StopPolling(fmt.Errorf("account %s no longer exists", id))
	case !address.Same(u.Email, target):
		return fmt.Errorf("the email of %s is %s, not %s", id, u.Email, target)
	}
	links, err := readLinks(ctx, env, id)
	switch {
	case err != nil:
		return err
	case len(links) == 0:
		return fmt.Errorf("%s has %s, but no SCIM user links it", id, target)
	case !linkIn(links, dir):
		return fmt.Errorf("%s has %s, but no SCIM user of directory %s links it (linked: %s)", id, target, dir, describeLinks(links))
	case ext == "":
		return nil
	}
	var seen []string
	for _, l := range links {
		if dir != "" && l.DirectoryID != dir {
			continue
		}
		su, readable, err := readScimUser(ctx, env, l.DirectoryID, l.ScimUserID)
		if err != nil {
			return err
		}
		if !readable || su == nil || su.ExternalID == ext {
			return nil // unread for want of a key: the link is what can be known
		}
		seen = append(seen, su.ExternalID)
	}
	return fmt.Errorf("%s is linked, but by a SCIM user with externalId %v, not %s", id, seen, ext)
}

// readScimUser reads a SCIM user by id; readable is false when this tool
// has no key for the directory; nil when the user is gone.
func readScimUser(ctx context.Context, env *run.Env, dir, id string) (u *client.ScimUser, readable bool, err error) {
	sc, err := env.Client.SCIM(dir)
	var noKey *client.NoDirectoryKeyError
	if errors.As(err, &noKey) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	su, err := sc.User(ctx, id)
	if client.IsNotFound(err) {
		return nil, true, nil
	}
	if err != nil {
		return nil, true, fmt.Errorf("reading SCIM user %s of directory %s: %w", id, dir, err)
	}
	return &su, true, nil
}

// findScimUser finds the SCIM user with an externalId in a directory;
// readable is false when there is no key (or no directory or id to look
// with); nil when there is none.
func findScimUser(ctx context.Context, env *run.Env, dir, ext string) (u *client.ScimUser, readable bool, err error) {
	if dir == "" || ext == "" {
		return nil, false, nil
	}
	sc, err := env.Client.SCIM(dir)
	var noKey *client.NoDirectoryKeyError
	if errors.As(err, &noKey) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	su, err := sc.FindUserByExternalID(ctx, ext)
	if err != nil {
		return nil, true, fmt.Errorf("finding the SCIM user with externalId %s in directory %s: %w", ext, dir, err)
	}
	return su, true, nil
}

// scimGroupNames lists a SCIM user's group names.
func scimGroupNames(u *client.ScimUser) []string {
	out := []string{}
	if u == nil {
		return out
	}
	for _, g := range u.Groups {
		if g.Display != "" {
			out = append(out, g.Display)
		} else {
			out = append(out, g.Value)
		}
	}
	return out
}
