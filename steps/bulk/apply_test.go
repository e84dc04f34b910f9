package bulk_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/fixtures/simorg"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/journal"

	"github.com/syncdoctor/syncdoctor/client"
)

// A rebrand from acme.com to acme.io with every kind of row a bulk apply
// meets, on the simulator over real HTTP.
const rebrandOrg = `{
  "org": {"id": "org-bulk", "name": "Acme"},
  "setup": {"samlSso": "enforced"},
  "domains": [{"name": "acme.com", "status": "verified"}, {"name": "acme.io", "status": "verified"}],
  "accounts": [
    {"accountId": "a-ann", "name": "Ann", "email": "ann@acme.com", "groups": ["g-local"]},
    {"accountId": "a-bob", "name": "Bob", "email": "bob@acme.com"},
    {"accountId": "h-bob", "name": "Bob (pilot)", "email": "bob@acme.io", "productAccess": ["confluence"]},
    {"accountId": "a-cat", "name": "Cat", "email": "cat@acme.com"},
    {"accountId": "h-cat", "name": "Cat (left)", "email": "cat@acme.io", "accountStatus": "inactive"},
    {"accountId": "o-cat", "name": "Older stray", "email": "cat_FREE@acme.io"},
    {"accountId": "a-dan", "name": "Dan", "email": "dan@acme.com"},
    {"accountId": "h-dan", "name": "Dan Other", "email": "dan@acme.io"},
    {"accountId": "a-eve", "name": "Eve", "email": "eve@acme.com"},
    {"accountId": "a-fay", "name": "Fay", "email": "fay@acme.com"}
  ],
  "groups": [{"id": "g-local", "name": "phoenix"}],
  "directories": [{"id": "d-entra", "name": "Entra", "idp": "entra",
    "users": [
      {"id": "s-cat-old", "externalId": "x-cat-old", "userName": "cat@acme.io", "displayName": "Cat (left)", "active": false,
       "emails": [{"value": "cat@acme.io", "type": "work", "primary": true}], "atlassianAccountId": "h-cat"},
      {"id": "s-dan", "externalId": "x-dan", "userName": "dan@acme.io", "displayName": "Dan Other", "active": true,
       "emails": [{"value": "dan@acme.io", "type": "work", "primary": true}], "atlassianAccountId": "h-dan"},
      {"id": "s-eve", "externalId": "x-eve", "userName": "eve@acme.com", "displayName": "Eve", "active": true,
       "emails": [{"value": "eve@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "a-eve"}
    ]}]
}`

const rebrandTargets = "current_email,target_email\n" +
	"ann@acme.com,ann@acme.io\n" + // ready: set here
	"bob@acme.com,bob@acme.io\n" + // conflict: a pilot account, parked
	"cat@acme.com,cat@acme.io\n" + // conflict: a provisioned leaver, unlinked and parked on _FREE2
	"dan@acme.com,dan@acme.io\n" + // conflict: a current provisioned person: left alone
	"eve@acme.com,eve@acme.io\n" + // provisioned: the worksheet's
	"nobody@acme.com,nobody@acme.io\n" // no account

type bulkOrg struct {
	sim *fixtures.Simulator
	c   *client.Client
	org *bulkOrgHints

	mu        sync.Mutex
	mutations []string
}

type bulkOrgHints struct{ hints steps.Hints }

