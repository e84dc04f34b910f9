package run

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"

	"github.com/syncdoctor/syncdoctor/client"
)

// Executor carries out a plan step by step: Check, Confirm (for every step
// that is not KindCheck), Execute, Verify, journaling each stage so that an
// interrupted run can be resumed without repeating a change.
type Executor struct {
	Env      *Env
	Registry Registry
	// Confirm asks the operator (the wizard's prompt, or always-yes for
	// --yes). Nil means no confirmation can be given: every change is
	// declined. An error counts as a no.
	Confirm  func(ctx context.Context, s steps.PlanStep) (bool, error)
	Observer func(Event) // called synchronously, in order; may be nil
	// DryRun lists every step's calls and does nothing else: no HTTP, no
	// journal, no prompt.
	DryRun bool
}

// recheckAfter: when the operator took longer than this to confirm, Check
// runs again before acting, since the org may have changed while the
// prompt waited.
const recheckAfter = 10 * time.Second

// Result is how a run (or this session of it) ended. Its JSON is what
// `fix --yes --json` prints (contract §4).
type Result struct {
	RunID  string            `json:"runId"`
	Status journal.RunStatus `json:"status"`
	// Fixed: the run completed and its last check verified, through the
	// API, that the user's account has the target (and is linked).
	Fixed   bool          `json:"fixed"`
	Reason  string        `json:"reason,omitempty"`
	Steps   []StepOutcome `json:"plan"`
	Journal string        `json:"journal,omitempty"`
}

// StepOutcome is one plan step and how it ended: the plan step of contract
// §2 with its calls and its outcome (contract §4).
type StepOutcome struct {
	Index       int          `json:"index"` // 1-based
	ID          steps.StepID `json:"id"`
	Kind        steps.Kind   `json:"kind"`
	Title       string       `json:"title"`
	Destructive bool         `json:"destructive"`
	Calls       []steps.Call `json:"calls"`
	// Outcome is done, verified, operator (done by a person, by their
	// word), skipped, failed or waiting; "" for a step not reached or a dry
	// run.
	Outcome string             `json:"outcome,omitempty"`
	Status  journal.StepStatus `json:"status"`
	Reason  string             `json:"reason,omitempty"`
	Error   string             `json:"error,omitempty"`
	Earlier bool               `json:"earlier,omitempty"` // finished in an earlier session of the run
}

// Outcome names how a step ended (contract §4).
func Outcome(k steps.Kind, s journal.StepStatus) string {
	switch s {
	case journal.StepDone:
		if k == steps.KindCheck {
			return "done"
		}
		return "verified"
	case journal.StepOperator:
		return "operator"
	case journal.StepSkipped, journal.StepDeclined:
		return "skipped"
	case journal.StepFailed, journal.StepBlocked:
		return "failed"
	case journal.StepWaiting:
		return "waiting"
	}
	return ""
}

// ErrRunCompleted is returned by Resume for a run with nothing left to do.
var ErrRunCompleted = errors.New("run already completed")

// Start journals the header (a run id is made when it has none) and runs
// the plan. The error is non-nil only when the run could not be carried
// out or journaled at all; a step that fails, is declined or blocked, or
// waits for the operator is reported in the Result.
func (x *Executor) Start(ctx context.Context, h journal.RunHeader) (*Result, error) {
	if err := x.validate(h.Plan); err != nil {
		return nil, err
	}
	if h.RunID == "" {
		h.RunID = NewRunID()
	}
	fresh := make([]journal.StepState, len(h.Plan))
	if x.DryRun {
		return x.dryRun(h, fresh), nil
	}
	env := x.Env
	if h.Started.IsZero() {
		h.Started = env.Now()
	}
	h.Started = h.Started.UTC().Truncate(time.Millisecond)
	env.RunID = h.RunID
	env.Facts = journal.NewJournaledFacts(nil, x.persistFact)
	if _, err := env.write(journal.Record{Type: journal.RecRunStart, Header: &h, PID: os.Getpid()}); err != nil {
		return nil, err
	}
	x.emit(Event{Kind: EvRunStarted})
	return x.run(ctx, h.Plan, fresh, nil)
}

// Resume continues an unfinished run. It re-reads the run from the journal
// it holds locked (another process may have moved it on), passes over the
// finished steps, and re-runs Check for the first unfinished one: a change
// whose intent was journaled but whose outcome was not is then found in
// the org (AlreadyDone) instead of being made twice. A step left waiting
// for the operator is verified instead.
func (x *Executor) Resume(ctx context.Context, run *journal.RunLog) (*Result, error) {
	if run == nil {
		return nil, errors.New("no run to resume")
	}
	if err := x.validate(run.Header.Plan); err != nil {
		return nil, err
	}
	if x.DryRun {
		return x.dryRun(run.Header, run.Steps), nil
	}
	env := x.Env
	fresh, err := env.Journal.Reload(run.Header.RunID)
	if err != nil {
		return nil, err
	}
	if !fresh.Unfinished() {
		return nil, fmt.Errorf("%w: run %s; nothing to resume", ErrRunCompleted, fresh.Header.RunID)
	}
	env.RunID = fresh.Header.RunID
	env.Facts = journal.NewJournaledFacts(fresh.Facts, x.persistFact)
	if _, err := env.write(journal.Record{Type: journal.RecResume, PID: os.Getpid()}); err != nil {
		return nil, err
	}
	x.emit(Event{Kind: EvRunResumed})
	pending := map[int][]journal.Record{}
	for _, rec := range fresh.Pending {
		pending[rec.Index] = append(pending[rec.Index], rec)
	}
	return x.run(ctx, fresh.Header.Plan, fresh.Steps, pending)
}

