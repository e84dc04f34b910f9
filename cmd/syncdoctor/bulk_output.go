package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"text/tabwriter"

	"charm.land/bubbles/v2/progress"
	"github.com/charmbracelet/x/term"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

const bulkSetEmailID = steps.StepBulkSetEmail

// bulkApplyPlan is everything a bulk apply shows before it asks.
type bulkApplyPlan struct {
	*bulk.Prepared
	orgID string
}

// planBulkApply prepares the apply. It changes nothing.
func planBulkApply(ctx context.Context, org *run.Org, rows []bulk.Target) (*bulkApplyPlan, error) {
	p, err := bulk.Prepare(ctx, org.Client, rows, bulk.Options{Setup: setup(org), Hints: org.Hints})
	if err != nil {
		return nil, err
	}
	return &bulkApplyPlan{Prepared: p, orgID: org.Client.OrgID()}, nil
}

// dryRunJSON is the whole plan of a bulk apply: the rows, every change
// with its call, the rows left alone and the worksheet.
func (ap *bulkApplyPlan) dryRunJSON() ([]byte, error) {
	type change struct {
		steps.PlanStep
		Calls []steps.Call `json:"calls"`
	}
	changes := make([]change, 0, len(ap.Changes.Steps))
	for _, s := range ap.Changes.Steps {
		changes = append(changes, change{s, bulk.Calls(s, ap.orgID)})
	}
	left := ap.Changes.Left
	if left == nil {
		left = []bulk.LeftRow{}
	}
	ws := ap.Worksheet
	if ws == nil {
		ws = []bulk.WorksheetLine{}
	}
	return jsonIndent(struct {
		Plan      *bulk.Plan           `json:"plan"`
		Changes   []change             `json:"changes"`
		Left      []bulk.LeftRow       `json:"left"`
		Worksheet []bulk.WorksheetLine `json:"worksheet"`
	}{ap.Plan, changes, left, ws})
}

func jsonIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }

// orgJSON is the JSON object marshal makes, with the org first.
func orgJSON(org *run.Org, marshal func() ([]byte, error)) ([]byte, error) {
	data, err := marshal()
	if err != nil {
		return nil, err
	}
	return withOrg(data, org.Ref())
}

// printBulkChanges shows what the apply will change, and warns of what it
// costs, before anything changes.
func printBulkChanges(w io.Writer, ap *bulkApplyPlan, f bulkApplyFlags) {
	ch := ap.Changes
	fmt.Fprintf(w, "\nChanges (%d), in this order:\n", len(ch.Steps))
	for i, s := range ch.Steps {
		fmt.Fprintf(w, "  %d. %s\n", i+1, safetext.Clean(s.Title))
	}
	if len(ch.Left) > 0 {
		fmt.Fprintf(w, "\nLeft as they are (%d):\n", len(ch.Left))
		for _, l := range ch.Left {
			fmt.Fprintf(w, "  line %d: %s\n", l.Line, safetext.Clean(l.Reason))
		}
	}
	var flagged int
	for _, r := range ap.Plan.Rows {
		for _, fl := range r.Flags {
			if flagged == 0 {
				fmt.Fprintln(w, "\nWarnings:")
			}
			flagged++
			fmt.Fprintf(w, "  line %d (%s): %s\n", r.Line, fl.Code, safetext.Clean(fl.Detail))
		}
	}
	if n := ch.SetEmailCount(); n > 0 {
		who := fmt.Sprintf("%d users are", n)
		if n == 1 {
			who = "1 user is"
		}
		fmt.Fprintf(w, "\nChanging an email ends that user's sessions: %s signed out", who)
		if f.batchSize > 0 {
			fmt.Fprintf(w, ", %d at a time with %s between batches", f.batchSize, f.pause)
		} else {
			fmt.Fprint(w, " (spread it with --batch-size and --pause)")
		}
		fmt.Fprintln(w, ".")
	}
	if len(ap.Worksheet) > 0 {
		fmt.Fprintf(w, "The IdP's admin gets %d worksheet lines (%s): those emails change in the IdP.\n", len(ap.Worksheet), safetext.Clean(f.worksheetPath()))
	}
	if f.dryRun {
		fmt.Fprintln(w, "\nDry run: nothing was changed. These calls would be made:")
		for i, s := range ch.Steps {
			for _, c := range bulk.Calls(s, ap.orgID) {
				fmt.Fprintf(w, "  %d. %s\n", i+1, safetext.Clean(c.Method+" "+c.Path+" "+c.Body))
			}
		}
	}
}

