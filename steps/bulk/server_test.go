package bulk

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/syncdoctor/syncdoctor/client"
)

// bulkFakeOrg answers the three endpoints a bulk plan reads, with the shapes and
// rules of Atlassian's APIs (api-facts.md): the v2 user search (exact
// emails, case-insensitive, at most 100, cursor pages, expand), the v1
// domain list, and the user-management privilege check.
type bulkFakeOrg struct {
	users   []client.User
	domains map[string]string // name -> claim status: verified, unverified, ...
	google  map[string]bool   // account ids the Google Workspace integration links
	fail    map[string]int    // endpoint -> HTTP status to answer instead (403 or 404)

	mu           sync.Mutex
	calls        map[string]int // by endpoint: search, domains, privileges
	searchEmails []string       // every email asked for on a first page
}

func bulkUser(id, email, name string, product ...string) client.User {
	u := client.User{AccountID: id, AccountType: "atlassian", AccountStatus: "active", ClaimStatus: "managed",
		Email: email, EmailVerified: true, Name: name, Status: "active", MembershipStatus: "active"}
	for _, p := range product {
		u.ProductAccess = append(u.ProductAccess, client.ProductAccess{ID: "pa-" + p, Key: p})
	}
	return u
}

func bulkSynced(u client.User) client.User {
	s := "synced"
	u.ManagementSource = &s
	return u
}

func bulkUnmanaged(u client.User) client.User {
	u.ClaimStatus = "unmanaged"
	return u
}

// start serves the org and returns a client configured as the brief says.
func (f *bulkFakeOrg) start(tb testing.TB) *client.Client {
	tb.Helper()
	f.calls = map[string]int{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/v2/orgs/o/directories/-/users/search", f.search)
	mux.HandleFunc("GET /admin/v1/orgs/o/domains", f.listDomains)
	mux.HandleFunc("GET /users/{id}/manage", f.privileges)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer k" {
			bulkWriteJSON(w, http.StatusUnauthorized, map[string]any{"code": 401, "message": "Unauthorized"})
			return
		}
		for endpoint, status := range f.fail {
			if strings.Contains(r.URL.Path, map[string]string{"search": "/users/search", "domains": "/domains", "privileges": "/manage"}[endpoint]) {
				bulkRefuse(w, status)
				return
			}
		}
		mux.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL, OrgID: "o", OrgKey: "k"})
	if err != nil {
		tb.Fatalf("client.New: %v", err)
	}
	return c
}

func (f *bulkFakeOrg) count(endpoint string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[endpoint]
}

func bulkWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// bulkRefuse answers as Atlassian does when the key may not see the
// resource (NoPermsError) or the account is gone (user-management 404).
func bulkRefuse(w http.ResponseWriter, status int) {
	if status == http.StatusNotFound {
		bulkWriteJSON(w, status, map[string]string{"key": "accountNotFound"})
		return
	}
	bulkWriteJSON(w, status, map[string]any{"timestamp": "2026-11-23T10:00:00Z", "path": "/", "status": status,
		"error": http.StatusText(status), "message": "User has no permission to access resource.", "requestId": "r1"})
}

func bulkBadRequest(w http.ResponseWriter, code, detail string) {
	bulkWriteJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]string{
		{"id": "e1", "status": "400", "code": code, "title": "Bad Request", "detail": detail}}})
}

func (f *bulkFakeOrg) search(w http.ResponseWriter, r *http.Request) {
	var req client.UserSearch
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		bulkBadRequest(w, "ADMIN-400-24", "invalid request body")
		return
	}
	switch {
	case len(req.Emails) > 0 && req.SearchTerm != "":
		bulkBadRequest(w, "ADMIN-400-4", "emails and searchTerm cannot be used together")
		return
	case len(req.Emails) > 100:
		bulkBadRequest(w, "ADMIN-400-4", "at most 100 emails")
		return
	case req.Limit < 0 || req.Limit > 100:
		bulkBadRequest(w, "ADMIN-400-4", "limit must be 1 to 100")
		return
	}
	limit := cmp.Or(req.Limit, 50)
	offset := 0
	if req.Cursor != "" {
		n, err := strconv.Atoi(req.Cursor)
		if err != nil || n < 0 {
			bulkBadRequest(w, "ADMIN-400-1", "invalid page cursor")
			return
		}
		offset = n
	}
	f.mu.Lock()
	f.calls["search"]++
	if req.Cursor == "" {
		f.searchEmails = append(f.searchEmails, req.Emails...)
	}
	f.mu.Unlock()
	want := map[string]bool{}
	for _, e := range req.Emails {
		want[strings.ToLower(e)] = true
	}
	var match []client.User
	for _, u := range f.users {
		if len(req.Emails) == 0 || want[strings.ToLower(u.Email)] {
			if !slices.Contains(req.Expand, client.ExpandProductAccess) {
				u.ProductAccess = nil
			}
			if !slices.Contains(req.Expand, client.ExpandGroups) {
				u.Groups = nil
			}
			match = append(match, u)
		}
	}
	page := match[min(offset, len(match)):min(offset+limit, len(match))]
	links := map[string]string{}
	if offset+limit < len(match) {
		links["next"] = strconv.Itoa(offset + limit)
	}
	bulkWriteJSON(w, http.StatusOK, map[string]any{"data": append([]client.User{}, page...), "links": links})
}

func (f *bulkFakeOrg) listDomains(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	f.calls["domains"]++
	f.mu.Unlock()
	names := make([]string, 0, len(f.domains))
	for n := range f.domains {
		names = append(names, n)
	}
	slices.Sort(names)
	data := []any{}
	for i, n := range names {
		data = append(data, map[string]any{"id": "dom-" + strconv.Itoa(i), "type": "domains",
			"attributes": map[string]any{"name": n, "claim": map[string]string{"type": "dns", "status": f.domains[n]}},
			"links":      map[string]string{"self": "/admin/v1/orgs/o/domains/dom-" + strconv.Itoa(i)}})
	}
	bulkWriteJSON(w, http.StatusOK, map[string]any{"data": data, "links": map[string]string{}})
}

func (f *bulkFakeOrg) privileges(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls["privileges"]++
	f.mu.Unlock()
	id := r.PathValue("id")
	i := slices.IndexFunc(f.users, func(u client.User) bool { return u.AccountID == id })
	if i < 0 {
		bulkWriteJSON(w, http.StatusNotFound, map[string]string{"key": "accountNotFound"})
		return
	}
	u := f.users[i]
	if !u.Managed() {
		bulkWriteJSON(w, http.StatusForbidden, map[string]string{"key": "forbidden"})
		return
	}
	out := map[string]client.Privilege{}
	for _, q := range r.URL.Query()["privileges"] {
		for p := range strings.SplitSeq(q, ",") {
			switch {
			case p == client.PrivilegeEmailSet && f.google[id]:
				out[p] = client.Privilege{Reason: &client.ReasonKey{Key: client.ReasonGoogle}}
			case p == client.PrivilegeEmailSet && u.Synced():
				out[p] = client.Privilege{Reason: &client.ReasonKey{Key: client.ReasonSCIM}}
			default:
				out[p] = client.Privilege{Allowed: true}
			}
		}
	}
	bulkWriteJSON(w, http.StatusOK, out)
}
