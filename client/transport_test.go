package client

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestKeysAndHeaders checks that each API gets its own key and content
// types: the org key for /admin and /users, each directory's key for SCIM.
func TestKeysAndHeaders(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/scim/"):
			writeSCIMJSON(w, 200, map[string]any{"id": "u1", "userName": "x"})
		case strings.HasSuffix(r.URL.Path, "/manage"):
			writeJSON(w, 200, map[string]any{"email.set": map[string]any{"allowed": true}})
		case strings.HasSuffix(r.URL.Path, "get-scim-links"):
			writeJSON(w, 200, map[string]any{"scimLinks": []any{}})
		default:
			writeRaw(w, 200, "application/json", userBody)
		}
	})
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.UserAgent = "syncdoctor-test/1" })
	ctx := t.Context()
	tests := []struct {
		name        string
		call        func() error
		key, accept string
		contentType string // of the request body; "" for none
	}{
		{"org", func() error { _, err := c.GetUser(ctx, "a1"); return err }, testOrgKey, "application/json", ""},
		{"manage", func() error { _, err := c.Privileges(ctx, "a1", PrivilegeEmailSet); return err }, testOrgKey, "application/json", ""},
		{"manage body", func() error { return c.SetEmail(ctx, "a1", "x@acme.com") }, testOrgKey, "application/json", "application/json"},
		{"provisioning", func() error { _, err := c.ScimLinks(ctx, "a1"); return err }, testOrgKey, "application/json", ""},
		{"scim A", func() error { _, err := mustSCIM(t, c, dirA).User(ctx, "u1"); return err }, testKeyA, "application/scim+json, application/json", ""},
		{"scim B", func() error { _, err := mustSCIM(t, c, dirB).User(ctx, "u1"); return err }, testKeyB, "application/scim+json, application/json", ""},
		{"scim body", func() error {
			_, err := mustSCIM(t, c, dirB).ReplaceUser(ctx, "u1", ScimUser{UserName: "x"})
			return err
		}, testKeyB, "application/scim+json, application/json", "application/scim+json"},
	}
	for _, tt := range tests {
		before := srv.count()
		if err := tt.call(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		r := srv.requests()[before]
		if got := r.Header.Get("Authorization"); got != "Bearer "+tt.key {
			t.Errorf("%s: Authorization = %q, want the %s key", tt.name, got, tt.name)
		}
		if got := r.Header.Get("Accept"); got != tt.accept {
			t.Errorf("%s: Accept = %q, want %q", tt.name, got, tt.accept)
		}
		if got := r.Header.Get("Content-Type"); got != tt.contentType {
			t.Errorf("%s: Content-Type = %q, want %q", tt.name, got, tt.contentType)
		}
		if got := r.Header.Get("User-Agent"); got != "syncdoctor-test/1" {
			t.Errorf("%s: User-Agent = %q", tt.name, got)
		}
	}
}

