package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestSecretPrintsRedacted(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, "http://127.0.0.1:1")
	s := mustSCIM(t, c, dirA)
	cfg := Config{OrgID: "o", OrgKey: testOrgKey, Directories: []DirectoryKey{{ID: dirA, Key: testKeyA}}}
	values := map[string]any{
		"Secret":         Secret(testOrgKey),
		"*Secret":        &cfg.OrgKey,
		"DirectoryKey":   DirectoryKey{ID: dirA, Key: testKeyA},
		"[]DirectoryKey": cfg.Directories,
		"Config":         cfg,
		"*Config":        &cfg,
		"*Client":        c,
		"*SCIM":          s,
		"map":            map[string]Secret{"k": testKeyB},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			out := fmt.Sprintf(verb, v)
			assertNoKey(t, name+" "+verb, out)
		}
		assertNoKey(t, name+" Sprint", fmt.Sprint(v))
		assertNoKey(t, name+" Sprintln", fmt.Sprintln(v))
	}
	if got := fmt.Sprint(Secret(testOrgKey)); got != "[redacted]" {
		t.Errorf("Sprint(Secret) = %q, want [redacted]", got)
	}
	if k := Secret(testOrgKey); k.String() != "[redacted]" || k.GoString() != "[redacted]" {
		t.Errorf("String/GoString = %q, %q", k.String(), k.GoString())
	}
	if got := Secret(testOrgKey).Reveal(); got != testOrgKey {
		t.Errorf("Reveal = %q, want the key", got)
	}
}

func TestSecretEncodesRedacted(t *testing.T) {
	t.Parallel()
	tests := map[string]any{
		"Secret":       Secret(testOrgKey),
		"DirectoryKey": DirectoryKey{ID: dirA, Key: testKeyA},
		"struct":       struct{ Keys []Secret }{[]Secret{testKeyA, testKeyB}},
		// (A Secret as a map key is beyond reach: encoding/json writes keys
		// of string kind directly, without asking the type.)
	}
	for name, v := range tests {
		b, err := json.Marshal(v)
		if err != nil {
			t.Errorf("%s: json.Marshal: %v", name, err)
			continue
		}
		assertNoKey(t, name+" JSON", string(b))
		if !strings.Contains(string(b), "[redacted]") {
			t.Errorf("%s JSON = %s, want the placeholder", name, b)
		}
	}
	text, err := Secret(testOrgKey).MarshalText()
	if err != nil || string(text) != "[redacted]" {
		t.Errorf("MarshalText = %q, %v", text, err)
	}
}

func TestSecretLogsRedacted(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	handlers := map[string]slog.Handler{
		"text": slog.NewTextHandler(&buf, nil),
		"json": slog.NewJSONHandler(&buf, nil),
	}
	for name, h := range handlers {
		buf.Reset()
		slog.New(h).Info("connect", "key", Secret(testOrgKey), "dir", DirectoryKey{ID: dirA, Key: testKeyA},
			slog.Any("keys", []Secret{testKeyB}))
		assertNoKey(t, name+" log", buf.String())
		if !strings.Contains(buf.String(), "[redacted]") {
			t.Errorf("%s log = %s, want the placeholder", name, buf.String())
		}
	}
}

// TestErrorsNeverContainKeys drives every kind of failure against a server
// that echoes the Authorization header into its answers, and checks that no
// error, in any format, shows a key.
func TestErrorsNeverContainKeys(t *testing.T) {
	t.Parallel()
	bodies := []struct {
		status int
		ct     string
		body   string // %s is replaced by the Authorization header received
	}{
		{401, "application/json", `{"code":401,"message":"bad token %s"}`},
		{403, "application/json", `{"timestamp":"t","path":"/","status":403,"error":"Forbidden","message":"%s","requestId":"r"}`},
		{404, "application/json", `{"errors":[{"id":"1","status":"404","code":"ADMIN-404-8","title":"%s","detail":"%s"}]}`},
		{403, "application/json", `{"key":"forbidden.action","context":{"allowed":false,"reason":{"key":"%s"},"message":"%s"}}`},
		{409, "application/scim+json", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"%s"}`},
		{403, "application/json", `{"error":"%s","traceId":"t"}`},
		{400, "text/html", `<html>%s</html>`},
		{418, "application/json", `{"weird":"%s"}`},
		{200, "text/plain", `token %s`},
		{500, "application/json", `{"errors":[{"code":"ADMIN-500-1","detail":"%s"}]}`},
	}
	for _, b := range bodies {
		srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			writeRaw(w, b.status, b.ct, strings.ReplaceAll(b.body, "%s", auth+" "+strings.TrimPrefix(auth, "Bearer ")))
		})
		c, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = -1 })
		s := mustSCIM(t, c, dirA)
		ctx := t.Context()
		calls := map[string]error{}
		_, calls["GetUser"] = c.GetUser(ctx, "a1")
		calls["SetEmail"] = c.SetEmail(ctx, "a1", "x@acme.com")
		_, calls["Privileges"] = c.Privileges(ctx, "a1", PrivilegeEmailSet)
		_, calls["ScimLinks"] = c.ScimLinks(ctx, "a1")
		_, calls["SCIM User"] = s.User(ctx, "u1")
		_, calls["SCIM CreateUser"] = s.CreateUser(ctx, ScimUser{UserName: "x"})
		for name, err := range calls {
			if err == nil {
				if b.status != http.StatusOK || name != "SetEmail" { // SetEmail ignores a 2xx body
					t.Errorf("%d %s: %s gave no error", b.status, b.ct, name)
				}
				continue
			}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				assertNoKey(t, fmt.Sprintf("%d %s %s %s", b.status, b.ct, name, verb), fmt.Sprintf(verb, err))
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("%s: error spans lines: %q", name, err)
			}
		}
	}
}
