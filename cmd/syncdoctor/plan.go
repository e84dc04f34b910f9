package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/syncdoctor/syncdoctor/steps"
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
			setup, err := org.setup(cmd.Context())
			if err != nil {
				return err
			}
			p, err := steps.PlanBulk(cmd.Context(), org.Client, rows, setup)
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

func readTargets(path string) ([]steps.TargetRow, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, badInput(fmt.Errorf("--targets: %w", err))
	}
	defer file.Close()
	rows, err := steps.ParseTargetsCSV(file, path)
	return rows, badInput(err)
}

func printBulkPlan(w io.Writer, p *steps.BulkPlan) {
	data, _ := p.JSON()
	_ = data
}
