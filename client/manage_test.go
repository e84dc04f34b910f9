package client

import (
	"errors"
	"net/http"
	"testing"
)

func TestPrivileges(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		writeRaw(w, 200, "application/json", `{
			"email.set": {"allowed": false, "reason": {"key": "externalDirectory.scim"}},
			"profile.read": {"allowed": true},
			"profile.write": {"name": {"allowed": true}, "nickname": {"allowed": false, "reason": {"key": "authPolicy.saml"}}}
		}`)
	})
	c, _ := newTestClient(t, srv.URL)
	got, err := c.Privileges(t.Context(), "712020:abc", PrivilegeEmailSet, PrivilegeProfileRead, PrivilegeProfileWrite)
	if err != nil {
		t.Fatal(err)
	}
	if p := got[PrivilegeEmailSet]; p.Allowed || p.Reason == nil || p.Reason.Key != ReasonSCIM {
		t.Errorf("email.set = %+v", p)
	}
	if p := got[PrivilegeProfileRead]; !p.Allowed || p.Reason != nil {
		t.Errorf("profile.read = %+v", p)
	}
	if _, ok := got[PrivilegeProfileWrite]; ok || len(got) != 2 {
		t.Errorf("object-mutability privilege reported as a simple one: %+v", got)
	}
	r := srv.only(t)
	if r.Method != "GET" || r.Path != "/users/712020:abc/manage" ||
		r.RawQuery != "privileges=email.set&privileges=profile.read&privileges=profile.write" {
		t.Errorf("request = %s %s?%s", r.Method, r.Path, r.RawQuery)
	}
}

func TestPrivilegesAllWithoutQuery(t *testing.T) {
	t.Parallel()
	srv := newFake(t, ok200(map[string]any{"email.set": map[string]any{"allowed": true}}))
	c, _ := newTestClient(t, srv.URL)
	got, err := c.Privileges(t.Context(), "a1")
	if err != nil || !got[PrivilegeEmailSet].Allowed {
		t.Fatalf("Privileges = %+v, %v", got, err)
	}
	if q := srv.only(t).RawQuery; q != "" {
		t.Errorf("query = %q, want none", q)
	}
}

func TestProfile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       Profile
		bad        bool
	}{
		{
			name: "full",
			body: `{"account":{"account_id":"712020:abc","account_status":"active","account_type":"atlassian","email":"a@acme.com","name":"Ada","nickname":"ada","picture":"https://x","extended_profile":{"department":"Eng"}}}`,
			want: Profile{AccountID: "712020:abc", AccountStatus: "active", AccountType: "atlassian", Email: "a@acme.com", Name: "Ada", Nickname: "ada"},
		},
		{name: "no account", body: `{}`, bad: true},
		{name: "account without id", body: `{"account":{"email":"a@acme.com"}}`, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "application/json", tt.body) })
			c, _ := newTestClient(t, srv.URL)
			got, err := c.Profile(t.Context(), "712020:abc")
			if tt.bad {
				errAs[*UnexpectedError](t, err)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Profile = %+v, %v", got, err)
			}
			if r := srv.only(t); r.Method != "GET" || r.Path != "/users/712020:abc/manage/profile" {
				t.Errorf("request = %s %s", r.Method, r.Path)
			}
		})
	}
}

func TestSetEmail(t *testing.T) {
	t.Parallel()
	srv := newFake(t, noContent)
	c, _ := newTestClient(t, srv.URL)
	if err := c.SetEmail(t.Context(), "712020:abc", "yuki.t@acme.com"); err != nil {
		t.Fatal(err)
	}
	r := srv.only(t)
	if r.Method != "PUT" || r.Path != "/users/712020:abc/manage/email" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("request = %s %s (%s)", r.Method, r.Path, r.Header.Get("Content-Type"))
	}
	if b := bodyJSON(t, r.Body); len(b) != 1 || b["email"] != "yuki.t@acme.com" {
		t.Errorf("body = %s", r.Body)
	}
}

// The brief's example message, end to end.
func TestSetEmailLockedBySCIM(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 403, map[string]any{"key": "forbidden.action", "context": map[string]any{"allowed": false, "reason": map[string]any{"key": "externalDirectory.scim"}}})
	})
	c, _ := newTestClient(t, srv.URL)
	err := c.SetEmail(t.Context(), "712020:abc", "x@acme.com")
	if want := "set email of 712020:abc: 403 forbidden.action (externalDirectory.scim)"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if me := errAs[*ManageError](t, err); me.Reason != ReasonSCIM {
		t.Errorf("Reason = %q", me.Reason)
	}
}

