package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestErrorBodies feeds each API's documented error bodies (api-facts.md
// §1.1, §2.1, §3.4) through a real call and checks the typed error and its
// one-line message.
func TestErrorBodies(t *testing.T) {
	t.Parallel()
	type call func(c *Client) error
	orgCall := func(c *Client) error { _, err := c.GetUser(t.Context(), "712020:abc"); return err }
	setEmail := func(c *Client) error { return c.SetEmail(t.Context(), "712020:abc", "new@acme.com") }
	provCall := func(c *Client) error { _, err := c.ScimLinks(t.Context(), "712020:abc"); return err }
	scimCall := func(c *Client) error {
		_, err := mustSCIM(t, c, dirA).CreateUser(t.Context(), ScimUser{UserName: "x@acme.com"})
		return err
	}
	tests := []struct {
		name     string
		call     call
		status   int
		body     string
		check    func(t *testing.T, err error)
		message  string // the exact Error(); "" to skip
		notFound bool
	}{
		{
			name: "org ApplicationError 404", call: orgCall, status: 404,
			body:    `{"errors":[{"id":"e1","status":"404","code":"ADMIN-404-8","title":"Not Found","detail":"User not found"}]}`,
			message: "get user 712020:abc: 404 ADMIN-404-8: User not found", notFound: true,
			check: func(t *testing.T, err error) {
				oe := errAs[*OrgError](t, err)
				want := []OrgErrorItem{{ID: "e1", Status: "404", Code: "ADMIN-404-8", Title: "Not Found", Detail: "User not found"}}
				if oe.HTTPStatus != 404 || oe.Code() != "ADMIN-404-8" || !slices.Equal(oe.Errors, want) {
					t.Errorf("OrgError = %+v", oe)
				}
			},
		},
		{
			name: "org unknown org is not 'not found'", call: orgCall, status: 404,
			body:    `{"errors":[{"status":"404","code":"ADMIN-404-2","title":"Not Found","detail":"Organization org-1 not found"}]}`,
			message: "get user 712020:abc: 404 ADMIN-404-2: Organization org-1 not found",
		},
		{
			name: "org NoPermsError 403", call: orgCall, status: 403,
			body:    `{"timestamp":"2026-11-23T10:00:00Z","path":"/admin/v1/orgs/org-1/domains","status":403,"error":"Forbidden","message":"User has no permission to access resource.","requestId":"req-9"}`,
			message: "get user 712020:abc: 403 Forbidden: User has no permission to access resource.",
			check: func(t *testing.T, err error) {
				oe := errAs[*OrgError](t, err)
				if len(oe.Errors) != 1 || oe.Errors[0].ID != "req-9" || oe.Errors[0].Status != "403" || oe.Code() != "" {
					t.Errorf("OrgError = %+v", oe)
				}
			},
		},
		{
			name: "org ProxyError 401", call: orgCall, status: 401, body: `{"code":401,"message":"Unauthorized"}`,
			message: "get user 712020:abc: 401 unauthorized: the org API key was refused (Unauthorized)",
			check: func(t *testing.T, err error) {
				ae := errAs[*AuthError](t, err)
				if ae.API != APIOrg || ae.HTTPStatus != 401 || ae.Message != "Unauthorized" {
					t.Errorf("AuthError = %+v", ae)
				}
			},
		},
		{
			name: "org 401 key body", call: orgCall, status: 401, body: `{"key":"asapUnauthorizedIssuer"}`,
			check: func(t *testing.T, err error) {
				if ae := errAs[*AuthError](t, err); ae.Message != "asapUnauthorizedIssuer" {
					t.Errorf("AuthError = %+v", ae)
				}
			},
		},
		{
			name: "401 without a body", call: orgCall, status: 401, body: ``,
			message: "get user 712020:abc: 401 unauthorized: the org API key was refused",
			check:   func(t *testing.T, err error) { errAs[*AuthError](t, err) },
		},
		{
			name: "manage forbidden.action as observed (legacy duplicates)", call: setEmail, status: 403,
			body:    `{"key":"forbidden.action","context":{"allowed":false,"reason":{"key":"externalDirectory.google"}},"errorKey":"forbidden.action","errorDetail":{"allowed":false,"reason":{"key":"externalDirectory.google"}}}`,
			message: "set email of 712020:abc: 403 forbidden.action (externalDirectory.google)",
			check: func(t *testing.T, err error) {
				me := errAs[*ManageError](t, err)
				if me.Key != "forbidden.action" || me.Reason != ReasonGoogle || me.HTTPStatus != 403 {
					t.Errorf("ManageError = %+v", me)
				}
			},
		},
		{
			name: "manage legacy fields only", call: setEmail, status: 403,
			body:    `{"errorKey":"forbidden.action","errorDetail":{"allowed":false,"reason":{"key":"externalDirectory.scim"}}}`,
			message: "set email of 712020:abc: 403 forbidden.action (externalDirectory.scim)",
		},
		{
			name: "manage forbidden (unmanaged account)", call: setEmail, status: 403, body: `{"key":"forbidden"}`,
			message: "set email of 712020:abc: 403 forbidden",
		},
		{
			name: "manage unclaimed domain", call: setEmail, status: 403,
			body:    `{"key":"forbidden.unclaimedDomain","context":{"domain":"newco.com"}}`,
			message: "set email of 712020:abc: 403 forbidden.unclaimedDomain (newco.com)",
			check: func(t *testing.T, err error) {
				if me := errAs[*ManageError](t, err); me.Domain != "newco.com" {
					t.Errorf("Domain = %q", me.Domain)
				}
			},
		},
		{
			name: "manage field violations", call: setEmail, status: 400,
			body:    `{"key":"fieldConstraintsViolated","context":{"fieldViolations":[{"field":"email","violations":[{"key":"email"},{"key":"maxLength"}]}]}}`,
			message: "set email of 712020:abc: 400 fieldConstraintsViolated (email: email, email: maxLength)",
			check: func(t *testing.T, err error) {
				if me := errAs[*ManageError](t, err); !slices.Equal(me.Violations, []string{"email: email", "email: maxLength"}) {
					t.Errorf("Violations = %q", me.Violations)
				}
			},
		},
		{
			name: "manage email in use (assumed 409)", call: setEmail, status: 409, body: `{"key":"conflict.emailInUse"}`,
			message: "set email of 712020:abc: 409 conflict.emailInUse",
		},
		{
			name: "manage lifecycle errors", call: setEmail, status: 409,
			body:    `{"key":"conflict.lifecycleErrors","context":{"message":"Not eligible","accountId":"712020:abc","errorCodes":[{"code":"ACCOUNT_CLOSED","message":"closed","link":"https://x"}]}}`,
			message: "set email of 712020:abc: 409 conflict.lifecycleErrors (ACCOUNT_CLOSED: closed): Not eligible",
		},
		{
			name: "manage account not found", call: setEmail, status: 404, body: `{"key":"accountNotFound"}`,
			message: "set email of 712020:abc: 404 accountNotFound", notFound: true,
		},
		{
			name: "manage 401", call: setEmail, status: 401, body: `{"key":"unauthorized"}`,
			check: func(t *testing.T, err error) {
				if ae := errAs[*AuthError](t, err); ae.API != APIManage || !strings.Contains(err.Error(), "without scopes") {
					t.Errorf("AuthError = %+v (%v)", ae, err)
				}
			},
		},
		{
			name: "provisioning org-shaped 404", call: provCall, status: 404,
			body:     `{"errors":[{"status":"404","code":"ADMIN-404-1","title":"Not Found","detail":"Unknown account"}]}`,
			notFound: true,
			check:    func(t *testing.T, err error) { errAs[*OrgError](t, err) },
		},
		{
			name: "provisioning 401", call: provCall, status: 401, body: `{"code":401,"message":"Unauthorized"}`,
			check: func(t *testing.T, err error) {
				if ae := errAs[*AuthError](t, err); ae.API != APIProvisioning {
					t.Errorf("API = %q", ae.API)
				}
			},
		},
		{
			name: "SCIM 409 uniqueness", call: scimCall, status: 409,
			body:    `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[example@example.com] already exists."}`,
			message: "create SCIM user x@acme.com in directory d-entra: 409 uniqueness: Resource [USER]: with email[example@example.com] already exists.",
			check: func(t *testing.T, err error) {
				se := errAs[*ScimError](t, err)
				if se.Status != "409" || se.ScimType != "uniqueness" || se.ConflictEmail() != "example@example.com" {
					t.Errorf("ScimError = %+v, ConflictEmail %q", se, se.ConflictEmail())
				}
			},
		},
		{
			name: "SCIM invalidFilter with the KB's odd URN", call: scimCall, status: 400,
			body:    `{"schemas":["urn:ietf:params:scim:b:messages:2.0:Error"],"status":"400","scimType":"invalidFilter","detail":"Resource [USER] invalid filter"}`,
			message: "create SCIM user x@acme.com in directory d-entra: 400 invalidFilter: Resource [USER] invalid filter",
			check: func(t *testing.T, err error) {
				if se := errAs[*ScimError](t, err); se.ConflictEmail() != "" {
					t.Errorf("ConflictEmail of a 400 = %q", se.ConflictEmail())
				}
			},
		},
		{
			name: "SCIM 404 without scimType", call: scimCall, status: 404,
			body:     `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404","detail":"Directory [d-entra] not found"}`,
			message:  "create SCIM user x@acme.com in directory d-entra: 404: Directory [d-entra] not found",
			notFound: true,
		},
		{
			name: "SCIM 401 Failure", call: scimCall, status: 401, body: `{"error":"Unauthorized","traceId":"abc123"}`,
			message: "create SCIM user x@acme.com in directory d-entra: 401 unauthorized: the SCIM API key of directory d-entra was refused (Unauthorized)",
		},
		{
			name: "SCIM 403 Failure", call: scimCall, status: 403, body: `{"error":"Forbidden","traceId":"abc123"}`,
			check: func(t *testing.T, err error) {
				ae := errAs[*AuthError](t, err)
				if ae.HTTPStatus != 403 || ae.API != APISCIM || ae.Directory != dirA {
					t.Errorf("AuthError = %+v", ae)
				}
			},
		},
		{
			name: "JSON of no known shape", call: orgCall, status: 400, body: `{"oops":true}`,
			check: func(t *testing.T, err error) {
				if ue := errAs[*UnexpectedError](t, err); ue.HTTPStatus != 400 || !strings.Contains(ue.Detail, "no known shape") {
					t.Errorf("UnexpectedError = %+v", ue)
				}
			},
		},
		{
			name: "server text over several lines", call: setEmail, status: 400,
			body:    `{"key":"bodyParseFailure","context":{"message":"line one\nline two"}}`,
			message: "set email of 712020:abc: 400 bodyParseFailure: line one line two",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ct := "application/json"
			if strings.Contains(tt.body, "schemas") {
				ct = "application/scim+json"
			}
			srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, tt.status, ct, tt.body) })
			c, _ := newTestClient(t, srv.URL)
			err := tt.call(c)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.message != "" && err.Error() != tt.message {
				t.Errorf("message\n got %q\nwant %q", err, tt.message)
			}
			if IsNotFound(err) != tt.notFound {
				t.Errorf("IsNotFound = %v, want %v", IsNotFound(err), tt.notFound)
			}
			if tt.check != nil {
				tt.check(t, err)
			}
			if srv.count() != 1 {
				t.Errorf("server saw %d requests, want 1 (4xx is final)", srv.count())
			}
		})
	}
}

