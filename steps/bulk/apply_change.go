package bulk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
	"github.com/syncdoctor/syncdoctor/steps/journal"

	"github.com/syncdoctor/syncdoctor/client"
)

// One change of a bulk apply: step-start, a check of the org right before,
// the intent, the call, its outcome, a read back, step-end.

// precheck is what a change's check found.
type precheck struct {
	state  journal.StepStatus // StepPending: ready; StepSkipped: made already; StepBlocked
	reason string
	acct   *client.User // the account, as read
}

// change carries out plan step i. Its error stops the run (the journal
// could not be written, or ctx ended); how the change went is in the
// outcome.
func (a *Applier) change(ctx context.Context, w *recordWriter, i int, s steps.PlanStep, pending []journal.Record) (ChangeOutcome, error) {
	out := ChangeOutcome{Step: s}
	idx := i + 1
	if _, err := w.write(journal.Record{Type: journal.RecStepStart, Index: idx, Step: s.ID}); err != nil {
		return out, err
	}
	end := func(st journal.StepStatus, reason string, cerr error) (ChangeOutcome, error) {
		out.Status, out.Reason = st, reason
		rec := journal.Record{Type: journal.RecStepEnd, Index: idx, Step: s.ID, Status: string(st), Reason: reason}
		if cerr != nil {
			out.Error = w.j.Redact(cerr.Error())
			rec.Error = out.Error
		}
		_, err := w.write(rec)
		return out, err
	}
	pre, err := a.check(ctx, s)
	if err != nil {
		if ctx.Err() != nil {
			return out, context.Cause(ctx)
		}
		return end(journal.StepFailed, "the org could not be read before the change", err)
	}
	for _, intent := range pending {
		why := "after the interruption the org shows this change made"
		if pre.state != journal.StepSkipped {
			why = "after the interruption the org does not show this change made"
		}
		if _, err := w.write(journal.Record{Type: journal.RecOutcome, Index: idx, Step: s.ID, Ref: intent.Seq, Status: journal.OutcomeSettled, Reason: why}); err != nil {
			return out, err
		}
	}
	if pre.state != journal.StepPending {
		return end(pre.state, pre.reason, nil)
	}
	made, err := a.make(ctx, w, idx, s, pre.acct)
	if err != nil {
		if ctx.Err() != nil {
			return out, context.Cause(ctx)
		}
		var je *journalError
		if errors.As(err, &je) {
			return out, je.err
		}
		return end(journal.StepFailed, "the change failed", err)
	}
	if err := a.readBack(ctx, s, made); err != nil {
		if ctx.Err() != nil {
			return out, context.Cause(ctx)
		}
		return end(journal.StepFailed, "the change does not show in the org", err)
	}
	return end(journal.StepDone, made, nil)
}

// journalError is a journal write that failed around a change: the run
// must stop.
type journalError struct{ err error }

func (e *journalError) Error() string { return e.err.Error() }

// check reads the change's account and decides: ready, made already, or
// blocked because the org is not as planned.
func (a *Applier) check(ctx context.Context, s steps.PlanStep) (precheck, error) {
	p := s.Params
	u, err := a.account(ctx, p.AccountID)
	switch {
	case err != nil:
		return precheck{}, err
	case u == nil:
		return precheck{state: journal.StepBlocked, reason: fmt.Sprintf("account %s no longer exists: plan again", p.AccountID)}, nil
	}
	switch s.ID {
	case steps.StepBulkUnlinkHolder:
		return checkUnlink(s, u), nil
	case steps.StepBulkParkHolder:
		return checkPark(s, u), nil
	case steps.StepBulkSetEmail:
		return a.checkSetEmail(ctx, s, u)
	}
	return precheck{}, fmt.Errorf("%s is not a bulk change", s.ID)
}

func checkUnlink(s steps.PlanStep, u *client.User) precheck {
	who := wording.AccountWithID(u.Name, u.Email, u.AccountID)
	switch {
	case !address.Same(u.Email, s.Params.Email) && address.IsFreePlaceholderOf(u.Email, s.Params.Email):
		return precheck{state: journal.StepSkipped, reason: who + " is parked already"}
	case !address.Same(u.Email, s.Params.Email):
		return precheck{state: journal.StepBlocked, reason: fmt.Sprintf("%s no longer holds %s: the org changed; plan again", who, s.Params.Email)}
	case !u.Synced():
		return precheck{state: journal.StepSkipped, reason: who + " is not provisioned (any more)"}
	}
	return precheck{state: journal.StepPending, acct: u}
}

