package fixes

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/fixtures/simorg"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
)

// quick is how long Verify waits in tests: the simulator answers at once.
var quick = run.Patience{Every: 5 * time.Millisecond, Timeout: 500 * time.Millisecond}

// fxIdP adapts the simulated IdP to steps.IdP (and IdpUserFinder), as the
// CLI's adapter does. It counts the actions it was asked for.
type fxIdP struct {
	org *fxOrg
}

func fxReport(r fixtures.IdpResult, err error) (run.IdpReport, error) {
	return run.IdpReport{Action: r.Action, Status: r.Status, Code: r.Code, Message: r.Message, ScimBody: r.ScimBody, Log: r.Log}, err
}

// idpDone logs an IdP or console action that changed something.
func (o *fxOrg) idpDone(what string, rep run.IdpReport, err error) (run.IdpReport, error) {
	if err == nil && rep.Status < 300 {
		o.applied(what)
	}
	return rep, err
}

func (p fxIdP) Provision(ctx context.Context, ext string) (run.IdpReport, error) {
	rep, err := fxReport(p.org.sim.IdP().Provision(ctx, ext))
	return p.org.idpDone("IDP provision "+ext, rep, err)
}

func (p fxIdP) RemoveFromGroups(ctx context.Context, ext string) (run.IdpReport, error) {
	rep, err := fxReport(p.org.sim.IdP().RemoveFromGroups(ctx, ext))
	return p.org.idpDone("IDP remove-groups "+ext, rep, err)
}

func (p fxIdP) AddToGroups(ctx context.Context, ext string) (run.IdpReport, error) {
	rep, err := fxReport(p.org.sim.IdP().AddToGroups(ctx, ext))
	return p.org.idpDone("IDP add-groups "+ext, rep, err)
}

func (p fxIdP) Delete(ctx context.Context, ext string) (run.IdpReport, error) {
	rep, err := fxReport(p.org.sim.IdP().Delete(ctx, ext))
	return p.org.idpDone("IDP delete "+ext, rep, err)
}

func (p fxIdP) FindUser(_ context.Context, email string) (string, error) {
	return p.org.sim.IdP().FindUser(email)
}

// fxConsole adapts the simulator's admin console to steps.Console.
type fxConsole struct{ org *fxOrg }

func (c fxConsole) VerifyDomain(_ context.Context, domain string) error {
	_, err := c.org.idpDone("ADMIN verify "+domain, run.IdpReport{}, c.org.sim.VerifyDomain(domain))
	return err
}

func (c fxConsole) ClaimAccount(_ context.Context, id string) error {
	_, err := c.org.idpDone("ADMIN claim "+id, run.IdpReport{}, c.org.sim.ClaimAccount(id))
	return err
}

func (c fxConsole) AlignSamlAttribute(_ context.Context, ext string) (run.IdpReport, error) {
	rep, err := fxReport(c.org.sim.AlignSamlAttribute(ext))
	return c.org.idpDone("ADMIN align-saml "+ext, rep, err)
}

// fxOrg is a simulated org served over loopback HTTP, with a log of every
// change made to it (Atlassian's mutating requests, IdP and console
// actions), and a hook called after each.
type fxOrg struct {
	sim  *fixtures.Simulator
	snap *fixtures.Snapshot
	c    *client.Client
	url  string // where the org is served

	mu      sync.Mutex
	changes []string
	after   func(n int) // called after the n-th change (1-based), when set
}

// mutating reports whether a request changes the org: everything but GETs
// and the POSTs that only search.
func mutating(r *http.Request) bool {
	if r.Method == http.MethodGet {
		return false
	}
	p := r.URL.Path
	return !(r.Method == http.MethodPost && (strings.HasSuffix(p, "/search") || strings.HasSuffix(p, "/get-scim-links-for-email")))
}

func (o *fxOrg) applied(what string) {
	o.mu.Lock()
	o.changes = append(o.changes, what)
	n, after := len(o.changes), o.after
	o.mu.Unlock()
	if after != nil {
		after(n)
	}
}

// changeLog is the changes so far.
func (o *fxOrg) changeLog() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.changes)
}

func (o *fxOrg) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !mutating(r) {
		o.sim.ServeHTTP(w, r)
		return
	}
	rec := &statusRecorder{ResponseWriter: w}
	// A change counts when it was answered 2xx, or when the simulator
	// applied it and then dropped the connection (FailMutationAfterApply).
	defer func() {
		if rec.status == 0 || rec.status < 300 {
			o.applied(r.Method + " " + r.URL.Path)
		}
	}()
	o.sim.ServeHTTP(rec, r)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Hijack lets the simulator drop the connection.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return s.ResponseWriter.(http.Hijacker).Hijack()
}

func fxParse(t testing.TB, snapshot string) *fixtures.Snapshot {
	t.Helper()
	snap, err := fixtures.Parse([]byte(snapshot), t.Name()+".json")
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return snap
}

