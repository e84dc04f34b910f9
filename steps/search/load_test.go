package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
)

// loadFakeOrg answers the two v2 searches LoadOrg makes, in cursor pages, the
// way api-facts.md §1.3 shows them, and records what it was asked.
type loadFakeOrg struct {
	users  []client.User
	groups []client.Group

	mu        sync.Mutex
	userReqs  []client.UserSearch
	groupReqs []client.GroupSearch
	// onUsers, when set, answers instead for the page'th users request
	// (1-based) when it returns true.
	onUsers func(w http.ResponseWriter, r *http.Request, page int) bool
	onGroup func(w http.ResponseWriter, r *http.Request, page int) bool
	// sameCursor makes every users page point at the same next cursor.
	sameCursor bool
}

func (f *loadFakeOrg) serve(t *testing.T) *client.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/v2/orgs/o/directories/-/users/search", func(w http.ResponseWriter, r *http.Request) {
		var q client.UserSearch
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil || r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.userReqs = append(f.userReqs, q)
		page := len(f.userReqs)
		f.mu.Unlock()
		if f.onUsers != nil && f.onUsers(w, r, page) {
			return
		}
		start := 0
		if q.Cursor != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(q.Cursor, "c"))
		}
		writePage(w, f.users, start, q.Limit, f.sameCursor)
	})
	mux.HandleFunc("POST /admin/v2/orgs/o/directories/-/groups/search", func(w http.ResponseWriter, r *http.Request) {
		var q client.GroupSearch
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.groupReqs = append(f.groupReqs, q)
		page := len(f.groupReqs)
		f.mu.Unlock()
		if f.onGroup != nil && f.onGroup(w, r, page) {
			return
		}
		start := 0
		if q.Cursor != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(q.Cursor, "c"))
		}
		writePage(w, f.groups, start, q.Limit, false)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{
		BaseURL: srv.URL, OrgID: "o", OrgKey: "k",
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }, // retries without waiting
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writePage[T any](w http.ResponseWriter, all []T, start, limit int, sameCursor bool) {
	if limit <= 0 {
		limit = 50
	}
	end := min(start+limit, len(all))
	body := map[string]any{"data": all[start:end], "links": map[string]any{"self": "c" + strconv.Itoa(start)}}
	if end < len(all) {
		next := "c" + strconv.Itoa(end)
		if sameCursor {
			next = "c1"
		}
		body["links"].(map[string]any)["next"] = next
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

func fakeGroups(n int) []client.Group {
	out := make([]client.Group, n)
	for i := range out {
		out[i] = client.Group{ID: fmt.Sprintf("g-%02d", i), Name: fmt.Sprintf("team g-%02d", i)}
	}
	return out
}

func TestLoadOrgPageByPage(t *testing.T) {
	t.Parallel()
	f := &loadFakeOrg{users: generatedOrg(0, 230), groups: fakeGroups(40)}
	ix := NewIndex()
	// Each page must be in the index before the next is asked for.
	f.onUsers = func(w http.ResponseWriter, r *http.Request, page int) bool {
		if a, _ := ix.Counts(); a != (page-1)*100 {
			t.Errorf("users page %d asked for with %d accounts indexed", page, a)
		}
		return false
	}
	c := f.serve(t)
	var seen []LoadProgress
	if err := LoadOrg(context.Background(), c, ix, 100, func(p LoadProgress) { seen = append(seen, p) }); err != nil {
		t.Fatal(err)
	}
	// The groups' page and the accounts' pages are read at once (this fake
	// org lists no domains, so one cursor reads every account), so where
	// the groups' page comes among the accounts' is not defined: without
	// it, the accounts come page by page. This fake org gives no user
	// count.
	var accounts []LoadProgress
	for i, p := range seen {
		if p.Page != min(i+1, 4) || p.Total != 0 || (p.Groups != 0 && p.Groups != 40) {
			t.Errorf("progress %d: %+v", i+1, p)
		}
		p.Groups, p.Page = 0, 0
		if i == 0 || p != accounts[len(accounts)-1] {
			accounts = append(accounts, p)
		}
	}
	want := []LoadProgress{{Accounts: 100}, {Accounts: 200}, {Accounts: 230}, {Accounts: 230, Done: true}}
	if accounts[0] == (LoadProgress{}) {
		accounts = accounts[1:] // the groups' page came first
	}
	if !slices.Equal(accounts, want) || seen[len(seen)-1] != (LoadProgress{Accounts: 230, Groups: 40, Page: 4, Done: true}) {
		t.Errorf("progress %+v", seen)
	}
	for i, q := range f.userReqs {
		if q.Limit != 100 || !slices.Equal(q.Expand, []string{client.ExpandGroups, client.ExpandProductAccess}) || (i == 0) != (q.Cursor == "") {
			t.Errorf("users request %d: %+v", i+1, q)
		}
	}
	if len(f.groupReqs) != 1 || f.groupReqs[0].Limit != 100 {
		t.Errorf("groups requests %+v", f.groupReqs)
	}
	u := f.users[123]
	if got, ok := ix.Account(u.AccountID); !ok || got.Name != u.Name || len(got.Groups) != len(u.Groups) {
		t.Errorf("account %s after loading: %+v", u.AccountID, got)
	}
	if hits := ix.Search(u.Email, 1); len(hits) != 1 || hits[0].Entry.Account.AccountID != u.AccountID {
		t.Errorf("Search(%s) = %v", u.Email, hitIDs(hits))
	}
	g := u.Groups[0].ID
	if hits := ix.Search("team "+g, 1); len(hits) != 1 || hits[0].Entry.Group.ID != g || hits[0].Entry.Members != len(ix.Members(g)) || hits[0].Entry.Members == 0 {
		t.Errorf("group %s: %+v", g, hits)
	}
}

func TestLoadOrgPageSizes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ asked, sent, pages int }{{0, 100, 1}, {-3, 100, 1}, {500, 100, 1}, {7, 7, 8}} {
		f := &loadFakeOrg{users: generatedOrg(0, 50), groups: fakeGroups(3)}
		var last LoadProgress
		if err := LoadOrg(context.Background(), f.serve(t), NewIndex(), c.asked, func(p LoadProgress) { last = p }); err != nil {
			t.Fatal(err)
		}
		if f.userReqs[0].Limit != c.sent || len(f.userReqs) != c.pages || last.Accounts != 50 || last.Groups != 3 || !last.Done {
			t.Errorf("page size %d: sent %d in %d requests, last progress %+v", c.asked, f.userReqs[0].Limit, len(f.userReqs), last)
		}
	}
}

