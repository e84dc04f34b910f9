package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// journalSeeds are journals as syncdoctor writes them: a run with its
// steps, facts and end, a bulk run, and one whose org data is hostile.
func journalSeeds(t testing.TB) [][]byte {
	evil := "Evil\x1b[2J\x1b]52;c;aGk=\x07\u202e\r\nName"
	plan := []steps.PlanStep{
		{ID: steps.StepSetEmail, Kind: steps.KindAPI, Title: "Change the email of " + evil, Destructive: true},
		{ID: steps.StepVerifyUser, Kind: steps.KindCheck, Title: "Verify"},
	}
	recs := []Record{
		{Run: "r1", Seq: 1, Time: "2026-01-02T15:04:05.000Z", Type: RecRunStart, Header: &RunHeader{RunID: "r1", Mode: steps.ModeDemo, User: "a@acme.com",
			Target: "b@acme.com", Plan: plan, Note: &NoteInput{UserName: evil, Accounts: []NoteAccount{{Role: "holder", AccountID: "x|" + evil, Email: "c@acme.com"}}}}},
		{Run: "r1", Seq: 2, Time: "2026-01-02T15:04:06.000Z", Type: RecStepStart, Index: 1, Step: steps.StepSetEmail},
		{Run: "r1", Seq: 3, Type: RecFact, Index: 1, Key: FactMemberships, Value: json.RawMessage(`[{"accountId":"x","groups":["g` + "\\u001b[31m" + `"]}]`)},
		{Run: "r1", Seq: 4, Type: RecIntent, Index: 1, Call: &steps.Call{Method: "PUT", Path: "/users/x/manage/email", Body: `{"email":"b@acme.com"}`}, Before: json.RawMessage(`{"email":"a@acme.com"}`)},
		{Run: "r1", Seq: 5, Type: RecOutcome, Index: 1, Ref: 4, Status: OutcomeError, Error: evil},
		{Run: "r1", Seq: 6, Type: RecStepEnd, Index: 1, Status: string(StepBlocked), Reason: evil},
		{Run: "r1", Seq: 7, Type: RecRunEnd, Status: string(StatusFailed), Reason: evil},
		{Run: "r2", Seq: 8, Type: RecRunStart, Header: &RunHeader{RunID: "r2", Plan: plan[:1], Bulk: &BulkRun{Targets: "t" + evil + ".csv", Worksheet: "w.csv"}}},
	}
	var all bytes.Buffer
	for _, r := range recs {
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(append(line, '\n'))
	}
	data := all.Bytes()
	return [][]byte{data, data[:len(data)-17], data[:bytes.IndexByte(data, '\n')+1], nil, []byte("{}\n{\n"), []byte("not json\n")}
}

// FuzzReadJournal: any journal file is read without a panic, or refused
// with one line; what is read renders as a timeline and a ticket note
// with nothing a terminal obeys.
func FuzzReadJournal(f *testing.F) {
	for _, s := range journalSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := parseJournal(bytes.NewReader(data), "fuzz.jsonl")
		if err != nil {
			var ce *CorruptError
			if msg := err.Error(); strings.Contains(msg, "\n") || !errors.As(err, &ce) && !strings.HasPrefix(msg, "journal fuzz.jsonl") {
				t.Fatalf("error %T: %q", err, msg)
			}
			return
		}
		for _, r := range d.runs {
			if r.Path != "" && r.Path != "fuzz.jsonl" {
				t.Fatalf("run of path %q", r.Path)
			}
			for what, out := range map[string]string{"timeline": r.Timeline(nil), "note": TicketNote(r, NoteInput{}, nil)} {
				if safetext.Text(out) != out || !utf8.ValidString(out) {
					t.Fatalf("the %s carries what a terminal obeys:\n%q", what, out)
				}
			}
		}
	})
}
