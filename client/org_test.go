package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pagedUsers serves users two per page with cursors "p2", "p3", …, as the v2
// search does (links.next is a bare cursor).
func pagedUsers(t *testing.T, total int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var q UserSearch
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			t.Errorf("search body: %v", err)
		}
		page := 1
		if q.Cursor != "" {
			fmt.Sscanf(q.Cursor, "p%d", &page)
		}
		var data []map[string]any
		for i := (page-1)*2 + 1; i <= min(page*2, total); i++ {
			data = append(data, map[string]any{"accountId": fmt.Sprintf("a%d", i), "email": fmt.Sprintf("u%d@acme.com", i),
				"managementSource": "synced", "claimStatus": "managed"})
		}
		links := map[string]any{"self": q.Cursor, "next": nil}
		if page*2 < total {
			links["next"] = fmt.Sprintf("p%d", page+1)
		}
		writeJSON(w, 200, map[string]any{"data": data, "links": links})
	}
}

func TestSearchUsersStreamsPages(t *testing.T) {
	t.Parallel()
	srv := newFake(t, pagedUsers(t, 5))
	c, _ := newTestClient(t, srv.URL)
	q := UserSearch{SearchTerm: "acme", Expand: []string{ExpandGroups}, Limit: 2}
	var ids []string
	for u, err := range c.SearchUsers(t.Context(), q) {
		if err != nil {
			t.Fatal(err)
		}
		if !u.Synced() || !u.Managed() {
			t.Errorf("user %s lost its fields: %+v", u.AccountID, u)
		}
		ids = append(ids, u.AccountID)
	}
	if want := []string{"a1", "a2", "a3", "a4", "a5"}; !slices.Equal(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		if r.Method != "POST" || r.Path != "/admin/v2/orgs/org-1/directories/-/users/search" {
			t.Errorf("request %d: %s %s", i, r.Method, r.Path)
		}
		b := bodyJSON(t, r.Body)
		wantCursor := []any{nil, "p2", "p3"}[i]
		if b["cursor"] != wantCursor || b["searchTerm"] != "acme" || b["limit"] != 2.0 || fmt.Sprint(b["expand"]) != "[groups]" {
			t.Errorf("request %d body = %v", i, b)
		}
	}
}

func TestSearchUsersStopsWhenTheConsumerDoes(t *testing.T) {
	t.Parallel()
	srv := newFake(t, pagedUsers(t, 10))
	c, _ := newTestClient(t, srv.URL)
	n := 0
	for _, err := range c.SearchUsers(t.Context(), UserSearch{}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 { // first item of the second page
			break
		}
	}
	if srv.count() != 2 {
		t.Errorf("server saw %d requests, want 2", srv.count())
	}
	seq := c.SearchUsers(t.Context(), UserSearch{})
	if srv.count() != 2 {
		t.Error("building the iterator already made a request")
	}
	_ = seq
}

func TestSearchUsersPage(t *testing.T) {
	t.Parallel()
	srv := newFake(t, pagedUsers(t, 3))
	c, _ := newTestClient(t, srv.URL)
	users, next, err := c.SearchUsersPage(t.Context(), UserSearch{Cursor: "p1"})
	if err != nil || len(users) != 2 || next != "p2" {
		t.Fatalf("page 1 = %d users, next %q, %v", len(users), next, err)
	}
	users, next, err = c.SearchUsersPage(t.Context(), UserSearch{Cursor: next})
	if err != nil || len(users) != 1 || next != "" {
		t.Fatalf("page 2 = %d users, next %q, %v", len(users), next, err)
	}
}

func TestSearchUsersBadPaging(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, detail string
	}{
		{"cursor repeats", `{"data":[{"accountId":"a1"}],"links":{"next":"same"}}`, "paging does not advance"},
		{"user without accountId", `{"data":[{"email":"x@acme.com"}],"links":{}}`, "has no accountId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "application/json", tt.body) })
			c, _ := newTestClient(t, srv.URL)
			var last error
			for _, err := range c.SearchUsers(t.Context(), UserSearch{}) {
				last = err
			}
			if ue := errAs[*UnexpectedError](t, last); !strings.Contains(ue.Detail, tt.detail) {
				t.Errorf("detail = %q, want %q", ue.Detail, tt.detail)
			}
			if srv.count() > 2 {
				t.Errorf("server saw %d requests", srv.count())
			}
		})
	}
}

