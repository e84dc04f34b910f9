package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
)

// simOrg is a simulated org behind a recorder that sees every search the
// client makes and every account it is given; hook, when set, may answer a
// request instead of the simulator (true).
type simOrg struct {
	snap *fixtures.Snapshot
	sim  *fixtures.Simulator

	mu       sync.Mutex
	searches []client.UserSearch
	served   map[string]int // account id -> times a search gave it
	inFlight int
	most     int // searches in flight at once, at most
	hook     func(w http.ResponseWriter, r *http.Request, q client.UserSearch) bool
	delay    time.Duration // added to every search
	// other, when set, may answer any other request instead of the
	// simulator (true).
	other func(w http.ResponseWriter, r *http.Request) bool
}

// generatedSimOrg is a generated org of n accounts, with a few more accounts
// beside its personal addresses on an unlisted domain: an unmanaged one on
// a verified domain (available to claim), one on a domain no org listed,
// one whose address is in capitals.
func generatedSimOrg(t *testing.T, n int, opts fixtures.Options) (*simOrg, *client.Client) {
	t.Helper()
	snap := fixtures.Generate(n, 7)
	for i, a := range []fixtures.Account{
		{Name: "Claimable Person", Email: "claim.me@example.com", ClaimStatus: fixtures.ClaimUnmanaged},
		{Name: "Own Domain", Email: "someone@own-domain.example", ClaimStatus: fixtures.ClaimUnmanaged},
		{Name: "Shouting Person", Email: "SHOUTING.PERSON@EXAMPLE.IO", ClaimStatus: fixtures.ClaimManaged},
	} {
		a.AccountID = "712020:00000000-0000-4000-8000-00000000000" + string(rune('1'+i))
		a.AccountStatus = fixtures.StatusActive
		snap.Accounts = append(snap.Accounts, a)
	}
	sim, err := fixtures.NewSimulator(snap, opts)
	if err != nil {
		t.Fatal(err)
	}
	o := &simOrg{snap: snap, sim: sim, served: map[string]int{}}
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL, OrgID: snap.Org.ID, OrgKey: client.Secret(sim.OrgKey())})
	if err != nil {
		t.Fatal(err)
	}
	return o, c
}

func (o *simOrg) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/users/search") {
		if o.other == nil || !o.other(w, r) {
			o.sim.ServeHTTP(w, r)
		}
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var q client.UserSearch
	_ = json.Unmarshal(body, &q)
	o.mu.Lock()
	o.searches = append(o.searches, q)
	o.inFlight++
	o.most = max(o.most, o.inFlight)
	hook, delay := o.hook, o.delay
	o.mu.Unlock()
	defer func() {
		o.mu.Lock()
		o.inFlight--
		o.mu.Unlock()
	}()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if hook != nil && hook(w, r, q) {
		return
	}
	rec := httptest.NewRecorder()
	o.sim.ServeHTTP(rec, r)
	var page struct{ Data []client.User }
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	o.mu.Lock()
	for _, u := range page.Data {
		o.served[u.AccountID]++
	}
	o.mu.Unlock()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// checkLoaded: ix holds every account of the org and every group.
func (o *simOrg) checkLoaded(t *testing.T, ix *Index) {
	t.Helper()
	if a, g := ix.Counts(); a != len(o.snap.Accounts) || g != len(o.snap.Groups) {
		t.Errorf("index has %d accounts and %d groups, want %d and %d", a, g, len(o.snap.Accounts), len(o.snap.Groups))
	}
	for _, a := range o.snap.Accounts {
		if u, ok := ix.Account(a.AccountID); !ok || u.Email != a.Email {
			t.Errorf("account %s (%s) not loaded: %+v", a.AccountID, a.Email, u)
		}
	}
}

