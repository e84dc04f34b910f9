package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"text/tabwriter"

	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/safetext"

	"github.com/spf13/cobra"
)

// journalFlags are the journal command's flags.
type journalFlags struct {
	path                string
	note, dismiss, json bool
}

func newJournalCommand(a *app) *cobra.Command {
	var f journalFlags
	cmd := &cobra.Command{
		Use:   "journal [RUN_ID]",
		Short: "List the journaled runs, or show one as a readable timeline",
		Example: `  syncdoctor journal               # every run, newest last
  syncdoctor journal 3f9c2a        # one run's timeline (an id prefix is enough)
  syncdoctor journal 3f9c2a --note # its ticket note (Markdown)
  syncdoctor journal 3f9c2a --dismiss # never offer it for resuming again (it stays here)
  syncdoctor journal --json        # the runs as JSON; with a RUN_ID, that run's steps and records`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			runID := ""
			if len(args) == 1 {
				runID = args[0]
			}
			return runJournal(a, f, runID)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.path, "journal", "", "the journal file (default: in your state directory)")
	fl.BoolVar(&f.note, "note", false, "print the run's ticket note (Markdown) instead of its timeline")
	fl.BoolVar(&f.dismiss, "dismiss", false, "do not offer the run for resuming again (the wizard, resume without --run); it stays in the journal")
	fl.BoolVar(&f.json, "json", false, "print JSON: the runs, or with a RUN_ID that run's steps and records")
	return cmd
}

// runJournal lists the runs (runID "") or shows one.
func runJournal(a *app, f journalFlags, runID string) error {
	if f.json && (f.note || f.dismiss) {
		return badInput(errors.New("--json prints runs and their records: it does not go with --note or --dismiss"))
	}
	journalPath, err := journalPathOrDefault(f.path)
	if err != nil {
		return err
	}
	if err := checkJournalPath(journalPath); err != nil {
		return err
	}
	runs, err := readRuns(journalPath)
	// No journal in the state directory yet is a listing with no run; a
	// journal named with --journal, or a run asked for, must exist.
	if err != nil && (f.path != "" || runID != "" || !errors.Is(err, fs.ErrNotExist)) {
		return err
	}
	secrets := envSecrets(a.getenv)
	if runID == "" {
		if f.json {
			return writeRunsJSON(a, journalPath, runs, secrets)
		}
		listRuns(a, journalPath, runs)
		return nil
	}
	r, err := journal.FindRun(runs, runID)
	if err != nil {
		return badInput(err)
	}
	switch {
	case f.json:
		return writeRunJSON(a, journalPath, r, secrets)
	case f.dismiss:
		return dismissRun(a, journalPath, r)
	case f.note:
		fmt.Fprint(a.stdout, journal.TicketNote(r, journal.NoteInput{}, secrets))
		return nil
	}
	fmt.Fprint(a.stdout, r.Timeline(secrets))
	return nil
}

// journalJSONVersion is the version of journal --json's output; it grows
// when a field changes meaning or goes away, not when one is added.
const journalJSONVersion = 1

// readRuns reads the journal at path. One that does not exist is bad input
// (exit 2, contract §6): the file named is not there.
func readRuns(path string) ([]*journal.RunLog, error) {
	runs, err := journal.ReadRuns(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, badInput(fmt.Errorf("journal %s does not exist: no run was journaled there (name another with --journal): %w", path, fs.ErrNotExist))
	}
	return runs, err
}

// writeRunsJSON prints every run's summary, oldest first.
func writeRunsJSON(a *app, journalPath string, runs []*journal.RunLog, secrets *journal.Secrets) error {
	list := make([]journal.RunSummary, 0, len(runs))
	for _, r := range runs {
		list = append(list, r.Summary())
	}
	return writeJSON(a.stdout, func() ([]byte, error) {
		return redactedJSON(secrets, struct {
			SchemaVersion int                  `json:"schemaVersion"`
			Journal       string               `json:"journal"`
			Runs          []journal.RunSummary `json:"runs"`
		}{journalJSONVersion, journalPath, list})
	})
}

// writeRunJSON prints one run whole: its steps and records.
func writeRunJSON(a *app, journalPath string, r *journal.RunLog, secrets *journal.Secrets) error {
	return writeJSON(a.stdout, func() ([]byte, error) {
		return redactedJSON(secrets, struct {
			SchemaVersion int               `json:"schemaVersion"`
			Journal       string            `json:"journal"`
			Run           journal.RunDetail `json:"run"`
		}{journalJSONVersion, journalPath, r.Detail()})
	})
}

// redactedJSON encodes v indented and passes it through the environment's
// keys as a last net, as the timeline and the note are (the placeholder
// keeps the JSON valid).
func redactedJSON(secrets *journal.Secrets, v any) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return []byte(secrets.Redact(string(data))), nil
}

// dismissRun records that r is not to be offered again.
func dismissRun(a *app, journalPath string, r *journal.RunLog) error {
	if !r.Unfinished() {
		return badInput(fmt.Errorf("run %s is completed: it is never offered", r.Header.RunID))
	}
	j, err := journal.Open(journalPath, nil)
	if err != nil {
		return err
	}
	defer j.Close()
	printNotices(a.stdout, j)
	if err := j.Dismiss(r.Header.RunID, "dismissed with syncdoctor journal --dismiss"); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Run %s (%s) will not be offered again; it stays in %s, and `syncdoctor resume --run %s` still takes it.\n",
		r.Header.RunID, r.Status.Words(), journalPath, r.Header.RunID)
	return nil
}

func listRuns(a *app, journalPath string, runs []*journal.RunLog) {
	if len(runs) == 0 {
		fmt.Fprintf(a.stdout, "No runs in %s yet.\n", journalPath)
		return
	}
	tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTARTED\tMODE\tUSER\tTARGET\tVERDICT\tSTATUS")
	for _, r := range runs {
		h := r.Header
		user, target, verdict := h.User, h.Target, string(h.Verdict)
		if h.Bulk != nil {
			// A bulk apply: its target list stands for user and target.
			user, target, verdict = "bulk: "+filepath.Base(h.Bulk.Targets), fmt.Sprintf("%d changes", len(h.Plan)), "-"
		}
		// A journal is a file: whatever it says is shown, never obeyed.
		user, target, verdict = safetext.Clean(user), safetext.Clean(target), safetext.Clean(verdict)
		status := r.Status.Words()
		if r.Dismissed {
			status += " (dismissed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", safetext.Clean(h.RunID), h.Started.Format("2006-01-02 15:04"), safetext.Clean(string(h.Mode)), user, target, verdict, status)
	}
	tw.Flush()
	fmt.Fprintf(a.stdout, "\nJournal: %s\n", journalPath)
}

// printNotices says what opening the journal changed in it (its mode
// tightened, a torn last line set aside and where), before anything else.
func printNotices(w io.Writer, j *journal.Journal) {
	for _, n := range j.Notices() {
		fmt.Fprintln(w, n)
	}
}
