package bulk

import (
	"context"
	"time"

	"github.com/syncdoctor/syncdoctor/steps/journal"

	"github.com/syncdoctor/syncdoctor/client"
)

// Prepared is everything a bulk apply shows before it asks: the plan of
// the rows, the changes in the order they are made (and the rows left
// alone), and the IdP admin's worksheet.
type Prepared struct {
	Plan      *Plan
	Changes   *Changes
	Worksheet []WorksheetLine
}

// Prepare plans the rows against the org, lists the changes and writes the
// worksheet's lines. It changes nothing.
func Prepare(ctx context.Context, c *client.Client, rows []Target, opts Options) (*Prepared, error) {
	p, err := PlanRows(ctx, c, rows, opts)
	if err != nil {
		return nil, err
	}
	ch, err := PlanChanges(ctx, c, p)
	if err != nil {
		return nil, err
	}
	idps, err := FindIdps(ctx, c, ch.Rows, opts.Hints)
	if err != nil {
		return nil, err
	}
	names, err := AccountNames(ctx, c, ch.Rows)
	if err != nil {
		return nil, err
	}
	return &Prepared{Plan: p, Changes: ch, Worksheet: Worksheet(ch.Rows, idps, names)}, nil
}

// Run is the bulk part of the run's journal header: targets and worksheet
// are absolute paths, so that resume and verify find them from anywhere.
func (p *Prepared) Run(targets, worksheet string, batchSize int, pause time.Duration) *journal.BulkRun {
	return &journal.BulkRun{Targets: targets, Setup: string(p.Plan.Setup), Worksheet: worksheet, WorksheetRows: len(p.Worksheet),
		BatchSize: batchSize, PauseMillis: pause.Milliseconds()}
}
