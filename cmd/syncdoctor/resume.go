package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/spf13/cobra"
)

type resumeFlags struct {
	journal     string
	run         string
	yes         bool
	dryRun      bool
	json        bool
	outSnapshot string
	note        string
}

func newResumeCommand(a *app) *cobra.Command {
	var f resumeFlags
	cmd := &cobra.Command{
		Use:   "resume",
		Short: "Finish an interrupted or waiting fix from the journal, without repeating a change already made",
		Long: `resume finds the last unfinished run in the journal (or the one --run names) and goes
on: steps already finished are passed over, and the first unfinished step re-checks the
org first, so a change that landed before the interruption is seen and not made again.
A step that waited for you in the IdP is verified.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runResume(cmd.Context(), a, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.journal, "journal", "", "the journal file (default: in your state directory)")
	fl.StringVar(&f.run, "run", "", "the run id (or a prefix of it); default: the last unfinished run")
	fl.BoolVar(&f.yes, "yes", false, "confirm every remaining step (the org is changed)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "list the calls of the remaining steps, and make none")
	fl.BoolVar(&f.json, "json", false, "print the executed steps and their outcomes as JSON")
	fl.StringVar(&f.outSnapshot, "out-snapshot", "", "for a run on a simulated org: write the org's state after the run to this file")
	fl.StringVar(&f.note, "note", "", "write the ticket note (Markdown) to this file")
	return cmd
}

func runResume(ctx context.Context, a *app, f resumeFlags) error {
	if f.yes == f.dryRun {
		return badInput(errors.New("resume changes the org: pass --yes to go on, or --dry-run to list the remaining calls"))
	}
	if err := checkOutputs(output{"--note", f.note}, output{"--out-snapshot", f.outSnapshot}); err != nil {
		return err
	}
	journalPath, err := journalPathOrDefault(f.journal)
	if err != nil {
		return err
	}
	if err := checkJournalPath(journalPath); err != nil {
		return err
	}
	picked, err := pickRun(journalPath, f.run)
	if err != nil {
		return err
	}
	if f.outSnapshot != "" && picked.Header.Mode == steps.ModeLive {
		return badInput(fmt.Errorf("--out-snapshot: run %s works on a live org; only a simulated org can be written out", picked.Header.RunID))
	}
	org, err := openOrgForResume(ctx, a, picked.Header)
	if err != nil {
		return err
	}
	defer org.Close()
	if !f.json {
		printSimulated(a.stdout, org, "")
	}
	if picked.Header.Bulk != nil {
		return resumeBulk(ctx, a, org, journalPath, picked, f)
	}
	ro := runOutput{json: f.json, dryRun: f.dryRun, journal: journalPath, note: f.note, outSnapshot: f.outSnapshot}
	return ro.carryOut(ctx, a, org, nil,
		func(s *run.Session) (*run.Result, error) { return s.Resume(ctx, picked.Header.RunID) },
		func(s *run.Session) (*run.Result, error) { return s.DryRun(picked.Header, picked.Steps) })
}

// pickRun finds the run to resume: the one named, or the last unfinished.
func pickRun(journalPath, id string) (*journal.RunLog, error) {
	runs, err := readRuns(journalPath)
	if err != nil {
		return nil, err
	}
	if id != "" {
		run, err := journal.FindRun(runs, id)
		if err != nil {
			return nil, badInput(err)
		}
		if !run.Unfinished() {
			return nil, fmt.Errorf("run %s already completed: nothing to resume", run.Header.RunID)
		}
		return run, nil
	}
	run := journal.Offered(runs)
	if run == nil {
		return nil, fmt.Errorf("no run to resume in %s (runs dismissed, or stopped before any change, are not offered: name one with --run)", journalPath)
	}
	return run, nil
}
