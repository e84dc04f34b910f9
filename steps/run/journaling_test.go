package run

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

func skipOnWindows(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("unix permissions and symlinks")
	}
}

func TestOpenJournalCreatesOwnerOnly(t *testing.T) {
	skipOnWindows(t)
	dir := filepath.Join(t.TempDir(), "state", "syncdoctor")
	path := filepath.Join(dir, journal.FileName)
	j, err := journal.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{dir, 0o700}, {filepath.Dir(dir), 0o700}, {path, 0o600}} {
		fi, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != c.mode {
			t.Errorf("%s: mode %04o, want %04o", c.path, got, c.mode)
		}
	}
	if j.Path() != path {
		t.Errorf("Path() = %s", j.Path())
	}
}

func TestOpenJournalRefusesUnsafeFiles(t *testing.T) {
	skipOnWindows(t)
	dir := t.TempDir()
	real := filepath.Join(dir, "real.jsonl")
	if err := os.WriteFile(real, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.jsonl")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	loose := filepath.Join(dir, "loose.jsonl")
	if err := os.WriteFile(loose, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(loose, 0o620); err != nil {
		t.Fatal(err)
	}
	notFile := filepath.Join(dir, "adir.jsonl")
	if err := os.Mkdir(notFile, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{link, "is a symlink"},
		{loose, "writable by group or others (mode 0620)"},
		{notFile, "is not a regular file"},
	} {
		j, err := journal.Open(c.path, nil)
		if err == nil {
			j.Close()
			t.Errorf("%s: opened", c.path)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.path) || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
			t.Errorf("%s: error %q, want one line naming the path and %q", c.path, msg, c.want)
		}
		if _, err := journal.ReadRuns(c.path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadRuns %s: %v", c.path, err)
		}
		if _, err := os.Stat(c.path + ".lock"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: refused, but a lock was left behind", c.path)
		}
	}
	// Nothing was created at the symlink's target side either.
	if fi, _ := os.Stat(real); fi.Size() != 0 {
		t.Error("wrote through the symlink")
	}
}

// writeJournal runs the fake fix to completion and returns the journal's path.
func writeJournal(t *testing.T) (string, *journal.RunLog) {
	t.Helper()
	h := newHarness(t, newFakeOrg(), "")
	if _, err := h.x.Start(context.Background(), fixHeader("run-read")); err != nil {
		t.Fatal(err)
	}
	if err := h.j.Close(); err != nil {
		t.Fatal(err)
	}
	return h.path, readOnlyRun(t, h.path)
}

func TestTornFinalLineIsReportedAndCutOff(t *testing.T) {
	path, run := writeJournal(t)
	data, _ := os.ReadFile(path)
	n := len(run.Records)
	torn := `{"run":"run-read","seq":99,"time":"2026-11`
	if err := os.WriteFile(path, append(data, torn...), 0o600); err != nil {
		t.Fatal(err)
	}
	runs, err := journal.ReadRuns(path)
	if err != nil {
		t.Fatalf("a torn final line must be tolerated: %v", err)
	}
	tl := runs[0].Torn
	if tl == nil || tl.Line != n+1 || tl.Bytes != len(torn) || tl.Offset != int64(len(data)) || len(runs[0].Records) != n {
		t.Fatalf("torn = %+v, %d records", tl, len(runs[0].Records))
	}
	if !strings.Contains(runs[0].Timeline(nil), "torn line") {
		t.Error("timeline does not mention the torn line")
	}

	j, err := journal.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if j.Torn() == nil || j.Torn().Line != n+1 {
		t.Errorf("OpenJournal did not report the torn line: %+v", j.Torn())
	}
	j.Close()
	after, _ := os.ReadFile(path)
	if string(after) != string(data) {
		t.Error("the torn line was not cut off")
	}
}

func TestCorruptMiddleLineIsRejected(t *testing.T) {
	path, _ := writeJournal(t)
	data, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(data), "\n")
	lines[2] = `{"run":"run-read","seq":3,` + "\n" // complete line, broken JSON
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := journal.ReadRuns(path)
	var ce *journal.CorruptError
	if !errors.As(err, &ce) || ce.Line != 3 || !strings.Contains(err.Error(), path+": line 3 is corrupt") {
		t.Fatalf("err = %v", err)
	}
	if _, err := journal.Open(path, nil); !errors.As(err, &ce) {
		t.Fatalf("OpenJournal appended to a corrupt journal: %v", err)
	}
}

