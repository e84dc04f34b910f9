package client_test

// Integration tests: every call of the client against the simulated org
// (package fixtures) over real loopback HTTP, each documented answer
// included, with the effects checked in the simulator's own state
// (Simulator.Snapshot). The ids below are those of fixtures/testdata/org.json
// (see fixtures/helpers_test.go).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
)

const (
	idYuki   = "712020:0000aaaa-0000-4000-8000-000000000001"
	idKenji  = "712020:0000aaaa-0000-4000-8000-000000000002"
	idKenjiW = "712020:0000aaaa-0000-4000-8000-000000000003"
	idLee    = "712020:0000aaaa-0000-4000-8000-000000000004"
	idMaria  = "712020:0000aaaa-0000-4000-8000-000000000005"
	idPat    = "712020:0000aaaa-0000-4000-8000-000000000006"
	idOld    = "712020:0000aaaa-0000-4000-8000-000000000007"
	idGina   = "712020:0000aaaa-0000-4000-8000-000000000008"
	idNobody = "712020:ffffffff-0000-4000-8000-00000000ffff"

	testOrgID = "org-test"
	dirEntra  = "d-entra"
	dirGoogle = "d-google"

	// The simulator's SCIM 409 (simulator.md), byte for byte.
	conflictBodyKenjiW = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[kenji.w@acme.com] already exists."}`
	conflictBodyYuki   = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[yuki.tanaka@acme.com] already exists."}`
)

// simUserDir is the org's own user directory in the simulator: the
// directories list does not show it, but it is the directory of every group
// no SCIM directory syncs (g-admins), so membership writes to such a group
// go to it. A synced group (g-eng, synced by d-entra's eng-all) is in its
// SCIM directory. TestSimDirectories and TestSimGroupMembership check this.
const simUserDir = testOrgID + "-directory"

// exchange is one request the simulator got and what it answered.
type exchange struct {
	Method  string
	Path    string // escaped
	Query   string // raw
	ReqBody []byte
	Status  int // 0 when the connection was dropped without an answer
	Header  http.Header
	Body    []byte
	Dropped bool
	Done    time.Time // when the answer started (or the handler returned), before the client read it
}

// recorder sits in front of the simulator and logs every exchange: it counts
// requests (how often a call was sent) and keeps the answers' exact bytes.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	idle *sync.Cond // signalled when a handler finishes
	busy int        // handlers running
	log  []exchange
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	if rc.idle == nil {
		rc.idle = sync.NewCond(&rc.mu)
	}
	rc.busy++
	rc.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rw := &recWriter{ResponseWriter: w}
	defer func() {
		// Deferred so that an aborted handler (http.ErrAbortHandler) is logged too.
		done := rw.answered
		if done.IsZero() {
			done = time.Now()
		}
		rc.mu.Lock()
		rc.log = append(rc.log, exchange{
			Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, ReqBody: body,
			Status: rw.status, Header: rw.header, Body: rw.body.Bytes(), Dropped: rw.dropped, Done: done,
		})
		rc.busy--
		rc.idle.Broadcast()
		rc.mu.Unlock()
	}()
	rc.next.ServeHTTP(rw, r)
}

// exchanges returns the log, optionally only the requests of one method
// whose path ends with suffix. It first waits for the handlers still
// running: a client can see an answer (or a dropped connection) before the
// handler that sent it has returned.
func (rc *recorder) exchanges(method, suffix string) []exchange {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for rc.busy > 0 {
		rc.idle.Wait()
	}
	var out []exchange
	for _, e := range rc.log {
		if (method == "" || e.Method == method) && strings.HasSuffix(e.Path, suffix) {
			out = append(out, e)
		}
	}
	return out
}

func (rc *recorder) count(method, suffix string) int { return len(rc.exchanges(method, suffix)) }

func (rc *recorder) reset() {
	rc.mu.Lock()
	for rc.busy > 0 {
		rc.idle.Wait()
	}
	rc.log = nil
	rc.mu.Unlock()
}

type recWriter struct {
	http.ResponseWriter
	status   int
	header   http.Header
	body     bytes.Buffer
	dropped  bool
	answered time.Time // when the answer started, before the client could read any of it
}

func (w *recWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
		w.answered = time.Now()
		w.header = w.ResponseWriter.Header().Clone()
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// Hijack lets the simulator drop the connection as it does without us.
func (w *recWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("recorder: cannot hijack")
	}
	w.dropped = true
	return hj.Hijack()
}

// simEnv is a simulator on loopback and a client configured for it.
type simEnv struct {
	t     testing.TB
	sim   *fixtures.Simulator
	url   string
	rec   *recorder // nil when served by fixtures.Start
	c     *client.Client
	mu    sync.Mutex
	waits []time.Duration
	// onSleep, when set, runs in the client's Sleep after the wait is
	// recorded (a test uses it to let simulated time pass).
	onSleep func(d time.Duration)
}

type envOpts struct {
	snap      *fixtures.Snapshot // default testdata/org.json
	sim       fixtures.Options
	direct    bool // serve with fixtures.Start (no recorder in front)
	configure func(*client.Config)
}

func loadTestOrg(t testing.TB) *fixtures.Snapshot {
	t.Helper()
	s, err := fixtures.Load("../fixtures/testdata/org.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newSimEnv(t testing.TB, o envOpts) *simEnv {
	t.Helper()
	if o.snap == nil {
		o.snap = loadTestOrg(t)
	}
	sim, err := fixtures.NewSimulator(o.snap, o.sim)
	if err != nil {
		t.Fatal(err)
	}
	env := &simEnv{t: t, sim: sim}
	if o.direct {
		run, err := fixtures.Start(sim, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := run.Close(); err != nil {
				t.Errorf("close simulator: %v", err)
			}
		})
		env.url = run.URL
	} else {
		env.rec = &recorder{next: sim}
		srv := httptest.NewServer(env.rec)
		t.Cleanup(srv.Close)
		env.url = srv.URL
	}
	// No keep-alive: every attempt is a connection of its own, so a dropped
	// connection is never retried by net/http behind the client's back.
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	cfg := client.Config{
		BaseURL:    env.url,
		OrgID:      o.snap.Org.ID,
		OrgKey:     client.Secret(sim.OrgKey()),
		HTTPClient: &http.Client{Transport: tr},
		Timeout:    10 * time.Second,
		Sleep: func(ctx context.Context, d time.Duration) error {
			env.mu.Lock()
			env.waits = append(env.waits, d)
			hook := env.onSleep
			env.mu.Unlock()
			if hook != nil {
				hook(d)
			}
			return ctx.Err()
		},
	}
	for _, d := range o.snap.Directories {
		cfg.Directories = append(cfg.Directories, client.DirectoryKey{ID: d.ID, Key: client.Secret(sim.ScimKey())})
	}
	if o.configure != nil {
		o.configure(&cfg)
	}
	env.c, err = client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func (env *simEnv) sleeps() []time.Duration {
	env.mu.Lock()
	defer env.mu.Unlock()
	return slices.Clone(env.waits)
}

func (env *simEnv) scim(dir string) *client.SCIM {
	env.t.Helper()
	s, err := env.c.SCIM(dir)
	if err != nil {
		env.t.Fatal(err)
	}
	return s
}

func (env *simEnv) account(id string) fixtures.Account {
	env.t.Helper()
	for _, a := range env.sim.Snapshot().Accounts {
		if a.AccountID == id {
			return a
		}
	}
	env.t.Fatalf("no account %s in the simulator", id)
	return fixtures.Account{}
}

func (env *simEnv) accountByEmail(email string) (fixtures.Account, bool) {
	for _, a := range env.sim.Snapshot().Accounts {
		if strings.EqualFold(a.Email, email) {
			return a, true
		}
	}
	return fixtures.Account{}, false
}

func (env *simEnv) scimUser(dir, id string) (fixtures.ScimUser, bool) {
	for _, d := range env.sim.Snapshot().Directories {
		if d.ID != dir {
			continue
		}
		for _, u := range d.Users {
			if u.ID == id {
				return u, true
			}
		}
	}
	return fixtures.ScimUser{}, false
}

func (env *simEnv) scimGroupMembers(dir, id string) []string {
	env.t.Helper()
	for _, d := range env.sim.Snapshot().Directories {
		for _, g := range d.Groups {
			if d.ID == dir && g.ID == id {
				return g.Members
			}
		}
	}
	env.t.Fatalf("no SCIM group %s/%s", dir, id)
	return nil
}

func ctx(t testing.TB) context.Context { return t.Context() }

func collect[T any](t testing.TB, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("listing failed after %d items: %v", len(out), err)
		}
		out = append(out, v)
	}
	return out
}

