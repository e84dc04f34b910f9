package main

import (
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/safetext"

	"github.com/spf13/cobra"
)

func newJournalCommand(a *app) *cobra.Command {
	var path, runID string
	var note, dismiss bool
	cmd := &cobra.Command{
		Use:   "journal [RUN_ID]",
		Short: "List the journaled runs, or show one as a readable timeline",
		Example: `  syncdoctor journal               # every run, newest last
  syncdoctor journal 3f9c2a        # one run's timeline (an id prefix is enough)
  syncdoctor journal 3f9c2a --note # its ticket note (Markdown)
  syncdoctor journal 3f9c2a --dismiss # never offer it for resuming again (it stays here)`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			journalPath, err := journalPathOrDefault(path)
			if err != nil {
				return err
			}
			runs, err := journal.ReadRuns(journalPath)
			if err != nil {
				return err
			}
			if len(args) == 1 {
				runID = args[0]
			}
			if runID == "" {
				listRuns(a, journalPath, runs)
				return nil
			}
			r, err := journal.FindRun(runs, runID)
			if err != nil {
				return badInput(err)
			}
			secrets := envSecrets(a.getenv)
			if dismiss {
				return dismissRun(a, journalPath, r)
			}
			if note {
				fmt.Fprint(a.stdout, journal.TicketNote(r, journal.NoteInput{}, secrets))
				return nil
			}
			fmt.Fprint(a.stdout, r.Timeline(secrets))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&path, "journal", "", "the journal file (default: in your state directory)")
	fl.BoolVar(&note, "note", false, "print the run's ticket note (Markdown) instead of its timeline")
	fl.BoolVar(&dismiss, "dismiss", false, "do not offer the run for resuming again (the wizard, resume without --run); it stays in the journal")
	return cmd
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
