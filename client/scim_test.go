package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const scimUserJSON = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:scim:schemas:extension:atlassian-external:1.0"],
	"id":"b7e1","externalId":"0f9a-objectid","userName":"yuki.tanaka@acme.com",
	"emails":[{"value":"yuki.tanaka@acme.com","type":"work","primary":true}],"displayName":"Yuki Tanaka","active":true,
	"urn:scim:schemas:extension:atlassian-external:1.0":{"atlassianAccountId":"712020:5f1a"},
	"meta":{"resourceType":"User","location":"https://x/Users/b7e1"}}`

func TestSCIMNeedsADirectoryKey(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, "http://127.0.0.1:1")
	s, err := c.SCIM("d-unknown")
	nk := errAs[*NoDirectoryKeyError](t, err)
	if s != nil || nk.DirectoryID != "d-unknown" {
		t.Errorf("SCIM = %v, %+v", s, nk)
	}
	if s := mustSCIM(t, c, dirB); s.DirectoryID() != dirB {
		t.Errorf("DirectoryID = %q", s.DirectoryID())
	}
}

func TestSCIMUser(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "application/scim+json", scimUserJSON) })
	c, _ := newTestClient(t, srv.URL)
	u, err := mustSCIM(t, c, dirA).User(t.Context(), "b7e1")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "b7e1" || u.AccountID() != "712020:5f1a" || u.PrimaryEmail() != "yuki.tanaka@acme.com" || u.Active == nil || !*u.Active || u.ExternalID != "0f9a-objectid" {
		t.Errorf("user = %+v", u)
	}
	r := srv.only(t)
	if r.Method != "GET" || r.Path != "/scim/directory/d-entra/Users/b7e1" || r.Header.Get("Authorization") != "Bearer "+testKeyA {
		t.Errorf("request = %s %s", r.Method, r.Path)
	}
}

// TestSCIMFilterEscaping checks RFC 7644 §3.4.2.2 quoting: the value is a
// JSON string, the whole filter URL-encoded, so the server reads back
// exactly the filter that was meant.
func TestSCIMFilterEscaping(t *testing.T) {
	t.Parallel()
	tests := []struct{ value, filter string }{
		{"yuki.tanaka@acme.com", `userName eq "yuki.tanaka@acme.com"`},
		{"a+tag@acme.com", `userName eq "a+tag@acme.com"`},
		{`o"brien@acme.com`, `userName eq "o\"brien@acme.com"`},
		{`back\slash@acme.com`, `userName eq "back\\slash@acme.com"`},
		{"x&y=z@acme.com", `userName eq "x&y=z@acme.com"`},
		{"<b>@acme.com", `userName eq "<b>@acme.com"`},
		{"jürgen@acme.com", `userName eq "jürgen@acme.com"`},
		{"tab\there", `userName eq "tab\there"`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
				writeSCIMJSON(w, 200, map[string]any{"schemas": []string{SchemaListResponse}, "totalResults": 0, "Resources": []any{}})
			})
			c, _ := newTestClient(t, srv.URL)
			u, err := mustSCIM(t, c, dirA).FindUserByUserName(t.Context(), tt.value)
			if err != nil || u != nil {
				t.Fatalf("FindUserByUserName = %v, %v; want nil, nil", u, err)
			}
			r := srv.only(t)
			if got := r.Query.Get("filter"); got != tt.filter {
				t.Errorf("server read filter %q, want %q", got, tt.filter)
			}
			if strings.Contains(r.RawQuery, "+") || !strings.Contains(r.RawQuery, "%20eq%20") {
				t.Errorf("raw query %q: spaces must be %%20 and a + must be encoded", r.RawQuery)
			}
			if r.Path != "/scim/directory/d-entra/Users" {
				t.Errorf("path = %q", r.Path)
			}
		})
	}
}

func TestSCIMFindUser(t *testing.T) {
	t.Parallel()
	list := func(users ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			res := make([]json.RawMessage, len(users))
			for i, u := range users {
				res[i] = json.RawMessage(u)
			}
			writeSCIMJSON(w, 200, map[string]any{"schemas": []string{SchemaListResponse}, "totalResults": len(users), "Resources": res})
		}
	}
	other := `{"id":"zz","userName":"someone.else@acme.com","externalId":"other"}`
	tests := []struct {
		name   string
		h      http.HandlerFunc
		find   func(s *SCIM) (*ScimUser, error)
		wantID string
		bad    string
	}{
		{"by userName, other case", list(scimUserJSON), func(s *SCIM) (*ScimUser, error) {
			return s.FindUserByUserName(t.Context(), "Yuki.Tanaka@ACME.com")
		}, "b7e1", ""},
		{"by externalId", list(scimUserJSON), func(s *SCIM) (*ScimUser, error) {
			return s.FindUserByExternalID(t.Context(), "0f9a-objectid")
		}, "b7e1", ""},
		{"externalId is case-sensitive", list(scimUserJSON), func(s *SCIM) (*ScimUser, error) {
			return s.FindUserByExternalID(t.Context(), "0F9A-OBJECTID")
		}, "", "none matches"},
		{"none", list(), func(s *SCIM) (*ScimUser, error) {
			return s.FindUserByUserName(t.Context(), "nobody@acme.com")
		}, "", ""},
		{"server ignored the filter", list(other), func(s *SCIM) (*ScimUser, error) {
			return s.FindUserByUserName(t.Context(), "yuki.tanaka@acme.com")
		}, "", "none matches"},
		{"two match", list(scimUserJSON, strings.Replace(scimUserJSON, `"b7e1"`, `"b7e2"`, 1)), func(s *SCIM) (*ScimUser, error) {
			return s.FindUserByUserName(t.Context(), "yuki.tanaka@acme.com")
		}, "", "2 resources match"},
		{"user without id", list(`{"userName":"yuki.tanaka@acme.com"}`), func(s *SCIM) (*ScimUser, error) {
			return s.FindUserByUserName(t.Context(), "yuki.tanaka@acme.com")
		}, "", "has no id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tt.h)
			c, _ := newTestClient(t, srv.URL)
			u, err := tt.find(mustSCIM(t, c, dirA))
			switch {
			case tt.bad != "":
				if ue := errAs[*UnexpectedError](t, err); !strings.Contains(ue.Detail, tt.bad) {
					t.Errorf("detail = %q, want %q", ue.Detail, tt.bad)
				}
			case tt.wantID == "":
				if u != nil || err != nil {
					t.Errorf("got %v, %v; want nil, nil", u, err)
				}
			default:
				if err != nil || u == nil || u.ID != tt.wantID {
					t.Errorf("got %v, %v; want %s", u, err, tt.wantID)
				}
			}
		})
	}
}

// scimDirectory serves n users (or groups) with startIndex/count paging.
func scimDirectory(t *testing.T, n int, omitTotal bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
		count, _ := strconv.Atoi(r.URL.Query().Get("count"))
		if start < 1 || count != scimPageSize {
			t.Errorf("startIndex %d count %d", start, count)
		}
		var res []map[string]any
		for i := start; i < start+count && i <= n; i++ {
			if strings.HasSuffix(r.URL.Path, "/Groups") {
				res = append(res, map[string]any{"id": fmt.Sprintf("g%d", i), "displayName": fmt.Sprintf("group %d", i)})
			} else {
				res = append(res, map[string]any{"id": fmt.Sprintf("u%d", i), "userName": fmt.Sprintf("u%d@acme.com", i)})
			}
		}
		body := map[string]any{"schemas": []string{SchemaListResponse}, "startIndex": start, "itemsPerPage": len(res), "Resources": res}
		if !omitTotal {
			body["totalResults"] = n
		}
		writeSCIMJSON(w, 200, body)
	}
}

func TestSCIMUsersPaging(t *testing.T) {
	t.Parallel()
	for _, omitTotal := range []bool{false, true} {
		t.Run(fmt.Sprintf("omitTotal=%v", omitTotal), func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, scimDirectory(t, 250, omitTotal))
			c, _ := newTestClient(t, srv.URL)
			var ids []string
			for u, err := range mustSCIM(t, c, dirA).Users(t.Context()) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, u.ID)
			}
			if len(ids) != 250 || ids[0] != "u1" || ids[249] != "u250" {
				t.Errorf("%d users, first %v", len(ids), ids[:min(3, len(ids))])
			}
			var starts []string
			for _, r := range srv.requests() {
				starts = append(starts, r.Query.Get("startIndex"))
			}
			if want := []string{"1", "101", "201"}; !slices.Equal(starts, want) {
				t.Errorf("startIndex = %v, want %v", starts, want)
			}
		})
	}
}

func TestSCIMListingStopsEarly(t *testing.T) {
	t.Parallel()
	srv := newFake(t, scimDirectory(t, 250, false))
	c, _ := newTestClient(t, srv.URL)
	s := mustSCIM(t, c, dirB)
	for u, err := range s.Users(t.Context()) {
		if err != nil || u.ID != "u1" {
			t.Fatalf("first user = %v, %v", u, err)
		}
		break
	}
	for g, err := range s.Groups(t.Context()) {
		if err != nil || g.ID != "g1" {
			t.Fatalf("first group = %v, %v", g, err)
		}
		break
	}
	if srv.count() != 2 {
		t.Errorf("server saw %d requests, want one per listing", srv.count())
	}
}

func TestSCIMGroups(t *testing.T) {
	t.Parallel()
	srv := newFake(t, scimDirectory(t, 120, false))
	c, _ := newTestClient(t, srv.URL)
	n := 0
	for g, err := range mustSCIM(t, c, dirA).Groups(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		if g.DisplayName == "" {
			t.Errorf("group %s has no name", g.ID)
		}
		n++
	}
	if n != 120 || srv.count() != 2 || srv.requests()[0].Path != "/scim/directory/d-entra/Groups" {
		t.Errorf("%d groups over %d requests", n, srv.count())
	}
}

func TestSCIMCreateUser(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 201, "application/scim+json", scimUserJSON) })
	c, _ := newTestClient(t, srv.URL)
	active := true
	in := ScimUser{ExternalID: "0f9a-objectid", UserName: "yuki.tanaka@acme.com", Active: &active,
		Emails: []ScimEmail{{Value: "yuki.tanaka@acme.com", Type: "work", Primary: true}}}
	u, err := mustSCIM(t, c, dirA).CreateUser(t.Context(), in)
	if err != nil || u.ID != "b7e1" {
		t.Fatalf("CreateUser = %+v, %v", u, err)
	}
	r := srv.only(t)
	if r.Method != "POST" || r.Path != "/scim/directory/d-entra/Users" || r.Header.Get("Content-Type") != "application/scim+json" {
		t.Errorf("request = %s %s (%s)", r.Method, r.Path, r.Header.Get("Content-Type"))
	}
	var sent ScimUser
	if err := json.Unmarshal(r.Body, &sent); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sent.Schemas, []string{SchemaUser}) || sent.UserName != in.UserName || sent.ExternalID != in.ExternalID || sent.PrimaryEmail() != "yuki.tanaka@acme.com" {
		t.Errorf("sent = %s", r.Body)
	}
}

func TestSCIMCreateUserConflict(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		writeRaw(w, 409, "application/scim+json", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[yuki.t@acme.com] already exists."}`)
	})
	c, _ := newTestClient(t, srv.URL)
	_, err := mustSCIM(t, c, dirA).CreateUser(t.Context(), ScimUser{UserName: "yuki.t@acme.com"})
	if se := errAs[*ScimError](t, err); se.ConflictEmail() != "yuki.t@acme.com" {
		t.Errorf("ConflictEmail = %q", se.ConflictEmail())
	}
	var ue *UncertainError
	if errors.As(err, &ue) {
		t.Error("a 409 is a definite refusal, not an uncertain outcome")
	}
}

