package journal

import (
	"encoding/json"
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
)

// RecordType names one kind of journal line.
type RecordType string

// Journal record types. A run is run-start, then per step step-start,
// facts, intent/outcome pairs around each mutation and step-end, then
// run-end. confirm and resume are the audit trail of who let a change
// happen and when an interrupted run was picked up again.
const (
	RecRunStart  RecordType = "run-start"
	RecResume    RecordType = "resume"
	RecStepStart RecordType = "step-start"
	RecConfirm   RecordType = "confirm"
	RecFact      RecordType = "fact"
	RecIntent    RecordType = "intent"
	RecOutcome   RecordType = "outcome"
	RecStepEnd   RecordType = "step-end"
	RecRunEnd    RecordType = "run-end"
	// RecDismiss: the operator does not want the run offered for resuming
	// any more; it stays in the journal, and resume --run still takes it.
	RecDismiss RecordType = "dismiss"
)

// RunStatus is the final status of a run (contract: completed | failed |
// declined | waiting-operator | blocked). StatusInterrupted is only ever
// derived when reading: a run with no run-end after its last start.
type RunStatus string

const (
	StatusCompleted       RunStatus = "completed"
	StatusFailed          RunStatus = "failed"
	StatusDeclined        RunStatus = "declined"
	StatusWaitingOperator RunStatus = "waiting-operator"
	StatusBlocked         RunStatus = "blocked"
	StatusInterrupted     RunStatus = "interrupted"
	StatusDryRun          RunStatus = "dry-run"
)

// StepStatus is how one step ended.
type StepStatus string

const (
	StepPending  StepStatus = "pending"  // not reached
	StepStarted  StepStatus = "started"  // step-start with no step-end: interrupted
	StepDone     StepStatus = "done"     // executed and verified (a check: read)
	StepOperator StepStatus = "operator" // done by a person, by the operator's word: no API shows it
	StepSkipped  StepStatus = "skipped"  // Check found it already done
	StepFailed   StepStatus = "failed"
	StepDeclined StepStatus = "declined"
	StepBlocked  StepStatus = "blocked"
	StepWaiting  StepStatus = "waiting-operator"
	StepWouldRun StepStatus = "would-run" // dry-run only, never journaled
)

// Finished reports whether a step needs nothing more: a resumed run passes
// over it.
func (s StepStatus) Finished() bool { return s == StepDone || s == StepSkipped || s == StepOperator }

// Outcome statuses of a mutation.
const (
	OutcomeOK        = "ok"
	OutcomeError     = "error"     // the API answered with a definite failure
	OutcomeUncertain = "uncertain" // sent, but the answer was lost: only a read of the org can tell
	OutcomeSettled   = "settled"   // written by a resumed run for an intent left without outcome
)

// Record is one line of the journal. Run comes first so that even a torn
// line usually still names its run.
type Record struct {
	Run    string          `json:"run"`
	Seq    int64           `json:"seq"`  // position in the journal file, strictly increasing
	Time   string          `json:"time"` // RFC 3339, UTC, milliseconds
	Type   RecordType      `json:"type"`
	Index  int             `json:"index,omitempty"` // 1-based plan step; 0 for run-level records
	Step   steps.StepID    `json:"step,omitempty"`  // the step id
	Header *RunHeader      `json:"header,omitempty"`
	Call   *steps.Call     `json:"call,omitempty"`
	Before json.RawMessage `json:"before,omitempty"` // intent: the state the call will change
	Ref    int64           `json:"ref,omitempty"`    // outcome: seq of its intent
	Key    string          `json:"key,omitempty"`    // fact
	Value  json.RawMessage `json:"value,omitempty"`  // fact
	Status string          `json:"status,omitempty"`
	Reason string          `json:"reason,omitempty"`
	Error  string          `json:"error,omitempty"`
	PID    int             `json:"pid,omitempty"` // run-start, resume: the acting process
}

// timeLayout is RFC 3339 with milliseconds, as the journal writes times.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func FormatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// RunHeader opens a run: what was diagnosed and the plan carried out. The
// plan is stored whole so a resumed run acts on exactly the same steps.
type RunHeader struct {
	RunID         string           `json:"runId"`
	Started       time.Time        `json:"started"`
	Org           string           `json:"org,omitempty"`
	Mode          steps.Mode       `json:"mode,omitempty"`
	User          string           `json:"user,omitempty"`
	UserAccountID string           `json:"userAccountId,omitempty"`
	Target        string           `json:"target,omitempty"`
	Verdict       steps.Verdict    `json:"verdict,omitempty"`
	Plan          []steps.PlanStep `json:"plan"`
	Tool          string           `json:"tool,omitempty"` // syncdoctor version
	// OrgState is, for a simulated org, the file its state is kept in, so
	// that a resumed run works on the org as the interruption left it.
	OrgState string `json:"orgState,omitempty"`
	// Bulk marks a bulk apply (contract §4b): its plan steps are the
	// changes of the target list, carried out several at a time.
	Bulk *BulkRun `json:"bulk,omitempty"`
	// Note is what the ticket note needs of the diagnosis (its findings,
	// the accounts involved), kept for the note of a resumed run.
	Note *NoteInput `json:"note,omitempty"`
}

// BulkRun is what a bulk apply's run keeps beside its changes, so that a
// resumed run acts as the first did.
type BulkRun struct {
	Targets   string `json:"targets"`             // the target list's path, as given
	Setup     string `json:"setup"`               // the org's setup the plan was made for
	Worksheet string `json:"worksheet,omitempty"` // where the IdP admin's worksheet is written
	// WorksheetRows counts the worksheet's lines: rows whose change waits
	// for the IdP's admin.
	WorksheetRows int   `json:"worksheetRows,omitempty"`
	BatchSize     int   `json:"batchSize,omitempty"` // set-email changes between two pauses
	PauseMillis   int64 `json:"pauseMillis,omitempty"`
}

// Words says a run's status in plain words, for people.
func (s RunStatus) Words() string {
	switch s {
	case StatusCompleted:
		return "completed"
	case StatusFailed:
		return "stopped on a failure"
	case StatusDeclined:
		return "stopped: you declined a step"
	case StatusWaitingOperator:
		return "waiting for a person"
	case StatusBlocked:
		return "stopped: the org was not as the plan expected"
	case StatusInterrupted:
		return "interrupted part way"
	case StatusDryRun:
		return "a dry run: nothing changed"
	}
	return string(s)
}

// Words says how a step stands in plain words, for people; kind tells a
// hand-off's wait from an operator's.
func (s StepStatus) Words(kind steps.Kind) string {
	switch s {
	case StepPending:
		return "not reached"
	case StepStarted:
		return "started, not finished"
	case StepDone:
		return "done"
	case StepOperator:
		return "done, by the operator's word: no API can show it"
	case StepSkipped:
		return "already done"
	case StepFailed:
		return "failed"
	case StepDeclined:
		return "not done: stopped here"
	case StepBlocked:
		return "stopped: the org is not as the plan expects"
	case StepWaiting:
		if kind == steps.KindHandoff {
			return "handed off"
		}
		return "waiting for the operator"
	case StepWouldRun:
		return "would run"
	}
	return string(s)
}
