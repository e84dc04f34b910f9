package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/fixes"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// openRunOrg readies a new run of fix or bulk apply: its journal (the
// default when none is named), checked before anything changes; its run
// id; and the org, whose simulated state (--snapshot) is kept beside the
// journal under that id, except on a dry run, which writes nothing.
func openRunOrg(ctx context.Context, a *app, journalFlag, snapshot string, dryRun bool) (journalPath, runID string, org *run.Org, err error) {
	journalPath, err = journalPathOrDefault(journalFlag)
	if err != nil {
		return "", "", nil, err
	}
	if err := checkJournalPath(journalPath); err != nil {
		return "", "", nil, err
	}
	runID = run.NewRunID()
	statePath := orgStatePath(journalPath, runID)
	if dryRun {
		statePath = ""
	}
	org, err = openOrgWith(ctx, a, snapshot, statePath)
	if err != nil {
		return "", "", nil, err
	}
	return journalPath, runID, org, nil
}

// orgStatePath is where a simulated org's state is kept for one run, beside
// the journal: the in-process simulator writes it after every change, so a
// run on a simulated org that is killed can be resumed on the org as the
// kill left it, as a live org would be.
func orgStatePath(journalPath, runID string) string {
	return filepath.Join(filepath.Dir(journalPath), "orgs", runID+".json")
}

// openOrgForResume reopens the org a journaled run worked on.
func openOrgForResume(ctx context.Context, a *app, h journal.RunHeader) (*run.Org, error) {
	if h.Mode == steps.ModeLive {
		org, err := openOrg(ctx, a, "")
		if err != nil {
			return nil, err
		}
		if org.Mode != steps.ModeLive || org.Client.OrgID() != h.Org {
			org.Close()
			return nil, fmt.Errorf("run %s was made on org %s: set ATLASSIAN_ORG_ID and its keys to resume it", h.RunID, h.Org)
		}
		return org, nil
	}
	if h.OrgState == "" {
		return nil, fmt.Errorf("run %s was made on a simulated org whose state was not kept: it cannot be resumed", h.RunID)
	}
	snap, err := fixtures.Load(h.OrgState)
	if err != nil {
		return nil, fmt.Errorf("the simulated org of run %s: %w", h.RunID, err)
	}
	return openSimulated(snap, h.Mode, h.OrgState, a.tuneClient)
}

// runOutput is what fix and resume were asked for about a run's output.
type runOutput struct {
	json, dryRun               bool
	journal, note, outSnapshot string
}

// session is the CLI's view of a run: --yes confirms every step, and the
// progress is printed a line per stage.
func (ro runOutput) session(a *app, org *run.Org) *run.Session {
	return &run.Session{
		Org: org, Journal: ro.journal, Registry: fixes.Registry(),
		Hooks: run.Hooks{Confirm: alwaysYes, Observe: eventPrinter(progressWriter(a, ro.json))},
	}
}

// carryOut lists a run's calls (--dry-run) or carries it out with --yes,
// journaling every change, then reports its end: the result, the ticket
// note, the org's state (--out-snapshot) and the exit status. act starts or
// resumes the run in the session; dry lists its calls.
func (ro runOutput) carryOut(ctx context.Context, a *app, org *run.Org, d *diagnose.Diagnosis, act func(*run.Session) (*run.Result, error), dry func(*run.Session) (*run.Result, error)) error {
	s := ro.session(a, org)
	if ro.dryRun {
		res, err := dry(s)
		if err != nil {
			return err
		}
		return printResult(a, ro.json, org, res)
	}
	res, runErr := act(s)
	if ro.outSnapshot != "" {
		if err := writeSnapshot(org, ro.outSnapshot); err != nil && runErr == nil {
			runErr = err
		}
	}
	if res == nil {
		return runErr
	}
	var in journal.NoteInput
	if d != nil {
		in = d.NoteInput()
	}
	note, err := s.Note(res.RunID, in)
	if err == nil && ro.note != "" {
		err = os.WriteFile(ro.note, []byte(note), 0o600)
	}
	if err != nil && runErr == nil {
		runErr = err
	}
	if perr := printResult(a, ro.json, org, res); perr != nil && runErr == nil {
		runErr = perr
	}
	if ctx.Err() != nil {
		return &interruptedError{err: fmt.Errorf("interrupted: run %s stopped at the step the journal %s names; go on with: syncdoctor resume --journal %s", res.RunID, res.Journal, res.Journal)}
	}
	if runErr != nil {
		return runErr
	}
	return runFailure(res)
}