func TestUsersByEmailChunks(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		var q UserSearch
		_ = json.NewDecoder(r.Body).Decode(&q)
		var data []User
		for _, e := range q.Emails {
			if strings.HasSuffix(e, "7@acme.com") { // some addresses are held
				data = append(data, User{AccountID: "id-" + e, Email: strings.ToUpper(e)})
			}
		}
		writeJSON(w, 200, map[string]any{"data": data, "links": map[string]any{}})
	})
	c, _ := newTestClient(t, srv.URL)
	var emails []string
	for i := range 250 {
		emails = append(emails, fmt.Sprintf("user%d@acme.com", i))
	}
	emails = append(emails, "USER7@acme.com", "  ", "") // a duplicate in other case and blanks
	users, err := c.UsersByEmail(t.Context(), emails...)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 25 {
		t.Errorf("%d users, want 25", len(users))
	}
	// The chunks run side by side, yet the accounts come in the order of
	// the addresses that found them.
	for i, u := range users {
		if want := fmt.Sprintf("id-user%d@acme.com", 10*i+7); u.AccountID != want {
			t.Errorf("user %d is %s, want %s", i, u.AccountID, want)
		}
	}
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 chunks", len(reqs))
	}
	var asked []string
	var sizes []int
	for i, r := range reqs {
		var q UserSearch
		if err := json.Unmarshal(r.Body, &q); err != nil {
			t.Fatal(err)
		}
		if q.Limit != 100 || !slices.Equal(q.Expand, []string{ExpandGroups, ExpandProductAccess}) || q.SearchTerm != "" {
			t.Errorf("chunk %d: limit %d, expand %v, searchTerm %q", i, q.Limit, q.Expand, q.SearchTerm)
		}
		sizes = append(sizes, len(q.Emails))
		asked = append(asked, q.Emails...)
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{50, 100, 100}) {
		t.Errorf("chunks of %v emails, want 100, 100 and 50", sizes)
	}
	slices.Sort(asked)
	if len(asked) != 250 || len(slices.Compact(asked)) != 250 {
		t.Errorf("%d addresses asked (%d distinct), want 250 once each", len(asked), len(slices.Compact(asked)))
	}
	none, err := c.UsersByEmail(t.Context())
	if err != nil || none != nil || srv.count() != 3 {
		t.Errorf("no addresses: %v, %v after %d requests", none, err, srv.count())
	}
}

// TestUsersByEmailExpand: only the expansions asked for are asked of the
// server; none leaves expand out of the body.
func TestUsersByEmailExpand(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"data": []User{}, "links": map[string]any{}})
	})
	c, _ := newTestClient(t, srv.URL)
	if _, err := c.UsersByEmailExpand(t.Context(), []string{"a@acme.com"}, ExpandProductAccess); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UsersByEmailExpand(t.Context(), []string{"b@acme.com"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	var q UserSearch
	if err := json.Unmarshal(reqs[0].Body, &q); err != nil || !slices.Equal(q.Expand, []string{ExpandProductAccess}) {
		t.Errorf("expand %v (%v), want productAccess alone", q.Expand, err)
	}
	if strings.Contains(string(reqs[1].Body), "expand") {
		t.Errorf("no expansion asked, yet the body is %s", reqs[1].Body)
	}
}

// TestUsersByEmailInFlight: a large lookup runs several searches at once,
// never more than searchesInFlight.
func TestUsersByEmailInFlight(t *testing.T) {
	t.Parallel()
	var now, peak atomic.Int32
	release := make(chan struct{})
	var opened sync.Once
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		n := now.Add(1)
		defer now.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		if n == searchesInFlight {
			opened.Do(func() { close(release) }) // every worker is in: let them all go
		}
		select {
		case <-release:
		case <-time.After(10 * time.Second): // fewer workers than that: the peak below says so
		}
		writeJSON(w, 200, map[string]any{"data": []User{}, "links": map[string]any{}})
	})
	c, _ := newTestClient(t, srv.URL)
	emails := make([]string, 0, 3*searchesInFlight*maxEmailsPerSearch)
	for i := range cap(emails) {
		emails = append(emails, fmt.Sprintf("u%d@acme.com", i))
	}
	if _, err := c.UsersByEmail(t.Context(), emails...); err != nil {
		t.Fatal(err)
	}
	if got := srv.count(); got != 3*searchesInFlight {
		t.Errorf("%d searches, want %d", got, 3*searchesInFlight)
	}
	if got := peak.Load(); got != searchesInFlight {
		t.Errorf("at most %d searches in flight, want %d", got, searchesInFlight)
	}
}