func asErr[E error](t testing.TB, err error) E {
	t.Helper()
	var e E
	if !errors.As(err, &e) {
		t.Fatalf("error %T (%v), want %T", err, err, e)
	}
	return e
}

func accountIDs(us []client.User) []string {
	ids := make([]string, len(us))
	for i, u := range us {
		ids[i] = u.AccountID
	}
	return ids
}

func sortedIDs(us []client.User) []string { return slices.Sorted(slices.Values(accountIDs(us))) }

// --- Organizations API ---------------------------------------------------

func TestSimSearchUsersPaging(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	snap := env.sim.Snapshot()
	want := make([]string, len(snap.Accounts))
	for i, a := range snap.Accounts {
		want[i] = a.AccountID
	}

	users := collect(t, env.c.SearchUsers(ctx(t), client.UserSearch{Limit: 3}))
	if got := accountIDs(users); !slices.Equal(got, want) {
		t.Fatalf("SearchUsers with limit 3 gave %v, want every account in order %v", got, want)
	}
	reqs := env.rec.exchanges("POST", "/admin/v2/orgs/org-test/directories/-/users/search")
	if len(reqs) != 3 { // 8 accounts, 3 a page
		t.Fatalf("%d search requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if !bytes.Contains(r.ReqBody, []byte(`"limit":3`)) {
			t.Errorf("page %d request %s has no limit 3", i+1, r.ReqBody)
		}
		if hasCursor := bytes.Contains(r.ReqBody, []byte(`"cursor"`)); hasCursor != (i > 0) {
			t.Errorf("page %d request %s: cursor present %v", i+1, r.ReqBody, hasCursor)
		}
	}

	// One page at a time, and a stream resumed from its cursor.
	page, next, err := env.c.SearchUsersPage(ctx(t), client.UserSearch{Limit: 3})
	if err != nil || len(page) != 3 || next == "" {
		t.Fatalf("first page: %d users, next %q, %v", len(page), next, err)
	}
	rest := collect(t, env.c.SearchUsers(ctx(t), client.UserSearch{Limit: 3, Cursor: next}))
	if got := append(accountIDs(page), accountIDs(rest)...); !slices.Equal(got, want) {
		t.Fatalf("first page then the rest from its cursor: %v, want %v", got, want)
	}

	// Stopping early reads no further page.
	env.rec.reset()
	for range env.c.SearchUsers(ctx(t), client.UserSearch{Limit: 3}) {
		break
	}
	if n := env.rec.count("POST", "/users/search"); n != 1 {
		t.Errorf("breaking out after the first user sent %d requests, want 1", n)
	}
}

func TestSimSearchUsersFilters(t *testing.T) {
	env := newSimEnv(t, envOpts{})

	byTerm := collect(t, env.c.SearchUsers(ctx(t), client.UserSearch{SearchTerm: "KENJI"}))
	if got, want := sortedIDs(byTerm), []string{idKenji, idKenjiW}; !slices.Equal(got, want) {
		t.Errorf("searchTerm KENJI: %v, want %v", got, want)
	}
	byMail := collect(t, env.c.SearchUsers(ctx(t), client.UserSearch{SearchTerm: "@acme-labs"}))
	if got := accountIDs(byMail); !slices.Equal(got, []string{idMaria}) {
		t.Errorf("searchTerm @acme-labs (an email substring): %v, want Maria", got)
	}

	byEmail := collect(t, env.c.SearchUsers(ctx(t), client.UserSearch{Emails: []string{"YUKI.TANAKA@ACME.COM", "maria@acme-labs.com", "nobody@acme.com"}}))
	if got, want := sortedIDs(byEmail), []string{idYuki, idMaria}; !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("emails: %v, want %v", got, want)
	}
	for _, u := range byEmail {
		switch u.AccountID {
		case idYuki:
			if !u.Synced() || !u.Managed() || u.Email != "yuki.tanaka@acme.com" || u.AccountStatus != "active" || u.Name != "Yuki Tanaka" {
				t.Errorf("Yuki: %+v, want managed, synced, active", u)
			}
		case idMaria:
			if u.Synced() || u.Managed() || u.ClaimStatus != "unmanaged" {
				t.Errorf("Maria (unverified domain): %+v, want unmanaged, not synced", u)
			}
		}
	}
	kw := collect(t, env.c.SearchUsers(ctx(t), client.UserSearch{Emails: []string{"kenji.w@acme.com"}}))
	if len(kw) != 1 || kw[0].Synced() || !kw[0].Managed() || kw[0].ManagementSource == nil {
		t.Errorf("Kenji W: %+v, want managed and not synced (managementSource set to something else)", kw)
	}

	// Both at once: a 400 the client passes on as an OrgError, unretried.
	env.rec.reset()
	var searchErr error
	for _, err := range env.c.SearchUsers(ctx(t), client.UserSearch{Emails: []string{"lee@acme.com"}, SearchTerm: "lee"}) {
		searchErr = err
	}
	{
		err := searchErr
		oe := asErr[*client.OrgError](t, err)
		if oe.HTTPStatus != 400 || oe.Code() != "ADMIN-400-4" || !strings.Contains(oe.Error(), "emails and searchTerm") {
			t.Errorf("emails with searchTerm: %v (code %s), want 400 ADMIN-400-4", oe, oe.Code())
		}
		if client.IsNotFound(err) {
			t.Error("a 400 counts as not found")
		}
	}
	if n := env.rec.count("", "/users/search"); n != 1 {
		t.Errorf("the refused search was sent %d times, want once", n)
	}
	if _, _, err := env.c.SearchUsersPage(ctx(t), client.UserSearch{Limit: 101}); asErr[*client.OrgError](t, err).HTTPStatus != 400 {
		t.Errorf("limit 101: %v, want 400", err)
	}
}

func TestSimUsersByEmail(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	users, err := env.c.UsersByEmail(ctx(t), "Yuki.Tanaka@ACME.com", "yuki.tanaka@acme.com", " ", "LEE@acme.com", "ghost@acme.com")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sortedIDs(users), []string{idYuki, idLee}; !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("UsersByEmail: %v, want Yuki and Lee", got)
	}
	if n := env.rec.count("POST", "/users/search"); n != 1 {
		t.Errorf("%d requests for 4 distinct addresses, want 1", n)
	}
	req := env.rec.exchanges("POST", "/users/search")[0].ReqBody
	if bytes.Count(bytes.ToLower(req), []byte("yuki.tanaka@acme.com")) != 1 {
		t.Errorf("duplicate address sent twice: %s", req)
	}
	for _, u := range users {
		if u.AccountID != idYuki {
			continue
		}
		if len(u.Groups) != 1 || u.Groups[0].ID != "g-eng" || u.Groups[0].Name != "engineering" {
			t.Errorf("Yuki's groups %+v, want engineering (g-eng)", u.Groups)
		}
		var keys []string
		for _, p := range u.ProductAccess {
			keys = append(keys, p.Key)
		}
		if !slices.Equal(keys, []string{"jira-software", "confluence"}) {
			t.Errorf("Yuki's product access %v", keys)
		}
	}
	none, err := env.c.UsersByEmail(ctx(t), "ghost@acme.com")
	if err != nil || len(none) != 0 {
		t.Errorf("unknown address: %v, %v", none, err)
	}
	env.rec.reset()
	if none, err := env.c.UsersByEmail(ctx(t)); err != nil || len(none) != 0 || env.rec.count("", "") != 0 {
		t.Errorf("no addresses: %v, %v, %d requests", none, err, env.rec.count("", ""))
	}
}

