package fixes

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/client"
)

// Registry maps every plan step id of the planner (steps/diagnose): the concrete
// Check, Execute and Verify behind each step a diagnosis can plan.
func Registry() run.Registry {
	return run.Registry{
		steps.StepCheckHolder:             actCheckHolder{},
		steps.StepHandoffHolderOtherOrg:   actHandoffHolderOtherOrg{},
		steps.StepProvisionHolder:         actProvisionHolder{},
		steps.StepHandoffSharedAddress:    actHandoff{freed: true},
		steps.StepSetEmailFirst:           actSetEmailFirst{},
		steps.StepHandoffTargetDomain:     actHandoff{},
		steps.StepHandoffAccountOtherOrg:  actHandoff{},
		steps.StepHandoffMissingKeys:      actHandoff{},
		steps.StepRecordHolderMemberships: actRecordMemberships{holder: true},
		steps.StepUnlinkHolder:            actUnlink{},
		steps.StepParkHolder:              actPark{},
		steps.StepProvisionUser:           actProvisionUser{},
		steps.StepVerifyUser:              actVerifyUser{},
		steps.StepRecordMemberships:       actRecordMemberships{},
		steps.StepIdpRemoveGroups:         actIdpGroups{remove: true},
		steps.StepUnlinkDuplicate:         actUnlink{},
		steps.StepParkDuplicate:           actPark{},
		steps.StepUnlinkOld:               actUnlink{},
		steps.StepSetOldEmail:             actSetOldEmail{},
		steps.StepIdpAddGroups:            actIdpGroups{},
		steps.StepRestoreMemberships:      actRestoreMemberships{},
		steps.StepClaimDomain:             actClaimDomain{},
		steps.StepClaimAccount:            actClaimAccount{},
		steps.StepGooglePrimaryEmail:      actGooglePrimaryEmail{},
		steps.StepSocialLoginNotice:       actSocialLoginNotice{},
		steps.StepAlignSamlAttribute:      actAlignSaml{},
		steps.StepClaimHolder:             actClaimAccount{},
		steps.StepCancelHolderDeletion:    actCancelDeletion{},
		steps.StepDeleteHolder:            actDeleteAgain{},
		steps.StepRecordStaleRecord:       actRecordStale{},
		steps.StepUnlinkStaleRecord:       actUnlinkStale{},
		steps.StepDeleteStaleRecord:       actDeleteStale{},
		steps.StepSetEmail:                actSetEmailFirst{direct: true},
		steps.StepIdpSamlAttribute:        actIdpSamlAttribute{},
		steps.StepVerifyEmail:             actVerifyEmail{},
		steps.StepIdpReassignUser:         actIdpReassign{},
	}
}

// settle polls check until it holds, for Verify. On timeout it reports
// what the last complete check found, not the deadline that cut the last
// one short.
func settle(ctx context.Context, env *run.Env, check func(ctx context.Context) error) error {
	var last error
	wait := env.Wait()
	err := env.Poll(ctx, wait.Every, wait.Timeout, func(pctx context.Context) error {
		err := check(pctx)
		if err != nil && pctx.Err() == nil {
			last = err
		}
		// An org that cannot be read will not answer by waiting (the client
		// has retried already); a rate limit is waited out by Poll.
		var rl *client.RateLimitError
		if client.IsUnreachable(err) && !errors.As(err, &rl) && pctx.Err() == nil {
			return run.StopPolling(err)
		}
		return err
	})
	if err == nil || ctx.Err() != nil || last == nil || run.PollStopped(last) {
		return err
	}
	return fmt.Errorf("still not so after %s: %w", wait.Timeout, last)
}

// Fact keys the actions keep across a resume, beside FactMemberships and
// FactMembershipsRestored.
const (
	// factPlaceholder + account id: the placeholder chosen to park it.
	factPlaceholder = "placeholder:"
	// factIdpReport + step id: what the (simulated) IdP's log showed.
	factIdpReport = "idp-report:"
	// factNote + step id: something Verify saw that the operator must know.
	factNote = "note:"
	// factNotice + step id: the notice a notice step showed, once.
	factNotice = "notice:"
	// factNotRestored: recorded memberships that cannot come back here.
	factNotRestored = "memberships-not-restored"
)

// blocked is Check's Blocked answer.
func blocked(format string, a ...any) run.Precondition {
	return run.Precondition{State: run.Blocked, Reason: fmt.Sprintf(format, a...)}
}

func alreadyDone(format string, a ...any) run.Precondition {
	return run.Precondition{State: run.AlreadyDone, Reason: fmt.Sprintf(format, a...)}
}

func ready(format string, a ...any) run.Precondition {
	return run.Precondition{State: run.Ready, Reason: fmt.Sprintf(format, a...)}
}

// missingParams names the params the step lacks, "" when it has them all.
func missingParams(s steps.PlanStep, keys ...string) string {
	miss := s.Params.Missing(keys...)
	if len(miss) == 0 {
		return ""
	}
	return fmt.Sprintf("the plan's step %s gives no %s: diagnose again", s.ID, strings.Join(miss, ", "))
}

func errMissing(s steps.PlanStep, keys ...string) error {
	if why := missingParams(s, keys...); why != "" {
		return errors.New(why)
	}
	return nil
}

// stepAccount names the step's account for people: "Name (email)".
func stepAccount(s steps.PlanStep) string {
	return wording.Account(s.Params.Name, s.Params.Email, s.Params.AccountID)
}

// stepName is the step's account's name, else its email or id.
func stepName(s steps.PlanStep) string {
	for _, v := range []string{s.Params.Name, s.Params.Email, s.Params.AccountID} {
		if v != "" {
			return v
		}
	}
	return "the user"
}