// Every account of an org with personal addresses, unlisted and unverified
// domains, another org's domain and an account available to claim comes:
// the managed accounts by verified domain, the unmanaged ones apart, each
// read from both ends, never the whole org again. An account comes twice
// only about where the two ends of its search met.
func TestLoadOrgEveryAccountOnce(t *testing.T) {
	t.Parallel()
	const pageSize = 50
	o, c := generatedSimOrg(t, 3000, fixtures.Options{})
	ix := NewIndex()
	var seen []LoadProgress
	if err := LoadOrgWith(context.Background(), c, ix, LoadOptions{PageSize: pageSize}, func(p LoadProgress) { seen = append(seen, p) }); err != nil {
		t.Fatal(err)
	}
	o.checkLoaded(t, ix)
	repeats := 0
	for _, a := range o.snap.Accounts {
		switch n := o.served[a.AccountID]; {
		case n == 0 || n > 2:
			t.Errorf("account %s (%s) came %d times", a.AccountID, a.Email, n)
		case n == 2:
			repeats++
		}
	}
	var kinds []string
	for _, q := range o.searches {
		if q.Cursor == "" {
			kinds = append(kinds, q.ClaimStatus+" "+strings.Join(q.EmailDomains, ",")+" "+q.SortBy[0].Direction)
		}
		if q.Limit != pageSize || !slices.Equal(q.Expand, []string{client.ExpandGroups, client.ExpandProductAccess}) {
			t.Errorf("search %+v", q)
		}
	}
	slices.Sort(kinds) // they start at once, in no defined order
	want := []string{"managed example.com asc", "managed example.com desc", "managed example.io asc", "managed example.io desc", "unmanaged  asc", "unmanaged  desc"}
	if !slices.Equal(kinds, want) {
		t.Errorf("cursors %q, want %q", kinds, want)
	}
	// Where two ends meet: the page that crossed, and the other end's page
	// in flight meanwhile.
	if pairs := 3; repeats > pairs*2*pageSize {
		t.Errorf("%d accounts came twice; the ends of %d searches should meet within 2 pages each", repeats, pairs)
	}
	last := seen[len(seen)-1]
	if !last.Done || last.Total != len(o.snap.Accounts) || last.Accounts != len(o.snap.Accounts) || last.Page != len(o.searches)+1 {
		t.Errorf("last progress %+v after %d account searches", last, len(o.searches))
	}
}

// A domain that holds most of the org is read from both ends at once: the
// longer end reads about half its pages, and together they stop where they
// meet, not at the end.
func TestLoadOrgReadsABigDomainFromBothEnds(t *testing.T) {
	t.Parallel()
	const pageSize = 100
	o, c := generatedSimOrg(t, 6000, fixtures.Options{})
	o.delay = time.Millisecond // a network's pace, the same for both ends
	if err := LoadOrgWith(context.Background(), c, NewIndex(), LoadOptions{PageSize: pageSize}, nil); err != nil {
		t.Fatal(err)
	}
	onDomain := 0
	for _, a := range o.snap.Accounts {
		if strings.HasSuffix(a.Email, "@example.com") && a.ClaimStatus == fixtures.ClaimManaged {
			onDomain++
		}
	}
	pages := map[string]int{}
	for _, q := range o.searches {
		if slices.Equal(q.EmailDomains, []string{"example.com"}) {
			pages[q.SortBy[0].Direction]++
		}
	}
	whole := (onDomain + pageSize - 1) / pageSize
	if whole < 20 {
		t.Fatalf("example.com holds %d managed accounts: too few to show anything", onDomain)
	}
	// The near end starts a page and a count ahead of the far one, and
	// which of two ends is answered first is the scheduler's: about half
	// is at most two thirds here.
	if asc, desc := pages[client.SortAscending], pages[client.SortDescending]; max(asc, desc) > 2*whole/3 || asc+desc > whole+2 {
		t.Errorf("example.com (%d pages): %d pages read ascending and %d descending, want about half each", whole, asc, desc)
	}
}

