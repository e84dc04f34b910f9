package fixes

import (
	"context"
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/client"
)

// record-stale-record, unlink-stale-record and delete-stale-record: a SCIM
// user that holds the target while no account does (scim-record-conflict,
// research S1). SCIM DELETE cannot be undone, so the record is journaled
// whole first; a record that links an account is unlinked before it goes,
// since deleting it would deactivate that account.

// factStaleRecord + "directory/scimUserId": the stale record as it was read
// before anything changed, with the account it linked.
const factStaleRecord = "stale-record:"

// staleRecord is what the journal keeps of a stale record.
type staleRecord struct {
	DirectoryID string          `json:"directoryId"`
	ScimUser    client.ScimUser `json:"scimUser"`
	// LinkedAccount is the account it linked, as read then; nil when none.
	LinkedAccount *client.User `json:"linkedAccount,omitempty"`
}

func staleKey(s steps.PlanStep) string {
	return factStaleRecord + s.Params.DirectoryID + "/" + s.Params.ScimUserID
}

func staleLabel(s steps.PlanStep) string {
	return fmt.Sprintf("SCIM user %s in directory %s", s.Params.ScimUserID, s.Params.DirectoryID)
}

func scimUserCall(s steps.PlanStep, method, why string) steps.Call {
	c := steps.Call{Method: method, Path: "/scim/directory/" + s.Params.DirectoryID + "/Users/" + s.Params.ScimUserID}
	if why != "" {
		c.Note = "read only: " + why
	}
	return c
}

func scimUnlinkCall(s steps.PlanStep) steps.Call {
	return steps.Call{Method: "PATCH", Path: "/admin/user-provisioning/v1/org/{orgId}/scimDirectoryId/" + s.Params.DirectoryID + "/scimUserId/" + s.Params.ScimUserID + "/unlink"}
}

// carries reports whether a SCIM user carries the address as its userName
// or its primary email.
func carries(u *client.ScimUser, email string) bool {
	return address.Same(u.UserName, email) || address.Same(u.PrimaryEmail(), email)
}

// readStale reads the step's record; a Precondition decides the step when
// it is gone, unreadable or no longer holds the target (done is what a
// gone record means to this step).
func readStale(ctx context.Context, env *run.Env, s steps.PlanStep, gone run.Precondition) (*client.ScimUser, *run.Precondition, error) {
	if why := missingParams(s, steps.ParamDirectoryID, steps.ParamScimUserID, steps.ParamEmail); why != "" {
		pre := blocked("%s", why)
		return nil, &pre, nil
	}
	su, readable, err := readScimUser(ctx, env, s.Params.DirectoryID, s.Params.ScimUserID)
	switch {
	case err != nil:
		return nil, nil, err
	case !readable:
		pre := blocked("this tool has no SCIM key for directory %s, so %s cannot be read: give its key", s.Params.DirectoryID, staleLabel(s))
		return nil, &pre, nil
	case su == nil:
		return nil, &gone, nil
	case !carries(su, s.Params.Email):
		pre := blocked("%s no longer carries %s (userName %s, email %s): the org changed since the diagnosis; diagnose again",
			staleLabel(s), s.Params.Email, su.UserName, su.PrimaryEmail())
		return nil, &pre, nil
	}
	return su, nil, nil
}

// actRecordStale is record-stale-record.
type actRecordStale struct{}

func (actRecordStale) Calls(s steps.PlanStep) []steps.Call {
	calls := []steps.Call{scimUserCall(s, "GET", "the whole record, for the journal")}
	if id := s.Params.AccountID; id != "" {
		calls = append(calls, accountReadCall(id, "the account it links"))
	}
	return calls
}

func (actRecordStale) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	var kept staleRecord
	if ok, err := getFact(env, staleKey(s), &kept); err != nil || ok {
		return alreadyDone("recorded earlier in this run"), err
	}
	su, pre, err := readStale(ctx, env, s, alreadyDone("%s no longer exists: nothing holds %s there", staleLabel(s), s.Params.Email))
	if su == nil {
		return *pre, err
	}
	return ready("%s carries %s (userName %s, email %s, %s)", staleLabel(s), s.Params.Email, su.UserName, su.PrimaryEmail(), linkedTo(su)), nil
}

func linkedTo(su *client.ScimUser) string {
	if id := su.AccountID(); id != "" {
		return "linked to account " + id
	}
	return "linked to no account"
}