func TestLoadOrgErrorsSayWhatFailed(t *testing.T) {
	t.Parallel()
	unauthorized := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"code":401,"message":"Unauthorized"}`))
	}
	tooMany := func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"code":429,"message":"Too Many Requests"}`))
	}
	cases := []struct {
		name    string
		setup   func(f *loadFakeOrg)
		prefix  string
		typed   func(error) bool
		indexed int
	}{
		{"key refused on page 3", func(f *loadFakeOrg) {
			f.onUsers = func(w http.ResponseWriter, _ *http.Request, page int) bool {
				if page == 3 {
					unauthorized(w)
				}
				return page == 3
			}
		}, "load accounts (page 3): ", func(err error) bool { var e *client.AuthError; return errors.As(err, &e) }, 20},
		{"rate limited on page 2", func(f *loadFakeOrg) {
			f.onUsers = func(w http.ResponseWriter, _ *http.Request, page int) bool {
				if page >= 2 {
					tooMany(w)
				}
				return page >= 2
			}
		}, "load accounts (page 2): ", func(err error) bool {
			var e *client.RateLimitError
			return errors.As(err, &e) && e.Attempts == client.DefaultMaxRetries+1
		}, 10},
		// The accounts are read while the groups' search waits: how many
		// came is not defined (-1).
		{"groups rate limited", func(f *loadFakeOrg) {
			f.onGroup = func(w http.ResponseWriter, _ *http.Request, _ int) bool { tooMany(w); return true }
		}, "load groups (page 1): ", func(err error) bool { var e *client.RateLimitError; return errors.As(err, &e) }, -1},
		{"paging does not advance", func(f *loadFakeOrg) { f.sameCursor = true }, "load accounts (page 3): ", func(err error) bool {
			return strings.Contains(err.Error(), "paging does not advance")
		}, 11}, // page 1, then 1..10 twice
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := &loadFakeOrg{users: generatedOrg(0, 45), groups: fakeGroups(5)}
			c.setup(f)
			ix := NewIndex()
			var last LoadProgress
			err := LoadOrg(context.Background(), f.serve(t), ix, 10, func(p LoadProgress) { last = p })
			if err == nil || !strings.HasPrefix(err.Error(), c.prefix) || !c.typed(err) {
				t.Fatalf("LoadOrg: %v; want %q and the client's typed error", err, c.prefix)
			}
			if a, _ := ix.Counts(); (c.indexed >= 0 && a != c.indexed) || last.Done {
				t.Errorf("%d accounts indexed, last progress %+v; want %d and not done", a, last, c.indexed)
			}
		})
	}
}

func TestLoadOrgStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	t.Run("between pages", func(t *testing.T) {
		t.Parallel()
		f := &loadFakeOrg{users: generatedOrg(0, 100), groups: fakeGroups(3)}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		err := LoadOrg(ctx, f.serve(t), NewIndex(), 10, func(p LoadProgress) {
			if p.Accounts == 20 {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "load accounts (page 3): ") || len(f.userReqs) != 2 {
			t.Errorf("LoadOrg: %v after %d requests", err, len(f.userReqs))
		}
	})
	t.Run("during a request", func(t *testing.T) {
		t.Parallel()
		f := &loadFakeOrg{users: generatedOrg(0, 100)}
		asked := make(chan struct{})
		f.onUsers = func(w http.ResponseWriter, r *http.Request, page int) bool {
			if page == 2 {
				close(asked)
				<-r.Context().Done() // an answer that never comes
				return true
			}
			return false
		}
		c := f.serve(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- LoadOrg(ctx, c, NewIndex(), 10, nil) }()
		select {
		case <-asked:
		case <-time.After(5 * time.Second):
			t.Fatal("the second page was not asked for")
		}
		// The far end's count (this org answers none) may be in flight too.
		assertStopsOnCancel(t, cancel, done, "load accounts")
	})
}

// assertStopsOnCancel cancels a load and checks that it stops within a
// second, with ctx's error and an error text holding want.
func assertStopsOnCancel(t *testing.T, cancel func(), done <-chan error, want string) {
	t.Helper()
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadOrg: %v", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("LoadOrg took %v to stop", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("LoadOrg did not stop")
	}
}

func TestLoadOrgNeedsClientAndIndex(t *testing.T) {
	t.Parallel()
	if err := LoadOrg(context.Background(), nil, NewIndex(), 10, nil); err == nil {
		t.Error("no client: no error")
	}
}

