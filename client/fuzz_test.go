package client

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// errorBodySeeds are the error bodies of the four APIs (api-facts.md),
// and some that are none of them.
var errorBodySeeds = []string{
	`{"errors":[{"id":"x","status":"404","code":"ADMIN-404-8","title":"Not Found","detail":"no such user"}]}`,
	`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[yuki.t@acme.com] already exists."}`,
	`{"key":"email.set.forbidden","context":{"reason":{"key":"externalDirectory.scim"},"fieldViolations":[{"field":"email","violations":[{"key":"taken"}]}],"errorCodes":[{"code":"E1","message":"m"}]}}`,
	`{"code":429,"message":"Too many requests"}`,
	`{"timestamp":"t","path":"/x","status":403,"error":"Forbidden","message":"no"}`,
	`{"error":"unauthorized","traceId":"abc"}`,
	`<html><body>502 Bad Gateway</body></html>`,
	`{"detail":"\u001b[2J\u001b]52;c;aGk=\u0007evil\u202e"}`,
	"", "null", "[]", `{"errors":null}`, `{"status":{"a":1}}`,
}

// FuzzErrorBody: any answer body, with any status and content type, turns
// into an error that does not panic, is one line with nothing a terminal
// obeys, and quotes a bounded part of the body.
func FuzzErrorBody(f *testing.F) {
	for _, s := range errorBodySeeds {
		for _, status := range []int{400, 401, 403, 404, 409, 429, 500} {
			f.Add(status, "application/json", []byte(s))
		}
	}
	c, err := New(Config{OrgID: "org-1", OrgKey: "org-key-0123456789", Directories: []DirectoryKey{{ID: "d1", Key: "scim-key-0123456789"}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		for _, api := range []string{APIOrg, APIManage, APIProvisioning, APISCIM} {
			r := &request{op: "fuzz", method: "GET", path: "/x", api: api, directory: "d1"}
			h := http.Header{}
			h.Set("Content-Type", contentType)
			err := c.apiError(r, status, h, body)
			if err == nil {
				t.Fatal("no error for an error answer")
			}
			msg := err.Error()
			if safetext.Clean(msg) != msg { // one line, nothing to escape
				t.Fatalf("error carries what a terminal obeys: %q", msg)
			}
			if n := utf8.RuneCountInString(msg); n > 4*maxErrorItems*maxServerText+2000 { // whatever the body's size
				t.Fatalf("error of %d runes for a body of %d bytes", n, len(body))
			}
		}
	})
}

// FuzzRateLimitHeaders: any Retry-After and X-RateLimit-Reset give a wait
// that is never negative and at most a day (it found a Retry-After date in
// 2100 read as a 75-year wait).
func FuzzRateLimitHeaders(f *testing.F) {
	for _, s := range []string{"", "0", "5", "-1", "86401", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT",
		"2026-01-02T15:04:05Z", "2026-01-02T15:04:05.123", "1767366245", "1e9", " 7 ", "NaN"} {
		f.Add(s, s)
	}
	now := time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)
	c, err := New(Config{OrgID: "org-1", OrgKey: "org-key-0123456789"})
	if err != nil {
		f.Fatal(err)
	}
	c.now = func() time.Time { return now }
	f.Fuzz(func(t *testing.T, retryAfter, reset string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("X-RateLimit-Reset", reset)
		if d, ok := c.retryAfter(h); ok && (d < 0 || d > 24*time.Hour) {
			t.Fatalf("Retry-After %q: wait %v", retryAfter, d)
		}
		for attempt := 1; attempt <= 20; attempt++ {
			if d, _ := c.rateLimitWait(h, attempt); d < 0 || d > maxServerWait {
				t.Fatalf("headers %q, %q: wait %v", retryAfter, reset, d)
			}
		}
		if at, ok := parseReset(reset); ok && at.Location() != time.UTC {
			t.Fatalf("X-RateLimit-Reset %q read as %v, not UTC", reset, at)
		}
		_ = parseRateLimit(h)
	})
}

// An error body of thousands of items gives an error of bounded length.
func TestHugeErrorBodyGivesAShortError(t *testing.T) {
	c, err := New(Config{OrgID: "org-1", OrgKey: "org-key-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	item := `{"code":"ADMIN-400","detail":"` + strings.Repeat("d", 2000) + `"}`
	viol := `{"field":"email","violations":[` + strings.Repeat(`{"key":"bad"},`, 5000) + `{"key":"bad"}]}`
	for _, body := range []string{
		`{"errors":[` + strings.Repeat(item+",", 5000) + item + `]}`,
		`{"key":"fieldConstraintsViolated","context":{"fieldViolations":[` + strings.Repeat(viol+",", 20) + viol + `]}}`,
	} {
		r := &request{op: "op", method: "GET", path: "/x", api: APIManage}
		msg := c.apiError(r, 400, http.Header{}, []byte(body)).Error()
		if len(msg) > 4*maxErrorItems*maxServerText+2000 || !strings.Contains(msg, "more") {
			t.Errorf("body of %d bytes: error of %d bytes: %.200s", len(body), len(msg), msg)
		}
	}
}