func startBulk(t *testing.T) *bulkOrg {
	t.Helper()
	snap, err := fixtures.Parse([]byte(rebrandOrg), "rebrand.json")
	if err != nil {
		t.Fatal(err)
	}
	sim, err := fixtures.NewSimulator(snap, fixtures.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := &bulkOrg{sim: sim, org: &bulkOrgHints{simorg.Hints(snap)}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && !strings.HasSuffix(r.URL.Path, "/search") {
			o.mu.Lock()
			o.mutations = append(o.mutations, r.Method+" "+r.URL.Path)
			o.mu.Unlock()
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	o.c, err = simorg.Client(sim, snap, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (o *bulkOrg) plan(t *testing.T) (*bulk.Plan, *bulk.Changes) {
	t.Helper()
	rows, err := bulk.ReadTargets(strings.NewReader(rebrandTargets), "targets.csv")
	if err != nil {
		t.Fatal(err)
	}
	opts := bulk.Options{Setup: bulk.DetectSetup(o.org.hints, 1), Hints: o.org.hints}
	p, err := bulk.PlanRows(context.Background(), o.c, rows, opts)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := bulk.PlanChanges(context.Background(), o.c, p)
	if err != nil {
		t.Fatal(err)
	}
	return p, ch
}

func (o *bulkOrg) applier(t *testing.T, j *journal.Journal) *bulk.Applier {
	return &bulk.Applier{Client: o.c, Journal: j, InFlight: 3, Patience: time.Second,
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}
}

func openJournal(t *testing.T, path string) *journal.Journal {
	t.Helper()
	j, err := journal.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func header(ch *bulk.Changes) journal.RunHeader {
	return journal.RunHeader{RunID: "bulk-1", Started: time.Now(), Mode: "simulated", Plan: ch.Steps,
		Bulk: &journal.BulkRun{Targets: "targets.csv", Setup: "saml-scim"}}
}

func account(t *testing.T, s *fixtures.Snapshot, id string) fixtures.Account {
	t.Helper()
	for _, a := range s.Accounts {
		if a.AccountID == id {
			return a
		}
	}
	t.Fatalf("no account %s", id)
	return fixtures.Account{}
}

// endState is the emails of every account, and who is linked.
func endState(s *fixtures.Snapshot) string {
	var b strings.Builder
	for _, a := range s.Accounts {
		b.WriteString(a.AccountID + "=" + a.Email + " ")
	}
	for _, d := range s.Directories {
		for _, u := range d.Users {
			if u.AtlassianAccountID != nil {
				b.WriteString(u.ID + "->" + *u.AtlassianAccountID + " ")
			}
		}
	}
	return b.String()
}

func TestBulkApplyRebrand(t *testing.T) {
	o := startBulk(t)
	p, ch := o.plan(t)
	ids := steps.IDs(ch.Steps)
	want := []steps.StepID{steps.StepBulkUnlinkHolder, steps.StepBulkParkHolder, steps.StepBulkParkHolder, steps.StepBulkSetEmail, steps.StepBulkSetEmail, steps.StepBulkSetEmail}
	if !slices.Equal(sortedIDs(ids), sortedIDs(want)) || ids[0] != steps.StepBulkUnlinkHolder && ids[0] != steps.StepBulkParkHolder {
		t.Fatalf("changes %v", ids)
	}
	if len(ch.Left) != 1 || ch.Left[0].Line != 5 || !strings.Contains(ch.Left[0].Reason, "current person") {
		t.Errorf("left %+v, want dan's row with the current person's reason", ch.Left)
	}
	if p.Summary[bulk.RowConflict] != 3 || ch.SetEmailCount() != 3 {
		t.Errorf("summary %v, %d set-emails", p.Summary, ch.SetEmailCount())
	}

	var progress []bulk.Progress
	a := o.applier(t, openJournal(t, filepath.Join(t.TempDir(), "j.jsonl")))
	var mu sync.Mutex
	a.Progress = func(pr bulk.Progress) { mu.Lock(); progress = append(progress, pr); mu.Unlock() }
	res, err := a.Start(context.Background(), header(ch))
	if err != nil || res.Status != journal.StatusCompleted {
		t.Fatalf("apply %v: %+v", err, res)
	}
	if len(progress) != len(ch.Steps) || progress[len(progress)-1].Done != len(ch.Steps) {
		t.Errorf("progress %+v", progress)
	}

	s := o.sim.Snapshot()
	for id, email := range map[string]string{"a-ann": "ann@acme.io", "a-bob": "bob@acme.io", "h-bob": "bob_FREE@acme.io", "a-cat": "cat@acme.io",
		"h-cat": "cat_FREE2@acme.io", "o-cat": "cat_FREE@acme.io", "a-dan": "dan@acme.com", "h-dan": "dan@acme.io", "a-eve": "eve@acme.com"} {
		if got := account(t, s, id).Email; got != email {
			t.Errorf("%s has %s, want %s", id, got, email)
		}
	}
	if got := account(t, s, "a-ann").Groups; !slices.Equal(got, []string{"g-local"}) {
		t.Errorf("ann's groups changed: %v", got)
	}

	// The worksheet: eve's two attributes in Entra ID.
	idps, err := bulk.FindIdps(context.Background(), o.c, ch.Rows, o.org.hints)
	if err != nil {
		t.Fatal(err)
	}
	names, err := bulk.AccountNames(context.Background(), o.c, ch.Rows)
	if err != nil {
		t.Fatal(err)
	}
	lines := bulk.Worksheet(ch.Rows, idps, names)
	var buf bytes.Buffer
	if err := bulk.WriteWorksheet(&buf, lines); err != nil {
		t.Fatal(err)
	}
	ws := buf.String()
	if len(lines) != 2 || !strings.Contains(ws, "6,a-eve,Eve,eve@acme.com,eve@acme.io,entra,") || !strings.Contains(ws, "Unique User Identifier") || !strings.Contains(ws, `mail mapped to emails[type eq ""work""].value`) {
		t.Errorf("worksheet:\n%s", ws)
	}

	// Verify: the set rows done, eve pending on the IdP, dan and nobody failed.
	rows, _ := bulk.ReadTargets(strings.NewReader(rebrandTargets), "targets.csv")
	rep, err := bulk.Verify(context.Background(), o.c, rows, bulk.Options{Setup: bulk.SetupSamlScim}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]bulk.VerifyStatus{}
	for _, r := range rep.Rows {
		got[r.Line] = r.Status
	}
	wantV := map[int]bulk.VerifyStatus{2: bulk.VerifyDone, 3: bulk.VerifyDone, 4: bulk.VerifyDone, 5: bulk.VerifyFailed, 6: bulk.VerifyPending, 7: bulk.VerifyFailed}
	for line, st := range wantV {
		if got[line] != st {
			t.Errorf("line %d: %s, want %s (%+v)", line, got[line], st, rep.Rows)
		}
	}
}

func sortedIDs(ids []steps.StepID) []steps.StepID {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// A bulk apply cut off after any number of changes resumes to the same end
// state as one that ran through, without making any change twice.
func TestBulkApplyResumesAfterAnyStop(t *testing.T) {
	ref := startBulk(t)
	_, ch := ref.plan(t)
	if _, err := ref.applier(t, openJournal(t, filepath.Join(t.TempDir(), "j.jsonl"))).Start(context.Background(), header(ch)); err != nil {
		t.Fatal(err)
	}
	wantState := endState(ref.sim.Snapshot())
	wantMutations := len(ref.mutations)

	for stop := 1; stop < len(ch.Steps); stop++ {
		o := startBulk(t)
		_, ch := o.plan(t)
		path := filepath.Join(t.TempDir(), "j.jsonl")
		j := openJournal(t, path)
		ctx, cancel := context.WithCancel(context.Background())
		a := o.applier(t, j)
		a.InFlight = 1
		a.Progress = func(p bulk.Progress) {
			if p.Done >= stop {
				cancel()
			}
		}
		res, err := a.Start(ctx, header(ch))
		cancel()
		if !errors.Is(err, context.Canceled) || res.Status != journal.StatusInterrupted {
			t.Fatalf("stop %d: %v %+v", stop, err, res)
		}
		run, err := j.Reload("bulk-1")
		if err != nil || !run.Unfinished() {
			t.Fatalf("stop %d: the journal does not hold an unfinished run: %v", stop, err)
		}
		a.Progress = nil
		res, err = a.Resume(context.Background(), run)
		if err != nil || res.Status != journal.StatusCompleted {
			t.Fatalf("stop %d: resume %v %+v", stop, err, res)
		}
		if got := endState(o.sim.Snapshot()); got != wantState {
			t.Errorf("stop %d: end state\n%s\nwant\n%s", stop, got, wantState)
		}
		if len(o.mutations) != wantMutations {
			t.Errorf("stop %d: %d changes made, want %d: %v", stop, len(o.mutations), wantMutations, o.mutations)
		}
	}
}
