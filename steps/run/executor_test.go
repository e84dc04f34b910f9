package run

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

func TestExecutorHappyPathJournalsEveryStage(t *testing.T) {
	org := newFakeOrg()
	org.lag = 2 // Verify must poll through two stale reads
	h := newHarness(t, org, "")
	res, err := h.x.Start(context.Background(), fixHeader("run-happy"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusCompleted || res.RunID != "run-happy" || res.Journal != h.path {
		t.Fatalf("result = %+v", res)
	}
	for _, s := range res.Steps {
		if s.Status != journal.StepDone {
			t.Errorf("step %d %s: %s %s %s", s.Index, s.ID, s.Status, s.Reason, s.Error)
		}
	}
	want := "acc-new=yuki_duplicate@acme.com;acc-old=yuki@acme.com;acc-x=someone@acme.com;ext-yuki=[eng-all design];"
	if got := org.state(); got != want {
		t.Errorf("org = %s\nwant  %s", got, want)
	}
	// The check step is not confirmed; every other one is.
	if !slices.Equal(h.confirm, []steps.StepID{"remove-groups", "set-email", "set-email", "add-groups"}) {
		t.Errorf("confirmed %v", h.confirm)
	}

	run := readOnlyRun(t, h.path)
	wantRecs := []string{
		"run-start",
		"1:step-start", "1:fact", "1:step-end=done",
		"2:step-start", "2:confirm=yes", "2:intent", "2:outcome=ok", "2:step-end=done",
		"3:step-start", "3:confirm=yes", "3:intent", "3:outcome=ok", "3:step-end=done",
		"4:step-start", "4:confirm=yes", "4:intent", "4:outcome=ok", "4:step-end=done",
		"5:step-start", "5:confirm=yes", "5:intent", "5:outcome=ok", "5:fact", "5:step-end=done",
		"run-end=completed",
	}
	if got := recordTypes(run); !slices.Equal(got, wantRecs) {
		t.Errorf("records:\n%v\nwant\n%v", got, wantRecs)
	}
	timeRE := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	for i, rec := range run.Records {
		if rec.Seq != int64(i+1) || rec.Run != "run-happy" || !timeRE.MatchString(rec.Time) {
			t.Errorf("record %d: seq %d run %q time %q", i, rec.Seq, rec.Run, rec.Time)
		}
	}
	intent := run.Records[6]
	if intent.Call.Method != "IDP" || string(intent.Before) != `["eng-all","design"]` {
		t.Errorf("intent = %+v before %s", intent.Call, intent.Before)
	}
	if run.Status != journal.StatusCompleted || run.Unfinished() || len(run.Pending) != 0 {
		t.Errorf("run status %s unfinished %v pending %d", run.Status, run.Unfinished(), len(run.Pending))
	}
	for i := range run.Steps {
		if !run.Done(i) {
			t.Errorf("step %d not done: %+v", i+1, run.Steps[i])
		}
	}
	if !slices.Equal(run.FactKeys(), []string{journal.FactMemberships, journal.FactMembershipsRestored}) {
		t.Errorf("facts %v", run.FactKeys())
	}

	wantEv := []string{"run-started",
		"1:step-started", "1:checked", "1:executing", "1:executed", "1:verified",
		"2:step-started", "2:checked", "2:confirmed", "2:executing", "2:executed", "2:verified"}
	if got := h.eventKinds(); !slices.Equal(got[:len(wantEv)], wantEv) || got[len(got)-1] != "run-ended" {
		t.Errorf("events %v", got)
	}
}

func TestExecutorDeclineStopsAndJournals(t *testing.T) {
	org := newFakeOrg()
	h := newHarness(t, org, "")
	h.x.Confirm = func(ctx context.Context, s steps.PlanStep) (bool, error) { return s.ID != "set-email", nil }
	res, err := h.x.Start(context.Background(), fixHeader("run-decline"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusDeclined || res.Steps[2].Status != journal.StepDeclined || res.Steps[3].Status != journal.StepPending {
		t.Fatalf("result %+v", res)
	}
	if org.applied["set-email:acc-new:yuki_duplicate@acme.com"] != 0 {
		t.Error("a declined step changed the org")
	}
	run := readOnlyRun(t, h.path)
	if run.Status != journal.StatusDeclined || !run.Unfinished() || run.Steps[2].Status != journal.StepDeclined {
		t.Errorf("journal says %s, step 3 %+v", run.Status, run.Steps[2])
	}
	got := recordTypes(run)
	if tail := got[len(got)-4:]; !slices.Equal(tail, []string{"3:step-start", "3:confirm=no", "3:step-end=declined", "run-end=declined"}) {
		t.Errorf("journal ends %v", tail)
	}
	if !slices.Contains(h.eventKinds(), "3:declined") {
		t.Errorf("no declined event: %v", h.eventKinds())
	}
}

func TestExecutorWithoutConfirmDeclinesEveryChange(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	h.x.Confirm = nil
	res, err := h.x.Start(context.Background(), fixHeader("run-noconfirm"))
	if err != nil {
		t.Fatal(err)
	}
	// The check step runs (it changes nothing); the first change is declined.
	if res.Status != journal.StatusDeclined || res.Steps[0].Status != journal.StepDone || res.Steps[1].Status != journal.StepDeclined {
		t.Fatalf("result %+v", res.Steps)
	}
	if !strings.Contains(res.Reason, "--yes") {
		t.Errorf("reason %q", res.Reason)
	}
	if len(h.org.log) != 0 {
		t.Errorf("org changed: %v", h.org.log)
	}
}

func TestExecutorBlockedStops(t *testing.T) {
	org := newFakeOrg()
	org.emails["acc-x"] = "yuki_duplicate@acme.com" // the placeholder is taken
	h := newHarness(t, org, "")
	res, err := h.x.Start(context.Background(), fixHeader("run-blocked"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusBlocked || res.Steps[2].Status != journal.StepBlocked {
		t.Fatalf("result %+v", res)
	}
	if want := "yuki_duplicate@acme.com is held by acc-x"; res.Steps[2].Reason != want || !strings.Contains(res.Reason, want) {
		t.Errorf("reason %q / %q", res.Steps[2].Reason, res.Reason)
	}
	// Blocked is decided before asking: the operator is not asked to
	// confirm a step that cannot run.
	if slices.Contains(h.confirm, "set-email") {
		t.Error("confirm asked for a blocked step")
	}
	if run := readOnlyRun(t, h.path); run.Status != journal.StatusBlocked {
		t.Errorf("journal status %s", run.Status)
	}
}

func TestExecutorFailingVerify(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	h.set.verifyErr = errors.New("email still old")
	res, err := h.x.Start(context.Background(), fixHeader("run-verify"))
	if err != nil {
		t.Fatal(err)
	}
	s := res.Steps[2]
	if res.Status != journal.StatusFailed || s.Status != journal.StepFailed || s.Reason != "verification failed" || s.Error != "email still old" {
		t.Fatalf("result %+v step %+v", res, s)
	}
	run := readOnlyRun(t, h.path)
	if run.Status != journal.StatusFailed || run.Steps[2].Status != journal.StepFailed || run.Steps[2].Error != "email still old" {
		t.Errorf("journal %s %+v", run.Status, run.Steps[2])
	}
}

func TestExecutorExecuteErrorIsJournaled(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	h.set.sendErr = errors.New("409 conflict")
	res, err := h.x.Start(context.Background(), fixHeader("run-execerr"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusFailed || res.Steps[2].Error != "409 conflict" {
		t.Fatalf("result %+v", res.Steps[2])
	}
	run := readOnlyRun(t, h.path)
	var out *journal.Record
	for i := range run.Records {
		if run.Records[i].Type == journal.RecOutcome && run.Records[i].Index == 3 {
			out = &run.Records[i]
		}
	}
	if out == nil || out.Status != journal.OutcomeError || out.Error != "409 conflict" {
		t.Errorf("outcome %+v", out)
	}
}

func TestExecutorCheckErrorFails(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	h.x.Registry["record-groups"] = checkFails{}
	res, err := h.x.Start(context.Background(), fixHeader("run-checkerr"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusFailed || res.Steps[0].Reason != "could not check the org" || res.Steps[0].Error != "503 from the org" {
		t.Fatalf("step %+v", res.Steps[0])
	}
}

type checkFails struct{ recordGroups }

func (checkFails) Check(ctx context.Context, env *Env, s steps.PlanStep) (Precondition, error) {
	return Precondition{}, errors.New("503 from the org")
}

func TestExecutorAlreadyDoneSkips(t *testing.T) {
	org := newFakeOrg()
	org.emails["acc-new"] = "yuki_duplicate@acme.com" // someone did step 3 by hand
	h := newHarness(t, org, "")
	res, err := h.x.Start(context.Background(), fixHeader("run-skip"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusCompleted {
		t.Fatalf("status %s %s", res.Status, res.Reason)
	}
	if s := res.Steps[2]; s.Status != journal.StepSkipped || s.Reason != "already done: acc-new already has yuki_duplicate@acme.com" {
		t.Errorf("step 3 %+v", s)
	}
	if org.applied["set-email:acc-new:yuki_duplicate@acme.com"] != 0 {
		t.Error("a done change was made again")
	}
	// Skipping needs no confirmation.
	if n := len(h.confirm); n != 3 {
		t.Errorf("confirm asked %d times: %v", n, h.confirm)
	}
	run := readOnlyRun(t, h.path)
	if st := run.Steps[2]; st.Status != journal.StepSkipped || !run.Done(2) {
		t.Errorf("journal step 3 %+v", st)
	}
	if !slices.Contains(h.eventKinds(), "3:skipped") {
		t.Errorf("events %v", h.eventKinds())
	}
}

func TestExecutorRechecksAfterSlowConfirm(t *testing.T) {
	org := newFakeOrg()
	h := newHarness(t, org, "")
	h.x.Confirm = func(ctx context.Context, s steps.PlanStep) (bool, error) {
		if s.Params.AccountID == "acc-new" {
			// While the prompt waited, someone made the change.
			h.clock.Advance(time.Minute)
			org.emails["acc-new"] = "yuki_duplicate@acme.com"
		}
		return true, nil
	}
	res, err := h.x.Start(context.Background(), fixHeader("run-recheck"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusCompleted || res.Steps[2].Status != journal.StepSkipped {
		t.Fatalf("result %s, step 3 %+v", res.Status, res.Steps[2])
	}
	if org.applied["set-email:acc-new:yuki_duplicate@acme.com"] != 0 {
		t.Error("changed again after a slow confirm")
	}
}

func TestExecutorWaitsForOperatorThenResumeVerifies(t *testing.T) {
	org := newFakeOrg()
	h := newHarness(t, org, "")
	h.x.Env.IdP = nil // live: IdP steps are the operator's
	res, err := h.x.Start(context.Background(), fixHeader("run-live"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusWaitingOperator || res.Steps[1].Status != journal.StepWaiting {
		t.Fatalf("result %+v", res)
	}
	if want := "in the IdP, remove the user from every group of ext-yuki"; res.Steps[1].Reason != want {
		t.Errorf("instructions %q", res.Steps[1].Reason)
	}
	if err := error(&OperatorActionError{Instructions: "x"}); !errors.Is(err, ErrOperatorAction) || err.Error() != "waiting for the operator: x" {
		t.Errorf("OperatorActionError: %v", err)
	}
	if !slices.Contains(h.eventKinds(), "2:waiting-operator") {
		t.Errorf("events %v", h.eventKinds())
	}
	run := readOnlyRun(t, h.path)
	if run.Status != journal.StatusWaitingOperator || !run.Unfinished() {
		t.Fatalf("journal %s", run.Status)
	}

	// Resumed before the operator acted: still waiting, same instructions.
	res, err = h.x.Resume(context.Background(), run)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusWaitingOperator || res.Steps[1].Reason != "in the IdP, remove the user from every group of ext-yuki" || res.Steps[0].Status != journal.StepDone || !res.Steps[0].Earlier {
		t.Fatalf("early resume %+v", res.Steps)
	}

	org.groups["ext-yuki"] = nil // the operator did it
	h.confirm = nil
	res, err = h.x.Resume(context.Background(), readOnlyRun(t, h.path))
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps[1].Status != journal.StepDone || res.Steps[1].Reason != "verified after the operator's change" {
		t.Errorf("step 2 %+v", res.Steps[1])
	}
	// The operator's step is verified, not re-confirmed; the next IdP step waits.
	if res.Status != journal.StatusWaitingOperator || res.Steps[4].Status != journal.StepWaiting || slices.Contains(h.confirm, "remove-groups") {
		t.Errorf("result %s %+v confirm %v", res.Status, res.Steps[4], h.confirm)
	}
	if org.applied["remove-groups:ext-yuki:"] != 0 {
		t.Error("the tool made the operator's change")
	}
}

func TestExecutorUnknownStepWritesNothing(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	hd := fixHeader("run-unknown")
	hd.Plan = append(hd.Plan, steps.PlanStep{ID: "no-such-step", Kind: steps.KindAPI})
	if _, err := h.x.Start(context.Background(), hd); err == nil || !strings.Contains(err.Error(), "no-such-step") {
		t.Fatalf("err = %v", err)
	}
	if fi, err := os.Stat(h.path); err != nil || fi.Size() != 0 {
		t.Errorf("journal written: %v %v", fi, err)
	}
}

func TestExecutorDryRunWritesNothingAndCallsNothing(t *testing.T) {
	org := newFakeOrg()
	h := newHarness(t, org, "")
	h.x.DryRun = true
	h.x.Confirm = func(ctx context.Context, s steps.PlanStep) (bool, error) {
		t.Error("dry-run asked for confirmation")
		return false, nil
	}
	res, err := h.x.Start(context.Background(), fixHeader("run-dry"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusDryRun || len(res.Steps) != 5 {
		t.Fatalf("result %+v", res)
	}
	c := res.Steps[3].Calls
	if res.Steps[3].Status != journal.StepWouldRun || len(c) != 1 || c[0].Method != "PUT" || c[0].Path != "/users/acc-old/manage/email" {
		t.Errorf("step 4 %+v", res.Steps[3])
	}
	if org.checks != 0 || len(org.log) != 0 {
		t.Errorf("dry-run touched the org: %d checks, %d changes", org.checks, len(org.log))
	}
	if fi, err := os.Stat(h.path); err != nil || fi.Size() != 0 {
		t.Errorf("dry-run wrote the journal: %v %v", fi, err)
	}

	// Without any journal at all, too.
	x := &Executor{Env: &Env{}, Registry: h.x.Registry, DryRun: true}
	if res, err := x.Start(context.Background(), fixHeader("")); err != nil || len(res.Steps[0].Calls) != 1 || res.RunID == "" {
		t.Errorf("journal-less dry-run: %+v %v", res, err)
	}
}

func TestExecutorNeedsJournalToAct(t *testing.T) {
	x := &Executor{Env: &Env{}, Registry: Registry{"record-groups": recordGroups{newFakeOrg()}}}
	hd := journal.RunHeader{Plan: []steps.PlanStep{{ID: "record-groups", Kind: steps.KindCheck}}}
	if _, err := x.Start(context.Background(), hd); err == nil || !strings.Contains(err.Error(), "no journal") {
		t.Fatalf("err = %v", err)
	}
	env := &Env{}
	called := false
	err := env.Mutate(context.Background(), "s", steps.Call{Method: "PUT"}, nil, func(context.Context) error { called = true; return nil })
	if err == nil || called {
		t.Fatalf("Mutate without a journal: err %v, called %v", err, called)
	}
}

func TestResumeCompletedRunRefuses(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	if _, err := h.x.Start(context.Background(), fixHeader("run-done")); err != nil {
		t.Fatal(err)
	}
	_, err := h.x.Resume(context.Background(), readOnlyRun(t, h.path))
	if !errors.Is(err, ErrRunCompleted) {
		t.Fatalf("err = %v", err)
	}
}

func TestPoll(t *testing.T) {
	env := &Env{}
	ctx := context.Background()
	n := 0
	if err := env.Poll(ctx, time.Millisecond, time.Second, func(context.Context) error {
		n++
		if n < 3 {
			return errors.New("not yet")
		}
		return nil
	}); err != nil || n != 3 {
		t.Errorf("poll: %v after %d", err, n)
	}
	err := env.Poll(ctx, time.Millisecond, 20*time.Millisecond, func(context.Context) error { return errors.New("never") })
	if err == nil || !strings.Contains(err.Error(), "never") || !strings.Contains(err.Error(), "after 20ms") {
		t.Errorf("timeout: %v", err)
	}
	n = 0
	gone := errors.New("account deleted")
	err = env.Poll(ctx, time.Millisecond, time.Second, func(context.Context) error { n++; return StopPolling(gone) })
	if !errors.Is(err, gone) || n != 1 {
		t.Errorf("stop: %v after %d", err, n)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := env.Poll(cctx, time.Millisecond, time.Second, func(context.Context) error { return errors.New("x") }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestExecutorConfirmErrorIsANo(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	h.x.Confirm = func(context.Context, steps.PlanStep) (bool, error) { return false, errors.New("prompt aborted") }
	res, err := h.x.Start(context.Background(), fixHeader("run-confirm-err"))
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Steps[1]; res.Status != journal.StatusDeclined || s.Reason != "the confirmation was not given: prompt aborted" {
		t.Fatalf("step 2 %+v", s)
	}
	if len(h.org.log) != 0 {
		t.Errorf("org changed: %v", h.org.log)
	}
}

// A rate limit while verifying is waited out as Atlassian asks, and that
// wait does not count against the timeout: a change that is there must not
// read as failed because the org was busy.
func TestPollWaitsOutRateLimits(t *testing.T) {
	env := &Env{}
	calls := 0
	err := env.Poll(context.Background(), time.Millisecond, 30*time.Millisecond, func(context.Context) error {
		calls++
		if calls <= 2 {
			return &client.RateLimitError{Op: "search users", Attempts: 5, RetryAfter: 40 * time.Millisecond}
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("poll = %v after %d calls, want success after two rate limits longer than the timeout", err, calls)
	}
	// A condition that never holds still times out.
	err = env.Poll(context.Background(), time.Millisecond, 20*time.Millisecond, func(context.Context) error { return errors.New("not yet") })
	if err == nil || !strings.Contains(err.Error(), "still not so") {
		t.Errorf("poll = %v", err)
	}
}

// A resumed run whose org cannot be read says so: the step fails with the
// read error, not "still waiting for you".
func TestResumeUnreachableSaysSo(t *testing.T) {
	org := newFakeOrg()
	h := newHarness(t, org, "")
	h.x.Env.IdP = nil // live: the operator's turn
	if _, err := h.x.Start(context.Background(), fixHeader("run-net")); err != nil {
		t.Fatal(err)
	}
	r := readOnlyRun(t, h.path)
	h.x.Registry["remove-groups"] = unreachableVerify{h.x.Registry["remove-groups"]}
	res, err := h.x.Resume(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	st := res.Steps[1]
	if res.Status != journal.StatusFailed || st.Status != journal.StepFailed || !strings.Contains(st.Reason, "could not be read") || !strings.Contains(st.Error, "connection refused") {
		t.Errorf("resume against an unreachable org: %s, step %+v", res.Status, st)
	}
}

// unreachableVerify is a step whose verification cannot reach the org.
type unreachableVerify struct{ Step }

func (unreachableVerify) Verify(context.Context, *Env, steps.PlanStep) error {
	return fmt.Errorf("read the groups: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")})
}