func TestSimGetUser(t *testing.T) {
	env := newSimEnv(t, envOpts{direct: true}) // the simulator as the CLI starts it
	u, err := env.c.GetUser(ctx(t), idOld)
	if err != nil {
		t.Fatal(err)
	}
	if u.AccountID != idOld || u.Email != "old.user@acme.com" || u.AccountStatus != "inactive" || !u.Managed() || u.Synced() {
		t.Errorf("GetUser(Old): %+v", u)
	}
	_, err = env.c.GetUser(ctx(t), idNobody)
	oe := asErr[*client.OrgError](t, err)
	if !client.IsNotFound(err) || oe.HTTPStatus != 404 || oe.Code() != "ADMIN-404-8" {
		t.Errorf("unknown user: %v (code %s), want IsNotFound and ADMIN-404-8", err, oe.Code())
	}

	// Another org: a 404 that is not "no such user".
	other, err := client.New(client.Config{BaseURL: env.url, OrgID: "org-other", OrgKey: client.Secret(env.sim.OrgKey()),
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.GetUser(ctx(t), idYuki)
	if oe := asErr[*client.OrgError](t, err); oe.Code() != "ADMIN-404-2" || client.IsNotFound(err) {
		t.Errorf("unknown org: %v, want ADMIN-404-2 and not IsNotFound", err)
	}
}

func TestSimDomains(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	got := map[string]client.Domain{}
	for _, d := range collect(t, env.c.Domains(ctx(t))) {
		got[d.Name] = d
	}
	// partner.io, which another org verified, is listed as superseded.
	want := map[string]string{"acme.com": "verified", "newco.com": "verified", "acme-labs.com": "unverified", "partner.io": "superseded"}
	if len(got) != len(want) {
		t.Fatalf("domains %v, want %v (another org's partner.io listed as superseded)", got, want)
	}
	for name, status := range want {
		d := got[name]
		if d.ClaimStatus != status || d.Verified() != (status == "verified") || d.ID == "" || d.ClaimType != "dns" {
			t.Errorf("domain %s: %+v, want claim %s", name, d, status)
		}
	}
}

func TestSimSearchGroups(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	all := collect(t, env.c.SearchGroups(ctx(t), client.GroupSearch{Limit: 1}))
	if len(all) != 2 || env.rec.count("POST", "/groups/search") != 2 {
		t.Fatalf("groups with limit 1: %+v in %d requests, want 2 in 2", all, env.rec.count("POST", "/groups/search"))
	}
	eng := collect(t, env.c.SearchGroups(ctx(t), client.GroupSearch{GroupNames: []string{"ENGINEERING"}}))
	if len(eng) != 1 || eng[0].ID != "g-eng" || !eng[0].ExternalSynced || eng[0].ManagedBy != "external" || eng[0].DirectoryID == "" {
		t.Errorf("group engineering: %+v, want g-eng, synced, managed externally", eng)
	}
	admins := collect(t, env.c.SearchGroups(ctx(t), client.GroupSearch{SearchTerm: "admin"}))
	if len(admins) != 1 || admins[0].ID != "g-admins" || admins[0].ExternalSynced {
		t.Errorf("searchTerm admin: %+v, want g-admins, not synced", admins)
	}
	of := collect(t, env.c.SearchGroups(ctx(t), client.GroupSearch{AccountIDs: []string{idLee}}))
	if len(of) != 1 || of[0].ID != "g-admins" {
		t.Errorf("groups of Lee: %+v", of)
	}
}

func TestSimDirectories(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	dirs, err := env.c.Directories(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	// One entry per SCIM directory, under its SCIM id and name; the org's
	// own directory is not listed.
	want := []client.Directory{{ID: dirEntra, Name: "Microsoft Entra ID"}, {ID: dirGoogle, Name: "Google Workspace"}}
	if !reflect.DeepEqual(dirs, want) {
		t.Fatalf("directories = %+v, want the SCIM directories %+v (not %s)", dirs, want, simUserDir)
	}
	if n := env.rec.count("GET", "/directories"); n != 1 {
		t.Errorf("%d requests for one page", n)
	}
	// A synced group is in the SCIM directory that syncs it, any other group
	// in the org's own directory.
	wantDir := map[string]string{"g-eng": dirEntra, "g-admins": simUserDir}
	groups := collect(t, env.c.SearchGroups(ctx(t), client.GroupSearch{}))
	if len(groups) != len(wantDir) {
		t.Fatalf("groups %+v, want %d", groups, len(wantDir))
	}
	for _, g := range groups {
		if g.DirectoryID != wantDir[g.ID] {
			t.Errorf("group %s is in directory %q, want %q", g.ID, g.DirectoryID, wantDir[g.ID])
		}
	}
}

// groupDirectory is the directory the group search shows for group id.
func groupDirectory(t *testing.T, env *simEnv, id string) string {
	t.Helper()
	gs := collect(t, env.c.SearchGroups(ctx(t), client.GroupSearch{GroupIDs: []string{id}}))
	if len(gs) != 1 || gs[0].ID != id || gs[0].DirectoryID == "" {
		t.Fatalf("group search for %s: %+v, want it with its directory", id, gs)
	}
	return gs[0].DirectoryID
}

func TestSimGroupMembership(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	adminsDir, engDir := groupDirectory(t, env, "g-admins"), groupDirectory(t, env, "g-eng")
	if adminsDir != simUserDir || engDir != dirEntra {
		t.Fatalf("g-admins in %s, g-eng in %s; want %s and %s", adminsDir, engDir, simUserDir, dirEntra)
	}
	if err := env.c.AddGroupMember(ctx(t), adminsDir, "g-admins", idKenjiW); err != nil {
		t.Fatalf("add: %v", err)
	}
	if n := env.rec.count("POST", "/admin/v2/orgs/"+testOrgID+"/directories/"+adminsDir+"/groups/g-admins/memberships"); n != 1 {
		t.Errorf("%d adds sent to the group's own directory, want 1", n)
	}
	if g := env.account(idKenjiW).Groups; !slices.Contains(g, "g-admins") {
		t.Fatalf("after add, Kenji W's groups are %v", g)
	}

	err := env.c.AddGroupMember(ctx(t), adminsDir, "g-admins", idKenjiW)
	if oe := asErr[*client.OrgError](t, err); oe.HTTPStatus != 409 || oe.Code() != "ADMIN-409-28" {
		t.Errorf("already a member: %v, want 409", err)
	}
	err = env.c.AddGroupMember(ctx(t), engDir, "g-eng", idKenjiW)
	if oe := asErr[*client.OrgError](t, err); oe.HTTPStatus != 403 {
		t.Errorf("synced group: %v, want 403", err)
	}
	err = env.c.RemoveGroupMember(ctx(t), engDir, "g-eng", idYuki)
	if oe := asErr[*client.OrgError](t, err); oe.HTTPStatus != 403 {
		t.Errorf("remove from a synced group: %v, want 403", err)
	}
	if g := env.account(idYuki).Groups; !slices.Contains(g, "g-eng") {
		t.Errorf("the refused removal changed Yuki's groups to %v", g)
	}
	for _, tc := range []struct{ group, account string }{{"g-nope", idKenjiW}, {"g-admins", idNobody}} {
		err := env.c.AddGroupMember(ctx(t), adminsDir, tc.group, tc.account)
		if oe := asErr[*client.OrgError](t, err); !client.IsNotFound(err) || oe.HTTPStatus != 404 {
			t.Errorf("add %s to %s: %v, want 404", tc.account, tc.group, err)
		}
	}

	// A directory of the org that is not the group's: the group is not
	// found there (404 ADMIN-404-10), and nothing changes.
	before := env.sim.Snapshot()
	for _, tc := range []struct {
		dir, group, account string
		remove              bool
	}{
		{dirEntra, "g-admins", idLee, false},
		{dirGoogle, "g-admins", idKenjiW, true},
		{simUserDir, "g-eng", idLee, false},
		{dirGoogle, "g-eng", idYuki, true},
	} {
		call, err := "add", error(nil)
		if tc.remove {
			call, err = "remove", env.c.RemoveGroupMember(ctx(t), tc.dir, tc.group, tc.account)
		} else {
			err = env.c.AddGroupMember(ctx(t), tc.dir, tc.group, tc.account)
		}
		if oe := asErr[*client.OrgError](t, err); !client.IsNotFound(err) || oe.HTTPStatus != 404 || oe.Code() != "ADMIN-404-10" {
			t.Errorf("%s %s in %s via the wrong directory %s: %v, want 404 ADMIN-404-10", call, tc.account, tc.group, tc.dir, err)
		}
	}
	if !reflect.DeepEqual(before, env.sim.Snapshot()) {
		t.Error("a membership write to the wrong directory changed the org")
	}
	// "-" (all directories) is for reads: refused before anything is sent.
	sent := env.rec.count("", "")
	if err := env.c.AddGroupMember(ctx(t), "-", "g-admins", idLee); err == nil {
		t.Error(`add in directory "-": no error`)
	}
	if err := env.c.RemoveGroupMember(ctx(t), "-", "g-admins", idKenjiW); err == nil {
		t.Error(`remove in directory "-": no error`)
	}
	if n := env.rec.count("", "") - sent; n != 0 {
		t.Errorf(`%d requests sent for membership writes in directory "-", want none`, n)
	}
	if !reflect.DeepEqual(before, env.sim.Snapshot()) {
		t.Error(`a membership write in directory "-" changed the org`)
	}

	if err := env.c.RemoveGroupMember(ctx(t), adminsDir, "g-admins", idKenjiW); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if g := env.account(idKenjiW).Groups; slices.Contains(g, "g-admins") {
		t.Fatalf("after remove, Kenji W's groups are %v", g)
	}
	if err := env.c.RemoveGroupMember(ctx(t), adminsDir, "g-admins", idKenjiW); !client.IsNotFound(err) {
		t.Errorf("remove a non-member: %v, want not found", err)
	}
	// A membership change is never repeated: each call one request ("-"
	// aside, which sends none).
	if n := env.rec.count("POST", "/memberships"); n != 7 {
		t.Errorf("%d POSTs for 7 add calls", n)
	}
	if n := env.rec.count("DELETE", ""); n != 5 {
		t.Errorf("%d DELETEs for 5 remove calls", n)
	}
}

// --- User-management API --------------------------------------------------

func TestSimPrivileges(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	for _, tc := range []struct {
		name, id string
		allowed  bool
		reason   string
	}{
		{"managed, not provisioned", idKenjiW, true, ""},
		{"linked by SCIM", idYuki, false, client.ReasonSCIM},
		{"Google Workspace", idGina, false, client.ReasonGoogle},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := env.c.Privileges(ctx(t), tc.id, client.PrivilegeEmailSet)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := p[client.PrivilegeEmailSet]
			if !ok || len(p) != 1 || got.Allowed != tc.allowed {
				t.Fatalf("privileges %+v, want email.set allowed=%v only", p, tc.allowed)
			}
			if reason := ""; got.Reason != nil {
				reason = got.Reason.Key
				if reason != tc.reason {
					t.Errorf("reason %q, want %q", reason, tc.reason)
				}
			} else if tc.reason != "" {
				t.Errorf("no reason, want %q", tc.reason)
			}
		})
	}
	last := env.rec.exchanges("GET", "/manage")
	if q := last[len(last)-1].Query; q != "privileges=email.set" {
		t.Errorf("query %q, want privileges=email.set", q)
	}

	// Without names, every privilege; object-shaped answers are left out.
	all, err := env.c.Privileges(ctx(t), idYuki)
	if err != nil {
		t.Fatal(err)
	}
	if !all[client.PrivilegeProfileRead].Allowed || all[client.PrivilegeEmailSet].Allowed {
		t.Errorf("all privileges of Yuki: %+v", all)
	}
	if _, ok := all[client.PrivilegeProfileWrite]; ok {
		t.Errorf("profile.write (a map of fields) reported as a simple privilege: %+v", all)
	}

	_, err = env.c.Privileges(ctx(t), idMaria, client.PrivilegeEmailSet)
	if me := asErr[*client.ManageError](t, err); me.HTTPStatus != 403 || me.Key != "forbidden" {
		t.Errorf("unmanaged account: %v, want 403 forbidden", err)
	}
	_, err = env.c.Privileges(ctx(t), idNobody)
	if me := asErr[*client.ManageError](t, err); me.Key != "accountNotFound" || !client.IsNotFound(err) {
		t.Errorf("unknown account: %v, want 404 accountNotFound", err)
	}
}

func TestSimProfile(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	p, err := env.c.Profile(ctx(t), idKenjiW)
	if err != nil {
		t.Fatal(err)
	}
	if p.AccountID != idKenjiW || p.Email != "kenji.w@acme.com" || p.Name != "Kenji W" || p.AccountStatus != "active" || p.Nickname != "Kenji" {
		t.Errorf("profile %+v", p)
	}
	_, err = env.c.Profile(ctx(t), idPat)
	if me := asErr[*client.ManageError](t, err); me.HTTPStatus != 403 || me.Key != "forbidden" {
		t.Errorf("unmanaged: %v", err)
	}
	if _, err := env.c.Profile(ctx(t), idNobody); !client.IsNotFound(err) {
		t.Errorf("unknown: %v", err)
	}
}

func TestSimSetEmail(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	if err := env.c.SetEmail(ctx(t), idKenjiW, "kenji.w@newco.com"); err != nil {
		t.Fatalf("set email: %v", err)
	}
	if a := env.account(idKenjiW); a.Email != "kenji.w@newco.com" {
		t.Fatalf("after 204 the email is %s", a.Email)
	}
	if p, err := env.c.Profile(ctx(t), idKenjiW); err != nil || p.Email != "kenji.w@newco.com" {
		t.Errorf("profile after the change: %+v, %v", p, err)
	}

	before := env.sim.Snapshot()
	for _, tc := range []struct {
		name, id, email string
		status          int
		key, reason     string
		domain          string
		violations      []string
	}{
		{"malformed", idKenjiW, "not-an-address", 400, "fieldConstraintsViolated", "", "", []string{"email: email"}},
		{"unmanaged", idMaria, "maria@acme.com", 403, "forbidden", "", "", nil},
		{"linked by SCIM", idYuki, "yuki@newco.com", 403, "forbidden.action", client.ReasonSCIM, "", nil},
		{"Google Workspace", idGina, "gina@newco.com", 403, "forbidden.action", client.ReasonGoogle, "", nil},
		{"unclaimed domain", idKenjiW, "kenji@acme-labs.com", 403, "forbidden.unclaimedDomain", "", "acme-labs.com", nil},
		{"held by another account", idKenjiW, "lee@acme.com", 409, "conflict.emailInUse", "", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := env.c.SetEmail(ctx(t), tc.id, tc.email)
			me := asErr[*client.ManageError](t, err)
			if me.HTTPStatus != tc.status || me.Key != tc.key || me.Reason != tc.reason || me.Domain != tc.domain ||
				!slices.Equal(me.Violations, tc.violations) {
				t.Errorf("got %+v, want %d %s reason %q domain %q violations %v", me, tc.status, tc.key, tc.reason, tc.domain, tc.violations)
			}
			var ue *client.UncertainError
			if errors.As(err, &ue) {
				t.Errorf("a refusal reported as uncertain: %v", err)
			}
		})
	}
	if after := env.sim.Snapshot(); !reflect.DeepEqual(before, after) {
		t.Error("a refused set-email changed the org")
	}
	if n := env.rec.count("PUT", "/manage/email"); n != 7 {
		t.Errorf("%d PUTs for 7 calls: a change must never be repeated", n)
	}
}