func TestParseConflictEmail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, want string
	}{
		{"API detail", "Resource [USER]: with email[example@example.com] already exists.", "example@example.com"},
		{"whole SCIM body", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[a.b+tag@acme.co.uk] already exists."}`, "a.b+tag@acme.co.uk"},
		{"escaped inside an Entra log", `StatusCode: Conflict Message: Processing of the HTTP request resulted in an exception. Response Content: {\"schemas\":[\"urn:ietf:params:scim:b:messages:2.0:Error\"],\"status\":\"409\",\"detail\":\"Resource [USER]: with email[yuki.t@acme.com] already exists.\"}`, "yuki.t@acme.com"},
		{"over lines and odd case", "Failed to update User 'yuki'\nResource [USER]: With Email[ Yuki.T@Acme.com ]\nalready exists", "Yuki.T@Acme.com"},
		{"userName conflict is not an email conflict", "Resource [USER]: with userName[yuki] already exists.", ""},
		{"no address in brackets", "Resource [USER]: with email[] already exists.", ""},
		{"something else", "Resource [USER] invalid filter", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseConflictEmail(tt.text)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("ParseConflictEmail = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

func TestConflictEmailNeedsAConflict(t *testing.T) {
	t.Parallel()
	detail := "Resource [USER]: with email[x@acme.com] already exists."
	if got := (&ScimError{HTTPStatus: 400, Detail: detail}).ConflictEmail(); got != "" {
		t.Errorf("a 400 gave %q", got)
	}
	if got := (&ScimError{HTTPStatus: 409, Detail: detail}).ConflictEmail(); got != "x@acme.com" {
		t.Errorf("a 409 without scimType gave %q", got)
	}
}

func TestIsNotFound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", errors.New("404"), false},
		{"org 404", &OrgError{HTTPStatus: 404, Errors: []OrgErrorItem{{Code: "ADMIN-404-8"}}}, true},
		{"org 404 without code", &OrgError{HTTPStatus: 404}, true},
		{"org unknown", &OrgError{HTTPStatus: 404, Errors: []OrgErrorItem{{Code: "ADMIN-404-2"}}}, false},
		{"org 403", &OrgError{HTTPStatus: 403}, false},
		{"manage 404", &ManageError{HTTPStatus: 404, Key: "notFound"}, true},
		{"scim 404", &ScimError{HTTPStatus: 404}, true},
		{"scim 409", &ScimError{HTTPStatus: 409}, false},
		{"wrapped", fmt.Errorf("step: %w", &ScimError{HTTPStatus: 404}), true},
		{"unexpected 404", &UnexpectedError{HTTPStatus: 404}, false},
		{"auth", &AuthError{HTTPStatus: 401}, false},
	}
	for _, tt := range tests {
		if got := IsNotFound(tt.err); got != tt.want {
			t.Errorf("%s: IsNotFound = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestIsConflict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", errors.New("409"), false},
		{"manage 409", &ManageError{HTTPStatus: 409, Key: "conflict.emailInUse"}, true},
		{"org 409", &OrgError{HTTPStatus: 409}, true},
		{"scim 409", &ScimError{HTTPStatus: 409, ScimType: "uniqueness"}, true},
		{"wrapped", fmt.Errorf("park: %w", &ManageError{HTTPStatus: 409}), true},
		{"manage 400", &ManageError{HTTPStatus: 400}, false},
		{"unexpected 409", &UnexpectedError{HTTPStatus: 409}, false},
		{"uncertain", &UncertainError{}, false},
	}
	for _, tt := range tests {
		if got := IsConflict(tt.err); got != tt.want {
			t.Errorf("%s: IsConflict = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	t.Parallel()
	cause := &ManageError{Op: "set email of a1", HTTPStatus: 500, Key: "internalServerError"}
	tests := []struct {
		err  error
		want string
	}{
		{&UncertainError{Op: "set email of a1", Method: "PUT", Path: "/users/a1/manage/email", Err: cause},
			"set email of a1: 500 internalServerError; outcome unknown: the change may have been made, re-read before retrying"},
		{&RateLimitError{Op: "list domains", Attempts: 1}, "list domains: rate limited (429) after 1 attempt"},
		{&UnexpectedError{Op: "get user a1", Method: "GET", Path: "/p", Detail: "empty body"}, "get user a1: unexpected answer to GET /p: empty body"},
		{&NoDirectoryKeyError{DirectoryID: "d9"}, "no SCIM API key configured for directory d9 (set ATLASSIAN_SCIM_DIRECTORY_ID and ATLASSIAN_SCIM_API_KEY, or the same names with a free suffix _2, _3, …)"},
		{&OrgError{Op: "x", HTTPStatus: 400, Errors: []OrgErrorItem{{Code: "A-1", Title: "t1"}, {Code: "A-2", Detail: "d2"}}}, "x: 400 A-1: t1; A-2: d2"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%T\n got %q\nwant %q", tt.err, got, tt.want)
		}
	}
	var me *ManageError
	if !errors.As(tests[0].err, &me) || me != cause {
		t.Error("UncertainError does not unwrap to its cause")
	}
}

// TestIsUnreachable: every error the client gives, and some it does not,
// sorted into "the org could not be read" and "the org answered".
func TestIsUnreachable(t *testing.T) {
	t.Parallel()
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not the client's", errors.New("journal is corrupt"), false},
		{"not the client's EOF", io.EOF, false},
		{"not the client's file error", fs.ErrNotExist, false},
		{"no key for a directory", &NoDirectoryKeyError{DirectoryID: "d9"}, false},
		{"dial error", dial, true},
		{"DNS error", &net.DNSError{Err: "no such host", Name: "api.atlassian.com"}, true},
		{"wrapped net error", fmt.Errorf("read users: %w", dial), true},
		{"dropped connection", &wireError{msg: "x: GET /p: the connection closed before the answer: EOF", err: io.EOF}, true},
		{"deadline", fmt.Errorf("x: GET /p: %w", context.DeadlineExceeded), true},
		{"cancelled by the caller", fmt.Errorf("x: GET /p: %w", context.Canceled), false},
		{"cancelled while a change was in flight", &UncertainError{Err: fmt.Errorf("x: %w", context.Canceled)}, false},
		{"uncertain after a lost answer", &UncertainError{Op: "x", Err: &wireError{msg: "x", err: io.ErrUnexpectedEOF}}, true},
		{"uncertain after a 500", &UncertainError{Op: "x", Err: &OrgError{HTTPStatus: 500}}, true},
		{"rate limited", &RateLimitError{Op: "x", Attempts: 4}, true},
		{"key refused", &AuthError{HTTPStatus: 401, API: APIOrg}, true},
		{"SCIM key refused with 403", &AuthError{HTTPStatus: 403, API: APISCIM, Directory: "d1"}, true},
		{"not the API's body", &UnexpectedError{HTTPStatus: 404, Detail: "not JSON"}, true},
		{"wrapped unexpected", fmt.Errorf("step: %w", &UnexpectedError{Detail: "paging does not advance"}), true},
		{"org 500", &OrgError{HTTPStatus: 500}, true},
		{"org 503 wrapped", fmt.Errorf("step: %w", &OrgError{HTTPStatus: 503}), true},
		{"manage 502", &ManageError{HTTPStatus: 502}, true},
		{"scim 500", &ScimError{HTTPStatus: 500}, true},
		{"org 404", &OrgError{HTTPStatus: 404, Errors: []OrgErrorItem{{Code: "ADMIN-404-8"}}}, false},
		{"org not found itself", &OrgError{HTTPStatus: 404, Errors: []OrgErrorItem{{Code: "ADMIN-404-2"}}}, false},
		{"org 409", &OrgError{HTTPStatus: 409}, false},
		{"org 400", &OrgError{HTTPStatus: 400}, false},
		{"org 403", &OrgError{HTTPStatus: 403}, false},
		{"manage 403", &ManageError{HTTPStatus: 403, Key: "forbidden.action"}, false},
		{"manage 409", fmt.Errorf("step: %w", &ManageError{HTTPStatus: 409}), false},
		{"scim 409", &ScimError{HTTPStatus: 409, ScimType: "uniqueness"}, false},
		{"scim 404", &ScimError{HTTPStatus: 404}, false},
	}
	for _, tt := range tests {
		if got := IsUnreachable(tt.err); got != tt.want {
			t.Errorf("%s: IsUnreachable(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestIsUnreachableFromCalls checks the errors real calls give, so that a
// change in how the client reports a failure cannot slip past the table.
func TestIsUnreachableFromCalls(t *testing.T) {
	t.Parallel()
	orgBody := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, status, map[string]any{"errors": []map[string]string{{"status": fmt.Sprint(status), "title": http.StatusText(status)}}})
		}
	}
	read := func(ctx context.Context, c *Client) error { _, err := c.GetUser(ctx, "a1"); return err }
	change := func(ctx context.Context, c *Client) error { return c.SetEmail(ctx, "a1", "x@acme.com") }
	closed := newFake(t, noContent)
	closed.Close()
	tests := []struct {
		name    string
		handler http.HandlerFunc // nil: the closed server
		tls     bool             // serve TLS with a certificate the client does not trust
		call    func(context.Context, *Client) error
		ctx     func(context.Context) context.Context
		want    bool
	}{
		{name: "404", handler: orgBody(404), call: read, want: false},
		{name: "409 on a change", handler: orgBody(409), call: change, want: false},
		{name: "403", handler: orgBody(403), call: read, want: false},
		{name: "500 after the retries", handler: orgBody(500), call: read, want: true},
		{name: "500 on a change", handler: orgBody(500), call: change, want: true},
		{name: "401", handler: orgBody(401), call: read, want: true},
		{name: "rate limited beyond MaxWait", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "3600")
			writeJSON(w, 429, map[string]any{"code": 429, "message": "Too many requests"})
		}, call: read, want: true},
		{name: "a proxy's HTML page", handler: func(w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, 404, "text/html", "<html>Not Found</html>")
		}, call: read, want: true},
		{name: "dropped connection", handler: func(w http.ResponseWriter, _ *http.Request) { dropConnection(t, w) }, call: read, want: true},
		{name: "dropped connection on a change", handler: func(w http.ResponseWriter, _ *http.Request) { dropConnection(t, w) }, call: change, want: true},
		{name: "connection refused", call: read, want: true},
		{name: "untrusted certificate", handler: noContent, tls: true, call: read, want: true},
		{name: "cancelled by the caller", handler: noContent, call: change, want: false, ctx: func(ctx context.Context) context.Context {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			return ctx
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base := closed.URL
			switch {
			case tt.tls:
				srv := httptest.NewUnstartedServer(tt.handler)
				srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
				srv.StartTLS()
				t.Cleanup(srv.Close)
				base = srv.URL
			case tt.handler != nil:
				base = newFake(t, tt.handler).URL
			}
			c, _ := newTestClient(t, base)
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			err := tt.call(ctx, c)
			if err == nil {
				t.Fatal("call succeeded")
			}
			if got := IsUnreachable(err); got != tt.want {
				t.Errorf("IsUnreachable(%T %v) = %v, want %v", err, err, got, tt.want)
			}
		})
	}
}
