package run

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// The crash test. One uninterrupted run gives the final org state, the
// journal, and the list of changes with the intent each was sent under.
// Then, for every point where a killed process could leave the journal
// (after each complete record, and in the middle of each record), the org
// is rebuilt as it stood at that moment, the journal cut there, and the
// run resumed. Every resume must reach the same final org with each
// change applied exactly once in all.
//
// What "as it stood" means: a change is made between its intent record
// and its outcome record. Cut right after an intent, the change may or may
// not have happened (killed before or after the call): both are tried. Cut
// inside a record, every change whose intent came before that record has
// happened (the write began, so everything before it finished).

type crashPoint struct {
	name    string
	journal []byte
	applied func(m mutation) bool // the changes made before the kill
}

func TestCrashAnywhereThenResumeConverges(t *testing.T) {
	full := newHarness(t, newFakeOrg(), "")
	res, err := full.x.Start(context.Background(), fixHeader("run-crash"))
	if err != nil || res.Status != journal.StatusCompleted {
		t.Fatalf("uninterrupted run: %+v %v", res, err)
	}
	want := full.org.state()
	wantApplied := maps.Clone(full.org.applied)
	changes := slices.Clone(full.org.log)
	data, err := os.ReadFile(full.path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	lines = lines[:len(lines)-1] // the empty tail after the last newline
	run := readOnlyRun(t, full.path)

	var points []crashPoint
	for k := 1; k <= len(lines); k++ {
		prefix := bytes.Join(lines[:k], nil)
		kk := int64(k)
		points = append(points, crashPoint{
			name: fmt.Sprintf("after record %d (%s)", k, run.Records[k-1].Type), journal: prefix,
			applied: func(m mutation) bool { return m.Seq < kk },
		})
		if run.Records[k-1].Type == journal.RecIntent {
			points = append(points, crashPoint{
				name: fmt.Sprintf("after record %d (intent), change made", k), journal: prefix,
				applied: func(m mutation) bool { return m.Seq <= kk },
			})
		}
		if k < len(lines) {
			next := lines[k]
			torn := append(slices.Clone(prefix), next[:len(next)/2]...)
			points = append(points, crashPoint{
				name: fmt.Sprintf("torn record %d (%s)", k+1, run.Records[k].Type), journal: torn,
				applied: func(m mutation) bool { return m.Seq <= kk },
			})
		}
	}
	intents := 0
	for _, r := range run.Records {
		if r.Type == journal.RecIntent {
			intents++
		}
	}
	if intents != 4 || len(points) != 2*len(lines)-1+intents {
		t.Fatalf("%d crash points for %d records and %d intents", len(points), len(lines), intents)
	}

	for i, p := range points {
		t.Run(fmt.Sprintf("%02d %s", i, p.name), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			if err := os.WriteFile(path, p.journal, 0o600); err != nil {
				t.Fatal(err)
			}
			org := newFakeOrg()
			for _, m := range changes {
				if p.applied(m) {
					org.apply(m)
				}
			}
			h := newHarness(t, org, path)
			runs, err := journal.ReadRuns(path)
			if err != nil {
				t.Fatal(err)
			}
			if r := journal.LastUnfinished(runs); r != nil {
				res, err := h.x.Resume(context.Background(), r)
				if err != nil {
					t.Fatal(err)
				}
				if res.Status != journal.StatusCompleted {
					t.Fatalf("resume ended %s: %s", res.Status, res.Reason)
				}
			} else if !bytes.Equal(p.journal, data) {
				t.Fatal("no unfinished run in a cut journal")
			}
			if got := org.state(); got != want {
				t.Errorf("org after resume:\n%s\nwant\n%s", got, want)
			}
			if !maps.Equal(org.applied, wantApplied) {
				t.Errorf("changes applied %v, want each once: %v", org.applied, wantApplied)
			}
			after := readOnlyRun(t, path)
			if after.Status != journal.StatusCompleted || len(after.Pending) != 0 || after.Torn != nil {
				t.Errorf("journal after resume: %s, %d pending, torn %v", after.Status, len(after.Pending), after.Torn)
			}
		})
	}
}

func TestResumeSettlesIntentWithoutOutcome(t *testing.T) {
	for _, made := range []bool{true, false} {
		t.Run(fmt.Sprintf("change made %v", made), func(t *testing.T) {
			full := newHarness(t, newFakeOrg(), "")
			if _, err := full.x.Start(context.Background(), fixHeader("run-intent")); err != nil {
				t.Fatal(err)
			}
			run := readOnlyRun(t, full.path)
			// Cut right after step 3's intent: the outcome never came.
			k := slices.IndexFunc(run.Records, func(r journal.Record) bool { return r.Type == journal.RecIntent && r.Index == 3 }) + 1
			data, _ := os.ReadFile(full.path)
			lines := bytes.SplitAfter(data, []byte("\n"))
			path := filepath.Join(t.TempDir(), "journal.jsonl")
			if err := os.WriteFile(path, bytes.Join(lines[:k], nil), 0o600); err != nil {
				t.Fatal(err)
			}
			org := newFakeOrg()
			for _, m := range full.org.log {
				if m.Seq < int64(k) || (made && m.Seq == int64(k)) {
					org.apply(m)
				}
			}
			cut := readOnlyRun(t, path)
			if len(cut.Pending) != 1 || cut.Pending[0].Index != 3 || cut.Pending[0].Seq != int64(k) {
				t.Fatalf("pending %+v", cut.Pending)
			}
			h := newHarness(t, org, path)
			res, err := h.x.Resume(context.Background(), cut)
			if err != nil || res.Status != journal.StatusCompleted {
				t.Fatalf("resume: %+v %v", res, err)
			}
			wantStatus := journal.StepDone
			if made {
				wantStatus = journal.StepSkipped
			}
			if res.Steps[2].Status != wantStatus {
				t.Errorf("step 3 %+v, want %s", res.Steps[2], wantStatus)
			}
			if n := org.applied["set-email:acc-new:yuki_duplicate@acme.com"]; n != 1 {
				t.Errorf("step 3's change applied %d times", n)
			}
			after := readOnlyRun(t, path)
			if len(after.Pending) != 0 {
				t.Errorf("still pending: %+v", after.Pending)
			}
			var settled *journal.Record
			for i, rec := range after.Records {
				if rec.Type == journal.RecOutcome && rec.Ref == int64(k) {
					settled = &after.Records[i]
				}
			}
			if settled == nil || settled.Status != journal.OutcomeSettled {
				t.Fatalf("no settled outcome: %+v", settled)
			}
			wantLine := "the interrupted call is settled: after the interruption the org does not show this change (ready)"
			if made {
				wantLine = "the interrupted call is settled: after the interruption the org shows this change made"
			}
			if tl := after.Timeline(nil); !strings.Contains(tl, wantLine) {
				t.Errorf("timeline lacks %q:\n%s", wantLine, tl)
			}
			// The resume left its mark, and the steps finished before were not redone.
			if n := org.applied["remove-groups:ext-yuki:"]; n != 1 {
				t.Errorf("remove-groups applied %d times", n)
			}
			if !slices.ContainsFunc(after.Records, func(r journal.Record) bool { return r.Type == journal.RecResume && r.PID == os.Getpid() }) {
				t.Error("no resume record")
			}
		})
	}
}