// An org that will not count a search, or that ignores its order, is
// still loaded whole: without a count the search is read from one end
// only; in one order both ends read until one reaches the end.
func TestLoadOrgWithoutOrderOrCount(t *testing.T) {
	t.Parallel()
	t.Run("no count", func(t *testing.T) {
		t.Parallel()
		o, c := generatedSimOrg(t, 1500, fixtures.Options{})
		o.other = func(w http.ResponseWriter, r *http.Request) bool {
			if !strings.HasSuffix(r.URL.Path, "/users/count") || r.URL.RawQuery == "" {
				return false
			}
			writeJSONReply(w, http.StatusBadRequest, map[string]any{"errors": []map[string]string{{"status": "400", "code": "ADMIN-400-4", "title": "Bad Request"}}})
			return true
		}
		ix := NewIndex()
		if err := LoadOrgWith(context.Background(), c, ix, LoadOptions{PageSize: 100}, nil); err != nil {
			t.Fatal(err)
		}
		o.checkLoaded(t, ix)
		for _, q := range o.searches {
			if q.SortBy[0].Direction != client.SortAscending {
				t.Fatalf("search %+v: read from the end with no count to stop by", q)
			}
		}
		for id, n := range o.served {
			if n != 1 {
				t.Errorf("account %s came %d times", id, n)
			}
		}
	})
	t.Run("no order", func(t *testing.T) {
		t.Parallel()
		o, c := generatedSimOrg(t, 1500, fixtures.Options{})
		o.hook = func(w http.ResponseWriter, r *http.Request, q client.UserSearch) bool {
			q.SortBy = nil // as an org that ignores sortBy answers
			body, _ := json.Marshal(q)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			o.sim.ServeHTTP(w, r)
			return true
		}
		ix := NewIndex()
		if err := LoadOrgWith(context.Background(), c, ix, LoadOptions{PageSize: 100}, nil); err != nil {
			t.Fatal(err)
		}
		o.checkLoaded(t, ix)
	})
}

// An org that counts more accounts than its domains' cursors gave (a
// managed account on a domain the listing did not show as verified) has
// its managed accounts read again, without the domains.
func TestLoadOrgReadsAgainWhenTheCountSaysMore(t *testing.T) {
	t.Parallel()
	o, c := generatedSimOrg(t, 400, fixtures.Options{})
	o.other = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/users/count") {
			return false
		}
		writeJSONReply(w, http.StatusOK, map[string]any{"count": len(o.snap.Accounts) + 1})
		return true
	}
	ix := NewIndex()
	var last LoadProgress
	if err := LoadOrg(context.Background(), c, ix, 100, func(p LoadProgress) { last = p }); err != nil {
		t.Fatal(err)
	}
	o.checkLoaded(t, ix)
	var again int
	for _, q := range o.searches {
		if q.ClaimStatus == client.ClaimManaged && len(q.EmailDomains) == 0 {
			again++
		}
	}
	if again == 0 || !last.Done || last.Accounts != len(o.snap.Accounts) {
		t.Errorf("%d searches of every managed account, last progress %+v", again, last)
	}
}

// A key that may not read the domains (403) loads through one cursor.
func TestLoadOrgWithoutDomains(t *testing.T) {
	t.Parallel()
	o, c := generatedSimOrg(t, 300, fixtures.Options{})
	o.other = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.URL.Path, "/domains") {
			return false
		}
		writeJSONReply(w, http.StatusForbidden, map[string]any{"status": 403, "error": "Forbidden", "message": "User has no permission to access resource."})
		return true
	}
	ix := NewIndex()
	if err := LoadOrg(context.Background(), c, ix, 100, nil); err != nil {
		t.Fatal(err)
	}
	o.checkLoaded(t, ix)
	for _, q := range o.searches {
		if q.ClaimStatus != "" || len(q.EmailDomains) > 0 {
			t.Errorf("search %+v, want every account through one cursor", q)
		}
	}
	// From both ends: a page more than from one, where they cross, and one
	// in flight meanwhile.
	if whole := (len(o.snap.Accounts) + 99) / 100; len(o.searches) > whole+2 {
		t.Errorf("%d searches for %d accounts in pages of 100", len(o.searches), len(o.snap.Accounts))
	}
}