// The lifecycle calls against the simulator: a deleted account keeps its
// email and refuses a new one until the deletion is cancelled; an account
// its IdP deactivated is reactivated only there.
func TestSimLifecycle(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	if err := env.c.DeleteAccount(ctx(t), idLee); err != nil {
		t.Fatal(err)
	}
	users, err := env.c.UsersByEmail(ctx(t), "lee@acme.com")
	if err != nil || len(users) != 1 || !users[0].PendingDeletion() || users[0].AccountStatus != "inactive" {
		t.Fatalf("the deleted account at its email: %+v, %v", users, err)
	}
	u, err := env.c.GetUser(ctx(t), idLee)
	if err != nil || u.Status != client.UserStatusForDeletion {
		t.Errorf("details of the deleted account: %+v, %v", u, err)
	}
	if err := env.c.SetEmail(ctx(t), idKenjiW, "lee@acme.com"); !client.IsConflict(err) {
		t.Errorf("taking the deleted account's address: %v, want 409", err)
	}
	for name, call := range map[string]func() error{
		"set email": func() error { return env.c.SetEmail(ctx(t), idLee, "lee_FREE@acme.com") },
		"enable":    func() error { return env.c.EnableAccount(ctx(t), idLee) },
	} {
		err := call()
		if me := asErr[*client.ManageError](t, err); me.HTTPStatus != 409 || me.Key != client.KeyLifecycleErrors || len(me.Codes) != 1 {
			t.Errorf("%s on the deleted account: %+v", name, me)
		}
	}
	// Cancel, park, delete again: the address is free.
	if err := env.c.CancelDeleteAccount(ctx(t), idLee); err != nil {
		t.Fatal(err)
	}
	if a := env.account(idLee); a.Status != fixtures.UserStatusDeactivated {
		t.Errorf("after cancel-delete: %+v", a)
	}
	if err := env.c.SetEmail(ctx(t), idLee, "lee_FREE@acme.com"); err != nil {
		t.Fatal(err)
	}
	if err := env.c.DeleteAccount(ctx(t), idLee); err != nil {
		t.Fatal(err)
	}
	if err := env.c.SetEmail(ctx(t), idKenjiW, "lee@acme.com"); err != nil {
		t.Errorf("the parked address is still taken: %v", err)
	}
	if n := env.rec.count("POST", "/manage/lifecycle/delete"); n != 2 {
		t.Errorf("%d deletes sent for 2 calls", n)
	}

	// Enable and disable an account nobody links.
	if err := env.c.DisableAccount(ctx(t), idKenjiW, "On leave"); err != nil {
		t.Fatal(err)
	}
	if a := env.account(idKenjiW); a.AccountStatus != fixtures.StatusInactive {
		t.Errorf("after disable: %+v", a)
	}
	if err := env.c.EnableAccount(ctx(t), idKenjiW); err != nil {
		t.Fatal(err)
	}
	if a := env.account(idKenjiW); a.AccountStatus != fixtures.StatusActive || a.Status != fixtures.UserStatusActive {
		t.Errorf("after enable: %+v", a)
	}

	// The IdP deactivates Kenji; only the IdP brings him back.
	off := false
	if _, err := env.scim(dirEntra).PatchUser(ctx(t), "su-kenji", client.PatchOperation{Op: "replace", Path: "active", Value: off}); err != nil {
		t.Fatal(err)
	}
	p, err := env.c.Privileges(ctx(t), idKenji, client.PrivilegeLifecycleEnablement, client.PrivilegeLifecycleDelete)
	enablement, del := p[client.PrivilegeLifecycleEnablement], p[client.PrivilegeLifecycleDelete]
	if err != nil || enablement.Refusal() != client.ReasonSCIM || del.Refusal() != client.ReasonSCIM {
		t.Errorf("privileges of the IdP-deactivated account: %+v, %v", p, err)
	}
	err = env.c.EnableAccount(ctx(t), idKenji)
	if me := asErr[*client.ManageError](t, err); me.HTTPStatus != 409 || me.Key != client.KeyLifecycleErrors {
		t.Errorf("enable of the IdP-deactivated account: %v", err)
	}
	err = env.c.DeleteAccount(ctx(t), idYuki)
	if me := asErr[*client.ManageError](t, err); me.HTTPStatus != 403 || me.Reason != client.ReasonSCIM {
		t.Errorf("delete of a provisioned account: %v", err)
	}
	if err := env.c.CancelDeleteAccount(ctx(t), idNobody); !client.IsNotFound(err) {
		t.Errorf("unknown account: %v", err)
	}
	err = env.c.EnableAccount(ctx(t), idPat)
	if me := asErr[*client.ManageError](t, err); me.HTTPStatus != 403 || me.Key != "forbidden" {
		t.Errorf("unmanaged account: %v", err)
	}
}