func checkPark(s steps.PlanStep, u *client.User) precheck {
	who := wording.AccountWithID(u.Name, u.Email, u.AccountID)
	switch {
	case address.IsFreePlaceholderOf(u.Email, s.Params.Email):
		return precheck{state: journal.StepSkipped, reason: fmt.Sprintf("%s is on %s already", wording.Or(u.Name, u.AccountID), u.Email)}
	case !address.Same(u.Email, s.Params.Email):
		return precheck{state: journal.StepBlocked, reason: fmt.Sprintf("%s no longer holds %s: the org changed; plan again", who, s.Params.Email)}
	case u.Synced():
		return precheck{state: journal.StepBlocked, reason: who + " is provisioned: only its IdP can change its email"}
	}
	return precheck{state: journal.StepPending, acct: u}
}

func (a *Applier) checkSetEmail(ctx context.Context, s steps.PlanStep, u *client.User) (precheck, error) {
	p := s.Params
	switch {
	case address.Same(u.Email, p.Target):
		return precheck{state: journal.StepSkipped, reason: fmt.Sprintf("%s has %s already", p.AccountID, u.Email)}, nil
	case !address.Same(u.Email, p.Email):
		return precheck{state: journal.StepBlocked, reason: fmt.Sprintf("account %s has %s now, not %s: the org changed; plan again", p.AccountID, u.Email, p.Email)}, nil
	}
	h, err := a.holder(ctx, p.Target)
	if err != nil {
		return precheck{}, err
	}
	if h != nil {
		return precheck{state: journal.StepBlocked, reason: fmt.Sprintf("%s is held by %s", p.Target, wording.AccountWithID(h.Name, h.Email, h.AccountID))}, nil
	}
	return precheck{state: journal.StepPending, acct: u}, nil
}

// make journals the intent, makes the change and journals its outcome. It
// returns what it made, in words; a *journalError when the journal failed.
func (a *Applier) make(ctx context.Context, w *recordWriter, idx int, s steps.PlanStep, u *client.User) (string, error) {
	p := s.Params
	switch s.ID {
	case steps.StepBulkUnlinkHolder:
		call := steps.Call{Method: "DELETE", Path: fmt.Sprintf("/admin/user-provisioning/v1/org/%s/user/%s/onlyDeleteUserInDB", a.Client.OrgID(), u.AccountID)}
		return "provisioning record removed", a.mutate(ctx, w, idx, s, call, u, func(ctx context.Context) error {
			return a.Client.DeleteProvisioningRecord(ctx, u.AccountID)
		})
	case steps.StepBulkParkHolder:
		return a.park(ctx, w, idx, s, u)
	}
	return "email " + p.Target, a.mutate(ctx, w, idx, s, emailCall(u.AccountID, p.Target), u, func(ctx context.Context) error {
		return a.Client.SetEmail(ctx, u.AccountID, p.Target)
	})
}

// park moves the holder to the first free placeholder of the target:
// _FREE, then _FREE2, ... (contract §4b).
func (a *Applier) park(ctx context.Context, w *recordWriter, idx int, s steps.PlanStep, u *client.User) (string, error) {
	for n := 1; n <= maxPlaceholders; n++ {
		ph := address.FreePlaceholder(s.Params.Email, n)
		h, err := a.holder(ctx, ph)
		if err != nil {
			return "", err
		}
		if h != nil {
			continue
		}
		err = a.mutate(ctx, w, idx, s, emailCall(u.AccountID, ph), u, func(ctx context.Context) error {
			return a.Client.SetEmail(ctx, u.AccountID, ph)
		})
		if client.IsConflict(err) {
			continue // taken in the meantime: the next one
		}
		return "parked on " + ph, err
	}
	return "", fmt.Errorf("the placeholders of %s up to _FREE%d are all taken", s.Params.Email, maxPlaceholders)
}

// maxPlaceholders bounds the placeholders tried for one target.
const maxPlaceholders = 20

func emailCall(accountID, email string) steps.Call {
	return steps.Call{Method: "PUT", Path: "/users/" + accountID + "/manage/email", Body: fmt.Sprintf(`{"email":%q}`, email)}
}

