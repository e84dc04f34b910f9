package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/safetext"

	"github.com/spf13/cobra"
)

func newBulkCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bulk",
		Short: "Carry out a bulk email change (rebrand, merger) and verify it",
		Long: `bulk apply carries out what "syncdoctor plan" shows for a target list: the holders of
conflicting targets parked on placeholders, then the emails that an admin can set, and a
worksheet for the IdP's admin for the rest. bulk verify reports where every row stands.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newBulkApplyCommand(a), newBulkVerifyCommand(a))
	return cmd
}

type bulkApplyFlags struct {
	snapshot    string
	targets     string
	yes, dryRun bool
	journal     string
	worksheet   string
	outSnapshot string
	json        bool
	batchSize   int
	pause       time.Duration
}

func newBulkApplyCommand(a *app) *cobra.Command {
	var f bulkApplyFlags
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Park the conflicts' holders, set the emails, and write the IdP admin's worksheet",
		Long: `apply plans TARGETS.csv as "syncdoctor plan" does and shows the whole plan: each holder of
a conflicting target moved to LOCALPART_FREE@DOMAIN (_FREE2, _FREE3, ... when taken), then
each email the user-management API can set. Nothing changes before --yes. Changes are made
a few at a time (429-aware), each journaled before and after, checked right before and read
back after; "syncdoctor resume" finishes a run that was cut off. Rows whose email the IdP owns
get a line per IdP attribute in the worksheet (--worksheet). Setting an email ends the
user's sessions: --batch-size and --pause spread the changes.

Exit 0 when every change was made, 3 when worksheet rows wait for the IdP's admin, 1 when
a change failed or was blocked, 2 on bad input.`,
		Example: `  syncdoctor bulk apply --targets rebrand.csv --dry-run
  syncdoctor bulk apply --targets rebrand.csv --yes --batch-size 50 --pause 2m --worksheet idp.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runBulkApply(cmd.Context(), a, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.snapshot, "snapshot", "", "work on the simulated org in this snapshot file")
	fl.StringVar(&f.targets, "targets", "", "the target list: CSV with header current_email,target_email (required)")
	fl.BoolVar(&f.yes, "yes", false, "confirm the whole plan (the org is changed)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "list every change and its call, and make none")
	fl.StringVar(&f.journal, "journal", "", "the journal file (default: in your state directory)")
	fl.StringVar(&f.worksheet, "worksheet", "", "where to write the IdP admin's worksheet (default: beside the target list, NAME.worksheet.csv)")
	fl.StringVar(&f.outSnapshot, "out-snapshot", "", "with --snapshot: write the org's state after the run to this file")
	fl.BoolVar(&f.json, "json", false, "print the plan (with --dry-run) or the run as JSON")
	fl.IntVar(&f.batchSize, "batch-size", 0, "pause after every N email changes (0: no pauses)")
	fl.DurationVar(&f.pause, "pause", 0, "how long to pause between batches, e.g. 30s or 2m")
	return cmd
}

func (f bulkApplyFlags) validate() error {
	switch {
	case f.targets == "":
		return errors.New("--targets FILE.csv is required")
	case f.yes == f.dryRun:
		return errors.New("bulk apply changes the org: pass --yes to carry out the plan, or --dry-run to list its changes")
	case f.outSnapshot != "" && f.snapshot == "":
		return errors.New("--out-snapshot needs --snapshot: only a simulated org can be written out")
	case f.batchSize < 0:
		return fmt.Errorf("--batch-size %d: want 0 or more", f.batchSize)
	case f.pause < 0:
		return fmt.Errorf("--pause %s: want 0 or more", f.pause)
	case f.pause > 0 && f.batchSize == 0:
		return errors.New("--pause needs --batch-size: the pause comes after every batch")
	}
	return nil
}

// worksheetPath is where the worksheet goes: as given, else beside the
// target list.
func (f bulkApplyFlags) worksheetPath() string {
	if f.worksheet != "" {
		return f.worksheet
	}
	return strings.TrimSuffix(f.targets, filepath.Ext(f.targets)) + ".worksheet.csv"
}