// TestUsersByEmailFirstErrorStops: a refused search is the lookup's error,
// and the searches not yet started never start.
func TestUsersByEmailFirstErrorStops(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 403, "application/json", `{"errors":[{"id":"e1","status":"403","code":"ADMIN-403-3","title":"Forbidden","detail":"no"}]}`)
	})
	c, _ := newTestClient(t, srv.URL)
	emails := make([]string, 0, 50*maxEmailsPerSearch)
	for i := range cap(emails) {
		emails = append(emails, fmt.Sprintf("u%d@acme.com", i))
	}
	users, err := c.UsersByEmail(t.Context(), emails...)
	var apiErr *OrgError
	if users != nil || !errors.As(err, &apiErr) || apiErr.HTTPStatus != 403 {
		t.Fatalf("users %v, error %v; want the 403", users, err)
	}
	if got := srv.count(); got > searchesInFlight {
		t.Errorf("%d searches after the first refusal, want at most %d", got, searchesInFlight)
	}
}

func TestGetUser(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeRaw(w, 200, "application/json", `{"data":{"accountId":"712020:a/b","accountStatus":"active","email":"a@acme.com","managementSource":null,"department":"Eng"}}`)
	})
	c, _ := newTestClient(t, srv.URL)
	u, err := c.GetUser(t.Context(), "712020:a/b")
	if err != nil {
		t.Fatal(err)
	}
	if u.AccountID != "712020:a/b" || u.Email != "a@acme.com" || u.ManagementSource != nil || u.Synced() {
		t.Errorf("user = %+v", u)
	}
	r := srv.only(t)
	if r.Method != "GET" || r.EscapedPath != "/admin/v2/orgs/org-1/directories/-/users/712020:a%2Fb" || len(r.Body) != 0 {
		t.Errorf("request = %s %s body %q", r.Method, r.EscapedPath, r.Body)
	}
}

