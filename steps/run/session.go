package run

import (
	"context"
	"errors"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// Org is an open org: what a run reads and changes it through, whichever
// mode it came from. cmd/ opens it; the CLI and the wizard both use it.
type Org struct {
	Client *client.Client
	Hints  steps.Hints
	Mode   steps.Mode
	// Name is the org's name, "" when unknown (a live org is known by id).
	Name string
	// IdP and Console are the simulated IdP and admin console of a
	// simulated org; nil against a live org, where the operator acts.
	IdP     IdP
	Console Console
	// StatePath is where a simulated org keeps its state after every change
	// ("" in memory, or live), so that a run on it can be resumed.
	StatePath string
	// Secrets are the keys the org was opened with: never journaled.
	Secrets *journal.Secrets
	// Export is the simulated org's current state as a snapshot; nil live.
	Export func() ([]byte, error)
	// Close ends what opening the org started (an in-process simulator).
	Close func()
}

// Simulated reports whether nothing real is changed on this org.
func (o *Org) Simulated() bool { return o != nil && o.Mode.Simulated() }

// Ref names the org in reports (contract §2 "org").
func (o *Org) Ref() steps.OrgRef {
	return steps.OrgRef{ID: o.Client.OrgID(), Name: o.Name, Mode: o.Mode}
}

// Label names the org for people: "Acme Corp (demo)", "org 8f3c...".
func (o *Org) Label() string {
	if o.Name == "" {
		return "org " + o.Client.OrgID()
	}
	return o.Name + " (" + string(o.Mode) + ")"
}

// Hooks are how a view takes part in a run: it answers the questions and
// follows the events. Both are called synchronously on the run's
// goroutine, in order (terraform's Hooks, for one operation and two views).
type Hooks struct {
	// Confirm asks before every step that is not a check. Nil: every
	// change is declined. An error counts as a no.
	Confirm func(ctx context.Context, s steps.PlanStep) (bool, error)
	// Observe sees every stage of the run; may be nil.
	Observe func(Event)
}

// Session is one way of carrying out a run, for the CLI and the wizard
// alike: it opens the journal, builds the executor with the registry of
// fix steps and the org's simulated IdP and console, starts or resumes the
// run, and writes its ticket note.
type Session struct {
	Org      *Org
	Journal  string   // the journal's path
	Registry Registry // the fix steps
	Hooks    Hooks
	// Clock is the time source (nil: time.Now); Patience how long a step's
	// verification waits for a change to show (zero: DefaultPatience).
	Clock    func() time.Time
	Patience Patience
}

// Start carries out a new run: the header's plan, journaled under the
// header (a run id is made when it has none).
func (s *Session) Start(ctx context.Context, h journal.RunHeader) (*Result, error) {
	return s.carryOut(func(x *Executor) (*Result, error) { return x.Start(ctx, h) })
}

// Resume goes on with the run runID (a prefix is enough) from where the
// journal says it stopped.
func (s *Session) Resume(ctx context.Context, runID string) (*Result, error) {
	return s.carryOut(func(x *Executor) (*Result, error) {
		r, err := journal.FindRunIn(s.Journal, runID)
		if err != nil {
			return nil, err
		}
		return x.Resume(ctx, r)
	})
}

// DryRun lists the calls of every step of the plan not yet finished in
// prior (nil for a new run), and does nothing else: no journal, no prompt,
// no HTTP.
func (s *Session) DryRun(h journal.RunHeader, prior []journal.StepState) (*Result, error) {
	x := &Executor{Env: s.env(nil), Registry: s.Registry, DryRun: true}
	if prior == nil {
		return x.Start(context.Background(), h)
	}
	return x.Resume(context.Background(), &journal.RunLog{Header: h, Steps: prior})
}

// Note is the ticket note of a run, read back from the journal as it
// stands now, with what the diagnosis adds (in may be empty).
func (s *Session) Note(runID string, in journal.NoteInput) (string, error) {
	r, err := journal.FindRunIn(s.Journal, runID)
	if err != nil {
		return "", err
	}
	return journal.TicketNote(r, in, s.secrets()), nil
}

// carryOut opens the journal (taking its lock), runs act and closes it.
// What opening changed in the journal (a torn last line set aside, its mode
// tightened) is told as events first.
func (s *Session) carryOut(act func(*Executor) (*Result, error)) (*Result, error) {
	if s.Org == nil {
		return nil, errors.New("no org to work on")
	}
	j, err := journal.Open(s.Journal, s.secrets())
	if err != nil {
		return nil, err
	}
	defer j.Close()
	x := &Executor{Env: s.env(j), Registry: s.Registry, Confirm: s.Hooks.Confirm, Observer: s.Hooks.Observe}
	for _, n := range j.Notices() {
		x.emit(Event{Kind: EvJournalRepaired, Reason: n})
	}
	return act(x)
}

func (s *Session) env(j *journal.Journal) *Env {
	return &Env{Client: s.Org.Client, IdP: s.Org.IdP, Console: s.Org.Console, Journal: j, Clock: s.Clock, Patience: s.Patience}
}

func (s *Session) secrets() *journal.Secrets {
	if s.Org == nil {
		return nil
	}
	return s.Org.Secrets
}