// bulkProgress shows a bulk apply's progress: a bar that redraws itself on
// a terminal, a line per change otherwise (a log, a pipe).
type bulkProgress struct {
	w   io.Writer
	tty bool
	bar progress.Model
	mu  sync.Mutex
	any bool
}

// newBulkProgress shows progress on w. On a terminal the bar, drawn with
// escape sequences of its own and showing only counts, is written to the
// terminal itself, past w's guard (safetext.Writer); the lines of a log
// name changes, and stay behind it.
func newBulkProgress(w io.Writer) *bulkProgress {
	raw := w
	if g, ok := w.(*safetext.Writer); ok {
		raw = g.Unwrap()
	}
	if f, ok := raw.(*os.File); ok && term.IsTerminal(f.Fd()) {
		return &bulkProgress{w: raw, tty: true, bar: progress.New(progress.WithWidth(40))}
	}
	return &bulkProgress{w: w, bar: progress.New(progress.WithWidth(40))}
}

func (p *bulkProgress) show(pr bulk.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.any = true
	if p.tty {
		fmt.Fprintf(p.w, "\r%s %d/%d changes, %d failed ", p.bar.ViewAs(float64(pr.Done)/float64(max(pr.Total, 1))), pr.Done, pr.Total, pr.Failed)
		return
	}
	line := fmt.Sprintf("[%d/%d] %s: %s", pr.Done, pr.Total, pr.Last.Step.Title, pr.Last.Status)
	if pr.Last.Reason != "" {
		line += " (" + pr.Last.Reason + ")"
	}
	if pr.Last.Error != "" {
		line += ": " + pr.Last.Error
	}
	fmt.Fprintln(p.w, safetext.Clean(line))
}

// finish ends the bar's line.
func (p *bulkProgress) finish() {
	if p.tty && p.any {
		fmt.Fprintln(p.w)
	}
}

func printBulkResult(a *app, asJSON bool, org *run.Org, res *bulk.ApplyResult) error {
	if asJSON {
		return writeJSON(a.stdout, func() ([]byte, error) { return orgJSON(org, func() ([]byte, error) { return jsonIndent(res) }) })
	}
	w := a.stdout
	fmt.Fprintf(w, "\nBulk run %s: %s. Journal: %s\n", res.RunID, res.Status, safetext.Clean(res.Journal))
	keys := make([]string, 0, len(res.Counts))
	for k := range res.Counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s: %d\n", k, res.Counts[k])
	}
	for _, c := range res.Changes {
		if c.Status == "failed" || c.Status == "blocked" {
			fmt.Fprintf(w, "  %s\n", safetext.Clean(fmt.Sprintf("%s: %s %s %s", c.Step.Title, c.Status, c.Reason, c.Error)))
		}
	}
	if res.Bulk != nil && res.Bulk.WorksheetRows > 0 {
		fmt.Fprintf(w, "Worksheet for the IdP's admin: %s (%d lines)\n", safetext.Clean(res.Bulk.Worksheet), res.Bulk.WorksheetRows)
	}
	return nil
}

func printVerify(w io.Writer, rep *bulk.VerifyReport) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tSTATUS\tCURRENT\tTARGET\tWHY")
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.Line, r.Status, safetext.Clean(r.CurrentEmail), safetext.Clean(r.TargetEmail), safetext.Clean(r.Why))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nSummary  done %d, pending %d, failed %d\n", rep.Summary[bulk.VerifyDone], rep.Summary[bulk.VerifyPending], rep.Summary[bulk.VerifyFailed])
}
