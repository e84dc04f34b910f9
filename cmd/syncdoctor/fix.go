package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/spf13/cobra"
)

type fixFlags struct {
	userFlags
	yes         bool
	dryRun      bool
	journal     string
	outSnapshot string
	note        string
}

func newFixCommand(a *app) *cobra.Command {
	var f fixFlags
	cmd := &cobra.Command{
		Use:   "fix",
		Short: "Diagnose one user, then carry out the fix plan step by step, verifying each",
		Long: `fix diagnoses as diagnose does, then carries out the plan: each step re-checks the
org right before it acts, acts, and verifies. Every change is journaled before it is
made and after it returns. Against a live org an IdP step stops the run (exit 3) and
says what to do in the IdP; run "syncdoctor resume" once it is done. On a simulated
org (--snapshot, or the demo org) the simulated IdP carries IdP steps out.`,
		Example: `  syncdoctor fix --user yuki.tanaka@acme.com --target yuki.t@acme.com --dry-run
  syncdoctor fix --snapshot org.json --user yuki.tanaka@acme.com --target yuki.t@acme.com --yes --out-snapshot after.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runFix(cmd.Context(), a, f)
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&f.yes, "yes", false, "confirm every step (the org is changed)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "list every HTTP call the fix would make, and make none")
	fl.StringVar(&f.journal, "journal", "", "the journal file (default: in your state directory)")
	fl.StringVar(&f.outSnapshot, "out-snapshot", "", "with --snapshot: write the org's state after the run to this file")
	fl.StringVar(&f.note, "note", "", "write the ticket note (Markdown) to this file")
	return cmd
}

func (f fixFlags) validate() error {
	switch {
	case f.yes == f.dryRun:
		return errors.New("fix changes the org: pass --yes to carry out the plan, or --dry-run to list its calls")
	case f.outSnapshot != "" && f.snapshot == "":
		return errors.New("--out-snapshot needs --snapshot: only a simulated org can be written out")
	}
	return nil
}

func runFix(ctx context.Context, a *app, f fixFlags) error {
	if err := f.validate(); err != nil {
		return badInput(err)
	}
	req, err := f.request()
	if err != nil {
		return err
	}
	if err := checkOutputs(output{"--note", f.note}, output{"--out-snapshot", f.outSnapshot}); err != nil {
		return err
	}
	journalPath, runID, org, err := openRunOrg(ctx, a, f.journal, f.snapshot, f.dryRun)
	if err != nil {
		return err
	}
	defer org.Close()
	d, err := diagnose.Diagnose(ctx, org.Client, req, org.Hints, nil)
	if err != nil {
		return diagnosisError(err)
	}
	out := progressWriter(a, f.json)
	if !f.json {
		printSimulated(out, org, f.snapshot)
		printDiagnosis(out, d)
		fmt.Fprintln(out)
	}
	if len(d.Plan) == 0 {
		fmt.Fprintf(out, "Nothing to carry out for verdict %s.\n", d.Verdict)
		if f.outSnapshot != "" {
			return writeSnapshot(org, f.outSnapshot)
		}
		return nil
	}
	header := journal.RunHeader{
		RunID: runID, Org: org.Client.OrgID(), Mode: org.Mode, User: cmp.Or(d.User.Email, req.User), UserAccountID: d.User.AccountID,
		Target: d.Target, Verdict: d.Verdict, Plan: d.Plan, Tool: strings.TrimPrefix(versionString(), "syncdoctor "), OrgState: org.StatePath,
	}
	note := d.NoteInput()
	header.Note = &note
	ro := runOutput{json: f.json, dryRun: f.dryRun, journal: journalPath, note: f.note, outSnapshot: f.outSnapshot}
	return ro.carryOut(ctx, a, org, d,
		func(s *run.Session) (*run.Result, error) { return s.Start(ctx, header) },
		func(s *run.Session) (*run.Result, error) { return s.DryRun(header, nil) })
}

// progressWriter is where a run's progress goes: stdout for people, stderr
// when stdout carries JSON.
func progressWriter(a *app, asJSON bool) io.Writer {
	if asJSON {
		return a.stderr
	}
	return a.stdout
}

func journalPathOrDefault(path string) (string, error) {
	if path != "" {
		return path, nil
	}
	p, err := journal.DefaultPath()
	if err != nil {
		return "", fmt.Errorf("find the journal's directory: %w (name one with --journal)", err)
	}
	return p, nil
}