func TestBasePathPrefixKept(t *testing.T) {
	t.Parallel()
	srv := newFake(t, ok200(map[string]any{"data": map[string]any{"accountId": "a1"}}))
	c, _ := newTestClient(t, srv.URL+"/proxy/")
	if _, err := c.GetUser(t.Context(), "a1"); err != nil {
		t.Fatal(err)
	}
	if got := srv.only(t).Path; got != "/proxy/admin/v2/orgs/org-1/directories/-/users/a1" {
		t.Errorf("path = %q", got)
	}
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	t.Run("to another host: refused, key not sent", func(t *testing.T) {
		t.Parallel()
		elsewhere := newFake(t, ok200(map[string]any{"data": map[string]any{"accountId": "a1"}}))
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusTemporaryRedirect)
		})
		c, _ := newTestClient(t, srv.URL)
		_, err := c.GetUser(t.Context(), "a1")
		ue := errAs[*UnexpectedError](t, err)
		if !strings.Contains(ue.Detail, "redirect") {
			t.Errorf("detail = %q", ue.Detail)
		}
		if elsewhere.count() != 0 {
			t.Errorf("the other host saw %d requests", elsewhere.count())
		}
		if srv.count() != 1 {
			t.Errorf("a refused redirect was retried: %d requests", srv.count())
		}
	})
	t.Run("on the same host: followed with the key", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/moved" {
				writeRaw(w, 200, "application/json", userBody)
				return
			}
			http.Redirect(w, r, "/moved", http.StatusFound)
		})
		c, _ := newTestClient(t, srv.URL)
		if _, err := c.GetUser(t.Context(), "a1"); err != nil {
			t.Fatal(err)
		}
		reqs := srv.requests()
		if len(reqs) != 2 || reqs[1].Header.Get("Authorization") != "Bearer "+testOrgKey {
			t.Errorf("requests = %d, second Authorization %q", len(reqs), reqs[len(reqs)-1].Header.Get("Authorization"))
		}
	})
	t.Run("caller's client is not changed", func(t *testing.T) {
		t.Parallel()
		hc := &http.Client{}
		c, _ := newTestClient(t, "http://127.0.0.1:1", func(cfg *Config) { cfg.HTTPClient = hc })
		if hc.CheckRedirect != nil || c.http == hc {
			t.Error("New changed or kept the caller's *http.Client")
		}
	})
}

func TestUnusableAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		h       http.HandlerFunc
		maxBody int64
		detail  string
	}{
		{"HTML instead of JSON", func(w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 200, "text/html", "<html><body>Sign in</body></html>")
		}, 0, "not JSON (text/html)"},
		{"empty 200", func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 200, "application/json", "") }, 0, "empty body"},
		{"wrong shape", func(w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 200, "application/json", `{"data":[1,2]}`)
		}, 0, "wrong shape"},
		{"user without accountId", func(w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 200, "application/json", `{"data":{"email":"a@acme.com"}}`)
		}, 0, "no data.accountId"},
		{"too large", func(w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 200, "application/json", `{"data":{"accountId":"a1","name":"`+strings.Repeat("x", 500)+`"}}`)
		}, 100, "larger than 100 bytes"},
		{"HTML 404 from a proxy", func(w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 404, "text/html", "<h1>Not Found</h1>")
		}, 0, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tt.h)
			c, _ := newTestClient(t, srv.URL)
			if tt.maxBody > 0 {
				c.maxBody = tt.maxBody
			}
			_, err := c.GetUser(t.Context(), "a1")
			ue := errAs[*UnexpectedError](t, err)
			if !strings.Contains(ue.Detail, tt.detail) || ue.Method != "GET" || ue.Path != "/admin/v2/orgs/org-1/directories/-/users/a1" {
				t.Errorf("UnexpectedError = %+v, want detail containing %q", ue, tt.detail)
			}
			if IsNotFound(err) {
				t.Error("an unusable answer counts as not found")
			}
			if srv.count() != 1 {
				t.Errorf("server saw %d requests, want 1", srv.count())
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%5 == 0 {
			writeJSON(w, 503, map[string]any{"code": 503, "message": "busy"})
			return
		}
		w.Header().Set("X-RateLimit-Remaining", "7")
		writeRaw(w, 200, "application/json", userBody)
	})
	c, _ := newTestClient(t, srv.URL)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 20 {
		wg.Go(func() {
			_, err := c.GetUser(context.Background(), "a1")
			errs <- err
			_ = c.LastRateLimit()
			_, err = c.SCIM(dirA)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if c.LastRateLimit().Remaining != 7 {
		t.Errorf("LastRateLimit = %+v", c.LastRateLimit())
	}
}

func TestEncodeQueryUsesPercent20(t *testing.T) {
	t.Parallel()
	got := encodeQuery(map[string][]string{"filter": {`userName eq "a+b c@x.com"`}})
	if want := "filter=userName%20eq%20%22a%2Bb%20c%40x.com%22"; got != want {
		t.Errorf("encodeQuery = %q, want %q", got, want)
	}
}