// No more searches are in flight than asked for, and more than one is.
func TestLoadOrgBoundsSearchesInFlight(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 4} {
		o, c := generatedSimOrg(t, 2000, fixtures.Options{})
		o.delay = 5 * time.Millisecond // so that searches overlap
		ix := NewIndex()
		if err := LoadOrgWith(context.Background(), c, ix, LoadOptions{PageSize: 100, InFlight: n}, nil); err != nil {
			t.Fatal(err)
		}
		o.checkLoaded(t, ix)
		// The groups' search comes out of the same allowance; this org's
		// three account cursors can fill 3 of it.
		if o.most > n || o.most < min(n, 3) {
			t.Errorf("InFlight %d: %d searches in flight at most", n, o.most)
		}
	}
}

// The first error stops every cursor: the searches in flight are
// cancelled, no other starts, and the error says which page of which
// cursor failed.
func TestLoadOrgFirstErrorStopsTheRest(t *testing.T) {
	t.Parallel()
	o, c := generatedSimOrg(t, 2000, fixtures.Options{})
	o.hook = func(w http.ResponseWriter, r *http.Request, q client.UserSearch) bool {
		if q.ClaimStatus == client.ClaimUnmanaged {
			writeJSONReply(w, http.StatusUnauthorized, map[string]any{"code": 401, "message": "Unauthorized"})
		} else {
			<-r.Context().Done() // the other cursors' answers never come
		}
		return true
	}
	done := make(chan error, 1)
	go func() { done <- LoadOrg(context.Background(), c, NewIndex(), 100, nil) }()
	select {
	case err := <-done:
		var auth *client.AuthError
		if !errors.As(err, &auth) || !strings.HasPrefix(err.Error(), "load unmanaged accounts (page 1): ") {
			t.Errorf("LoadOrg: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("LoadOrg did not stop the searches in flight")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	// The first pages start together; one cancelled early may not even
	// reach the org.
	if len(o.searches) > 3 {
		t.Errorf("%d searches; want the first page of each cursor at most", len(o.searches))
	}
}

// Cancelling stops every cursor at once, whatever it is waiting for.
func TestLoadOrgCancelStopsEveryCursor(t *testing.T) {
	t.Parallel()
	o, c := generatedSimOrg(t, 2000, fixtures.Options{})
	waiting := make(chan struct{}, 3)
	o.hook = func(w http.ResponseWriter, r *http.Request, q client.UserSearch) bool {
		if q.Cursor == "" {
			return false
		}
		select {
		case waiting <- struct{}{}:
		default: // a far end's: the three near ends' are enough to wait for
		}
		<-r.Context().Done() // second pages never come
		return true
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- LoadOrg(ctx, c, NewIndex(), 100, nil) }()
	for range 3 { // each account cursor waits for its second page
		select {
		case <-waiting:
		case <-time.After(5 * time.Second):
			t.Fatal("the second pages were not asked for")
		}
	}
	// The far ends (each a count, then its pages) may be at any page.
	assertStopsOnCancel(t, cancel, done, " (page ")
}

// Under the org's rate limit, the searches in flight wait out each 429 as
// long as the org says (Retry-After, here) and the load completes.
func TestLoadOrgWaitsOutTheRateLimit(t *testing.T) {
	t.Parallel()
	clock := &testClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	o, _ := generatedSimOrg(t, 1500, fixtures.Options{Clock: clock.Now, RateLimit: fixtures.RateLimit{PerMinute: 7, SendRetryAfter: true}})
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	var waits []time.Duration
	var mu sync.Mutex
	c, err := client.New(client.Config{
		BaseURL: srv.URL, OrgID: o.snap.Org.ID, OrgKey: client.Secret(o.sim.OrgKey()),
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			clock.Advance(d) // the window passes at once
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex()
	if err := LoadOrg(context.Background(), c, ix, 100, nil); err != nil {
		t.Fatal(err)
	}
	o.checkLoaded(t, ix)
	if len(waits) == 0 {
		t.Error("no wait: the rate limit was never met")
	}
	for _, d := range waits {
		if d <= 0 || d > time.Minute {
			t.Errorf("waited %v: not until the window's reset", d)
		}
	}
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func writeJSONReply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