// readAccount reads one account with its groups and product access; nil,
// nil when the org has no account with that id.
// currentAccount re-reads the step's account (Params accountId) right
// before it acts; when it is gone the step is blocked, since the org changed
// since the diagnosis. A nil account means the returned Precondition and
// error decide the step.
func currentAccount(ctx context.Context, env *run.Env, s steps.PlanStep) (*client.User, run.Precondition, error) {
	u, err := readAccount(ctx, env, s.Params.AccountID)
	if err != nil {
		return nil, run.Precondition{}, err
	}
	if u == nil {
		return nil, blocked("%s no longer exists in this org: the org changed since the diagnosis; diagnose again", stepAccount(s)), nil
	}
	return u, run.Precondition{}, nil
}

func readAccount(ctx context.Context, env *run.Env, id string) (*client.User, error) {
	users, _, err := env.Client.SearchUsersPage(ctx, client.UserSearch{
		AccountIDs: []string{id},
		Expand:     []string{client.ExpandGroups, client.ExpandProductAccess},
		Limit:      10,
	})
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

// mustReadAccount is readAccount for an account that must exist.
func mustReadAccount(ctx context.Context, env *run.Env, id string) (*client.User, error) {
	u, err := readAccount(ctx, env, id)
	if err == nil && u == nil {
		err = fmt.Errorf("account %s no longer exists in this org", id)
	}
	return u, err
}

// holderOf reads the account holding an address (case-insensitively), nil
// when none does.
func holderOf(ctx context.Context, env *run.Env, email string) (*client.User, error) {
	return address.HolderOf(ctx, env.Client, email)
}

// readLinks reads the SCIM users linked to an account.
func readLinks(ctx context.Context, env *run.Env, id string) ([]client.ScimLink, error) {
	links, err := env.Client.ScimLinks(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("reading the SCIM links of %s: %w", id, err)
	}
	return links, nil
}

// linkIn reports whether one of links is in directory dir ("" = any).
func linkIn(links []client.ScimLink, dir string) bool {
	for _, l := range links {
		if dir == "" || l.DirectoryID == dir {
			return true
		}
	}
	return false
}

func describeLinks(links []client.ScimLink) string {
	parts := make([]string, 0, len(links))
	for _, l := range links {
		parts = append(parts, fmt.Sprintf("SCIM user %s in directory %s", l.ScimUserID, l.DirectoryID))
	}
	return strings.Join(parts, ", ")
}

// emailSet says whether this org may set the account's email now, and if
// not, why: the restriction reason (externalDirectory.scim, ...), or
// "forbidden" when the org does not manage the account.
func emailSetAllowed(ctx context.Context, env *run.Env, id string) (allowed bool, reason string, err error) {
	privs, err := env.Client.Privileges(ctx, id, client.PrivilegeEmailSet)
	var me *client.ManageError
	if errors.As(err, &me) && me.Key == "forbidden" {
		return false, "forbidden", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("reading what may be changed on %s: %w", id, err)
	}
	p, ok := privs[client.PrivilegeEmailSet]
	if !ok {
		return false, "unknown", nil
	}
	if p.Allowed {
		return true, "", nil
	}
	return false, p.Refusal(), nil
}

// refusalSentence explains a refused email.set for people.
func refusalSentence(reason string) string {
	switch reason {
	case "forbidden":
		return "this org does not manage the account"
	case client.ReasonSCIM:
		return "a SCIM user links the account, so only the IdP can change its email (externalDirectory.scim)"
	case client.ReasonGoogle:
		return "the Google Workspace integration owns the account's email (externalDirectory.google)"
	case "", "unknown":
		return "the user-management API does not allow it"
	}
	return "the user-management API refuses it (" + reason + ")"
}

// setFact journals a fact of the run.
func setFact(env *run.Env, key string, v any) error {
	if env.Facts == nil {
		return errors.New("no fact store: actions run under the executor")
	}
	return env.Facts.Set(key, v)
}

// getFact reads a fact; false when it is not set (or there is no store).
func getFact(env *run.Env, key string, v any) (bool, error) {
	if env.Facts == nil {
		return false, nil
	}
	return env.Facts.Get(key, v)
}

// isUncertainErr: a change whose answer was lost.
func isUncertainErr(err error) bool {
	var ue *client.UncertainError
	return errors.As(err, &ue)
}

// emailCall is the PUT that sets an account's email.
func emailCall(accountID, email string) steps.Call {
	return steps.Call{Method: "PUT", Path: "/users/" + accountID + "/manage/email", Body: fmt.Sprintf(`{"email":%q}`, email)}
}

// setEmailMutation sets an account's email through env.Mutate, journaling
// the email it had.
func setEmailMutation(ctx context.Context, env *run.Env, s steps.PlanStep, accountID, from, to string) error {
	before := map[string]string{"accountId": accountID, "email": from}
	return env.Mutate(ctx, s.ID, emailCall(accountID, to), before, func(ctx context.Context) error {
		return env.Client.SetEmail(ctx, accountID, to)
	})
}

// waitEmail polls until the account's email is want.
func waitEmail(ctx context.Context, env *run.Env, accountID, want string) error {
	return settle(ctx, env, func(ctx context.Context) error {
		u, err := readAccount(ctx, env, accountID)
		switch {
		case err != nil:
			return err
		case u == nil:
			return run.StopPolling(fmt.Errorf("account %s no longer exists", accountID))
		case !address.Same(u.Email, want):
			return fmt.Errorf("the email of %s is %s, not %s", accountID, u.Email, want)
		}
		return nil
	})
}
