package bulk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"

	"github.com/syncdoctor/syncdoctor/client"
)

// DefaultInFlight is how many changes a bulk apply makes at once: few
// enough to stay well under the user-management API's rate limit (the
// client waits out a 429 anyway), enough to move a thousand rows in
// minutes rather than an hour.
const DefaultInFlight = 4

// Applier carries out a bulk apply's changes (contract §4b): several at a
// time, each journaled on both sides as a single-user fix's change is,
// each checked against the org right before it is made (so a resumed run
// never makes one twice) and read back after.
type Applier struct {
	Client  *client.Client
	Journal *journal.Journal
	// InFlight bounds the changes in flight; DefaultInFlight when 0.
	InFlight int
	// BatchSize and Pause spread the set-email changes, which end the
	// users' sessions: a pause after every BatchSize of them (0: none).
	BatchSize int
	Pause     time.Duration
	// Sleep waits (tests pass one that does not); nil waits for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress, when set, hears of every change that ends.
	Progress func(Progress)
	// Patience is how long a change is read back before it counts as not
	// made; 30 s when 0.
	Patience time.Duration
}

// Progress is where a bulk apply stands.
type Progress struct {
	Done, Total int // changes ended (any way) of all the run's changes
	Failed      int // of those, failed or blocked
	Last        ChangeOutcome
}

// ChangeOutcome is one change and how it ended.
type ChangeOutcome struct {
	Step   steps.PlanStep     `json:"step"`
	Status journal.StepStatus `json:"status"`
	Reason string             `json:"reason,omitempty"`
	Error  string             `json:"error,omitempty"`
}

// ApplyResult is how a bulk apply ended.
type ApplyResult struct {
	RunID   string              `json:"runId"`
	Journal string              `json:"journal"`
	Status  journal.RunStatus   `json:"status"`
	Changes []ChangeOutcome     `json:"changes"`
	Counts  map[string]int      `json:"counts"` // by step status
	Bulk    *journal.BulkRun    `json:"bulk"`
	Reason  string              `json:"reason,omitempty"`
	ended   []journal.StepState // per change, for the run-end
}

// Failed reports whether a change failed or was blocked.
func (r *ApplyResult) Failed() bool {
	return r.Counts[string(journal.StepFailed)]+r.Counts[string(journal.StepBlocked)] > 0
}

// Start journals the run (h.Plan is the changes, h.Bulk set) and carries
// it out. The caller has shown the whole plan and had it confirmed.
func (a *Applier) Start(ctx context.Context, h journal.RunHeader) (*ApplyResult, error) {
	if h.Bulk == nil {
		return nil, errors.New("bulk apply: the run header has no bulk part")
	}
	w := a.writer(h.RunID)
	if _, err := w.write(journal.Record{Type: journal.RecRunStart, Header: &h, PID: os.Getpid()}); err != nil {
		return nil, err
	}
	if _, err := w.write(journal.Record{Type: journal.RecConfirm, Status: "yes", Reason: fmt.Sprintf("the whole plan of %d changes", len(h.Plan))}); err != nil {
		return nil, err
	}
	prior := make([]journal.StepState, len(h.Plan))
	return a.run(ctx, w, h, prior, nil)
}

// Resume carries on an unfinished bulk run from the journal: the changes
// that ended are passed over, the others checked against the org again, so
// a change whose answer was lost is found made rather than made twice.
func (a *Applier) Resume(ctx context.Context, run *journal.RunLog) (*ApplyResult, error) {
	if run == nil || run.Header.Bulk == nil {
		return nil, errors.New("not a bulk apply's run")
	}
	fresh, err := a.Journal.Reload(run.Header.RunID)
	if err != nil {
		return nil, err
	}
	if !fresh.Unfinished() {
		return nil, fmt.Errorf("bulk run %s is completed; nothing to resume", fresh.Header.RunID)
	}
	w := a.writer(fresh.Header.RunID)
	if _, err := w.write(journal.Record{Type: journal.RecResume, PID: os.Getpid()}); err != nil {
		return nil, err
	}
	pending := map[int][]journal.Record{}
	for _, rec := range fresh.Pending {
		pending[rec.Index] = append(pending[rec.Index], rec)
	}
	return a.run(ctx, w, fresh.Header, fresh.Steps, pending)
}