// demoOverTheSimulator serves the demo org over loopback HTTP, and a
// client of it.
func demoOverTheSimulator(t *testing.T) (*fixtures.Snapshot, *client.Client) {
	t.Helper()
	snap := fixtures.Demo()
	sim, err := fixtures.NewSimulator(snap, fixtures.Options{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := fixtures.Start(sim, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close() })
	c, err := client.New(client.Config{BaseURL: run.URL, OrgID: snap.Org.ID, OrgKey: client.Secret(sim.OrgKey())})
	if err != nil {
		t.Fatal(err)
	}
	return snap, c
}

// The demo org over the real simulator: everything arrives, and a
// misspelled demo name is found.
func TestLoadOrgDemoOverTheSimulator(t *testing.T) {
	t.Parallel()
	snap, c := demoOverTheSimulator(t)
	ix := NewIndex()
	var seen []LoadProgress
	if err := LoadOrg(context.Background(), c, ix, 50, func(p LoadProgress) { seen = append(seen, p) }); err != nil {
		t.Fatal(err)
	}
	last := seen[len(seen)-1]
	if !last.Done || last.Accounts != len(snap.Accounts) || last.Groups != len(snap.Groups) {
		t.Fatalf("last progress %+v, want %d accounts and %d groups", last, len(snap.Accounts), len(snap.Groups))
	}
	// Groups and accounts are read at once, by several cursors: their
	// pages come in no defined order, but each one is reported.
	for i, p := range seen {
		if p.Total != len(snap.Accounts) {
			t.Fatalf("progress %+v: the total is not the org's user count %d", p, len(snap.Accounts))
		}
		if p.Page != min(i+1, len(seen)-1) || (i > 0 && p.Accounts < seen[i-1].Accounts) || p.Done != (i == len(seen)-1) {
			t.Errorf("progress %d: %+v after %+v", i+1, p, seen[max(i-1, 0)])
		}
		if f, known := p.Fraction(); !known || (!p.Done && f != min(float64(p.Accounts)/float64(len(snap.Accounts)), 0.99)) {
			t.Errorf("progress %+v: fraction %v (known %v)", p, f, known)
		}
	}
	if f, known := (LoadProgress{Accounts: 10}).Fraction(); known || f != 0 {
		t.Errorf("with no count the fraction is %v (known %v), want unknown", f, known)
	}

	for _, c := range []struct{ query, want string }{
		{"Agniezska Lewandwoska", "Agnieszka Lewandowska"},
		{"lukasz dabrowski", "Łukasz Dąbrowski"},
		{"Takeshi Kobayshi", "Takeshi Kobayashi"},
		{"thordis", "Þórdís Jónsdóttir"},
		{"nguyen duc bao", "Nguyễn Đức Bảo"},
	} {
		hits := ix.Search(c.query, 5)
		if len(hits) == 0 || hits[0].Entry.Account.Name != c.want {
			t.Errorf("Search(%q) = %v, want %s first", c.query, hitIDs(hits), c.want)
		}
	}
	// The demo has two Łukasz Dąbrowskis (one per domain): both come up.
	if hits := ix.Search("Łukasz Dąbrowski", 5); len(hits) < 2 || hits[1].Entry.Account.Name != "Łukasz Dąbrowski" {
		t.Errorf("both Łukasz Dąbrowskis: %v", hitIDs(hits))
	}
	// Product access and groups came with the accounts.
	a := snap.Accounts[0]
	u, ok := ix.Account(a.AccountID)
	if !ok || len(u.Groups) != len(a.Groups) || len(u.ProductAccess) != len(a.ProductAccess) {
		t.Errorf("account %s: %d groups, %d products; want %d, %d", a.AccountID, len(u.Groups), len(u.ProductAccess), len(a.Groups), len(a.ProductAccess))
	}
	for _, g := range snap.Groups {
		hits := ix.Search(g.Name, 1)
		if len(hits) == 0 || hits[0].Entry.Group.ID != g.ID || hits[0].Entry.Members != len(ix.Members(g.ID)) {
			t.Errorf("group %s (%s): %v", g.ID, g.Name, hitIDs(hits))
		}
	}
}

// After a run changed an account, Refresh shows it as the org does now.
func TestRefreshReadsAccountsAgain(t *testing.T) {
	t.Parallel()
	snap, c := demoOverTheSimulator(t)
	ix := NewIndex()
	if err := LoadOrg(context.Background(), c, ix, 100, nil); err != nil {
		t.Fatal(err)
	}
	users, err := c.UsersByEmail(context.Background(), "kofi@acme.com")
	if err != nil || len(users) != 1 {
		t.Fatalf("kofi: %v %v", users, err)
	}
	id := users[0].AccountID
	if err := c.SetEmail(context.Background(), id, "kofi.boateng@acme.com"); err != nil {
		t.Fatal(err)
	}
	if err := Refresh(context.Background(), c, ix, []string{id, id}); err != nil {
		t.Fatal(err)
	}
	if u, ok := ix.Account(id); !ok || u.Email != "kofi.boateng@acme.com" {
		t.Errorf("after Refresh the index has %+v", u)
	}
	if hits := ix.Search("kofi.boateng@acme.com", 5); len(hits) == 0 || hits[0].Entry.Account.AccountID != id {
		t.Errorf("the new email is not found: %+v", hits)
	}
	if n, _ := ix.Counts(); n != len(snap.Accounts) {
		t.Errorf("%d accounts after Refresh, want %d", n, len(snap.Accounts))
	}
}