func TestLifecycleCalls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path, body string
		call             func(c *Client) error
		answer           http.HandlerFunc
	}{
		{"delete", "/users/712020:abc/manage/lifecycle/delete", "",
			func(c *Client) error { return c.DeleteAccount(t.Context(), "712020:abc") }, ok200(map[string]string{"message": "Success"})},
		{"cancel-delete", "/users/712020:abc/manage/lifecycle/cancel-delete", "",
			func(c *Client) error { return c.CancelDeleteAccount(t.Context(), "712020:abc") }, ok200(map[string]string{"message": "Success"})},
		{"enable", "/users/712020:abc/manage/lifecycle/enable", "",
			func(c *Client) error { return c.EnableAccount(t.Context(), "712020:abc") }, noContent},
		{"disable with a message", "/users/712020:abc/manage/lifecycle/disable", `{"message":"On leave"}`,
			func(c *Client) error { return c.DisableAccount(t.Context(), "712020:abc", "On leave") }, noContent},
		{"disable", "/users/712020:abc/manage/lifecycle/disable", `{}`,
			func(c *Client) error { return c.DisableAccount(t.Context(), "712020:abc", "") }, noContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tc.answer)
			c, _ := newTestClient(t, srv.URL)
			if err := tc.call(c); err != nil {
				t.Fatal(err)
			}
			r := srv.only(t)
			if r.Method != "POST" || r.Path != tc.path || r.Header.Get("Authorization") != "Bearer "+testOrgKey {
				t.Errorf("request = %s %s", r.Method, r.Path)
			}
			if string(r.Body) != tc.body {
				t.Errorf("body = %q, want %q", r.Body, tc.body)
			}
		})
	}
}

// The 409 of an account not eligible for a change reads as a ManageError
// with its key and codes, and is an answer (nothing changed), not a doubt.
func TestLifecycleConflict(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 409, map[string]any{"key": "conflict.lifecycleErrors", "context": map[string]any{
			"message": "Cancel the deletion first", "accountId": "712020:abc",
			"errorCodes": []map[string]string{{"code": "ACCOUNT_PENDING_DELETION", "message": "pending deletion", "link": "https://x"}},
		}})
	})
	c, rec := newTestClient(t, srv.URL)
	for name, call := range map[string]func() error{
		"enable":    func() error { return c.EnableAccount(t.Context(), "712020:abc") },
		"set email": func() error { return c.SetEmail(t.Context(), "712020:abc", "a@acme.com") },
	} {
		err := call()
		me := errAs[*ManageError](t, err)
		if me.HTTPStatus != 409 || me.Key != KeyLifecycleErrors || len(me.Codes) != 1 || me.Codes[0] != "ACCOUNT_PENDING_DELETION" ||
			me.Message != "Cancel the deletion first" || !IsConflict(err) || IsUnreachable(err) {
			t.Errorf("%s: %+v (%v)", name, me, err)
		}
		if _, ok := errors.AsType[*UncertainError](err); ok {
			t.Errorf("%s: a refusal reported as uncertain", name)
		}
	}
	if want := "enable account 712020:abc: 409 conflict.lifecycleErrors (ACCOUNT_PENDING_DELETION: pending deletion): Cancel the deletion first"; c.EnableAccount(t.Context(), "712020:abc").Error() != want {
		t.Errorf("message, want %q", want)
	}
	if srv.count() != 3 || len(rec.recorded()) != 0 {
		t.Errorf("%d requests, waits %v: a refused change must not be repeated", srv.count(), rec.recorded())
	}
}

func TestLifecycleLockedByDirectory(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 403, map[string]any{"key": "forbidden.action", "context": map[string]any{"allowed": false, "reason": map[string]any{"key": "externalDirectory.scim"}}})
	})
	c, _ := newTestClient(t, srv.URL)
	err := c.DeleteAccount(t.Context(), "712020:abc")
	if me := errAs[*ManageError](t, err); me.HTTPStatus != 403 || me.Key != "forbidden.action" || me.Reason != ReasonSCIM {
		t.Errorf("got %+v", me)
	}
	if want := "delete account 712020:abc: 403 forbidden.action (externalDirectory.scim)"; err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestUserPendingDeletion(t *testing.T) {
	t.Parallel()
	if !(User{Status: UserStatusForDeletion}).PendingDeletion() || (User{Status: UserStatusDeactivated}).PendingDeletion() {
		t.Error("PendingDeletion")
	}
}
