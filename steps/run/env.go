package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"

	"github.com/syncdoctor/syncdoctor/client"
)

// Env is what an action works with: the org's client, the simulated IdP
// (nil live), the journal and the run's facts. The executor sets RunID and
// Facts when a run starts or resumes.
type Env struct {
	Client  *client.Client
	IdP     IdP     // nil against a live org
	Console Console // the simulated admin console; nil against a live org
	Journal *journal.Journal
	Facts   *journal.Facts
	RunID   string
	Clock   func() time.Time // nil: time.Now
	// Patience is how long Verify waits for a change to show (zero:
	// DefaultPatience).
	Patience Patience

	cur stepRef // the step being carried out, stamped on its records
}

type stepRef struct {
	index int // 1-based
	id    steps.StepID
	kind  steps.Kind
	calls []steps.Call // what the step lists (its dry run): every change must be among them
}

func (e *Env) Now() time.Time {
	if e.Clock != nil {
		return e.Clock()
	}
	return time.Now()
}

// write journals a record of the current run, stamped with the current
// step unless the record names one.
func (e *Env) write(rec journal.Record) (int64, error) {
	if e.Journal == nil {
		return 0, errors.New("no journal: syncdoctor changes nothing without one")
	}
	rec.Run = e.RunID
	rec.Time = journal.FormatTime(e.Now())
	if rec.Type != journal.RecRunStart && rec.Type != journal.RecResume && rec.Type != journal.RecRunEnd && rec.Index == 0 {
		rec.Index = e.cur.index
		if rec.Step == "" {
			rec.Step = e.cur.id
		}
	}
	return e.Journal.Append(&rec)
}

