package journal

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
)

// journalWith writes runs to a fresh journal: each a plan of two steps,
// and the records after run-start that end it as wanted.
func journalWith(t *testing.T, runs map[string][]Record) (*Journal, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "j.jsonl")
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	plan := []steps.PlanStep{{ID: steps.StepCheckHolder, Kind: steps.KindCheck}, {ID: steps.StepParkHolder, Kind: steps.KindAPI}}
	for _, id := range []string{"a-declined-first", "b-blocked-after-change", "c-waiting", "d-failed", "e-completed"} {
		recs, ok := runs[id]
		if !ok {
			continue
		}
		h := RunHeader{RunID: id, Started: time.Now(), Plan: plan, User: "yuki@acme.com",
			Note: &NoteInput{UserName: "Yuki Tanaka", Findings: []NoteFinding{{Code: "email-taken", Detail: "held by Jane"}}}}
		append1(t, j, Record{Run: id, Type: RecRunStart, Header: &h})
		for _, r := range recs {
			r.Run = id
			append1(t, j, r)
		}
	}
	return j, path
}

func append1(t *testing.T, j *Journal, r Record) int64 {
	t.Helper()
	seq, err := j.Append(&r)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func TestOfferedRun(t *testing.T) {
	change := []Record{
		{Type: RecStepStart, Index: 2},
		{Type: RecIntent, Index: 2, Call: &steps.Call{Method: "PUT", Path: "/users/x/manage/email"}},
	}
	j, path := journalWith(t, map[string][]Record{
		"a-declined-first":       {{Type: RecStepEnd, Index: 1, Status: string(StepDeclined)}, {Type: RecRunEnd, Status: string(StatusDeclined)}},
		"b-blocked-after-change": change,
		"d-failed":               {{Type: RecRunEnd, Status: string(StatusFailed)}},
	})
	// b's change went through: its outcome follows its intent.
	runs, err := ReadRuns(path)
	if err != nil {
		t.Fatal(err)
	}
	b := runs[1]
	append1(t, j, Record{Run: b.Header.RunID, Type: RecOutcome, Index: 2, Ref: b.Records[len(b.Records)-1].Seq, Status: OutcomeOK})
	append1(t, j, Record{Run: b.Header.RunID, Type: RecRunEnd, Status: string(StatusBlocked)})

	runs, _ = ReadRuns(path)
	if got := Offered(runs); got == nil || got.Header.RunID != "b-blocked-after-change" {
		t.Fatalf("offered %v, want the run that changed something", got)
	}
	// A run that stopped before any change is not offered.
	if runs[0].MadeChanges() || runs[0].worthResuming() {
		t.Errorf("a run declined at its first step is worth resuming")
	}
	// Dismissed, it is passed over; resumed, it is offered again.
	if err := j.Dismiss("b-blocked-after-change", "test"); err != nil {
		t.Fatal(err)
	}
	runs, _ = ReadRuns(path)
	if got := Offered(runs); got != nil {
		t.Errorf("offered %s after it was dismissed", got.Header.RunID)
	}
	if !runs[1].Dismissed || !runs[1].Unfinished() {
		t.Errorf("a dismissed run must stay unfinished in the journal: %+v", runs[1].Status)
	}
	append1(t, j, Record{Run: "b-blocked-after-change", Type: RecResume})
	runs, _ = ReadRuns(path)
	if got := Offered(runs); got == nil || got.Header.RunID != "b-blocked-after-change" {
		t.Errorf("a resumed run is not offered again: %v", got)
	}
}

// The ticket note of a run read back from the journal (a resumed run, or
// `journal RUN --note`) is as complete as the first session's.
func TestTicketNoteFromTheHeader(t *testing.T) {
	_, path := journalWith(t, map[string][]Record{"c-waiting": {{Type: RecRunEnd, Status: string(StatusWaitingOperator)}}})
	runs, _ := ReadRuns(path)
	note := TicketNote(runs[0], NoteInput{}, nil)
	for _, want := range []string{"Yuki Tanaka", "email-taken", "held by Jane"} {
		if !strings.Contains(note, want) {
			t.Errorf("note lacks %q:\n%s", want, note)
		}
	}
	if strings.Contains(note, "None recorded") {
		t.Errorf("note says no findings:\n%s", note)
	}
}

func TestStatusWords(t *testing.T) {
	for _, s := range []RunStatus{StatusCompleted, StatusFailed, StatusDeclined, StatusWaitingOperator, StatusBlocked, StatusInterrupted, StatusDryRun} {
		if w := s.Words(); w == string(s) && s != StatusCompleted || strings.Contains(w, "-") {
			t.Errorf("%s: %q is not plain words", s, w)
		}
	}
	if StepWaiting.Words(steps.KindHandoff) != "handed off" || strings.Contains(StepWaiting.Words(steps.KindIdP), "-") {
		t.Error("a waiting step is not said plainly")
	}
}