// --- Provisioning admin API -----------------------------------------------

func TestSimScimLinks(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	links, err := env.c.ScimLinks(ctx(t), idYuki)
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 1 || links[0].ScimUserID != "su-yuki" || links[0].DirectoryID != dirEntra ||
		links[0].OrgID != testOrgID || links[0].AtlassianAccountID == nil || *links[0].AtlassianAccountID != idYuki {
		t.Errorf("links of Yuki: %+v", links)
	}
	none, err := env.c.ScimLinks(ctx(t), idKenjiW)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("links of an unprovisioned account: %#v, %v, want an empty list", none, err)
	}
	if _, err := env.c.ScimLinks(ctx(t), idNobody); !client.IsNotFound(err) {
		t.Errorf("links of an unknown account: %v", err)
	}

	byMail, err := env.c.ScimLinksForEmail(ctx(t), "GINA@acme.com")
	if err != nil || len(byMail) != 1 || byMail[0].ScimUserID != "su-gina" || byMail[0].DirectoryID != dirGoogle {
		t.Errorf("links for gina@: %+v, %v", byMail, err)
	}
	if none, err := env.c.ScimLinksForEmail(ctx(t), "kenji.w@acme.com"); err != nil || len(none) != 0 {
		t.Errorf("links for an address no SCIM user has: %+v, %v", none, err)
	}
}

func TestSimUnlinkScimUser(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	if err := env.c.UnlinkScimUser(ctx(t), dirEntra, "su-kenji"); err != nil {
		t.Fatal(err)
	}
	u, ok := env.scimUser(dirEntra, "su-kenji")
	if !ok || u.AtlassianAccountID != nil {
		t.Fatalf("after unlink the SCIM user is %+v (present %v), want it kept and unlinked", u, ok)
	}
	if g := env.account(idKenji).Groups; slices.Contains(g, "g-eng") {
		t.Errorf("Kenji kept the synced group after the unlink: %v", g)
	}
	if links, err := env.c.ScimLinks(ctx(t), idKenji); err != nil || len(links) != 0 {
		t.Errorf("links after unlink: %+v, %v", links, err)
	}
	// The unlinked SCIM user still holds its address.
	if links, err := env.c.ScimLinksForEmail(ctx(t), "kenji.watanabe@acme.com"); err != nil || len(links) != 1 || links[0].AtlassianAccountID != nil {
		t.Errorf("links for the unlinked user's address: %+v, %v", links, err)
	}
	if p, err := env.c.Privileges(ctx(t), idKenji, client.PrivilegeEmailSet); err != nil || !p[client.PrivilegeEmailSet].Allowed {
		t.Errorf("after unlink, email.set: %+v, %v", p, err)
	}
	if err := env.c.UnlinkScimUser(ctx(t), dirEntra, "su-nobody"); !client.IsNotFound(err) {
		t.Errorf("unlink unknown SCIM user: %v", err)
	}
}

func TestSimDeleteProvisioningRecord(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	if err := env.c.DeleteProvisioningRecord(ctx(t), idYuki); err != nil {
		t.Fatal(err)
	}
	if _, ok := env.scimUser(dirEntra, "su-yuki"); ok {
		t.Error("su-yuki survived onlyDeleteUserInDB")
	}
	a := env.account(idYuki)
	if a.AccountStatus != fixtures.StatusActive || slices.Contains(a.Groups, "g-eng") {
		t.Errorf("Yuki after onlyDeleteUserInDB: %+v, want active, without the synced group", a)
	}
	if members := env.scimGroupMembers(dirEntra, "sg-eng"); slices.Contains(members, "su-yuki") {
		t.Errorf("sg-eng still lists su-yuki: %v", members)
	}
	// Now editable.
	if err := env.c.SetEmail(ctx(t), idYuki, "yuki@newco.com"); err != nil {
		t.Errorf("set email once the record is gone: %v", err)
	}
	// Repeating it is harmless (assumed 204).
	if err := env.c.DeleteProvisioningRecord(ctx(t), idYuki); err != nil {
		t.Errorf("second onlyDeleteUserInDB: %v", err)
	}
	err := env.c.DeleteProvisioningRecord(ctx(t), idPat)
	if oe := asErr[*client.OrgError](t, err); oe.HTTPStatus != 403 {
		t.Errorf("unmanaged: %v, want 403", err)
	}
	if err := env.c.DeleteProvisioningRecord(ctx(t), idNobody); !client.IsNotFound(err) {
		t.Errorf("unknown: %v", err)
	}
}