func (actRecordStale) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.Facts != nil && env.Facts.Has(staleKey(s)) {
		return nil // only the first record counts
	}
	su, _, err := readScimUser(ctx, env, s.Params.DirectoryID, s.Params.ScimUserID)
	if err != nil {
		return err
	}
	if su == nil {
		return fmt.Errorf("%s no longer exists: nothing to record", staleLabel(s))
	}
	kept := staleRecord{DirectoryID: s.Params.DirectoryID, ScimUser: *su}
	if id := su.AccountID(); id != "" {
		if kept.LinkedAccount, err = readAccount(ctx, env, id); err != nil {
			return err
		}
	}
	return setFact(env, staleKey(s), kept)
}

func (actRecordStale) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.Facts == nil || !env.Facts.Has(staleKey(s)) {
		return fmt.Errorf("%s was not journaled", staleLabel(s))
	}
	return nil
}

// actUnlinkStale is unlink-stale-record.
type actUnlinkStale struct{}

func (actUnlinkStale) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{scimUserCall(s, "GET", "does it still link an account?"), scimUnlinkCall(s)}
}

func (actUnlinkStale) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	su, pre, err := readStale(ctx, env, s, alreadyDone("%s no longer exists", staleLabel(s)))
	if su == nil {
		return *pre, err
	}
	id := su.AccountID()
	switch {
	case id == "":
		return alreadyDone("%s links no account", staleLabel(s)), nil
	case id != s.Params.AccountID:
		return blocked("%s links account %s, not %s as when diagnosed: the org changed; diagnose again", staleLabel(s), id, s.Params.AccountID), nil
	}
	return ready("%s links account %s", staleLabel(s), id), nil
}

func (actUnlinkStale) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	dir, sid := s.Params.DirectoryID, s.Params.ScimUserID
	before := map[string]string{"directoryId": dir, "scimUserId": sid, "atlassianAccountId": s.Params.AccountID}
	return env.Mutate(ctx, s.ID, scimUnlinkCall(s), before, func(ctx context.Context) error {
		return env.Client.UnlinkScimUser(ctx, dir, sid)
	})
}

func (actUnlinkStale) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return settle(ctx, env, func(ctx context.Context) error {
		su, _, err := readScimUser(ctx, env, s.Params.DirectoryID, s.Params.ScimUserID)
		switch {
		case err != nil:
			return err
		case su == nil:
			return nil
		case su.AccountID() != "":
			return fmt.Errorf("%s still links account %s", staleLabel(s), su.AccountID())
		}
		return nil
	})
}

// actDeleteStale is delete-stale-record.
type actDeleteStale struct{}

func (actDeleteStale) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{scimUserCall(s, "GET", "is it still there, linked to no account?"), scimUserCall(s, "DELETE", "")}
}

func (actDeleteStale) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	su, pre, err := readStale(ctx, env, s, alreadyDone("%s no longer exists", staleLabel(s)))
	if su == nil {
		return *pre, err
	}
	if env.Facts != nil && !env.Facts.Has(staleKey(s)) {
		return blocked("%s was not journaled (record-stale-record did not run): it is deleted only once a copy is kept", staleLabel(s)), nil
	}
	if id := su.AccountID(); id != "" {
		// Deleting a linked record deactivates its account.
		return blocked("%s links account %s: deleting it would deactivate that account; diagnose again", staleLabel(s), id), nil
	}
	return ready("%s carries %s and links no account", staleLabel(s), s.Params.Email), nil
}

func (actDeleteStale) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	dir, sid := s.Params.DirectoryID, s.Params.ScimUserID
	sc, err := env.Client.SCIM(dir)
	if err != nil {
		return err
	}
	before := map[string]string{"directoryId": dir, "scimUserId": sid, "journaled": staleKey(s)}
	return env.Mutate(ctx, s.ID, scimUserCall(s, "DELETE", ""), before, func(ctx context.Context) error {
		err := sc.DeleteUser(ctx, sid)
		if client.IsNotFound(err) {
			return nil // gone already: what this step wants
		}
		return err
	})
}

func (actDeleteStale) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return settle(ctx, env, func(ctx context.Context) error {
		su, _, err := readScimUser(ctx, env, s.Params.DirectoryID, s.Params.ScimUserID)
		switch {
		case err != nil:
			return err
		case su != nil:
			return fmt.Errorf("%s still exists", staleLabel(s))
		}
		return nil
	})
}