// alwaysYes is the confirmation --yes gives to every step.
func alwaysYes(context.Context, steps.PlanStep) (bool, error) { return true, nil }

// eventPrinter shows a run's progress as it happens, one line per stage;
// titles and reasons name org data, and are cleaned.
func eventPrinter(w io.Writer) func(run.Event) {
	return func(ev run.Event) {
		s := ev.Step
		s.Title, ev.Reason = safetext.Clean(s.Title), safetext.Clean(ev.Reason)
		switch ev.Kind {
		case run.EvJournalRepaired:
			fmt.Fprintln(w, ev.Reason)
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
		case run.EvDoneByWord:
			fmt.Fprintln(w, "   done, by the operator's word (no API can show it)")
		case run.EvBlocked:
			fmt.Fprintf(w, "   blocked: %s\n", ev.Reason)
		case run.EvDeclined:
			fmt.Fprintln(w, "   declined")
		case run.EvWaitingOperator:
			if s.Kind == steps.KindHandoff {
				fmt.Fprintf(w, "   handed off, %s\n", ev.Reason)
			} else {
				fmt.Fprintf(w, "   waiting for you: %s\n", ev.Reason)
			}
		case run.EvFailed:
			fmt.Fprintf(w, "   failed: %s\n", safetext.Clean(fmt.Sprint(ev.Err)))
		}
	}
}

// printResult prints how a run ended: JSON (--json, with the org), the
// calls of a dry run, or a closing line.
func printResult(a *app, asJSON bool, org *run.Org, res *run.Result) error {
	if asJSON {
		var v any = res
		if res.Status == journal.StatusDryRun {
			v = struct {
				Plan []run.StepOutcome `json:"plan"`
			}{res.Steps}
		}
		data, err := json.MarshalIndent(v, "", "  ")
		if err == nil {
			data, err = withOrg(data, org.Ref())
		}
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.stdout, "%s\n", data)
		return err
	}
	if res.Status == journal.StatusDryRun {
		fmt.Fprintln(a.stdout, "Dry run: these calls would be made (none was):")
		for _, st := range res.Steps {
			fmt.Fprintf(a.stdout, "%d. [%s] %s\n", st.Index, st.Kind, safetext.Clean(st.Title))
			for _, c := range st.Calls {
				line := c.Method + " " + c.Path
				if c.Body != "" {
					line += " " + c.Body
				}
				if c.Note != "" {
					line += "   (" + c.Note + ")"
				}
				fmt.Fprintf(a.stdout, "     %s\n", safetext.Clean(line))
			}
		}
		return nil
	}
	fmt.Fprintf(a.stdout, "\nRun %s: %s. Journal: %s\n", res.RunID, res.Status, safetext.Clean(res.Journal))
	switch {
	case res.Fixed:
		fmt.Fprintln(a.stdout, "Fixed: the API shows the account with its new email.")
	case res.Status == journal.StatusCompleted:
		fmt.Fprintln(a.stdout, "Not fixed: the plan is done, but nothing shows the account with its new email.")
	}
	return nil
}

// waitingFor says which step waits, and for whom.
func waitingFor(res *run.Result) string {
	for _, st := range res.Steps {
		if st.Status != journal.StepWaiting {
			continue
		}
		who := "you, in the IdP"
		switch st.Kind {
		case steps.KindConsole:
			who = "you, in admin.atlassian.com"
		case steps.KindHandoff:
			who = "someone this tool cannot act for"
		}
		return fmt.Sprintf("step %d (%s) waits for %s (what to do is above)", st.Index, st.ID, who)
	}
	return "a step waits (see above)"
}

// runFailure maps a run that did not complete to exit 1 with a one-line reason.
func runFailure(res *run.Result) error {
	switch res.Status {
	case journal.StatusCompleted, journal.StatusDryRun:
		return nil
	case journal.StatusWaitingOperator:
		return &waitingError{msg: fmt.Sprintf("run %s stopped for a person: %s; once it is done, run: syncdoctor resume --journal %s", res.RunID, waitingFor(res), res.Journal)}
	default:
		reason := res.Reason
		if reason == "" {
			reason = string(res.Status)
		}
		return fmt.Errorf("run %s stopped (%s): %s; the journal %s says where; finish it with syncdoctor resume", res.RunID, res.Status, reason, res.Journal)
	}
}