// --- SCIM API -------------------------------------------------------------

func TestSimScimReads(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	s := env.scim(dirEntra)

	u, err := s.User(ctx(t), "su-yuki")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "su-yuki" || u.ExternalID != "obj-yuki" || u.AccountID() != idYuki || u.PrimaryEmail() != "yuki.tanaka@acme.com" ||
		u.Active == nil || !*u.Active || len(u.Groups) != 1 || u.Groups[0].Value != "sg-eng" || u.Meta == nil || u.Meta.Location == "" ||
		!slices.Contains(u.Schemas, client.SchemaAtlassianExt) {
		t.Errorf("su-yuki: %+v", u)
	}
	_, err = s.User(ctx(t), "su-nobody")
	if se := asErr[*client.ScimError](t, err); se.HTTPStatus != 404 || !client.IsNotFound(err) {
		t.Errorf("unknown SCIM user: %v", err)
	}

	found, err := s.FindUserByUserName(ctx(t), "KENJI.WATANABE@acme.com")
	if err != nil || found == nil || found.ID != "su-kenji" {
		t.Errorf("by userName (other case): %+v, %v", found, err)
	}
	if q := env.rec.exchanges("GET", "/Users"); len(q) != 1 || q[0].Query != "filter=userName%20eq%20%22KENJI.WATANABE%40acme.com%22" {
		t.Errorf("filter queries %+v, want one userName eq with %%20 for spaces", q)
	}
	if none, err := s.FindUserByUserName(ctx(t), "ghost@acme.com"); none != nil || err != nil {
		t.Errorf("unknown userName: %+v, %v", none, err)
	}
	found, err = s.FindUserByExternalID(ctx(t), "obj-kenji")
	if err != nil || found == nil || found.ID != "su-kenji" || found.AccountID() != idKenji {
		t.Errorf("by externalId: %+v, %v", found, err)
	}
	if none, err := s.FindUserByExternalID(ctx(t), "OBJ-KENJI"); none != nil || err != nil {
		t.Errorf("externalId is case-exact, got %+v, %v", none, err)
	}

	groups := collect(t, s.Groups(ctx(t)))
	if len(groups) != 1 || groups[0].ID != "sg-eng" || len(groups[0].Members) != 2 {
		t.Fatalf("groups %+v", groups)
	}
	g, err := s.Group(ctx(t), "sg-eng")
	if err != nil || g.DisplayName != "eng-all" || len(g.Members) != 2 || g.Members[0].Value != "su-yuki" {
		t.Errorf("group sg-eng: %+v, %v", g, err)
	}
	if _, err := s.Group(ctx(t), "sg-nope"); !client.IsNotFound(err) {
		t.Errorf("unknown group: %v", err)
	}
	fg, err := s.FindGroupByName(ctx(t), "ENG-ALL")
	if err != nil || fg == nil || fg.ID != "sg-eng" {
		t.Errorf("group by name: %+v, %v", fg, err)
	}
	if none, err := s.FindGroupByName(ctx(t), "nobody"); none != nil || err != nil {
		t.Errorf("unknown group name: %+v, %v", none, err)
	}

	// The other directory, with the same client.
	gina, err := env.scim(dirGoogle).FindUserByUserName(ctx(t), "gina@acme.com")
	if err != nil || gina == nil || gina.AccountID() != idGina {
		t.Errorf("Gina in the Google directory: %+v, %v", gina, err)
	}
	var nk *client.NoDirectoryKeyError
	if _, err := env.c.SCIM("d-okta"); !errors.As(err, &nk) {
		t.Errorf("SCIM of an unconfigured directory: %v", err)
	}
}

func TestSimScimUsersPaging(t *testing.T) {
	snap := fixtures.Generate(300, 1)
	var want []string
	for _, d := range snap.Directories {
		if d.ID == dirEntra {
			for _, u := range d.Users {
				want = append(want, u.ID)
			}
		}
	}
	if len(want) <= 200 {
		t.Fatalf("the generated directory has %d SCIM users; the test needs more than two pages", len(want))
	}
	env := newSimEnv(t, envOpts{snap: snap})
	users := collect(t, env.scim(dirEntra).Users(ctx(t)))
	got := make([]string, len(users))
	for i, u := range users {
		got[i] = u.ID
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Users gave %d users, want the directory's %d in order", len(got), len(want))
	}
	var queries []string
	for _, e := range env.rec.exchanges("GET", "/scim/directory/d-entra/Users") {
		queries = append(queries, e.Query)
	}
	wantQ := []string{"count=100&startIndex=1", "count=100&startIndex=101", "count=100&startIndex=201"}
	if !slices.Equal(queries, wantQ) {
		t.Errorf("pages requested %v, want %v", queries, wantQ)
	}
}

