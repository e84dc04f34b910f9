package tui

import (
	"context"
	"errors"
	"time"

	"github.com/syncdoctor/syncdoctor/steps/fixes"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"

	tea "charm.land/bubbletea/v2"

	"github.com/syncdoctor/syncdoctor/steps"
)

// The bridge between the executor, which runs on a Cmd's goroutine and
// calls back synchronously (Confirm, Observer), and the UI, which only
// hears messages. Every callback turns into a message on one channel, so
// the UI sees events and questions in the order the executor made them.

// runRequest is one session of a run: a new run (header) or an existing
// one to go on with (resumeID).
type runRequest struct {
	org      *Org
	journal  string
	header   *journal.RunHeader
	resumeID string
	note     journal.NoteInput
	now      func() time.Time
}

// runCmd carries out the run under ctx (cancelled when the operator quits
// mid-fix) and delivers its messages under deliver (the wizard's own
// context), so that the run's end still reaches a quitting wizard.
func runCmd(ctx, deliver context.Context, req runRequest, seq int, ch chan<- tea.Msg) tea.Cmd {
	return func() tea.Msg {
		defer close(ch)
		send := sender(deliver, ch)
		done := runDoneMsg{seq: seq}
		done.res, done.err = execute(ctx, req, seq, send)
		if done.res != nil {
			done.note, done.noteErr = readNote(req.journal, done.res.RunID, req.note)
		}
		send(done)
		return nil
	}
}

func execute(ctx context.Context, req runRequest, seq int, send func(tea.Msg)) (*run.Result, error) {
	j, err := journal.OpenJournal(req.journal)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	env := &run.Env{Client: req.org.Client, IdP: req.org.IdP, Console: req.org.Console, Journal: j, Clock: req.now}
	b := &bridge{env: env, org: req.org, seq: seq, send: send}
	x := &run.Executor{Env: env, Registry: fixes.Actions(), Confirm: b.confirm, Observer: b.observe}
	if req.header != nil {
		return x.Start(ctx, *req.header)
	}
	run, err := findRun(req.journal, req.resumeID)
	if err != nil {
		return nil, err
	}
	return x.Resume(ctx, run)
}

// findRun reads one run back from the journal, as it stands now.
func findRun(path, runID string) (*journal.RunLog, error) {
	runs, err := journal.ReadRuns(path)
	if err != nil {
		return nil, err
	}
	return journal.FindRun(runs, runID)
}

// readNote reads the run back from the journal for its ticket note.
func readNote(path, runID string, in journal.NoteInput) (string, error) {
	run, err := findRun(path, runID)
	if err != nil {
		return "", err
	}
	return journal.TicketNote(run, in), nil
}

// bridge holds what the executor's callbacks share. Only the executor's
// goroutine touches it (callbacks are synchronous), so it needs no lock.
type bridge struct {
	env   *run.Env
	org   *Org
	seq   int
	send  func(tea.Msg)
	hands *hands
}

// confirm asks the UI and waits for the answer, or for the run to end.
// On a simulated org the operator may choose to do an IdP step "by hand":
// the step then pauses with the instructions until they say it is done.
func (b *bridge) confirm(ctx context.Context, s steps.PlanStep) (bool, error) {
	reply := make(chan confirmReply, 1) // the UI's answer never blocks it
	b.send(confirmAskMsg{seq: b.seq, step: s, reply: reply})
	select {
	case r := <-reply:
		if r.manual && b.org.IdP != nil {
			b.hands = &hands{step: s, seq: b.seq, send: b.send}
			b.env.IdP = handIdP{inner: b.org.IdP, h: b.hands}
			if b.org.Console != nil {
				b.env.Console = handConsole{inner: b.org.Console, h: b.hands}
			}
		}
		return r.yes, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// observe passes every event on; a new step starts with the org's own IdP.
func (b *bridge) observe(ev run.Event) {
	if ev.Kind == run.EvStepStarted {
		b.env.IdP, b.env.Console, b.hands = b.org.IdP, b.org.Console, nil
	}
	b.send(runEventMsg{seq: b.seq, ev: ev})
}

// errStoppedByOperator ends a step the operator stopped before doing it.
var errStoppedByOperator = errors.New("stopped by the operator before doing it in the IdP; resume to try again")

// hands is the operator's turn on a simulated org: the first IdP (or
// console) call of the step waits for them, then the simulated IdP does
// what they would have done, so the step's own verification follows.
type hands struct {
	step   steps.PlanStep
	seq    int
	send   func(tea.Msg)
	waited bool
}

func (h *hands) wait(ctx context.Context) error {
	if h.waited {
		return nil
	}
	h.waited = true
	done := make(chan bool, 1)
	h.send(handsMsg{seq: h.seq, step: h.step, done: done})
	select {
	case ok := <-done:
		if !ok {
			return errStoppedByOperator
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type handIdP struct {
	inner run.IdP
	h     *hands
}

func (p handIdP) Provision(ctx context.Context, id string) (run.IdpReport, error) {
	if err := p.h.wait(ctx); err != nil {
		return run.IdpReport{}, err
	}
	return p.inner.Provision(ctx, id)
}

func (p handIdP) RemoveFromGroups(ctx context.Context, id string) (run.IdpReport, error) {
	if err := p.h.wait(ctx); err != nil {
		return run.IdpReport{}, err
	}
	return p.inner.RemoveFromGroups(ctx, id)
}

func (p handIdP) AddToGroups(ctx context.Context, id string) (run.IdpReport, error) {
	if err := p.h.wait(ctx); err != nil {
		return run.IdpReport{}, err
	}
	return p.inner.AddToGroups(ctx, id)
}

func (p handIdP) Delete(ctx context.Context, id string) (run.IdpReport, error) {
	if err := p.h.wait(ctx); err != nil {
		return run.IdpReport{}, err
	}
	return p.inner.Delete(ctx, id)
}

// FindUser is a lookup, not the operator's act: it passes straight on.
func (p handIdP) FindUser(ctx context.Context, email string) (string, error) {
	if f, ok := p.inner.(fixes.IdpUserFinder); ok {
		return f.FindUser(ctx, email)
	}
	return "", nil
}

type handConsole struct {
	inner run.Console
	h     *hands
}

func (c handConsole) VerifyDomain(ctx context.Context, domain string) error {
	if err := c.h.wait(ctx); err != nil {
		return err
	}
	return c.inner.VerifyDomain(ctx, domain)
}

func (c handConsole) ClaimAccount(ctx context.Context, id string) error {
	if err := c.h.wait(ctx); err != nil {
		return err
	}
	return c.inner.ClaimAccount(ctx, id)
}

func (c handConsole) AlignSamlAttribute(ctx context.Context, id string) (run.IdpReport, error) {
	if err := c.h.wait(ctx); err != nil {
		return run.IdpReport{}, err
	}
	return c.inner.AlignSamlAttribute(ctx, id)
}
