package client

import (
	"errors"
	"fmt"
	"net/http"
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
		{&NoDirectoryKeyError{DirectoryID: "d9"}, "no SCIM API key configured for directory d9 (set ATLASSIAN_SCIM_DIRECTORY_ID and ATLASSIAN_SCIM_API_KEY)"},
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