func TestSimScimCreateUser(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	s := env.scim(dirEntra)
	yes := true
	newUser := func(ext, userName, email string) client.ScimUser {
		return client.ScimUser{ExternalID: ext, UserName: userName, DisplayName: "New Person", Active: &yes,
			Emails: []client.ScimEmail{{Value: email, Type: "work", Primary: true}}}
	}

	t.Run("nobody holds the address: a new account", func(t *testing.T) {
		before := len(env.sim.Snapshot().Accounts)
		u, err := s.CreateUser(ctx(t), newUser("obj-nina", "nina.new@acme.com", "nina.new@acme.com"))
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == "" || u.AccountID() == "" || u.UserName != "nina.new@acme.com" {
			t.Fatalf("created %+v", u)
		}
		a, ok := env.accountByEmail("nina.new@acme.com")
		if !ok || a.AccountID != u.AccountID() || a.ClaimStatus != fixtures.ClaimManaged || len(env.sim.Snapshot().Accounts) != before+1 {
			t.Errorf("new account %+v (found %v)", a, ok)
		}
		if req := env.rec.exchanges("POST", "/Users"); !bytes.Contains(req[len(req)-1].ReqBody, []byte(`"schemas":["`+client.SchemaUser+`"]`)) {
			t.Errorf("create sent %s without the User schema", req[len(req)-1].ReqBody)
		}
	})
	t.Run("a managed, unlinked holder: linked", func(t *testing.T) {
		u, err := s.CreateUser(ctx(t), newUser("obj-kw", "kenji.w@acme.com", "kenji.w@acme.com"))
		if err != nil {
			t.Fatal(err)
		}
		if u.AccountID() != idKenjiW {
			t.Errorf("linked to %q, want Kenji W", u.AccountID())
		}
		if links, err := env.c.ScimLinks(ctx(t), idKenjiW); err != nil || len(links) != 1 || links[0].ScimUserID != u.ID {
			t.Errorf("links of Kenji W: %+v, %v", links, err)
		}
	})
	t.Run("a linked holder: 409", func(t *testing.T) {
		before := env.sim.Snapshot()
		_, err := s.CreateUser(ctx(t), newUser("obj-yuki2", "yuki2@acme.com", "yuki.tanaka@acme.com"))
		se := asErr[*client.ScimError](t, err)
		if se.HTTPStatus != 409 || se.ScimType != "uniqueness" || se.Status != "409" || se.ConflictEmail() != "yuki.tanaka@acme.com" {
			t.Errorf("got %+v, want 409 uniqueness naming yuki.tanaka@acme.com", se)
		}
		last := env.rec.exchanges("POST", "/Users")
		if body := string(last[len(last)-1].Body); body != conflictBodyYuki {
			t.Errorf("409 body\n%s\nwant\n%s", body, conflictBodyYuki)
		}
		if !reflect.DeepEqual(before, env.sim.Snapshot()) {
			t.Error("the refused create changed the org")
		}
	})
	t.Run("unverified domain: 400", func(t *testing.T) {
		_, err := s.CreateUser(ctx(t), newUser("obj-m", "maria@acme-labs.com", "maria@acme-labs.com"))
		if se := asErr[*client.ScimError](t, err); se.HTTPStatus != 400 || se.ConflictEmail() != "" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("userName taken in the directory: 409", func(t *testing.T) {
		_, err := s.CreateUser(ctx(t), newUser("obj-other", "YUKI.TANAKA@acme.com", "someone.else@acme.com"))
		if se := asErr[*client.ScimError](t, err); se.HTTPStatus != 409 || se.ScimType != "uniqueness" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("a userName with a quote and a backslash is found by its filter", func(t *testing.T) {
		odd := `o"neil\x@acme.com`
		u, err := s.CreateUser(ctx(t), newUser("obj-odd", odd, "oneil@acme.com"))
		if err != nil {
			t.Fatal(err)
		}
		found, err := s.FindUserByUserName(ctx(t), odd)
		if err != nil || found == nil || found.ID != u.ID {
			t.Errorf("found %+v, %v", found, err)
		}
	})
	if n := env.rec.count("POST", "/Users"); n != 6 {
		t.Errorf("%d POST /Users for 6 creates", n)
	}
}

func TestSimScimReplaceUser(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	s := env.scim(dirEntra)
	cur, err := s.User(ctx(t), "su-kenji")
	if err != nil {
		t.Fatal(err)
	}
	// Round-trip what was read, as a fixer would, with a new name and address.
	cur.DisplayName = "Kenji Watanabe-Sato"
	cur.Emails = []client.ScimEmail{{Value: "kenji.watanabe@newco.com", Type: "work", Primary: true}}
	got, err := s.ReplaceUser(ctx(t), "su-kenji", cur)
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "Kenji Watanabe-Sato" || got.PrimaryEmail() != "kenji.watanabe@newco.com" || got.AccountID() != idKenji {
		t.Errorf("replaced %+v", got)
	}
	if a := env.account(idKenji); a.Email != "kenji.watanabe@newco.com" || a.Name != "Kenji Watanabe-Sato" {
		t.Errorf("account after PUT: %+v", a)
	}
	// PUT onto an address another account holds: the 409, nothing changes.
	before := env.sim.Snapshot()
	cur.Emails = []client.ScimEmail{{Value: "kenji.w@acme.com", Type: "work", Primary: true}}
	_, err = s.ReplaceUser(ctx(t), "su-kenji", cur)
	if se := asErr[*client.ScimError](t, err); se.ConflictEmail() != "kenji.w@acme.com" {
		t.Errorf("PUT onto a held address: %v", err)
	}
	if !reflect.DeepEqual(before, env.sim.Snapshot()) {
		t.Error("the refused PUT changed the org")
	}
	if _, err := s.ReplaceUser(ctx(t), "su-nobody", cur); !client.IsNotFound(err) {
		t.Errorf("PUT unknown: %v", err)
	}
}

func patchEmails(email string) client.PatchOperation {
	return client.PatchOperation{Op: "replace", Path: "emails", Value: []client.ScimEmail{{Value: email, Type: "work", Primary: true}}}
}

func TestSimScimPatchUser(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	s := env.scim(dirEntra)

	t.Run("email change", func(t *testing.T) {
		u, err := s.PatchUser(ctx(t), "su-yuki", patchEmails("yuki.tanaka@newco.com"))
		if err != nil {
			t.Fatal(err)
		}
		if u.PrimaryEmail() != "yuki.tanaka@newco.com" || u.AccountID() != idYuki {
			t.Errorf("patched %+v", u)
		}
		if a := env.account(idYuki); a.Email != "yuki.tanaka@newco.com" {
			t.Errorf("Yuki's account email %s after the PATCH", a.Email)
		}
		req := env.rec.exchanges("PATCH", "/Users/su-yuki")[0].ReqBody
		if !bytes.Contains(req, []byte(`"Operations":[`)) || !bytes.Contains(req, []byte(client.SchemaPatchOp)) {
			t.Errorf("PATCH body %s: want a PatchOp with Operations", req)
		}
	})
	t.Run("another account holds the address: 409, exact body", func(t *testing.T) {
		before := env.sim.Snapshot()
		_, err := s.PatchUser(ctx(t), "su-kenji", patchEmails("kenji.w@acme.com"))
		se := asErr[*client.ScimError](t, err)
		if se.HTTPStatus != 409 || se.ScimType != "uniqueness" || se.ConflictEmail() != "kenji.w@acme.com" ||
			se.Detail != "Resource [USER]: with email[kenji.w@acme.com] already exists." {
			t.Errorf("got %+v", se)
		}
		last := env.rec.exchanges("PATCH", "/Users/su-kenji")
		if body := string(last[len(last)-1].Body); body != conflictBodyKenjiW {
			t.Errorf("409 body\n%s\nwant\n%s", body, conflictBodyKenjiW)
		}
		if !reflect.DeepEqual(before, env.sim.Snapshot()) {
			t.Error("the refused PATCH changed the org")
		}
	})
	t.Run("unverified domain: the SCIM user changes, the account is unlinked", func(t *testing.T) {
		u, err := s.PatchUser(ctx(t), "su-kenji", patchEmails("kenji@acme-labs.com"))
		if err != nil {
			t.Fatal(err)
		}
		if u.PrimaryEmail() != "kenji@acme-labs.com" || u.AccountID() != "" {
			t.Errorf("patched %+v, want the new address and no account", u)
		}
		su, _ := env.scimUser(dirEntra, "su-kenji")
		a := env.account(idKenji)
		if su.AtlassianAccountID != nil || a.Email != "kenji.watanabe@acme.com" || slices.Contains(a.Groups, "g-eng") {
			t.Errorf("after the PATCH: SCIM user %+v, account %+v", su, a)
		}
	})
	t.Run("active false deactivates the account", func(t *testing.T) {
		u, err := s.PatchUser(ctx(t), "su-yuki", client.PatchOperation{Op: "replace", Path: "active", Value: false})
		if err != nil {
			t.Fatal(err)
		}
		if u.Active == nil || *u.Active {
			t.Errorf("patched %+v, want inactive", u)
		}
		if a := env.account(idYuki); a.AccountStatus != fixtures.StatusInactive {
			t.Errorf("Yuki's account is %s", a.AccountStatus)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		if _, err := s.PatchUser(ctx(t), "su-nobody", patchEmails("x@acme.com")); !client.IsNotFound(err) {
			t.Errorf("got %v", err)
		}
	})
}

func TestSimScimDeleteUser(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	s := env.scim(dirEntra)
	if err := s.DeleteUser(ctx(t), "su-yuki"); err != nil {
		t.Fatal(err)
	}
	if _, ok := env.scimUser(dirEntra, "su-yuki"); ok {
		t.Error("su-yuki is still there")
	}
	if a := env.account(idYuki); a.AccountStatus != fixtures.StatusInactive {
		t.Errorf("Yuki's account is %s, want inactive", a.AccountStatus)
	}
	if links, err := env.c.ScimLinks(ctx(t), idYuki); err != nil || len(links) != 0 {
		t.Errorf("links after delete: %+v, %v", links, err)
	}
	if _, err := s.User(ctx(t), "su-yuki"); !client.IsNotFound(err) {
		t.Errorf("read after delete: %v", err)
	}
	if err := s.DeleteUser(ctx(t), "su-yuki"); !client.IsNotFound(err) {
		t.Errorf("second delete: %v", err)
	}
}

// A stale record, linked to no account, still holds its address in its
// directory: an update onto it gets the 409 uniqueness naming it, and
// DELETE removes the record, and nothing else, which frees the address.
func TestSimScimStaleRecord(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	s := env.scim(dirEntra)
	if err := env.c.UnlinkScimUser(ctx(t), dirEntra, "su-kenji"); err != nil {
		t.Fatal(err)
	}
	if err := env.c.SetEmail(ctx(t), idKenji, "kenji.new@acme.com"); err != nil {
		t.Fatal(err)
	}
	if users, err := env.c.UsersByEmail(ctx(t), "kenji.watanabe@acme.com"); err != nil || len(users) != 0 {
		t.Fatalf("an account still holds the address: %+v, %v", users, err)
	}
	_, err := s.PatchUser(ctx(t), "su-yuki", patchEmails("kenji.watanabe@acme.com"))
	if se := asErr[*client.ScimError](t, err); se.HTTPStatus != 409 || se.ScimType != "uniqueness" || se.ConflictEmail() != "kenji.watanabe@acme.com" {
		t.Fatalf("update onto the stale record's address: %v", err)
	}
	stale, err := s.FindUserByUserName(ctx(t), "kenji.watanabe@acme.com")
	if err != nil || stale == nil || stale.AccountID() != "" {
		t.Fatalf("the stale record: %+v, %v", stale, err)
	}
	accounts := env.sim.Snapshot().Accounts
	if err := s.DeleteUser(ctx(t), stale.ID); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(accounts, env.sim.Snapshot().Accounts) {
		t.Error("deleting a record linked to no account changed an account")
	}
	if _, err := s.PatchUser(ctx(t), "su-yuki", patchEmails("kenji.watanabe@acme.com")); err != nil {
		t.Errorf("the update once the record is gone: %v", err)
	}
	if a := env.account(idYuki); a.Email != "kenji.watanabe@acme.com" {
		t.Errorf("Yuki's account: %+v", a)
	}
}

func TestSimScimPatchGroupMembers(t *testing.T) {
	env := newSimEnv(t, envOpts{})
	s := env.scim(dirEntra)
	if err := s.PatchGroupMembers(ctx(t), "sg-eng", nil, []string{"su-kenji"}); err != nil {
		t.Fatal(err)
	}
	if m := env.scimGroupMembers(dirEntra, "sg-eng"); !slices.Equal(m, []string{"su-yuki"}) {
		t.Errorf("members after remove: %v", m)
	}
	if g := env.account(idKenji).Groups; slices.Contains(g, "g-eng") {
		t.Errorf("Kenji kept the synced org group: %v", g)
	}
	if err := s.PatchGroupMembers(ctx(t), "sg-eng", []string{"su-kenji"}, []string{"su-yuki"}); err != nil {
		t.Fatal(err)
	}
	if m := env.scimGroupMembers(dirEntra, "sg-eng"); !slices.Equal(m, []string{"su-kenji"}) {
		t.Errorf("members after add and remove in one PATCH: %v", m)
	}
	if !slices.Contains(env.account(idKenji).Groups, "g-eng") || slices.Contains(env.account(idYuki).Groups, "g-eng") {
		t.Errorf("org group g-eng not mirrored: Kenji %v, Yuki %v", env.account(idKenji).Groups, env.account(idYuki).Groups)
	}
	g, err := s.Group(ctx(t), "sg-eng")
	if err != nil || len(g.Members) != 1 || g.Members[0].Value != "su-kenji" {
		t.Errorf("group read back: %+v, %v", g, err)
	}
	err = s.PatchGroupMembers(ctx(t), "sg-eng", []string{"su-ghost"}, nil)
	if se := asErr[*client.ScimError](t, err); se.HTTPStatus != 400 {
		t.Errorf("add an unknown user: %v", err)
	}
	if err := s.PatchGroupMembers(ctx(t), "sg-nope", []string{"su-kenji"}, nil); !client.IsNotFound(err) {
		t.Errorf("unknown group: %v", err)
	}
	env.rec.reset()
	if err := s.PatchGroupMembers(ctx(t), "sg-eng", nil, nil); err != nil || env.rec.count("", "") != 0 {
		t.Errorf("nothing to change: %v, %d requests", err, env.rec.count("", ""))
	}
}

// --- Keys -----------------------------------------------------------------

func TestSimWrongKeys(t *testing.T) {
	const badOrg, badScim = "wrong-org-key-123456", "wrong-scim-key-654321"
	env := newSimEnv(t, envOpts{configure: func(cfg *client.Config) {
		cfg.OrgKey = badOrg
		for i := range cfg.Directories {
			cfg.Directories[i].Key = badScim
		}
	}})
	s := env.scim(dirEntra)
	start := env.sim.Snapshot()
	for _, tc := range []struct {
		api, dir string
		call     func() error
	}{
		{client.APIOrg, "", func() error { _, err := env.c.GetUser(ctx(t), idYuki); return err }},
		{client.APIOrg, "", func() error {
			for _, err := range env.c.Domains(ctx(t)) {
				return err
			}
			return nil
		}},
		{client.APIManage, "", func() error { return env.c.SetEmail(ctx(t), idKenjiW, "k@newco.com") }},
		{client.APIProvisioning, "", func() error { _, err := env.c.ScimLinks(ctx(t), idYuki); return err }},
		{client.APIProvisioning, "", func() error { return env.c.DeleteProvisioningRecord(ctx(t), idYuki) }},
		{client.APISCIM, dirEntra, func() error { _, err := s.User(ctx(t), "su-yuki"); return err }},
		{client.APISCIM, dirEntra, func() error { return s.DeleteUser(ctx(t), "su-yuki") }},
	} {
		err := tc.call()
		ae := asErr[*client.AuthError](t, err)
		if ae.HTTPStatus != 401 || ae.API != tc.api || ae.Directory != tc.dir {
			t.Errorf("%v: got %+v, want 401 from %s", err, ae, tc.api)
		}
		if msg := err.Error(); strings.Contains(msg, badOrg) || strings.Contains(msg, badScim) {
			t.Errorf("the error shows a key: %s", msg)
		}
	}
	if n := len(env.rec.exchanges("", "")); n != 7 {
		t.Errorf("%d requests for 7 refused calls: a 401 is not retried", n)
	}

	// The org key does not open SCIM, nor the SCIM key the org API.
	crossed := newSimEnv(t, envOpts{configure: func(cfg *client.Config) {
		cfg.OrgKey = client.Secret(env.sim.ScimKey())
		for i := range cfg.Directories {
			cfg.Directories[i].Key = client.Secret(env.sim.OrgKey())
		}
	}})
	if _, err := crossed.c.GetUser(ctx(t), idYuki); asErr[*client.AuthError](t, err).API != client.APIOrg {
		t.Errorf("SCIM key on the org API: %v", err)
	}
	if _, err := crossed.scim(dirEntra).User(ctx(t), "su-yuki"); asErr[*client.AuthError](t, err).API != client.APISCIM {
		t.Errorf("org key on SCIM: %v", err)
	}
	if !reflect.DeepEqual(start, env.sim.Snapshot()) {
		t.Error("refused calls changed the org")
	}
}

func TestSimCountUsers(t *testing.T) {
	env := newSimEnv(t, envOpts{direct: true})
	n, err := env.c.CountUsers(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := len(env.sim.Snapshot().Accounts); n != want || n == 0 {
		t.Errorf("CountUsers = %d, want %d", n, want)
	}
}

// A filtered count is what a search with the same filters gives in all;
// a filter the simulated org cannot count by is refused, never ignored.
func TestSimCountUsersWhere(t *testing.T) {
	env := newSimEnv(t, envOpts{direct: true})
	for _, f := range []client.UserCount{
		{ClaimStatus: client.ClaimManaged, EmailDomains: []string{"acme.com"}},
		{ClaimStatus: client.ClaimUnmanaged},
		{EmailDomains: []string{"acme.com", "acme.io"}},
	} {
		n, err := env.c.CountUsersWhere(ctx(t), f)
		if err != nil {
			t.Fatal(err)
		}
		found := 0
		for _, err := range env.c.SearchUsers(ctx(t), client.UserSearch{ClaimStatus: f.ClaimStatus, EmailDomains: f.EmailDomains}) {
			if err != nil {
				t.Fatal(err)
			}
			found++
		}
		if n != found || n == 0 {
			t.Errorf("%+v: counted %d, the search found %d", f, n, found)
		}
	}
	req, err := http.NewRequest(http.MethodGet, env.url+"/admin/v2/orgs/"+env.sim.Snapshot().Org.ID+"/directories/-/users/count?mfaEnabled=true", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+env.sim.OrgKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a count by an unsimulated filter answered %d, want 400", resp.StatusCode)
	}
}
