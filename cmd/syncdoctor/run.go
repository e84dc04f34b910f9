package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/fixes"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/fixtures/simorg"
	"github.com/syncdoctor/syncdoctor/steps"
)

// orgStatePath is where a simulated org's state is kept for one run, beside
// the journal: the in-process simulator writes it after every change, so a
// run on a simulated org that is killed can be resumed on the org as the
// kill left it, as a live org would be.
func orgStatePath(journalPath, runID string) string {
	return filepath.Join(filepath.Dir(journalPath), "orgs", runID+".json")
}

// openOrgForResume reopens the org a journaled run worked on.
func openOrgForResume(ctx context.Context, getenv func(string) string, h journal.RunHeader) (*orgConn, error) {
	if h.Mode == steps.ModeLive {
		org, err := openOrg(ctx, getenv, "")
		if err != nil {
			return nil, err
		}
		if org.Mode != steps.ModeLive || org.Client.OrgID() != h.Org {
			org.Close()
			return nil, fmt.Errorf("run %s was made on org %s: set ATLASSIAN_ORG_ID and its keys to resume it", h.RunID, h.Org)
		}
		return org, nil
	}
	statePath := h.OrgState
	if statePath == "" {
		return nil, fmt.Errorf("run %s was made on a simulated org whose state was not kept: it cannot be resumed", h.RunID)
	}
	snap, err := fixtures.Load(statePath)
	if err != nil {
		return nil, fmt.Errorf("the simulated org of run %s: %w", h.RunID, err)
	}
	return serveSnapshot(snap, h.Mode, statePath)
}

// statePath is where a simulated org keeps its state ("" for a live org).
func (o *orgConn) statePath() string { return o.state }

// runOutput is what fix and resume were asked for about a run's output.
type runOutput struct {
	json, dryRun               bool
	journal, note, outSnapshot string
}

// carryOut lists a run's calls (--dry-run) or carries it out with --yes,
// journaling every change, then reports its end. act starts or resumes it.
func (o *orgConn) carryOut(a *app, ro runOutput, d *diagnose.Diagnosis, act func(*run.Executor) (*run.Result, error)) error {
	out := progressWriter(a, ro.json)
	if ro.dryRun {
		res, err := act(o.executor(nil, nil, out))
		if err != nil {
			return err
		}
		return printResult(a, ro.json, res)
	}
	j, err := journal.OpenJournal(ro.journal)
	if err != nil {
		return err
	}
	defer j.Close()
	if torn := j.Torn(); torn != nil {
		fmt.Fprintf(out, "The journal's last line (line %d) was cut off by an interruption; it was never acted on and is set aside.\n", torn.Line)
	}
	res, runErr := act(o.executor(j, alwaysYes, out))
	return o.closeRun(a, ro.json, ro.note, ro.outSnapshot, d, res, runErr)
}

// executor builds the executor of a run; a nil journal makes a dry run.
func (o *orgConn) executor(j *journal.Journal, confirm func(context.Context, steps.PlanStep) (bool, error), out io.Writer) *run.Executor {
	env := &run.Env{Client: o.Client, Journal: j}
	if o.sim != nil {
		env.IdP = simorg.IdP(o.sim)
		env.Console = simorg.Console(o.sim)
	}
	return &run.Executor{Env: env, Registry: fixes.Actions(), Confirm: confirm, Observer: eventPrinter(out), DryRun: j == nil}
}

// eventPrinter shows a run's progress as it happens, one line per stage.
func eventPrinter(w io.Writer) func(run.Event) {
	return func(ev run.Event) {
		s := ev.Step
		switch ev.Kind {
		case run.EvRunResumed:
			fmt.Fprintf(w, "Resuming run %s\n", ev.RunID)
		case run.EvStepStarted:
			fmt.Fprintf(w, "%d. [%s] %s\n", ev.Index, s.Kind, s.Title)
		case run.EvChecked:
			if ev.Reason != "" {
				fmt.Fprintf(w, "   check: %s\n", ev.Reason)
			}
		case run.EvSkipped:
			fmt.Fprintf(w, "   skipped: %s\n", ev.Reason)
		case run.EvExecuted:
			fmt.Fprintln(w, "   done")
		case run.EvVerified:
			fmt.Fprintln(w, "   verified")
		case run.EvBlocked:
			fmt.Fprintf(w, "   blocked: %s\n", ev.Reason)
		case run.EvDeclined:
			fmt.Fprintln(w, "   declined")
		case run.EvWaitingOperator:
			fmt.Fprintf(w, "   waiting for you: %s\n", ev.Reason)
		case run.EvFailed:
			fmt.Fprintf(w, "   failed: %v\n", ev.Err)
		}
	}
}

// printResult prints how a run ended: JSON (--json), the calls of a dry run,
// or a closing line.
func printResult(a *app, asJSON bool, res *run.Result) error {
	if asJSON {
		data, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.stdout, "%s\n", data)
		return err
	}
	if res.Status == journal.StatusDryRun {
		fmt.Fprintln(a.stdout, "Dry run: these calls would be made (none was):")
		for _, st := range res.Steps {
			fmt.Fprintf(a.stdout, "%d. [%s] %s\n", st.Index, st.Kind, st.Title)
			for _, c := range st.Calls {
				line := c.Method + " " + c.Path
				if c.Body != "" {
					line += " " + c.Body
				}
				if c.Note != "" {
					line += "   (" + c.Note + ")"
				}
				fmt.Fprintf(a.stdout, "     %s\n", line)
			}
		}
		return nil
	}
	fmt.Fprintf(a.stdout, "\nRun %s: %s. Journal: %s\n", res.RunID, res.Status, res.Journal)
	return nil
}

// ticketNote reads the run back from the journal and writes its note.
func ticketNote(journalPath, runID string, d *diagnose.Diagnosis) (string, error) {
	runs, err := journal.ReadRuns(journalPath)
	if err != nil {
		return "", err
	}
	run, err := journal.FindRun(runs, runID)
	if err != nil {
		return "", err
	}
	var in journal.NoteInput
	if d != nil {
		in = d.NoteInput()
	}
	return journal.TicketNote(run, in), nil
}
