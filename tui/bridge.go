package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/fixes"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

// The wizard's view of a run (the CLI's printer is the other): a
// run.Session whose hooks turn every callback into a message on one
// channel, so the UI sees events and questions in the order the executor
// made them, on the executor's goroutine.

// runRequest is one session of a run: a new run (header) or an existing
// one to go on with (resumeID).
type runRequest struct {
	org      *run.Org
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
		b := &bridge{seq: seq, send: send}
		s := &run.Session{
			Org: b.withHands(req.org), Journal: req.journal, Registry: fixes.Registry(), Clock: req.now,
			Hooks: run.Hooks{Confirm: b.confirm, Observe: b.observe},
		}
		done := runDoneMsg{seq: seq}
		if req.header != nil {
			done.res, done.err = s.Start(ctx, *req.header)
		} else {
			done.res, done.err = s.Resume(ctx, req.resumeID)
		}
		if done.res != nil {
			done.note, done.noteErr = s.Note(done.res.RunID, req.note)
		}
		send(done)
		return nil
	}
}

// bridge holds what the session's hooks share. Only the run's goroutine
// touches it (hooks are synchronous), so it needs no lock.
type bridge struct {
	seq   int
	send  func(tea.Msg)
	hands *hands // armed when the operator chose to do this step by hand
}

// withHands is org with its simulated IdP and console behind the
// operator's hands: when the operator chose to do a step themselves, its
// first IdP or console call waits for them. A live org has neither.
func (b *bridge) withHands(org *run.Org) *run.Org {
	o := *org
	if o.IdP != nil {
		o.IdP = handIdP{inner: org.IdP, b: b}
	}
	if o.Console != nil {
		o.Console = handConsole{inner: org.Console, b: b}
	}
	return &o
}

// confirm asks the UI and waits for the answer, or for the run to end.
// On a simulated org the operator may choose to do an IdP step "by hand":
// the step then pauses with the instructions until they say it is done.
func (b *bridge) confirm(ctx context.Context, s steps.PlanStep) (bool, error) {
	reply := make(chan confirmReply, 1) // the UI's answer never blocks it
	b.send(confirmAskMsg{seq: b.seq, step: s, reply: reply})
	select {
	case r := <-reply:
		if r.manual {
			b.hands = &hands{step: s, seq: b.seq, send: b.send}
		}
		return r.yes, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// observe passes every event on; a new step starts with the org's own
// simulated IdP.
func (b *bridge) observe(ev run.Event) {
	if ev.Kind == run.EvStepStarted {
		b.hands = nil
	}
	b.send(runEventMsg{seq: b.seq, ev: ev})
}

// wait holds the step's first IdP or console call until the operator says
// it is done by hand; it passes straight on when no hands are armed.
func (b *bridge) wait(ctx context.Context) error {
	if b.hands == nil {
		return nil
	}
	return b.hands.wait(ctx)
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
	b     *bridge
}

func (p handIdP) Provision(ctx context.Context, id string) (run.IdpReport, error) {
	if err := p.b.wait(ctx); err != nil {
		return run.IdpReport{}, err
	}
	return p.inner.Provision(ctx, id)
}

func (p handIdP) RemoveFromGroups(ctx context.Context, id string) (run.IdpReport, error) {
	if err := p.b.wait(ctx); err != nil {
		return run.IdpReport{}, err
	}
	return p.inner.RemoveFromGroups(ctx, id)
}

func (p handIdP) AddToGroups(ctx context.Context, id string) (run.IdpReport, error) {
	if err := p.b.wait(ctx); err != nil {
		return run.IdpReport{}, err
	}
	return p.inner.AddToGroups(ctx, id)
}

func (p handIdP) Delete(ctx context.Context, id string) (run.IdpReport, error) {
	if err := p.b.wait(ctx); err != nil {
		return run.IdpReport{}, err
	}
	return p.inner.Delete(ctx, id)
}

// FindUser is a lookup, not the operator's act: it passes straight on.
func (p handIdP) FindUser(ctx context.Context, email string) (string, error) {
	if f, ok := p.inner.(run.IdpUserFinder); ok {
		return f.FindUser(ctx, email)
	}
	return "", nil
}

type handConsole struct {
	inner run.Console
	b     *bridge
}

func (c handConsole) VerifyDomain(ctx context.Context, domain string) error {
	if err := c.b.wait(ctx); err != nil {
		return err
	}
	return c.inner.VerifyDomain(ctx, domain)
}

func (c handConsole) ClaimAccount(ctx context.Context, id string) error {
	if err := c.b.wait(ctx); err != nil {
		return err
	}
	return c.inner.ClaimAccount(ctx, id)
}

func (c handConsole) AlignSamlAttribute(ctx context.Context, id string) (run.IdpReport, error) {
	if err := c.b.wait(ctx); err != nil {
		return run.IdpReport{}, err
	}
	return c.inner.AlignSamlAttribute(ctx, id)
}