func TestDomainsFollowsNextURL(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		domain := func(id, name, status string) map[string]any {
			return map[string]any{"id": id, "type": "domains", "attributes": map[string]any{"name": name,
				"claim": map[string]any{"type": "dns", "status": status}}, "links": map[string]any{"self": "x"}}
		}
		switch r.URL.Query().Get("cursor") {
		case "":
			writeJSON(w, 200, map[string]any{"data": []any{domain("d1", "acme.com", "verified"), domain("d2", "acme-labs.com", "unverified")},
				"links": map[string]any{"self": "s", "next": "https://api.atlassian.com/admin/v1/orgs/org-1/domains?cursor=abc%3D%3D"}})
		case "abc==":
			writeJSON(w, 200, map[string]any{"data": []any{domain("d3", "partner.io", "superseded")}, "links": map[string]any{"self": "s"}})
		default:
			t.Errorf("cursor %q", r.URL.Query().Get("cursor"))
		}
	})
	c, _ := newTestClient(t, srv.URL)
	var got []Domain
	for d, err := range c.Domains(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, d)
	}
	want := []Domain{
		{ID: "d1", Name: "acme.com", ClaimType: "dns", ClaimStatus: "verified"},
		{ID: "d2", Name: "acme-labs.com", ClaimType: "dns", ClaimStatus: "unverified"},
		{ID: "d3", Name: "partner.io", ClaimType: "dns", ClaimStatus: "superseded"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("domains = %+v", got)
	}
	if !got[0].Verified() || got[1].Verified() {
		t.Error("Verified() wrong")
	}
	reqs := srv.requests()
	if len(reqs) != 2 || reqs[0].Path != "/admin/v1/orgs/org-1/domains" || reqs[0].RawQuery != "" || reqs[1].RawQuery != "cursor=abc%3D%3D" {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestCursorOf(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":            "",
		"  ":          "",
		"p2":          "p2",
		"eyJvIjo1MH0": "eyJvIjo1MH0",
		"https://api.atlassian.com/admin/v1/orgs/o/users?cursor=xyz": "xyz",
		"/admin/v1/orgs/o/domains?cursor=a%2Bb":                      "a+b",
		"https://api.atlassian.com/admin/v1/orgs/o/users":            "",
	}
	for in, want := range tests {
		if got := cursorOf(in); got != want {
			t.Errorf("cursorOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearchGroups(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		var q GroupSearch
		_ = json.NewDecoder(r.Body).Decode(&q)
		if q.Cursor == "" {
			writeJSON(w, 200, map[string]any{"data": []any{map[string]any{"id": "g1", "name": "engineering", "externalSynced": true, "managedBy": "external"}},
				"links": map[string]any{"next": "c2"}})
			return
		}
		writeJSON(w, 200, map[string]any{"data": []any{map[string]any{"id": "g2", "name": "sales", "description": nil, "directoryId": userDir}}, "links": map[string]any{}})
	})
	c, _ := newTestClient(t, srv.URL)
	var got []Group
	for g, err := range c.SearchGroups(t.Context(), GroupSearch{GroupNames: []string{"engineering", "sales"}}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, g)
	}
	if len(got) != 2 || !got[0].ExternalSynced || got[0].ManagedBy != "external" || got[1].Name != "sales" || got[1].DirectoryID != userDir {
		t.Errorf("groups = %+v", got)
	}
	for i, r := range srv.requests() {
		b := bodyJSON(t, r.Body)
		if r.Method != "POST" || r.Path != "/admin/v2/orgs/org-1/directories/-/groups/search" || fmt.Sprint(b["groupNames"]) != "[engineering sales]" {
			t.Errorf("request %d: %s %s %v", i, r.Method, r.Path, b)
		}
	}
	// One page at a time, as LoadOrg reads them.
	page, next, err := c.SearchGroupsPage(t.Context(), GroupSearch{Limit: 1})
	if err != nil || len(page) != 1 || page[0].ID != "g1" || next != "c2" {
		t.Fatalf("page 1 = %+v, next %q, %v", page, next, err)
	}
	page, next, err = c.SearchGroupsPage(t.Context(), GroupSearch{Limit: 1, Cursor: next})
	if err != nil || len(page) != 1 || page[0].ID != "g2" || next != "" {
		t.Fatalf("page 2 = %+v, next %q, %v", page, next, err)
	}
}

// userDir is a user directory id as GET /v2/orgs/{orgId}/directories gives it.
const userDir = "12345678-1234-1234-1234-123456789012"

func TestGroupMembership(t *testing.T) {
	t.Parallel()
	srv := newFake(t, noContent)
	c, _ := newTestClient(t, srv.URL)
	const group = "ari:cloud:identity::group/abc-123"
	if err := c.AddGroupMember(t.Context(), userDir, group, "712020:x"); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveGroupMember(t.Context(), userDir, group, "712020:x"); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	add, remove := reqs[0], reqs[1]
	if add.Method != "POST" || add.EscapedPath != "/admin/v2/orgs/org-1/directories/"+userDir+"/groups/ari:cloud:identity::group%2Fabc-123/memberships" {
		t.Errorf("add: %s %s", add.Method, add.EscapedPath)
	}
	if b := bodyJSON(t, add.Body); len(b) != 1 || b["accountId"] != "712020:x" {
		t.Errorf("add body = %s", add.Body)
	}
	if remove.Method != "DELETE" || remove.EscapedPath != "/admin/v2/orgs/org-1/directories/"+userDir+"/groups/ari:cloud:identity::group%2Fabc-123/memberships/712020:x" || len(remove.Body) != 0 {
		t.Errorf("remove: %s %s %q", remove.Method, remove.EscapedPath, remove.Body)
	}
}

func TestGroupMembershipEscapesTheDirectory(t *testing.T) {
	t.Parallel()
	srv := newFake(t, noContent)
	c, _ := newTestClient(t, srv.URL)
	if err := c.AddGroupMember(t.Context(), "dir/1?x", "g1", "a1"); err != nil {
		t.Fatal(err)
	}
	if r := srv.only(t); r.EscapedPath != "/admin/v2/orgs/org-1/directories/dir%2F1%3Fx/groups/g1/memberships" || r.RawQuery != "" {
		t.Errorf("add: %s ? %s", r.EscapedPath, r.RawQuery)
	}
}

// TestGroupMembershipNeedsTheGroupsDirectory: "-" means every directory on
// reads; a write with it, or with none, is refused before any request.
func TestGroupMembershipNeedsTheGroupsDirectory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, dir, want string
	}{
		{"no directory", "", "add a1 to group g1: no directory id: a membership change needs the group's own directory (Group.DirectoryID)"},
		{"blank directory", "  ", "add a1 to group g1: no directory id: a membership change needs the group's own directory (Group.DirectoryID)"},
		{"all directories", "-", `add a1 to group g1: directory "-" (all directories) is for reads only: a membership change needs the group's own directory (Group.DirectoryID)`},
		{"all directories, padded", " - ", `add a1 to group g1: directory "-" (all directories) is for reads only`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, noContent)
			c, _ := newTestClient(t, srv.URL)
			err := c.AddGroupMember(t.Context(), tt.dir, "g1", "a1")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("add: err = %v, want %q", err, tt.want)
			}
			err = c.RemoveGroupMember(t.Context(), tt.dir, "g1", "a1")
			if want := strings.Replace(tt.want, "add a1 to", "remove a1 from", 1); err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("remove: err = %v, want %q", err, want)
			}
			if IsUnreachable(err) || IsNotFound(err) || IsConflict(err) {
				t.Errorf("a refused directory id reads as an API answer: %v", err)
			}
			if n := srv.count(); n != 0 {
				t.Errorf("server saw %d requests, want none", n)
			}
		})
	}
}