// Mutate makes one change to the org, journaled on both sides: an intent
// record (the step, the call and before, the state the call will change)
// is written and fsynced before do runs, and an outcome record (ok, error,
// or uncertain when the answer was lost) after it returns. When the intent
// cannot be journaled, do never runs. It returns do's error.
func (e *Env) Mutate(ctx context.Context, step steps.StepID, call steps.Call, before any, do func(ctx context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := e.allowed(call); err != nil {
		return err
	}
	var raw json.RawMessage
	if before != nil {
		b, err := json.Marshal(before)
		if err != nil {
			return fmt.Errorf("step %s: journaling the state before %s %s: %w", step, call.Method, call.Path, err)
		}
		raw = b
	}
	seq, err := e.write(journal.Record{Type: journal.RecIntent, Step: step, Call: &call, Before: raw})
	if err != nil {
		return fmt.Errorf("step %s: %s %s not sent: %w", step, call.Method, call.Path, err)
	}
	derr := do(ctx)
	out := journal.Record{Type: journal.RecOutcome, Step: step, Ref: seq, Status: journal.OutcomeOK}
	if derr != nil {
		out.Status, out.Error = journal.OutcomeError, e.Journal.Redact(derr.Error())
		if isUncertain(derr) {
			out.Status = journal.OutcomeUncertain
		}
	}
	if _, err := e.write(out); err != nil {
		return errors.Join(derr, fmt.Errorf("step %s: journaling the outcome of %s %s: %w", step, call.Method, call.Path, err))
	}
	return derr
}

// isUncertain: the request may have reached the org but its answer did
// not reach us, so only reading the org can tell whether it took effect.
// A cancelled context is counted too: the call may have been in flight.
func isUncertain(err error) bool {
	var ue *client.UncertainError
	return errors.As(err, &ue) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// allowed refuses a change the step being carried out may not make
// (contract §2, "Plans"): a check or hand-off step changes nothing; an idp
// or console step changes the org only through a person (or the simulated
// IdP and console), never with an API call; and every change is one the
// step lists, so that a dry run shows every change a run can make. Outside
// the executor (a test driving one step) there is no step to hold it to.
func (e *Env) allowed(call steps.Call) error {
	cur := e.cur
	switch {
	case cur.id == "":
		return nil
	case !cur.kind.Changes():
		return fmt.Errorf("step %s is a %s step and changes nothing: %s %s refused", cur.id, cur.kind, call.Method, call.Path)
	case call.ByPerson() != (cur.kind != steps.KindAPI):
		return fmt.Errorf("step %s (%s) may not make the change %s %s: refused", cur.id, cur.kind, call.Method, call.Path)
	}
	for _, c := range cur.calls {
		if sameCall(e.fill(c), e.fill(call)) {
			return nil
		}
	}
	return fmt.Errorf("step %s: %s %s is not among the calls the plan lists for it: refused", cur.id, call.Method, e.fill(call).Path)
}

// sameCall: the same method on the same path, where a listed {name}
// segment stands for any one segment (an id learned while the run goes).
// A person's action is told apart by its method only.
func sameCall(listed, made steps.Call) bool {
	if listed.Method != made.Method {
		return false
	}
	if made.ByPerson() {
		return true
	}
	a, b := strings.Split(listed.Path, "/"), strings.Split(made.Path, "/")
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(strings.HasPrefix(a[i], "{") && strings.HasSuffix(a[i], "}")) {
			return false
		}
	}
	return true
}

// fill puts the org's id in a call's path, as it is sent.
func (e *Env) fill(c steps.Call) steps.Call {
	if e.Client != nil && !c.ByPerson() {
		c.Path = strings.ReplaceAll(c.Path, "{orgId}", e.Client.OrgID())
	}
	return c
}

// filledCalls are calls as they are sent: the org's id filled in.
func (e *Env) filledCalls(calls []steps.Call) []steps.Call {
	out := make([]steps.Call, 0, len(calls))
	for _, c := range calls {
		out = append(out, e.fill(c))
	}
	return out
}

// Patience is how long a step's verification waits for a change to show:
// provisioning, and to a lesser degree the admin APIs, may take a moment.
type Patience struct {
	Every   time.Duration // between two reads
	Timeout time.Duration // in all
}

// DefaultPatience reads every 2 s for 30 s.
func DefaultPatience() Patience { return Patience{Every: 2 * time.Second, Timeout: 30 * time.Second} }

// Wait is the env's patience, the default where it sets none.
func (e *Env) Wait() Patience {
	p, def := e.Patience, DefaultPatience()
	if p.Every <= 0 {
		p.Every = def.Every
	}
	if p.Timeout <= 0 {
		p.Timeout = def.Timeout
	}
	return p
}

// Poll calls check every interval until it returns nil, the timeout runs
// out or ctx ends; check gets a context bounded by the time left. Wrap an
// error in StopPolling to give up at once (the answer can no longer come).
// A rate limit (429) is waited out as Atlassian asks, and that wait does not
// count against the timeout: a change that is there must not read as
// failed because the org was busy. On timeout the last check's error is
// returned, wrapped.
func (e *Env) Poll(ctx context.Context, every, timeout time.Duration, check func(ctx context.Context) error) error {
	deadline := time.Now().Add(timeout)
	for {
		cctx, cancel := context.WithDeadline(ctx, deadline)
		err := check(cctx)
		cancel()
		if err == nil {
			return nil
		}
		var stop *stopPolling
		if errors.As(err, &stop) {
			return stop.err
		}
		wait := every
		if rl, ok := rateLimitWait(err); ok {
			wait = rl
			deadline = deadline.Add(rl)
		} else if ctx.Err() == nil && !time.Now().Before(deadline) {
			return fmt.Errorf("still not so after %s: %w", timeout, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last check: %v)", ctx.Err(), err)
		case <-time.After(wait):
		}
	}
}

// rateLimitWait is how long a rate-limited read asks to wait: what the
// answer said, else until the window resets, else a minute (Atlassian's
// windows are a minute long).
func rateLimitWait(err error) (time.Duration, bool) {
	var rl *client.RateLimitError
	if !errors.As(err, &rl) {
		return 0, false
	}
	if rl.RetryAfter > 0 {
		return rl.RetryAfter, true
	}
	if !rl.Reset.IsZero() {
		if d := time.Until(rl.Reset); d > 0 {
			return d, true
		}
	}
	return time.Minute, true
}

type stopPolling struct{ err error }

func (s *stopPolling) Error() string { return s.err.Error() }
func (s *stopPolling) Unwrap() error { return s.err }

// pollStopped reports whether err was marked by StopPolling.
func PollStopped(err error) bool {
	var s *stopPolling
	return errors.As(err, &s)
}

// StopPolling marks an error that ends Env.Poll at once.
func StopPolling(err error) error { return &stopPolling{err: err} }
