package journal

import (
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
)

// RunSummary is one run as `syncdoctor journal --json` lists it: what a
// script needs to pick a run, without its records.
type RunSummary struct {
	ID            string        `json:"id"`
	Started       time.Time     `json:"started"`
	Mode          steps.Mode    `json:"mode"`
	Org           string        `json:"org"`
	User          string        `json:"user"`
	UserAccountID string        `json:"userAccountId"`
	Target        string        `json:"target"`
	Verdict       steps.Verdict `json:"verdict"`
	Status        RunStatus     `json:"status"`
	StatusWords   string        `json:"statusWords"` // RunStatus.Words
	Reason        string        `json:"reason"`      // of the last run-end
	Dismissed     bool          `json:"dismissed"`
	Unfinished    bool          `json:"unfinished"` // resume may take it
	Fixed         bool          `json:"fixed"`      // completed, and its proof step verified
	PlanSteps     int           `json:"planSteps"`
	StepsFinished int           `json:"stepsFinished"`
	Tool          string        `json:"tool"`
	// Bulk is a bulk apply's target list, worksheet and pacing; null for a
	// one-user fix. Its changes are the plan's steps.
	Bulk *BulkRun `json:"bulk"`
}

// Summary is the run as a RunSummary.
func (r *RunLog) Summary() RunSummary {
	h := r.Header
	s := RunSummary{
		ID: h.RunID, Started: h.Started, Mode: h.Mode, Org: h.Org, User: h.User, UserAccountID: h.UserAccountID,
		Target: h.Target, Verdict: h.Verdict, Status: r.Status, StatusWords: r.Status.Words(), Reason: r.Reason,
		Dismissed: r.Dismissed, Unfinished: r.Unfinished(), Fixed: r.Fixed(), PlanSteps: len(h.Plan), Tool: h.Tool, Bulk: h.Bulk,
	}
	for i := range r.Steps {
		if r.Done(i) {
			s.StepsFinished++
		}
	}
	return s
}

// StepDetail is where one plan step of a run stands.
type StepDetail struct {
	Index       int          `json:"index"` // 1-based
	ID          steps.StepID `json:"id"`
	Kind        steps.Kind   `json:"kind"`
	Title       string       `json:"title"`
	Destructive bool         `json:"destructive"`
	Status      StepStatus   `json:"status"`
	StatusWords string       `json:"statusWords"` // StepStatus.Words
	Reason      string       `json:"reason"`
	Error       string       `json:"error"`
	Time        string       `json:"time"` // of the step's last start or end; "" when not reached
}

// RunDetail is one run whole, for `syncdoctor journal RUN --json`: its
// summary, each step's standing, the changes whose answer was never
// journaled, a torn last line, and every record as the journal holds it.
type RunDetail struct {
	RunSummary
	Steps   []StepDetail `json:"steps"`
	Pending []int64      `json:"pending"` // seq of each intent with no outcome
	Torn    *TornLine    `json:"torn"`
	Records []Record     `json:"records"`
}

// Detail is the run as a RunDetail.
func (r *RunLog) Detail() RunDetail {
	d := RunDetail{RunSummary: r.Summary(), Steps: []StepDetail{}, Pending: []int64{}, Torn: r.Torn, Records: r.Records}
	for i, p := range r.Header.Plan {
		st := StepState{Status: StepPending}
		if i < len(r.Steps) {
			st = r.Steps[i]
		}
		d.Steps = append(d.Steps, StepDetail{
			Index: i + 1, ID: p.ID, Kind: p.Kind, Title: p.Title, Destructive: p.Destructive,
			Status: st.Status, StatusWords: st.Status.Words(p.Kind), Reason: st.Reason, Error: st.Error, Time: st.Time,
		})
	}
	for _, rec := range r.Pending {
		d.Pending = append(d.Pending, rec.Seq)
	}
	if d.Records == nil {
		d.Records = []Record{}
	}
	return d
}
