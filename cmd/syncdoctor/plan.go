package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/safetext"

	"github.com/spf13/cobra"
)

type planFlags struct {
	snapshot string
	export   string
	setup    string
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
org's SSO and SCIM setup.

With --export, plan offline from a managed-accounts export of admin.atlassian.com
instead of the org: no API key, no call to Atlassian. What an export cannot show
(which domains are verified, which accounts provisioning links, the org's setup)
is not checked, and the plan says so; --setup names the setup (default none).`,
		Example: `  syncdoctor plan --targets rebrand.csv
  syncdoctor plan --snapshot org.json --targets rebrand.csv --json
  syncdoctor plan --export managed-accounts.csv --targets rebrand.csv --setup saml-scim`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			rows, err := readTargets(f.targets)
			if err != nil {
				return err
			}
			var p *bulk.Plan
			var org *run.Org // nil for an export: no org is read
			if f.export != "" {
				p, err = planFromExport(f.export, bulk.OrgSetup(f.setup), rows)
			} else {
				p, org, err = planFromOrg(cmd.Context(), a, f.snapshot, rows)
			}
			if err != nil {
				return err
			}
			switch {
			case f.json && org != nil:
				return writeJSON(a.stdout, func() ([]byte, error) { return planJSONWithOrg(p, org) })
			case f.json:
				return writeJSON(a.stdout, p.JSON)
			case f.csv:
				return p.CSV(a.stdout)
			default:
				if f.export != "" {
					fmt.Fprintf(a.stdout, "Org    the managed-accounts export %s (offline: nothing read from Atlassian)\n", safetext.Clean(f.export))
				} else {
					printSimulated(a.stdout, org, f.snapshot)
				}
				printBulkPlan(a.stdout, p)
				return nil
			}
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.snapshot, "snapshot", "", "work on the simulated org in this snapshot file")
	fl.StringVar(&f.export, "export", "", "plan offline from this managed-accounts export (CSV) instead of the org")
	fl.StringVar(&f.setup, "setup", "", "with --export: the org's setup, none, saml-jit, saml-scim or google-workspace (default none)")
	fl.StringVar(&f.targets, "targets", "", "the target list: CSV with header current_email,target_email (required)")
	fl.BoolVar(&f.json, "json", false, "print JSON (contract §3)")
	fl.BoolVar(&f.csv, "csv", false, "print CSV, one line per target row")
	return cmd
}

// check refuses flags that do not go together, before any file is read.
func (f planFlags) check() error {
	switch {
	case f.targets == "":
		return badInput(errors.New("--targets FILE.csv is required"))
	case f.json && f.csv:
		return badInput(errors.New("--json and --csv: choose one"))
	case f.export != "" && f.snapshot != "":
		return badInput(errors.New("--export and --snapshot: choose one (--export plans from the export alone)"))
	case f.setup != "" && f.export == "":
		return badInput(errors.New("--setup goes with --export: a live or simulated org's setup is read from the org"))
	case f.setup != "" && !slices.Contains([]bulk.OrgSetup{bulk.SetupNone, bulk.SetupSamlJit, bulk.SetupSamlScim, bulk.SetupGoogleWorkspace}, bulk.OrgSetup(f.setup)):
		return badInput(fmt.Errorf("--setup %q: want none, saml-jit, saml-scim or google-workspace", f.setup))
	}
	return nil
}

// planFromOrg plans against the live, simulated or demo org, and returns
// the org, closed, to name it in the output.
func planFromOrg(ctx context.Context, a *app, snapshot string, rows []bulk.Target) (*bulk.Plan, *run.Org, error) {
	org, err := openOrg(ctx, a, snapshot)
	if err != nil {
		return nil, nil, err
	}
	defer org.Close()
	p, err := bulk.PlanRows(ctx, org.Client, rows, bulk.Options{Setup: setup(org), Hints: org.Hints})
	return p, org, err
}

// planJSONWithOrg is contract §3's plan with the org it was made against.
func planJSONWithOrg(p *bulk.Plan, org *run.Org) ([]byte, error) {
	data, err := p.JSON()
	if err != nil {
		return nil, err
	}
	return withOrg(data, org.Ref())
}

// planFromExport plans against a managed-accounts export, reading nothing
// from Atlassian: no key is needed, and none is read even when set.
func planFromExport(path string, setup bulk.OrgSetup, rows []bulk.Target) (*bulk.Plan, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, badInput(fmt.Errorf("--export: %w", err))
	}
	defer file.Close()
	ex, err := bulk.ReadExport(file, path)
	if err != nil {
		return nil, badInput(err)
	}
	p, err := bulk.PlanFromExport(rows, ex, bulk.Options{Setup: setup})
	if err != nil {
		return nil, badInput(fmt.Errorf("--setup: %w", err))
	}
	return p, nil
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
	if len(p.Notes) > 0 {
		fmt.Fprintln(w, "\nNot checked")
		for _, n := range p.Notes {
			fmt.Fprintf(w, "  - %s: %s\n", n.Code, safetext.Clean(n.Detail))
		}
	}
	if len(p.Prerequisites) > 0 {
		fmt.Fprintln(w, "\nBefore the switch")
		for _, pr := range p.Prerequisites {
			fmt.Fprintf(w, "  - %s: %s\n", pr.Code, safetext.Clean(pr.Domain))
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tSTATUS\tCURRENT\tTARGET\tHOW / WHY")
	for _, r := range p.Rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Line, r.Status, safetext.Clean(r.CurrentEmail), safetext.Clean(r.TargetEmail), safetext.Clean(bulkRowNote(r)))
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
		note := fmt.Sprintf("held by %s (%s)", h.Name, cmp.Or(h.AccountID, h.Email)) // an export may have no ids
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