func runBulkApply(ctx context.Context, a *app, f bulkApplyFlags) error {
	if err := f.validate(); err != nil {
		return badInput(err)
	}
	rows, err := readTargets(f.targets)
	if err != nil {
		return err
	}
	outs := []output{{"--out-snapshot", f.outSnapshot}}
	if !f.dryRun { // a dry run writes no worksheet
		outs = append(outs, output{"--worksheet", f.worksheetPath()})
	}
	if err := checkOutputs(outs...); err != nil {
		return err
	}
	journalPath, runID, org, err := openRunOrg(ctx, a, f.journal, f.snapshot, f.dryRun)
	if err != nil {
		return err
	}
	defer org.Close()
	ap, err := planBulkApply(ctx, org, rows)
	if err != nil {
		return err
	}
	out := progressWriter(a, f.json)
	if !f.json {
		printSimulated(out, org, f.snapshot)
		printBulkPlan(out, ap.Plan)
		printBulkChanges(out, ap, f)
	}
	if f.dryRun {
		if f.json {
			return writeJSON(a.stdout, func() ([]byte, error) { return orgJSON(org, ap.dryRunJSON) })
		}
		return nil
	}
	targets, err := filepath.Abs(f.targets)
	if err != nil {
		return err
	}
	worksheet, err := filepath.Abs(f.worksheetPath())
	if err != nil {
		return err
	}
	if err := writeWorksheet(worksheet, ap.Worksheet); err != nil {
		return err
	}
	h := journal.RunHeader{
		RunID: runID, Started: time.Now(), Org: org.Client.OrgID(), Mode: org.Mode, Plan: ap.Changes.Steps,
		Tool: strings.TrimPrefix(versionString(), "syncdoctor "), OrgState: org.StatePath,
		Bulk: ap.Run(targets, worksheet, f.batchSize, f.pause),
	}
	return carryOutBulk(ctx, a, org, journalPath, f.json, f.outSnapshot, func(ap *bulk.Applier) (*bulk.ApplyResult, error) {
		ap.BatchSize, ap.Pause = f.batchSize, f.pause
		return ap.Start(ctx, h)
	})
}

// carryOutBulk runs (or resumes) a bulk apply with the journal open, shows
// its progress and end, writes the org out (--out-snapshot) and maps the
// end to the exit status.
func carryOutBulk(ctx context.Context, a *app, org *run.Org, journalPath string, asJSON bool, outSnapshot string, act func(*bulk.Applier) (*bulk.ApplyResult, error)) error {
	j, err := journal.Open(journalPath, org.Secrets)
	if err != nil {
		return err
	}
	defer j.Close()
	printNotices(progressWriter(a, asJSON), j)
	pr := newBulkProgress(progressWriter(a, asJSON))
	applier := &bulk.Applier{Client: org.Client, Journal: j, Progress: pr.show}
	res, runErr := act(applier)
	pr.finish()
	if outSnapshot != "" {
		if err := writeSnapshot(org, outSnapshot); err != nil && runErr == nil {
			runErr = err
		}
	}
	if res == nil {
		return runErr
	}
	if err := printBulkResult(a, asJSON, org, res); err != nil && runErr == nil {
		runErr = err
	}
	if ctx.Err() != nil {
		return &interruptedError{err: fmt.Errorf("interrupted: bulk run %s stopped part way; go on with: syncdoctor resume --journal %s", res.RunID, res.Journal)}
	}
	if runErr != nil {
		return runErr
	}
	return bulkExit(res)
}

// bulkExit maps a bulk run's end to contract §4b's exit status.
func bulkExit(res *bulk.ApplyResult) error {
	switch {
	case res.Failed() || res.Status != journal.StatusCompleted:
		return fmt.Errorf("bulk run %s: %s; the journal %s says which; once the cause is fixed, run syncdoctor resume", res.RunID, strings.TrimSuffix(res.Reason, "."), res.Journal)
	case res.Bulk != nil && res.Bulk.WorksheetRows > 0:
		return &waitingError{msg: fmt.Sprintf("bulk run %s: every change is made; %d worksheet lines wait for the IdP's admin (%s); then run syncdoctor bulk verify --targets %s",
			res.RunID, res.Bulk.WorksheetRows, res.Bulk.Worksheet, res.Bulk.Targets)}
	}
	return nil
}