// mutate makes one change with its intent journaled (and fsynced) before
// and its outcome after, as a single-user fix's change is.
func (a *Applier) mutate(ctx context.Context, w *recordWriter, idx int, s steps.PlanStep, call steps.Call, u *client.User, do func(context.Context) error) error {
	seq, err := w.write(journal.Record{Type: journal.RecIntent, Index: idx, Step: s.ID, Call: &call, Before: before(u)})
	if err != nil {
		return &journalError{err}
	}
	derr := do(ctx)
	rec := journal.Record{Type: journal.RecOutcome, Index: idx, Step: s.ID, Ref: seq, Status: journal.OutcomeOK}
	if derr != nil {
		rec.Status, rec.Error = journal.OutcomeError, w.j.Redact(derr.Error())
		var ue *client.UncertainError
		if errors.As(derr, &ue) {
			rec.Status = journal.OutcomeUncertain
		}
	}
	if _, err := w.write(rec); err != nil {
		return &journalError{errors.Join(derr, err)}
	}
	return derr
}

// readBack reads the account until the change shows, or Patience runs out.
func (a *Applier) readBack(ctx context.Context, s steps.PlanStep, made string) error {
	patience := a.Patience
	if patience <= 0 {
		patience = 30 * time.Second
	}
	deadline := time.Now().Add(patience)
	for {
		err := a.shows(ctx, s)
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		if serr := a.sleep(ctx, time.Second); serr != nil {
			return serr
		}
	}
}

// shows is nil when the org shows the change.
func (a *Applier) shows(ctx context.Context, s steps.PlanStep) error {
	p := s.Params
	u, err := a.account(ctx, p.AccountID)
	switch {
	case err != nil:
		return err
	case u == nil:
		return fmt.Errorf("account %s no longer exists", p.AccountID)
	}
	switch s.ID {
	case steps.StepBulkUnlinkHolder:
		if u.Synced() {
			return fmt.Errorf("%s is still provisioned", p.AccountID)
		}
	case steps.StepBulkParkHolder:
		if !address.IsFreePlaceholderOf(u.Email, p.Email) {
			return fmt.Errorf("the email of %s is %s, not a placeholder of %s", p.AccountID, u.Email, p.Email)
		}
	default:
		if !address.Same(u.Email, p.Target) {
			return fmt.Errorf("the email of %s is %s, not %s", p.AccountID, u.Email, p.Target)
		}
	}
	return nil
}

// account reads one account by id; nil when the org has none.
func (a *Applier) account(ctx context.Context, id string) (*client.User, error) {
	users, _, err := a.Client.SearchUsersPage(ctx, client.UserSearch{AccountIDs: []string{id}, Limit: 10})
	if err != nil {
		return nil, fmt.Errorf("reading account %s: %w", id, err)
	}
	for i := range users {
		if users[i].AccountID == id {
			return &users[i], nil
		}
	}
	return nil, nil
}

// holder reads the account holding an address, nil when none does.
func (a *Applier) holder(ctx context.Context, email string) (*client.User, error) {
	return address.HolderOf(ctx, a.Client, email)
}

// Calls lists the calls a change makes, for a dry run: the reads of its
// check, the change itself, the read back; paths as sent to org orgID.
func Calls(s steps.PlanStep, orgID string) []steps.Call {
	calls := changeCalls(s)
	for i := range calls {
		calls[i].Path = strings.ReplaceAll(calls[i].Path, "{orgId}", orgID)
	}
	return calls
}

func changeCalls(s steps.PlanStep) []steps.Call {
	p := s.Params
	read := steps.Call{Method: "POST", Path: "/admin/v2/orgs/{orgId}/directories/-/users/search",
		Body: fmt.Sprintf(`{"accountIds":[%q],"limit":10}`, p.AccountID), Note: "read only: the account, before and after"}
	switch s.ID {
	case steps.StepBulkUnlinkHolder:
		return []steps.Call{read, {Method: "DELETE", Path: "/admin/user-provisioning/v1/org/{orgId}/user/" + p.AccountID + "/onlyDeleteUserInDB"}}
	case steps.StepBulkParkHolder:
		return []steps.Call{read,
			{Method: "POST", Path: "/admin/v2/orgs/{orgId}/directories/-/users/search", Body: fmt.Sprintf(`{"emails":[%q]}`, p.Placeholder), Note: "read only: is the placeholder free? (else _FREE2, ...)"},
			emailCall(p.AccountID, p.Placeholder)}
	}
	return []steps.Call{read,
		{Method: "POST", Path: "/admin/v2/orgs/{orgId}/directories/-/users/search", Body: fmt.Sprintf(`{"emails":[%q]}`, p.Target), Note: "read only: is the target free?"},
		emailCall(p.AccountID, p.Target)}
}
