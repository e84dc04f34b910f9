package run

import (
	"context"
	"errors"
	"time"

	"github.com/syncdoctor/syncdoctor/client"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// EventKind names a stage of a run, for a UI to follow.
type EventKind string

const (
	EvRunStarted      EventKind = "run-started"
	EvRunResumed      EventKind = "run-resumed"
	EvStepStarted     EventKind = "step-started"
	EvChecked         EventKind = "checked" // Reason: what Check found
	EvConfirmed       EventKind = "confirmed"
	EvDeclined        EventKind = "declined"
	EvExecuting       EventKind = "executing"
	EvExecuted        EventKind = "executed"
	EvVerified        EventKind = "verified"
	EvSkipped         EventKind = "skipped"
	EvFailed          EventKind = "failed"
	EvBlocked         EventKind = "blocked"
	EvWaitingOperator EventKind = "waiting-operator" // Reason: the operator's instructions
	EvRunEnded        EventKind = "run-ended"        // Reason: the run status
	EvJournalRepaired EventKind = "journal-repaired" // Reason: what opening the journal changed (a torn line set aside, its mode tightened)
	EvDoneByWord      EventKind = "done-by-word"     // a person's step no API shows: done, by the operator's word
)

// Event is one stage of a run. Index is the 1-based plan step (0 for the
// run-level events).
type Event struct {
	Kind   EventKind
	RunID  string
	Index  int
	Step   steps.PlanStep
	Reason string
	Err    error
	Time   time.Time
}

// emit tells the observer. A reason quotes the org (a step's check names
// the account it found), and a title may come from a journal: both are
// cleaned here, where they become words for the CLI and the wizard.
func (x *Executor) emit(ev Event) {
	if x.Observer == nil {
		return
	}
	ev.RunID, ev.Time = x.Env.RunID, x.Env.Now()
	ev.Reason, ev.Step.Title = safetext.Clean(ev.Reason), safetext.Clean(ev.Step.Title)
	x.Observer(ev)
}

// stepRun is one step being carried out.
type stepRun struct {
	x   *Executor
	s   steps.PlanStep
	act Step
	out StepOutcome
}

func (r *stepRun) emit(kind EventKind, reason string, err error) {
	r.x.emit(Event{Kind: kind, Index: r.out.Index, Step: r.s, Reason: reason, Err: err})
}

// end journals the step's end and emits its terminal event. A non-nil
// error means the journal could not be written: the run must stop.
func (r *stepRun) end(status journal.StepStatus, reason string, err error) (StepOutcome, error) {
	r.out.Status, r.out.Reason, r.out.Outcome = status, safetext.Clean(reason), Outcome(r.s.Kind, status)
	if err != nil {
		r.out.Error = safetext.Clean(r.x.Env.Journal.Redact(err.Error()))
	}
	if _, werr := r.x.Env.write(journal.Record{Type: journal.RecStepEnd, Status: string(status), Reason: reason, Error: r.out.Error}); werr != nil {
		r.out.Status, r.out.Outcome = journal.StepFailed, Outcome(r.s.Kind, journal.StepFailed)
		return r.out, werr
	}
	switch status {
	case journal.StepSkipped:
		r.emit(EvSkipped, reason, nil)
	case journal.StepFailed:
		r.emit(EvFailed, reason, err)
	case journal.StepBlocked:
		r.emit(EvBlocked, reason, nil)
	case journal.StepWaiting:
		r.emit(EvWaitingOperator, reason, err)
	case journal.StepOperator:
		r.emit(EvDoneByWord, reason, nil)
	}
	return r.out, nil
}

// step carries out one plan step. prior is where an earlier session left
// it; pending are that session's intents for it with no outcome.
func (x *Executor) step(ctx context.Context, out StepOutcome, s steps.PlanStep, prior journal.StepState, pending []journal.Record) (StepOutcome, error) {
	env := x.Env
	act := x.Registry[s.ID]
	env.cur = stepRef{index: out.Index, id: s.ID, kind: s.Kind, calls: act.Calls(s)}
	defer func() { env.cur = stepRef{} }()
	r := &stepRun{x: x, s: s, act: act, out: out}
	if _, err := env.write(journal.Record{Type: journal.RecStepStart, Step: s.ID}); err != nil {
		r.out.Status = journal.StepFailed
		return r.out, err
	}
	r.emit(EvStepStarted, "", nil)
	if err := ctx.Err(); err != nil {
		return r.end(journal.StepFailed, "interrupted before it began", err)
	}
	if prior.Status == journal.StepWaiting {
		return r.verifyOperator(ctx, prior)
	}

	pre, err, jerr := r.check(ctx, pending)
	if jerr != nil {
		return r.out, jerr
	}
	if err != nil || pre.State != Ready {
		return r.notReady(pre, err)
	}
	if s.Kind.Changes() {
		if ended, out, err := r.confirm(ctx); ended {
			return out, err
		}
	}
	r.emit(EvExecuting, "", nil)
	if err := r.act.Execute(ctx, env, s); err != nil {
		if ended, out, jerr := r.executeFailed(ctx, err); ended {
			return out, jerr
		}
	}
	r.emit(EvExecuted, "", nil)
	if err := r.act.Verify(ctx, env, s); err != nil {
		return r.end(journal.StepFailed, "verification failed", err)
	}
	return r.done("")
}

// done ends a step that was carried out: verified through the API, or, for
// a step no API can show (Unverifiable), done by the operator's word.
func (r *stepRun) done(reason string) (StepOutcome, error) {
	if _, ok := r.act.(Unverifiable); ok {
		return r.end(journal.StepOperator, "done, by the operator's word", nil)
	}
	r.emit(EvVerified, "", nil)
	return r.end(journal.StepDone, reason, nil)
}

// confirm asks the operator and journals the answer; anything but a yes
// ends the step as declined. When the answer took long, Check runs again
// before acting: the org may have changed while the prompt waited.
func (r *stepRun) confirm(ctx context.Context) (ended bool, out StepOutcome, err error) {
	env := r.x.Env
	asked := env.Now()
	why := ""
	if r.x.Confirm == nil {
		why = "no confirmation was possible (answer the prompt, or pass --yes)"
	} else if yes, err := r.x.Confirm(ctx, r.s); err != nil {
		why = "the confirmation was not given: " + env.Journal.Redact(err.Error())
	} else if !yes {
		why = "declined by the operator"
	}
	if why != "" {
		if _, err := env.write(journal.Record{Type: journal.RecConfirm, Status: "no", Reason: why}); err != nil {
			return true, r.out, err
		}
		r.emit(EvDeclined, why, nil)
		out, err := r.end(journal.StepDeclined, why, nil)
		return true, out, err
	}
	if _, err := env.write(journal.Record{Type: journal.RecConfirm, Status: "yes"}); err != nil {
		return true, r.out, err
	}
	r.emit(EvConfirmed, "", nil)
	if env.Now().Sub(asked) > recheckAfter {
		if pre, err, _ := r.check(ctx, nil); err != nil || pre.State != Ready {
			out, err := r.notReady(pre, err)
			return true, out, err
		}
	}
	return false, r.out, nil
}

// executeFailed ends the step after Execute's error, unless the error only
// says the answer was lost and the org, read back, shows the change made:
// then the step goes on to Verify. The change is never sent again here.
func (r *stepRun) executeFailed(ctx context.Context, err error) (ended bool, out StepOutcome, jerr error) {
	var (
		op *OperatorActionError
		ho *HandoffError
	)
	switch {
	case errors.As(err, &op):
		out, jerr = r.end(journal.StepWaiting, op.Instructions, nil)
		return true, out, jerr
	case errors.As(err, &ho):
		out, jerr = r.end(journal.StepWaiting, "waiting for "+ho.Who+": "+ho.Instructions, nil)
		return true, out, jerr
	case !isUncertainExec(err):
		out, jerr = r.end(journal.StepFailed, "the change failed", err)
		return true, out, jerr
	}
	pre, cerr, _ := r.check(ctx, nil)
	switch {
	case cerr != nil:
		out, jerr = r.end(journal.StepFailed, "the change's outcome is unknown and the org could not be read back; resume to check again", errors.Join(err, cerr))
	case pre.State == Blocked:
		out, jerr = r.notReady(pre, nil)
	case pre.State == Ready:
		out, jerr = r.end(journal.StepFailed, "the change's answer was lost and the org does not show it; resume to make it again", err)
	default:
		return false, r.out, nil
	}
	return true, out, jerr
}

// check runs the action's Check and, on a resumed run, settles the intents
// the interrupted session left without outcome, with what the org shows.
// jerr is a journal write failure: the run must stop.
func (r *stepRun) check(ctx context.Context, pending []journal.Record) (pre Precondition, err, jerr error) {
	pre, err = r.act.Check(ctx, r.x.Env, r.s)
	if err != nil {
		return pre, err, nil
	}
	for _, intent := range pending {
		why := "after the interruption the org shows this change made"
		if pre.State != AlreadyDone {
			why = "after the interruption the org does not show this change (" + pre.State.String() + ")"
		}
		if _, err := r.x.Env.write(journal.Record{Type: journal.RecOutcome, Step: intent.Step, Ref: intent.Seq, Status: journal.OutcomeSettled, Reason: why}); err != nil {
			return pre, nil, err
		}
	}
	why := pre.State.String()
	if pre.Reason != "" {
		why += ": " + pre.Reason
	}
	r.emit(EvChecked, why, nil)
	return pre, nil, nil
}

// notReady ends the step when Check did not answer Ready.
func (r *stepRun) notReady(pre Precondition, err error) (StepOutcome, error) {
	if err != nil {
		return r.end(journal.StepFailed, "could not check the org", err)
	}
	if pre.State == AlreadyDone {
		why := "already done"
		if pre.Reason != "" {
			why += ": " + pre.Reason
		}
		return r.end(journal.StepSkipped, why, nil)
	}
	return r.end(journal.StepBlocked, pre.Reason, nil)
}

// verifyOperator finishes a step the operator was asked to do in the IdP:
// the change is theirs, so the tool only verifies it. Until it shows, the
// run keeps waiting with the same instructions.
//
// When the org cannot be read at all, that is what the run reports: the
// step fails (a later resume checks the org again before anything else),
// rather than claiming the person has still to act.
func (r *stepRun) verifyOperator(ctx context.Context, prior journal.StepState) (StepOutcome, error) {
	if err := r.act.Verify(ctx, r.x.Env, r.s); err != nil {
		if client.IsUnreachable(err) {
			return r.end(journal.StepFailed, "the org could not be read to verify it; resume again once it can", err)
		}
		return r.end(journal.StepWaiting, prior.Reason, err)
	}
	return r.done("verified after the operator's change")
}