// fxStart serves snap (nil: the demo org) with opts.
func fxStart(t testing.TB, snap *fixtures.Snapshot, opts fixtures.Options) *fxOrg {
	t.Helper()
	if snap == nil {
		snap = fixtures.Demo()
	}
	sim, err := fixtures.NewSimulator(snap, opts)
	if err != nil {
		t.Fatal(err)
	}
	o := &fxOrg{sim: sim, snap: snap}
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	o.url = srv.URL
	var dirs []client.DirectoryKey
	for _, d := range snap.Directories {
		dirs = append(dirs, client.DirectoryKey{ID: d.ID, Key: client.Secret(sim.ScimKey())})
	}
	c, err := client.New(client.Config{BaseURL: srv.URL, OrgID: snap.Org.ID, OrgKey: client.Secret(sim.OrgKey()), Directories: dirs,
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	o.c = c
	return o
}

func fxStartJSON(t testing.TB, snapshot string) *fxOrg {
	t.Helper()
	return fxStart(t, fxParse(t, snapshot), fixtures.Options{})
}

// fxHints are what the CLI passes for a simulated org.
func (o *fxOrg) fxHints() steps.Hints { return simorg.Hints(o.snap) }

func (o *fxOrg) fxDiagnose(t testing.TB, req diagnose.Request) *diagnose.Diagnosis {
	t.Helper()
	d, err := diagnose.Diagnose(context.Background(), o.c, req, o.fxHints(), nil)
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	return d
}

// env is an Env on the org with a journal; live leaves the IdP and the
// console out, as against a live org.
func (o *fxOrg) env(t testing.TB, live bool) *run.Env {
	t.Helper()
	j, err := journal.Open(filepath.Join(t.TempDir(), "journal.jsonl"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	env := &run.Env{Client: o.c, Journal: j, Facts: journal.NewFacts(), RunID: "test-run", Patience: quick}
	if !live {
		env.IdP = fxIdP{org: o}
		env.Console = fxConsole{org: o}
	}
	return env
}

// executor runs a plan with every confirmation answered yes.
func (o *fxOrg) executor(t testing.TB, live bool) *run.Executor {
	t.Helper()
	return &run.Executor{Env: o.env(t, live), Registry: Registry(),
		Confirm: func(context.Context, steps.PlanStep) (bool, error) { return true, nil }}
}

func fxHeader(d *diagnose.Diagnosis) journal.RunHeader {
	h := journal.RunHeader{Mode: "simulated", Target: d.Target, Verdict: d.Verdict, Plan: d.Plan}
	if d.User != nil {
		h.User, h.UserAccountID = d.User.Email, d.User.AccountID
	}
	return h
}

// state reads the org's current snapshot.
func (o *fxOrg) state() *fixtures.Snapshot { return o.sim.Snapshot() }

func (o *fxOrg) stateJSON(t testing.TB) string {
	t.Helper()
	data, err := json.Marshal(o.state())
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func fxAccount(s *fixtures.Snapshot, id string) *fixtures.Account {
	for i := range s.Accounts {
		if s.Accounts[i].AccountID == id {
			return &s.Accounts[i]
		}
	}
	return nil
}

func fxAccountByEmail(s *fixtures.Snapshot, email string) *fixtures.Account {
	for i := range s.Accounts {
		if strings.EqualFold(s.Accounts[i].Email, email) {
			return &s.Accounts[i]
		}
	}
	return nil
}

// fxLinks are the SCIM users linking an account, as "directory/scim id".
func fxLinks(s *fixtures.Snapshot, id string) []string {
	var out []string
	for _, d := range s.Directories {
		for _, u := range d.Users {
			if u.AtlassianAccountID != nil && *u.AtlassianAccountID == id {
				out = append(out, d.ID+"/"+u.ID)
			}
		}
	}
	return out
}

func fxScimUser(s *fixtures.Snapshot, dir, id string) *fixtures.ScimUser {
	for _, d := range s.Directories {
		if d.ID != dir {
			continue
		}
		for i := range d.Users {
			if d.Users[i].ID == id {
				return &d.Users[i]
			}
		}
	}
	return nil
}

func fxStep(t testing.TB, plan []steps.PlanStep, id steps.StepID) steps.PlanStep {
	t.Helper()
	for _, s := range plan {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no step %s in the plan %v", id, steps.IDs(plan))
	return steps.PlanStep{}
}

// journalRun reads the run back from the executor's journal.
func journalRun(t testing.TB, x *run.Executor) *journal.RunLog {
	t.Helper()
	runs, err := journal.ReadRuns(x.Env.Journal.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) == 0 {
		t.Fatal("no run in the journal")
	}
	return runs[len(runs)-1]
}

func intentCount(r *journal.RunLog) int {
	n := 0
	for _, rec := range r.Records {
		if rec.Type == journal.RecIntent {
			n++
		}
	}
	return n
}

// recorded reads the membership record the run journaled.
func recorded(t testing.TB, r *journal.RunLog) []membershipRecord {
	t.Helper()
	raw, ok := r.Facts[journal.FactMemberships]
	if !ok {
		return nil
	}
	var recs []membershipRecord
	if err := json.Unmarshal(raw, &recs); err != nil {
		t.Fatal(err)
	}
	return recs
}

func mustCheck(t testing.TB, a run.Step, env *run.Env, s steps.PlanStep, want run.PreState) run.Precondition {
	t.Helper()
	pre, err := a.Check(context.Background(), env, s)
	if err != nil {
		t.Fatalf("%s Check: %v", s.ID, err)
	}
	if pre.State != want {
		t.Fatalf("%s Check = %s (%s), want %s", s.ID, pre.State, pre.Reason, want)
	}
	return pre
}

// groupDirectory is the directory a group lives in, as the org's group
// search says: membership writes need it.
func (o *fxOrg) groupDirectory(t testing.TB, groupID string) string {
	t.Helper()
	for g, err := range o.c.SearchGroups(ctxBG, client.GroupSearch{GroupIDs: []string{groupID}, Limit: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		if g.ID == groupID {
			return g.DirectoryID
		}
	}
	t.Fatalf("no group %s", groupID)
	return ""
}
