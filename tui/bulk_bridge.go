package tui

import (
	"context"
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

// The wizard's view of a bulk apply, as cmd/syncdoctor's runBulkApply and
// carryOutBulk are the CLI's: the worksheet written before the first
// change, the journal opened with the org's secrets, a bulk.Applier whose
// Progress (called on its workers' goroutines) becomes messages on one
// channel the UI listens on.

// bulkRequest is one bulk apply session: a new run (header, its RunID
// made here) or a journaled one to go on with (resume).
type bulkRequest struct {
	org       *run.Org
	journal   string
	header    *journal.RunHeader
	worksheet []bulk.WorksheetLine // written to header.Bulk.Worksheet first
	resume    *journal.RunLog
}

// bulkApplyCmd carries out the bulk run under ctx (cancelled by ctrl+c or
// by quitting) and delivers its messages under deliver (the wizard's own
// context), so that an interrupted run's end still reaches the screen.
func bulkApplyCmd(ctx, deliver context.Context, req bulkRequest, seq int, ch chan<- tea.Msg) tea.Cmd {
	return func() tea.Msg {
		defer close(ch)
		send := sender(deliver, ch)
		res, err := carryOutBulk(ctx, req,
			func(h journal.RunHeader) { send(bulkStartedMsg{seq: seq, header: h}) },
			func(p bulk.Progress) { send(bulkProgressMsg{seq: seq, p: p}) })
		send(bulkDoneMsg{seq: seq, res: res, err: err})
		return nil
	}
}

// carryOutBulk writes the worksheet (a new run), opens the journal and
// runs the applier; started hears of the run before its first change.
func carryOutBulk(ctx context.Context, req bulkRequest, started func(journal.RunHeader), progress func(bulk.Progress)) (*bulk.ApplyResult, error) {
	var h journal.RunHeader
	switch {
	case req.header != nil:
		h = *req.header
		h.RunID = run.NewRunID()
		if err := writeWorksheet(h.Bulk.Worksheet, req.worksheet); err != nil {
			return nil, err
		}
	case req.resume != nil && req.resume.Header.Bulk != nil:
		h = req.resume.Header
	default:
		return nil, fmt.Errorf("not a bulk run")
	}
	j, err := journal.Open(req.journal, req.org.Secrets)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	a := &bulk.Applier{Client: req.org.Client, Journal: j, Progress: progress,
		BatchSize: h.Bulk.BatchSize, Pause: time.Duration(h.Bulk.PauseMillis) * time.Millisecond}
	started(h)
	if req.resume != nil {
		return a.Resume(ctx, req.resume)
	}
	return a.Start(ctx, h)
}

// writeWorksheet writes the IdP admin's worksheet, owner-only like the
// journal (it lists people and their addresses).
func writeWorksheet(path string, lines []bulk.WorksheetLine) error {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("the worksheet cannot be written: %w", err)
	}
	if err := bulk.WriteWorksheet(file, lines); err != nil {
		file.Close()
		return fmt.Errorf("writing the worksheet %s: %w", path, err)
	}
	return file.Close()
}