func TestAddGroupMemberConflict(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 409, map[string]any{"errors": []map[string]string{{"status": "409", "code": "ADMIN-409-28", "title": "Conflict", "detail": "already a member"}}})
	})
	c, _ := newTestClient(t, srv.URL)
	err := c.AddGroupMember(t.Context(), userDir, "g1", "a1")
	if oe := errAs[*OrgError](t, err); oe.Code() != "ADMIN-409-28" || err.Error() != "add a1 to group g1: 409 ADMIN-409-28: already a member" {
		t.Errorf("err = %v", err)
	}
}

// pagedDirectories serves n directories two per page, v2 style (links.next
// a bare cursor "c2", "c3", …).
func pagedDirectories(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page := 1
		if cur := r.URL.Query().Get("cursor"); cur != "" {
			fmt.Sscanf(cur, "c%d", &page)
		}
		var data []map[string]any
		for i := (page-1)*2 + 1; i <= min(page*2, n); i++ {
			data = append(data, map[string]any{"directoryId": fmt.Sprintf("dir-%d", i), "name": fmt.Sprintf("Directory %d", i),
				"icon": "https://icon.example.com/icon.png"})
		}
		links := map[string]any{"self": r.URL.Query().Get("cursor")}
		if page*2 < n {
			links["next"] = fmt.Sprintf("c%d", page+1)
		}
		writeJSON(w, 200, map[string]any{"data": data, "links": links})
	}
}

func TestDirectories(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		n         int
		wantPages int
	}{
		{"none", 0, 1},
		{"one page", 2, 1},
		{"three pages", 5, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, pagedDirectories(tt.n))
			c, _ := newTestClient(t, srv.URL)
			dirs, err := c.Directories(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var want []Directory
			for i := 1; i <= tt.n; i++ {
				want = append(want, Directory{ID: fmt.Sprintf("dir-%d", i), Name: fmt.Sprintf("Directory %d", i)})
			}
			if !slices.Equal(dirs, want) {
				t.Errorf("directories = %+v, want %+v", dirs, want)
			}
			reqs := srv.requests()
			if len(reqs) != tt.wantPages {
				t.Fatalf("%d requests, want %d", len(reqs), tt.wantPages)
			}
			for i, r := range reqs {
				wantQuery := "limit=100"
				if i > 0 {
					wantQuery = fmt.Sprintf("cursor=c%d&limit=100", i+1)
				}
				if r.Method != "GET" || r.Path != "/admin/v2/orgs/org-1/directories" || r.RawQuery != wantQuery || len(r.Body) != 0 {
					t.Errorf("request %d: %s %s?%s body %q, want GET …?%s", i, r.Method, r.Path, r.RawQuery, r.Body, wantQuery)
				}
				if got := r.Header.Get("Authorization"); got != "Bearer "+testOrgKey {
					t.Errorf("request %d does not carry the org key", i)
				}
			}
		})
	}
}

func TestDirectoriesErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		requests int
		check    func(t *testing.T, err error)
	}{
		{
			name: "directory without id",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeRaw(w, 200, "application/json", `{"data":[{"name":"x"}],"links":{}}`)
			},
			requests: 1,
			check: func(t *testing.T, err error) {
				if ue := errAs[*UnexpectedError](t, err); !strings.Contains(ue.Detail, "directory 1 of the page has no directoryId") {
					t.Errorf("detail = %q", ue.Detail)
				}
			},
		},
		{
			name: "cursor repeats",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeRaw(w, 200, "application/json", `{"data":[{"directoryId":"d"}],"links":{"next":"same"}}`)
			},
			requests: 2,
			check: func(t *testing.T, err error) {
				if ue := errAs[*UnexpectedError](t, err); !strings.Contains(ue.Detail, "paging does not advance") {
					t.Errorf("detail = %q", ue.Detail)
				}
			},
		},
		{
			name: "key refused",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 401, map[string]any{"errors": []map[string]string{{"status": "401", "title": "Unauthorized"}}})
			},
			requests: 1,
			check: func(t *testing.T, err error) {
				if ae := errAs[*AuthError](t, err); ae.API != APIOrg || !strings.HasPrefix(err.Error(), "list directories: 401") {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name: "bad request is not retried",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 400, map[string]any{"errors": []map[string]string{{"status": "400", "code": "ADMIN-400-1", "title": "Invalid cursor"}}})
			},
			requests: 1,
			check: func(t *testing.T, err error) {
				if oe := errAs[*OrgError](t, err); oe.Code() != "ADMIN-400-1" {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name: "server error after every retry",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 500, map[string]any{"errors": []map[string]string{{"status": "500", "code": "ADMIN-500-1", "title": "Internal"}}})
			},
			requests: 4, // the first attempt and three retries
			check: func(t *testing.T, err error) {
				if oe := errAs[*OrgError](t, err); oe.HTTPStatus != 500 || !IsUnreachable(err) {
					t.Errorf("err = %v", err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tt.handler)
			c, _ := newTestClient(t, srv.URL)
			dirs, err := c.Directories(t.Context())
			if dirs != nil {
				t.Errorf("directories = %+v with an error", dirs)
			}
			tt.check(t, err)
			if n := srv.count(); n != tt.requests {
				t.Errorf("server saw %d requests, want %d", n, tt.requests)
			}
		})
	}
}

// TestDirectoriesRetriesTransientFailures: a 503 and a 429 before the page
// are waited out like every other org read.
func TestDirectoriesRetriesTransientFailures(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			writeJSON(w, 503, map[string]any{"errors": []map[string]string{{"status": "503", "title": "Unavailable"}}})
		case 2:
			w.Header().Set("Retry-After", "2")
			writeJSON(w, 429, map[string]any{"code": 429, "message": "Too many requests"})
		default:
			pagedDirectories(1)(w, r)
		}
	})
	c, rec := newTestClient(t, srv.URL)
	dirs, err := c.Directories(t.Context())
	if err != nil || len(dirs) != 1 || dirs[0].ID != "dir-1" {
		t.Fatalf("directories = %+v, %v", dirs, err)
	}
	if waits := rec.recorded(); len(waits) != 2 || waits[1] != 2*time.Second {
		t.Errorf("waits = %v, want a backoff then Retry-After's 2s", waits)
	}
}

// TestDefaultTransportKeepsConnections: without an HTTP client of the
// caller's, the client keeps as many idle connections as it has searches in
// flight (Go's default keeps two, so most searches of a large lookup would
// each open a connection, and against Atlassian shake hands over TLS).
func TestDefaultTransportKeepsConnections(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, "http://127.0.0.1:1")
	tr, ok := c.http.Transport.(*http.Transport)
	switch {
	case !ok || tr == http.DefaultTransport:
		t.Errorf("transport %T, want one of its own", c.http.Transport)
	case tr.MaxIdleConnsPerHost < searchesInFlight:
		t.Errorf("%d idle connections kept per host, want %d", tr.MaxIdleConnsPerHost, searchesInFlight)
	}
	own := &http.Client{Transport: &http.Transport{}}
	c, _ = newTestClient(t, "http://127.0.0.1:1", func(cfg *Config) { cfg.HTTPClient = own })
	if c.http.Transport != own.Transport {
		t.Error("the caller's transport was replaced")
	}
}