func TestReaderValidatesRecords(t *testing.T) {
	dir := t.TempDir()
	start := `{"run":"a","seq":1,"time":"2026-11-23T10:00:00.000Z","type":"run-start","header":{"runId":"a","started":"2026-11-23T10:00:00Z","plan":[{"id":"x","kind":"api","title":"X","destructive":false}]}}` + "\n"
	for _, c := range []struct{ name, body, want string }{
		{"seq back", start + `{"run":"a","seq":1,"time":"t","type":"resume"}` + "\n", "line 2 is corrupt: sequence number 1 does not follow 1"},
		{"unknown run", start + `{"run":"b","seq":2,"time":"t","type":"step-start","index":1}` + "\n", "line 2 is corrupt: step-start record of run b, which never started"},
		{"step out of plan", start + `{"run":"a","seq":2,"time":"t","type":"step-end","index":2}` + "\n", "line 2 is corrupt: step-end record for step 2 of a 1-step plan"},
		{"orphan outcome", start + `{"run":"a","seq":2,"time":"t","type":"outcome","index":1,"ref":7}` + "\n", "line 2 is corrupt: outcome for intent 7"},
		{"unknown type", start + `{"run":"a","seq":2,"time":"t","type":"gossip"}` + "\n", `line 2 is corrupt: unknown record type "gossip"`},
		{"double start", start + strings.Replace(start, `"seq":1`, `"seq":2`, 1), "line 2 is corrupt: run a starts twice"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".jsonl")
		if err := os.WriteFile(path, []byte(c.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := journal.ReadRuns(path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

func TestManyRunsFindAndLastUnfinished(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	org := newFakeOrg()
	h := newHarness(t, org, path)
	ctx := context.Background()
	if _, err := h.x.Start(ctx, fixHeader("aaa111")); err != nil { // completes
		t.Fatal(err)
	}
	h.x.Confirm = func(context.Context, steps.PlanStep) (bool, error) { return false, nil }
	for _, id := range []string{"bbb222", "bbb333"} { // both declined: unfinished
		org.reset()
		if _, err := h.x.Start(ctx, fixHeader(id)); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := journal.ReadRuns(path)
	if err != nil || len(runs) != 3 {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	if r := journal.LastUnfinished(runs); r == nil || r.Header.RunID != "bbb333" {
		t.Errorf("last unfinished = %v", r)
	}
	if r, err := journal.FindRun(runs, "aaa"); err != nil || r.Header.RunID != "aaa111" || r.Unfinished() {
		t.Errorf("FindRun aaa: %v %v", r, err)
	}
	if r, err := journal.FindRun(runs, "bbb222"); err != nil || r.Header.RunID != "bbb222" {
		t.Errorf("FindRun exact: %v %v", r, err)
	}
	if _, err := journal.FindRun(runs, "bbb"); err == nil || !strings.Contains(err.Error(), "ambiguous") || !strings.Contains(err.Error(), "bbb222, bbb333") {
		t.Errorf("FindRun ambiguous: %v", err)
	}
	if _, err := journal.FindRun(runs, "zzz"); err == nil || !strings.Contains(err.Error(), `no run "zzz"`) {
		t.Errorf("FindRun missing: %v", err)
	}

	// Resuming the older run makes it the one touched last.
	h.x.Confirm = func(context.Context, steps.PlanStep) (bool, error) { return true, nil }
	org.reset()
	older, _ := journal.FindRun(runs, "bbb222")
	if _, err := h.x.Resume(ctx, older); err != nil {
		t.Fatal(err)
	}
	runs, _ = journal.ReadRuns(path)
	if r := journal.LastUnfinished(runs); r == nil || r.Header.RunID != "bbb333" {
		t.Errorf("after resume, last unfinished = %v", r)
	}
	if r, _ := journal.FindRun(runs, "bbb222"); r.Unfinished() {
		t.Error("resumed run still unfinished")
	}
}

func TestFactsRoundTripAndResume(t *testing.T) {
	f := journal.NewFacts()
	if err := f.Set("placeholder", "yuki_duplicate@acme.com"); err != nil {
		t.Fatal(err)
	}
	var got string
	if ok, err := f.Get("placeholder", &got); !ok || err != nil || got != "yuki_duplicate@acme.com" {
		t.Errorf("Get = %q %v %v", got, ok, err)
	}
	if ok, _ := f.Get("nothing", &got); ok || f.Has("nothing") || !f.Has("placeholder") || !slices.Equal(f.Keys(), []string{"placeholder"}) {
		t.Error("Has/Get of a missing key")
	}

	// A resumed run starts with the facts journaled before the interruption.
	h := newHarness(t, newFakeOrg(), "")
	h.x.Confirm = func(context.Context, steps.PlanStep) (bool, error) { return false, nil }
	if _, err := h.x.Start(context.Background(), fixHeader("run-facts")); err != nil {
		t.Fatal(err)
	}
	h.org.groups["ext-yuki"] = []string{"changed-meanwhile"}
	h.x.Confirm = func(context.Context, steps.PlanStep) (bool, error) { return true, nil }
	if _, err := h.x.Resume(context.Background(), readOnlyRun(t, h.path)); err != nil {
		t.Fatal(err)
	}
	var ms []journal.MembershipFact
	if ok, err := h.x.Env.Facts.Get(journal.FactMemberships, &ms); !ok || err != nil || strings.Join(ms[0].Groups, ",") != "eng-all,design" {
		t.Errorf("memberships after resume: %+v %v %v", ms, ok, err)
	}
}

// A journal that can no longer be written stops everything: no run starts
// without its run-start record, and no change is sent without its intent.
// (journal's own tests break the file under an open journal.)
func TestJournalWriteFailureStopsEverything(t *testing.T) {
	h := newHarness(t, newFakeOrg(), "")
	h.j.Close()
	if _, err := h.x.Start(context.Background(), fixHeader("run-broken")); err == nil {
		t.Fatal("a run started without its run-start record")
	}
	sent := false
	err := h.x.Env.Mutate(context.Background(), "set-email", steps.Call{Method: "PUT", Path: "/x"}, nil, func(context.Context) error { sent = true; return nil })
	if err == nil || sent || !strings.Contains(err.Error(), "not sent") {
		t.Errorf("Mutate on a broken journal: %v, sent %v", err, sent)
	}
}
