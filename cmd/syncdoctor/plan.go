package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/syncdoctor/syncdoctor/steps/bulk"

	"github.com/spf13/cobra"
)

type planFlags struct {
	snapshot string
	targets  string
	json     bool
	csv      bool
}

func newPlanCommand(a *app) *cobra.Command {
	var f planFlags
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan a bulk email change: check a target list against the org before anything changes",
		Long: `plan reads TARGETS.csv (header current_email,target_email) and checks every row
against the org: invalid addresses, unchanged rows, targets wanted twice, accounts
missing or not managed, target domains not verified, and targets another account
already holds. It changes nothing. Each ready row lists how its email changes for the
org's SSO and SCIM setup.`,
		Example: `  syncdoctor plan --targets rebrand.csv
  syncdoctor plan --snapshot org.json --targets rebrand.csv --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.targets == "" {
				return badInput(errors.New("--targets FILE.csv is required"))
			}
			if f.json && f.csv {
				return badInput(errors.New("--json and --csv: choose one"))
			}
			rows, err := readTargets(f.targets)
			if err != nil {
				return err
			}
			org, err := openOrg(cmd.Context(), a.getenv, f.snapshot)
			if err != nil {
				return err
			}
			defer org.Close()
			p, err := bulk.PlanRows(cmd.Context(), org.Client, rows, bulk.Options{Setup: setup(org), Hints: org.Hints})
			if err != nil {
				return err
			}
			switch {
			case f.json:
				return writeJSON(a.stdout, p.JSON)
			case f.csv:
				return p.CSV(a.stdout)
			default:
				printBulkPlan(a.stdout, p)
				return nil
			}
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.snapshot, "snapshot", "", "work on the simulated org in this snapshot file")
	fl.StringVar(&f.targets, "targets", "", "the target list: CSV with header current_email,target_email (required)")
	fl.BoolVar(&f.json, "json", false, "print JSON (contract §3)")
	fl.BoolVar(&f.csv, "csv", false, "print CSV, one line per target row")
	return cmd
}

func readTargets(path string) ([]bulk.Target, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, badInput(fmt.Errorf("--targets: %w", err))
	}
	defer file.Close()
	rows, err := bulk.ReadTargets(file, path)
	return rows, badInput(err)
}

func printBulkPlan(w io.Writer, p *bulk.Plan) {
	fmt.Fprintf(w, "Setup  %s\n", p.Setup)
	if len(p.Prerequisites) > 0 {
		fmt.Fprintln(w, "\nBefore the switch")
		for _, pr := range p.Prerequisites {
			fmt.Fprintf(w, "  - %s: %s\n", pr.Code, pr.Domain)
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tSTATUS\tCURRENT\tTARGET\tHOW / WHY")
	for _, r := range p.Rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Line, r.Status, r.CurrentEmail, r.TargetEmail, bulkRowNote(r))
	}
	tw.Flush()
	fmt.Fprintln(w)
	statuses := make([]string, 0, len(p.Summary))
	for st, n := range p.Summary {
		statuses = append(statuses, fmt.Sprintf("%s %d", st, n))
	}
	sort.Strings(statuses)
	fmt.Fprintf(w, "Summary  %s\n", strings.Join(statuses, ", "))
}

// bulkRowNote says how a ready row changes, or who holds a conflicting target.
func bulkRowNote(r bulk.Row) string {
	if r.Holder != nil {
		h := r.Holder
		note := fmt.Sprintf("held by %s (%s)", h.Name, h.AccountID)
		if len(h.ProductAccess) > 0 {
			note += ", has product access: " + strings.Join(h.ProductAccess, " ")
		}
		if h.Provisioned {
			note += ", provisioned"
		}
		return note
	}
	paths := make([]string, len(r.Path))
	for i, via := range r.Path {
		paths[i] = string(via)
	}
	return strings.Join(paths, " + ")
}