func writeWorksheet(path string, lines []bulk.WorksheetLine) error {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("--worksheet: %w", err)
	}
	if err := bulk.WriteWorksheet(file, lines); err != nil {
		file.Close()
		return fmt.Errorf("writing the worksheet %s: %w", path, err)
	}
	return file.Close()
}

type bulkVerifyFlags struct {
	snapshot string
	targets  string
	journal  string
	json     bool
}

func newBulkVerifyCommand(a *app) *cobra.Command {
	var f bulkVerifyFlags
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Report where every row of a target list stands: done, pending (for the IdP), or failed",
		Long: `verify reads the org and reports each row of TARGETS.csv as done (the account has its
target), pending (with why: the IdP attribute is not changed yet, or a SAML JIT user has not
logged in since) or failed, and a summary. The last bulk apply of the same target list in
the journal tells which account each row is about. It changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runBulkVerify(cmd.Context(), a, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.snapshot, "snapshot", "", "work on the simulated org in this snapshot file")
	fl.StringVar(&f.targets, "targets", "", "the target list: CSV with header current_email,target_email (required)")
	fl.StringVar(&f.journal, "journal", "", "the journal file (default: in your state directory)")
	fl.BoolVar(&f.json, "json", false, "print JSON")
	return cmd
}

func runBulkVerify(ctx context.Context, a *app, f bulkVerifyFlags) error {
	if f.targets == "" {
		return badInput(errors.New("--targets FILE.csv is required"))
	}
	rows, err := readTargets(f.targets)
	if err != nil {
		return err
	}
	known, err := knownAccounts(f.journal, f.targets)
	if err != nil {
		return err
	}
	org, err := openOrg(ctx, a, f.snapshot)
	if err != nil {
		return err
	}
	defer org.Close()
	rep, err := bulk.Verify(ctx, org.Client, rows, bulk.Options{Setup: setup(org), Hints: org.Hints}, known)
	if err != nil {
		return err
	}
	if f.json {
		return writeJSON(a.stdout, func() ([]byte, error) { return orgJSON(org, func() ([]byte, error) { return jsonIndent(rep) }) })
	}
	printSimulated(a.stdout, org, f.snapshot)
	printVerify(a.stdout, rep)
	return nil
}

// knownAccounts maps each line of the target list to the account the last
// bulk apply of that list changed, from the journal; empty without one.
func knownAccounts(journalFlag, targets string) (map[int]string, error) {
	path, err := journalPathOrDefault(journalFlag)
	if err != nil {
		return nil, err
	}
	runs, err := journal.ReadRuns(path)
	if errors.Is(err, os.ErrNotExist) && journalFlag == "" {
		return map[int]string{}, nil // no journal yet: no apply to learn from
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil, badInput(fmt.Errorf("journal %s does not exist (name another with --journal, or leave it out)", path))
	}
	if err != nil {
		return nil, err
	}
	known := map[int]string{}
	for i := len(runs) - 1; i >= 0; i-- {
		h := runs[i].Header
		if h.Bulk == nil || !sameFile(h.Bulk.Targets, targets) {
			continue
		}
		for _, s := range h.Plan {
			if s.ID == bulkSetEmailID {
				known[s.Params.Line] = s.Params.AccountID
			}
		}
		break
	}
	return known, nil
}

func sameFile(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// resumeBulk finishes a bulk apply from the journal (resume --yes), or
// lists what is left of it (--dry-run).
func resumeBulk(ctx context.Context, a *app, org *run.Org, journalPath string, picked *journal.RunLog, f resumeFlags) error {
	if f.dryRun {
		out := progressWriter(a, f.json)
		fmt.Fprintf(out, "Bulk run %s: these changes are left (nothing was changed):\n", picked.Header.RunID)
		for i, s := range picked.Header.Plan {
			if picked.Steps[i].Status.Finished() {
				continue
			}
			fmt.Fprintf(out, "  %d. %s\n", i+1, safetext.Clean(s.Title))
		}
		return nil
	}
	return carryOutBulk(ctx, a, org, journalPath, f.json, f.outSnapshot, func(ap *bulk.Applier) (*bulk.ApplyResult, error) {
		ap.BatchSize, ap.Pause = picked.Header.Bulk.BatchSize, time.Duration(picked.Header.Bulk.PauseMillis)*time.Millisecond
		return ap.Resume(ctx, picked)
	})
}