func (x *Executor) validate(plan []steps.PlanStep) error {
	if x.Env == nil {
		return errors.New("executor has no Env")
	}
	if !x.DryRun && x.Env.Journal == nil {
		return errors.New("no journal: syncdoctor changes nothing without one")
	}
	for i, s := range plan {
		if x.Registry[s.ID] == nil {
			return fmt.Errorf("plan step %d (%s) has no action", i+1, s.ID)
		}
	}
	return nil
}

func (x *Executor) persistFact(key string, value json.RawMessage) error {
	_, err := x.Env.write(journal.Record{Type: journal.RecFact, Key: key, Value: value})
	return err
}

// run carries out the plan from the first step not finished in prior.
// pending holds, per 1-based step, intents an earlier session left without
// an outcome.
func (x *Executor) run(ctx context.Context, plan []steps.PlanStep, prior []journal.StepState, pending map[int][]journal.Record) (*Result, error) {
	res := &Result{RunID: x.Env.RunID, Journal: x.Env.Journal.Path(), Status: journal.StatusCompleted}
	stopped := false
	for i, s := range plan {
		out := x.outcome(i, s, journal.StepPending)
		switch {
		case stopped:
		case prior[i].Status.Finished():
			out.Status, out.Reason, out.Error, out.Earlier = prior[i].Status, prior[i].Reason, prior[i].Error, true
			out.Outcome = Outcome(s.Kind, out.Status)
		default:
			var err error
			out, err = x.step(ctx, out, s, prior[i], pending[i+1])
			if err != nil {
				res.Steps = append(res.Steps, out)
				res.Status, res.Reason = journal.StatusFailed, err.Error()
				return res, err
			}
			if !out.Status.Finished() {
				stopped = true
				res.Status, res.Reason = runStatusOf(out.Status), stepReason(out)
			}
		}
		res.Steps = append(res.Steps, out)
	}
	res.Fixed = fixed(res)
	if _, err := x.Env.write(journal.Record{Type: journal.RecRunEnd, Status: string(res.Status), Reason: res.Reason}); err != nil {
		return res, err
	}
	x.emit(Event{Kind: EvRunEnded, Reason: string(res.Status)})
	return res, nil
}

func runStatusOf(s journal.StepStatus) journal.RunStatus {
	switch s {
	case journal.StepDeclined:
		return journal.StatusDeclined
	case journal.StepBlocked:
		return journal.StatusBlocked
	case journal.StepWaiting:
		return journal.StatusWaitingOperator
	}
	return journal.StatusFailed
}

func stepReason(o StepOutcome) string {
	why := o.Reason
	if o.Error != "" {
		if why != "" {
			why += ": "
		}
		why += o.Error
	}
	return fmt.Sprintf("step %d (%s): %s", o.Index, o.ID, why)
}

func (x *Executor) dryRun(h journal.RunHeader, prior []journal.StepState) *Result {
	res := &Result{RunID: h.RunID, Status: journal.StatusDryRun}
	for i, s := range h.Plan {
		out := x.outcome(i, s, journal.StepWouldRun)
		if i < len(prior) && prior[i].Status.Finished() {
			out.Status, out.Earlier, out.Calls = prior[i].Status, true, []steps.Call{}
		}
		res.Steps = append(res.Steps, out)
	}
	return res
}

// outcome starts the report of plan step i (0-based): the step, its calls
// (the org's id filled in), the status given.
func (x *Executor) outcome(i int, s steps.PlanStep, st journal.StepStatus) StepOutcome {
	return StepOutcome{
		Index: i + 1, ID: s.ID, Kind: s.Kind, Title: s.Title, Destructive: s.Destructive,
		Calls: x.Env.filledCalls(x.Registry[s.ID].Calls(s)), Status: st,
	}
}

// fixed reports whether a completed run's proof step (verify-user) was
// verified, in this session or an earlier one.
func fixed(res *Result) bool {
	if res.Status != journal.StatusCompleted {
		return false
	}
	for i := len(res.Steps) - 1; i >= 0; i-- {
		if st := res.Steps[i]; st.ID.VerifiesTarget() {
			return st.Status == journal.StepDone
		}
	}
	return false
}

// NewRunID makes a run id: 12 hex digits, short enough to type after
// "syncdoctor resume --run", random enough never to collide in one journal.
func NewRunID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// isUncertainExec: Execute's error says the change may or may not have
// been made. Context errors are not counted here: with the context gone,
// Check could not run anyway, and a resume will.
func isUncertainExec(err error) bool {
	var ue *client.UncertainError
	return errors.As(err, &ue)
}
