package client

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/client/redact/redacttest"
)

// hostileBodies are error answers of every shape the client reads, each
// with %s where the server puts what it echoes.
var hostileBodies = []struct {
	status int
	ct     string
	body   string
}{
	{401, "application/json", `{"code":401,"message":"bad token %s"}`},
	{500, "application/json", `{"errors":[{"code":"ADMIN-500-1","title":"%s","detail":"%s"}]}`},
	{403, "application/json", `{"key":"forbidden.action","context":{"reason":{"key":"%s"},"message":"%s"}}`},
	{409, "application/scim+json", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"%s"}`},
	{400, "text/html", `<html><body>%s</body></html>`},
	{418, "application/json", `{"weird":"%s"}`},
	{500, "text/plain", `upstream said: %s`},
}

// echoServer answers every request with body, %s replaced by the request's
// Authorization header in the spelling named (every spelling when "all").
func echoServer(t *testing.T, status int, ct, body, spelling string) *fakeAPI {
	return newFake(t, func(w http.ResponseWriter, r *http.Request) {
		echoes := redacttest.Echoes(r.Header.Get("Authorization"))
		echo := echoes[spelling]
		if spelling == "all" {
			names := make([]string, 0, len(echoes))
			for n := range echoes {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				echo += n + "=" + echoes[n] + " "
			}
		}
		writeRaw(w, status, ct, strings.ReplaceAll(body, "%s", echo))
	})
}

// TestHostileEchoesNeverReachAnError: a server echoes the Authorization
// header base64-, URL-, hex-encoded, as HTTP Basic "user:key", split by
// JSON escapes, in every error shape; no error, in any format, and no debug
// log line shows any of the key.
func TestHostileEchoesNeverReachAnError(t *testing.T) {
	t.Parallel()
	spellings := []string{"all"}
	for name := range redacttest.Echoes("Bearer x") {
		spellings = append(spellings, name)
	}
	for _, b := range hostileBodies {
		for _, spelling := range spellings {
			srv := echoServer(t, b.status, b.ct, b.body, spelling)
			var logged bytes.Buffer
			c, _ := newTestClient(t, srv.URL, func(cfg *Config) {
				cfg.MaxRetries = -1
				cfg.Logger = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			what := fmt.Sprintf("%d %s echoing %s", b.status, b.ct, spelling)
			for name, err := range everyCallOnce(t, c) {
				if err == nil {
					t.Errorf("%s: %s gave no error", what, name)
					continue
				}
				for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
					if l := redacttest.Leak(fmt.Sprintf(verb, err), allKeys...); l != "" {
						t.Errorf("%s: %s error (%s) shows %s: %s", what, name, verb, l, fmt.Sprintf(verb, err))
					}
				}
			}
			if l := redacttest.Leak(logged.String(), allKeys...); l != "" {
				t.Errorf("%s: the debug log shows %s", what, l)
			}
		}
	}
}

// everyCallOnce makes one call of each kind, with each key: org, user
// management, provisioning and SCIM, reads and changes.
func everyCallOnce(t *testing.T, c *Client) map[string]error {
	ctx := context.Background()
	s := mustSCIM(t, c, dirA)
	calls := map[string]error{}
	_, calls["GetUser"] = c.GetUser(ctx, "a1")
	calls["SetEmail"] = c.SetEmail(ctx, "a1", "x@acme.com")
	_, calls["Privileges"] = c.Privileges(ctx, "a1", PrivilegeEmailSet)
	_, calls["ScimLinks"] = c.ScimLinks(ctx, "a1")
	calls["AddGroupMember"] = c.AddGroupMember(ctx, dirA, "g1", "a1")
	_, calls["SCIM User"] = s.User(ctx, "u1")
	_, calls["SCIM CreateUser"] = s.CreateUser(ctx, ScimUser{UserName: "x"})
	return calls
}
