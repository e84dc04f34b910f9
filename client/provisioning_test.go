package client

import (
	"net/http"
	"slices"
	"testing"
)

func TestDeleteProvisioningRecord(t *testing.T) {
	t.Parallel()
	answers := map[string]http.HandlerFunc{
		"204": noContent,
		"200 text": func(w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 200, "text/plain", "Users deleted via AAID.")
		},
		"200 object": ok200(map[string]any{"message": "Users deleted via AAID."}),
	}
	for name, h := range answers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, h)
			c, _ := newTestClient(t, srv.URL)
			if err := c.DeleteProvisioningRecord(t.Context(), "712020:abc"); err != nil {
				t.Fatal(err)
			}
			r := srv.only(t)
			if r.Method != "DELETE" || r.Path != "/admin/user-provisioning/v1/org/org-1/user/712020:abc/onlyDeleteUserInDB" || len(r.Body) != 0 {
				t.Errorf("request = %s %s %q", r.Method, r.Path, r.Body)
			}
			if r.Header.Get("Authorization") != "Bearer "+testOrgKey {
				t.Error("not the org key")
			}
		})
	}
}

func TestScimLinks(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		writeRaw(w, 200, "application/scim+json", `{"scimLinks":[
			{"scimUserId":"u1","atlassianAccountId":"712020:abc","orgId":"org-1","directoryId":"d-entra"},
			{"scimUserId":"u2","atlassianAccountId":null,"orgId":"org-1","directoryId":"d-okta"}]}`)
	})
	c, _ := newTestClient(t, srv.URL)
	links, err := c.ScimLinks(t.Context(), "712020:abc")
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 2 || links[0].AtlassianAccountID == nil || *links[0].AtlassianAccountID != "712020:abc" ||
		links[1].AtlassianAccountID != nil || links[1].DirectoryID != "d-okta" {
		t.Errorf("links = %+v", links)
	}
	r := srv.only(t)
	if r.Method != "GET" || r.Path != "/admin/user-provisioning/v1/org/org-1/user/712020:abc/get-scim-links" {
		t.Errorf("request = %s %s", r.Method, r.Path)
	}
}

func TestScimLinksEmptyAndBroken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		bad        bool
	}{
		{"no links", `{"scimLinks":[]}`, false},
		{"links missing", `{}`, false},
		{"link without a SCIM user", `{"scimLinks":[{"directoryId":"d"}]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "application/json", tt.body) })
			c, _ := newTestClient(t, srv.URL)
			links, err := c.ScimLinks(t.Context(), "a1")
			if tt.bad {
				errAs[*UnexpectedError](t, err)
				return
			}
			if err != nil || links == nil || len(links) != 0 {
				t.Errorf("links = %#v, %v; want an empty, non-nil list", links, err)
			}
		})
	}
}

func TestScimLinksForEmail(t *testing.T) {
	t.Parallel()
	srv := newFake(t, ok200(map[string]any{"scimLinks": []any{map[string]any{"scimUserId": "u9", "directoryId": dirA, "orgId": testOrg}}}))
	c, _ := newTestClient(t, srv.URL)
	links, err := c.ScimLinksForEmail(t.Context(), "Yuki.T@acme.com")
	if err != nil || !slices.EqualFunc(links, []ScimLink{{ScimUserID: "u9", DirectoryID: dirA, OrgID: testOrg}}, func(a, b ScimLink) bool {
		return a.ScimUserID == b.ScimUserID && a.DirectoryID == b.DirectoryID && a.OrgID == b.OrgID && a.AtlassianAccountID == nil
	}) {
		t.Fatalf("links = %+v, %v", links, err)
	}
	r := srv.only(t)
	if r.Method != "POST" || r.Path != "/admin/user-provisioning/v1/org/org-1/get-scim-links-for-email" {
		t.Errorf("request = %s %s", r.Method, r.Path)
	}
	if b := bodyJSON(t, r.Body); len(b) != 1 || b["email"] != "Yuki.T@acme.com" {
		t.Errorf("body = %s", r.Body)
	}
}

func TestUnlinkScimUser(t *testing.T) {
	t.Parallel()
	srv := newFake(t, noContent)
	c, _ := newTestClient(t, srv.URL)
	if err := c.UnlinkScimUser(t.Context(), dirB, "b7e1-42"); err != nil {
		t.Fatal(err)
	}
	r := srv.only(t)
	if r.Method != "PATCH" || r.Path != "/admin/user-provisioning/v1/org/org-1/scimDirectoryId/d-okta/scimUserId/b7e1-42/unlink" || len(r.Body) != 0 {
		t.Errorf("request = %s %s %q", r.Method, r.Path, r.Body)
	}
	if r.Header.Get("Authorization") != "Bearer "+testOrgKey {
		t.Error("unlink must use the org key, not the directory's")
	}
}
