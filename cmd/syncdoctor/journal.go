package main

import (
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/syncdoctor/syncdoctor/steps/journal"

	"github.com/spf13/cobra"
)

func newJournalCommand(a *app) *cobra.Command {
	var path, runID string
	var note bool
	cmd := &cobra.Command{
		Use:   "journal [RUN_ID]",
		Short: "List the journaled runs, or show one as a readable timeline",
		Example: `  syncdoctor journal               # every run, newest last
  syncdoctor journal 3f9c2a        # one run's timeline (an id prefix is enough)
  syncdoctor journal 3f9c2a --note # its ticket note (Markdown)`,
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
	return cmd
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", h.RunID, h.Started.Format("2006-01-02 15:04"), h.Mode, user, target, verdict, r.Status)
	}
	tw.Flush()
	fmt.Fprintf(a.stdout, "\nJournal: %s\n", journalPath)
}