// run carries out every change not finished in prior: unlinks, then parks,
// then set-emails in batches, each phase several changes at a time and
// finished before the next starts (a target is free only once its holder
// is parked).
func (a *Applier) run(ctx context.Context, w *recordWriter, h journal.RunHeader, prior []journal.StepState, pending map[int][]journal.Record) (*ApplyResult, error) {
	res := &ApplyResult{RunID: h.RunID, Journal: a.Journal.Path(), Bulk: h.Bulk, Counts: map[string]int{},
		Changes: make([]ChangeOutcome, len(h.Plan))}
	var todo [3][]int
	for i, s := range h.Plan {
		res.Changes[i] = ChangeOutcome{Step: s, Status: prior[i].Status, Reason: prior[i].Reason, Error: prior[i].Error}
		if prior[i].Status.Finished() {
			continue
		}
		res.Changes[i].Status = journal.StepPending
		todo[phaseOf(s.ID)] = append(todo[phaseOf(s.ID)], i)
	}
	tr := &tracker{a: a, res: res, total: len(h.Plan)}
	for i := range res.Changes {
		if res.Changes[i].Status.Finished() {
			tr.done++
		}
	}
	for phase, idx := range todo {
		batch := len(idx)
		if phase == phaseSetEmail && a.BatchSize > 0 {
			batch = a.BatchSize
		}
		for start := 0; start < len(idx); start += batch {
			if start > 0 && a.Pause > 0 {
				if err := a.sleep(ctx, a.Pause); err != nil {
					return a.end(w, res, err)
				}
			}
			if err := a.parallel(ctx, w, h.Plan, idx[start:min(start+batch, len(idx))], pending, tr); err != nil {
				return a.end(w, res, err)
			}
		}
	}
	return a.end(w, res, nil)
}

// The phases of a bulk apply, in order.
const (
	phaseUnlink = iota
	phasePark
	phaseSetEmail
)

func phaseOf(id steps.StepID) int {
	switch id {
	case steps.StepBulkUnlinkHolder:
		return phaseUnlink
	case steps.StepBulkParkHolder:
		return phasePark
	}
	return phaseSetEmail
}

// parallel carries out the changes idx, InFlight at a time. It returns
// only what stops the whole run: a journal that cannot be written, or ctx
// ending.
func (a *Applier) parallel(ctx context.Context, w *recordWriter, plan []steps.PlanStep, idx []int, pending map[int][]journal.Record, tr *tracker) error {
	n := a.InFlight
	if n <= 0 {
		n = DefaultInFlight
	}
	return eachLimited(ctx, idx, n, func(ctx context.Context, i int) error {
		out, err := a.change(ctx, w, i, plan[i], pending[i+1])
		if err == nil {
			tr.ended(i, out)
		}
		return err
	})
}

// tracker gathers the changes' outcomes from the workers.
type tracker struct {
	a           *Applier
	res         *ApplyResult
	mu          sync.Mutex
	done, total int
	failed      int
}

func (t *tracker) ended(i int, out ChangeOutcome) {
	out = cleanOutcome(out)
	t.mu.Lock()
	t.res.Changes[i] = out
	t.done++
	if out.Status == journal.StepFailed || out.Status == journal.StepBlocked {
		t.failed++
	}
	p := Progress{Done: t.done, Total: t.total, Failed: t.failed, Last: out}
	t.mu.Unlock()
	if t.a.Progress != nil {
		t.a.Progress(p)
	}
}

// end writes the run's end: completed when every change is made (or found
// made), failed when one failed or was blocked, interrupted (no run-end,
// so resume picks it up) when ctx ended.
func (a *Applier) end(w *recordWriter, res *ApplyResult, cause error) (*ApplyResult, error) {
	for _, c := range res.Changes {
		res.Counts[string(c.Status)]++
	}
	switch {
	case cause != nil && (errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded)):
		res.Status, res.Reason = journal.StatusInterrupted, "interrupted: `syncdoctor resume` goes on from here"
		return res, cause
	case cause != nil:
		res.Status, res.Reason = journal.StatusFailed, cause.Error()
		_, _ = w.write(journal.Record{Type: journal.RecRunEnd, Status: string(res.Status), Reason: w.j.Redact(res.Reason)})
		return res, cause
	case res.Counts[string(journal.StepFailed)] > 0 || res.Counts[string(journal.StepBlocked)] > 0:
		res.Status = journal.StatusFailed
		res.Reason = fmt.Sprintf("%d changes failed, %d were blocked: see each; `syncdoctor resume` tries them again", res.Counts[string(journal.StepFailed)], res.Counts[string(journal.StepBlocked)])
	default:
		res.Status = journal.StatusCompleted
	}
	if _, err := w.write(journal.Record{Type: journal.RecRunEnd, Status: string(res.Status), Reason: res.Reason}); err != nil {
		return res, err
	}
	return res, nil
}

func (a *Applier) sleep(ctx context.Context, d time.Duration) error {
	if a.Sleep != nil {
		return a.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// recordWriter writes one run's records to the journal.
type recordWriter struct {
	j   *journal.Journal
	run string
}

func (a *Applier) writer(runID string) *recordWriter { return &recordWriter{j: a.Journal, run: runID} }

func (w *recordWriter) write(rec journal.Record) (int64, error) {
	rec.Run = w.run
	return w.j.Append(&rec)
}

// before is what an intent record keeps of the state a change alters.
func before(u *client.User) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"accountId": u.AccountID, "email": u.Email, "managementSource": managementSource(u)})
	return b
}

func managementSource(u *client.User) string {
	if u.ManagementSource == nil {
		return ""
	}
	return *u.ManagementSource
}