func TestSCIMReplaceUser(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "application/json", scimUserJSON) })
	c, _ := newTestClient(t, srv.URL)
	u, err := mustSCIM(t, c, dirB).ReplaceUser(t.Context(), "b7e1", ScimUser{Schemas: []string{SchemaUser, SchemaAtlassianExt}, UserName: "yuki.tanaka@acme.com"})
	if err != nil || u.ID != "b7e1" {
		t.Fatalf("ReplaceUser = %+v, %v", u, err)
	}
	r := srv.only(t)
	if r.Method != "PUT" || r.Path != "/scim/directory/d-okta/Users/b7e1" || r.Header.Get("Authorization") != "Bearer "+testKeyB {
		t.Errorf("request = %s %s", r.Method, r.Path)
	}
	if b := bodyJSON(t, r.Body); fmt.Sprint(b["schemas"]) != "["+SchemaUser+" "+SchemaAtlassianExt+"]" {
		t.Errorf("schemas = %v", b["schemas"])
	}
}

func TestSCIMPatchUser(t *testing.T) {
	t.Parallel()
	for _, status := range []int{200, 204} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == "PATCH" && status == 204 {
					w.WriteHeader(204)
					return
				}
				writeRaw(w, 200, "application/scim+json", scimUserJSON)
			})
			c, _ := newTestClient(t, srv.URL)
			ops := []PatchOperation{
				{Op: "replace", Path: "emails", Value: []ScimEmail{{Value: "new@acme.com", Type: "work", Primary: true}}},
				{Op: "replace", Path: "active", Value: true},
			}
			u, err := mustSCIM(t, c, dirA).PatchUser(t.Context(), "b7e1", ops...)
			if err != nil || u.ID != "b7e1" {
				t.Fatalf("PatchUser = %+v, %v", u, err)
			}
			reqs := srv.requests()
			patch := reqs[0]
			if patch.Method != "PATCH" || patch.Path != "/scim/directory/d-entra/Users/b7e1" {
				t.Errorf("request = %s %s", patch.Method, patch.Path)
			}
			want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` +
				`{"op":"replace","path":"emails","value":[{"value":"new@acme.com","type":"work","primary":true}]},` +
				`{"op":"replace","path":"active","value":true}]}`
			if string(patch.Body) != want {
				t.Errorf("body\n got %s\nwant %s", patch.Body, want)
			}
			if wantReqs := map[int]int{200: 1, 204: 2}[status]; len(reqs) != wantReqs {
				t.Errorf("%d requests, want %d (a 204 is read back)", len(reqs), wantReqs)
			}
		})
	}
}

func TestSCIMDeleteUser(t *testing.T) {
	t.Parallel()
	srv := newFake(t, noContent)
	c, _ := newTestClient(t, srv.URL)
	if err := mustSCIM(t, c, dirA).DeleteUser(t.Context(), "b7e1"); err != nil {
		t.Fatal(err)
	}
	if r := srv.only(t); r.Method != "DELETE" || r.Path != "/scim/directory/d-entra/Users/b7e1" || len(r.Body) != 0 {
		t.Errorf("request = %s %s %q", r.Method, r.Path, r.Body)
	}
}

func TestSCIMGroupAndFind(t *testing.T) {
	t.Parallel()
	group := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"sg-1","displayName":"eng-all","members":[{"value":"b7e1","display":"Yuki"}]}`
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("filter") {
			writeRaw(w, 200, "application/scim+json", `{"totalResults":1,"Resources":[`+group+`]}`)
			return
		}
		writeRaw(w, 200, "application/scim+json", group)
	})
	c, _ := newTestClient(t, srv.URL)
	s := mustSCIM(t, c, dirA)
	g, err := s.Group(t.Context(), "sg-1")
	if err != nil || g.DisplayName != "eng-all" || len(g.Members) != 1 || g.Members[0].Value != "b7e1" {
		t.Fatalf("Group = %+v, %v", g, err)
	}
	found, err := s.FindGroupByName(t.Context(), "ENG-ALL")
	if err != nil || found == nil || found.ID != "sg-1" {
		t.Fatalf("FindGroupByName = %v, %v", found, err)
	}
	reqs := srv.requests()
	if reqs[0].Path != "/scim/directory/d-entra/Groups/sg-1" || reqs[1].Query.Get("filter") != `displayName eq "ENG-ALL"` {
		t.Errorf("requests: %s, filter %q", reqs[0].Path, reqs[1].Query.Get("filter"))
	}
}

func TestSCIMPatchGroupMembers(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		writeRaw(w, 200, "application/scim+json", `{"id":"sg-1"}`)
	})
	c, _ := newTestClient(t, srv.URL)
	s := mustSCIM(t, c, dirA)
	if err := s.PatchGroupMembers(t.Context(), "sg-1", []string{"u1", "u2"}, []string{`u"3`}); err != nil {
		t.Fatal(err)
	}
	if err := s.PatchGroupMembers(t.Context(), "sg-1", nil, nil); err != nil {
		t.Fatal(err)
	}
	r := srv.only(t) // nothing to change, no call
	if r.Method != "PATCH" || r.Path != "/scim/directory/d-entra/Groups/sg-1" {
		t.Errorf("request = %s %s", r.Method, r.Path)
	}
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` +
		`{"op":"add","path":"members","value":[{"value":"u1"},{"value":"u2"}]},` +
		`{"op":"remove","path":"members[value eq \"u\\\"3\"]"}]}`
	if string(r.Body) != want {
		t.Errorf("body\n got %s\nwant %s", r.Body, want)
	}
}

// A change the server accepted but answered unusably leaves the caller not
// knowing what was made (a created user's id, say): uncertain, not merely odd.
func TestSCIMCreateUserUnusableAnswerIsUncertain(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 201, "text/html", "<p>created</p>") })
	c, _ := newTestClient(t, srv.URL)
	_, err := mustSCIM(t, c, dirA).CreateUser(t.Context(), ScimUser{UserName: "x@acme.com"})
	ue := errAs[*UncertainError](t, err)
	if unexpected := errAs[*UnexpectedError](t, ue); unexpected.HTTPStatus != 201 || srv.count() != 1 {
		t.Errorf("cause = %+v after %d requests", unexpected, srv.count())
	}
}

func TestSCIMListingErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		h     http.HandlerFunc
		check func(t *testing.T, err error)
	}{
		{"second page refused", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("startIndex") == "1" {
				scimDirectory(t, 250, false)(w, r)
				return
			}
			writeRaw(w, 404, "application/scim+json", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"Directory [d-entra] not found"}`)
		}, func(t *testing.T, err error) {
			if se := errAs[*ScimError](t, err); se.HTTPStatus != 404 {
				t.Errorf("ScimError = %+v", se)
			}
		}},
		{"user without id", func(w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 200, "application/scim+json", `{"totalResults":1,"Resources":[{"userName":"x@acme.com"}]}`)
		}, func(t *testing.T, err error) {
			if ue := errAs[*UnexpectedError](t, err); !strings.Contains(ue.Detail, "has no id") {
				t.Errorf("detail = %q", ue.Detail)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tt.h)
			c, _ := newTestClient(t, srv.URL)
			n, errs := 0, 0
			var last error
			for _, err := range mustSCIM(t, c, dirA).Users(t.Context()) {
				if err != nil {
					errs++
					last = err
					continue
				}
				n++
			}
			if errs != 1 {
				t.Errorf("%d errors after %d users, want exactly one error ending the stream", errs, n)
			}
			tt.check(t, last)
		})
	}
}
