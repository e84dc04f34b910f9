package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Every error of this package names the call it belongs to (Op, e.g.
// "set email of 712020:abc") and fits on one line. None carries a key: keys
// never enter an error, and server text is scrubbed of them (Client.redact).

// Which API answered, for AuthError.API.
const (
	APIOrg          = "org"               // Organizations REST API (/admin/v1, /admin/v2)
	APIManage       = "user-management"   // /users/{id}/manage
	APIProvisioning = "user-provisioning" // /admin/user-provisioning (org key)
	APISCIM         = "scim"              // /scim/directory/{id} (directory key)
)

// ScimError is a SCIM API error body (RFC 7644 §3.12):
// {"schemas":[…:Error],"status":"409","scimType":"uniqueness","detail":"…"}.
type ScimError struct {
	Op         string
	HTTPStatus int
	Status     string // as the body says it (a string in SCIM)
	ScimType   string // invalidFilter, uniqueness, mutability, …; often empty
	Detail     string
}

func (e *ScimError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d", e.Op, e.HTTPStatus)
	if e.ScimType != "" {
		b.WriteString(" " + e.ScimType)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return oneLine(b.String())
}

// ConflictEmail is the address a 409 uniqueness error says another account
// already holds ("Resource [USER]: with email[x@y] already exists."), or "".
func (e *ScimError) ConflictEmail() string {
	if e.HTTPStatus != http.StatusConflict && e.ScimType != "uniqueness" {
		return ""
	}
	email, _ := ParseConflictEmail(e.Detail)
	return email
}

// conflictEmailRE finds Atlassian's 409 uniqueness detail in any text: an API
// body, an IdP log line, a pasted JSON document (where the detail may sit
// inside escaped quotes). Spacing and case are taken leniently.
var conflictEmailRE = regexp.MustCompile(`(?i)with\s+email\s*\[\s*([^\[\]\s"\\]+@[^\[\]\s"\\]+?)\s*\]\s*already\s+exists`)

// ParseConflictEmail extracts the email from Atlassian's SCIM 409 text
// "Resource [USER]: with email[x@y] already exists." found anywhere in text,
// such as the response body an IdP's provisioning log shows.
func ParseConflictEmail(text string) (string, bool) {
	m := conflictEmailRE.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// OrgErrorItem is one entry of the Organizations API's {"errors":[…]}.
type OrgErrorItem struct {
	ID     string
	Status string
	Code   string // e.g. ADMIN-404-8
	Title  string
	Detail string
}

// OrgError is an Organizations (or provisioning admin) API error: the
// {"errors":[…]} body, the gateway's ProxyError {"code":429,"message"} and
// the NoPermsError {"timestamp","path","status":403,"error","message"}, all
// brought to the same items.
type OrgError struct {
	Op         string
	HTTPStatus int
	Errors     []OrgErrorItem
}

// Code is the first application code (e.g. "ADMIN-404-8"), or "".
func (e *OrgError) Code() string {
	for _, it := range e.Errors {
		if it.Code != "" {
			return it.Code
		}
	}
	return ""
}

func (e *OrgError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d", e.Op, e.HTTPStatus)
	for i, it := range e.Errors {
		if i > 0 {
			b.WriteString(";")
		}
		// The code says what went wrong best; without one (NoPermsError,
		// ProxyError) the title is the nearest thing to it.
		label, text := it.Code, firstNonEmpty(it.Detail, it.Title)
		if label == "" && it.Detail != "" && it.Title != "" {
			label = it.Title
		}
		switch {
		case label != "" && text != "" && text != label:
			b.WriteString(" " + label + ": " + text)
		case label != "":
			b.WriteString(" " + label)
		case text != "":
			b.WriteString(" " + text)
		}
	}
	return oneLine(b.String())
}

// ManageError is a user-management API error, discriminated by key
// (forbidden, forbidden.action, forbidden.unclaimedDomain,
// fieldConstraintsViolated, accountNotFound, conflict.emailInUse,
// conflict.lifecycleErrors, …).
type ManageError struct {
	Op         string
	HTTPStatus int
	Key        string
	Reason     string   // context.reason.key of forbidden.action, e.g. externalDirectory.scim
	Domain     string   // context.domain of forbidden.unclaimedDomain
	Violations []string // "field: key" of fieldConstraintsViolated; "code: message" of conflict.lifecycleErrors
	Codes      []string // context.errorCodes[].code of conflict.lifecycleErrors
	Message    string   // context.message, when the body has one
}

// KeyLifecycleErrors is the user-management key of a 409: the account is not
// eligible for a lifecycle action, or for a change in its current state
// (deleted and not cancelled, deactivated by its IdP); ManageError.Codes says
// why.
const KeyLifecycleErrors = "conflict.lifecycleErrors"

func (e *ManageError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d %s", e.Op, e.HTTPStatus, cmpOr(e.Key, "error"))
	var extra []string
	for _, s := range []string{e.Reason, e.Domain} {
		if s != "" {
			extra = append(extra, s)
		}
	}
	extra = append(extra, e.Violations...)
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return oneLine(b.String())
}

// AuthError: the key was refused (401 on any API; 403 Failure on SCIM).
type AuthError struct {
	Op         string
	HTTPStatus int
	API        string // APIOrg, APIManage, APIProvisioning or APISCIM
	Directory  string // the SCIM directory, for APISCIM
	Message    string // what the server said
}

func (e *AuthError) Error() string {
	what := "the org API key was refused"
	switch e.API {
	case APIManage:
		what = "the org API key was refused by the user-management API (it needs a key created without scopes)"
	case APISCIM:
		what = "the SCIM API key of directory " + e.Directory + " was refused"
	}
	s := fmt.Sprintf("%s: %d %s: %s", e.Op, e.HTTPStatus, strings.ToLower(http.StatusText(e.HTTPStatus)), what)
	if e.Message != "" {
		s += " (" + e.Message + ")"
	}
	return oneLine(s)
}

// RateLimitError: the API kept answering 429 until the retries ran out, or
// asked for a longer wait than Config.MaxWait.
type RateLimitError struct {
	Op         string
	Attempts   int
	RetryAfter time.Duration // what the last 429 asked for (or the backoff that would have followed)
	RateLimit                // the X-RateLimit-* headers of the last 429
}

func (e *RateLimitError) Error() string {
	s := fmt.Sprintf("%s: rate limited (429) after %d attempt", e.Op, e.Attempts)
	if e.Attempts != 1 {
		s += "s"
	}
	if e.RetryAfter > 0 {
		s += "; try again in " + e.RetryAfter.Round(time.Second).String()
	}
	return s
}

// UnexpectedError: an answer that makes no sense for the call: not JSON, the
// wrong shape, a success without required fields, a redirect elsewhere.
type UnexpectedError struct {
	Op         string
	Method     string
	Path       string
	HTTPStatus int // 0 when no status applies
	Detail     string
}

func (e *UnexpectedError) Error() string {
	s := fmt.Sprintf("%s: unexpected answer to %s %s", e.Op, e.Method, e.Path)
	if e.HTTPStatus != 0 {
		s += fmt.Sprintf(" (%d)", e.HTTPStatus)
	}
	return oneLine(s + ": " + e.Detail)
}

// UncertainError: a call that changes the org may or may not have taken
// effect (a 5xx, a connection dropped or a timeout after the request was
// sent). Re-read the state before trying again. Err is the cause.
type UncertainError struct {
	Op     string
	Method string
	Path   string
	Err    error
}

func (e *UncertainError) Error() string {
	// Method and Path stay in the fields: the cause already names the call.
	return oneLine(fmt.Sprintf("%v; outcome unknown: the change may have been made, re-read before retrying", e.Err))
}

func (e *UncertainError) Unwrap() error { return e.Err }

// NoDirectoryKeyError: no SCIM key is configured for the directory.
type NoDirectoryKeyError struct {
	DirectoryID string
}

func (e *NoDirectoryKeyError) Error() string {
	// The unsuffixed pair may already hold another directory: name the
	// numbered ones too, or the advice would replace what works.
	return fmt.Sprintf("no SCIM API key configured for directory %s (set %s and %s, or the same names with a free suffix _2, _3, …)",
		e.DirectoryID, EnvSCIMDirectory, EnvSCIMAPIKey)
}

// IsNotFound reports whether err is a 404 from any of the APIs: an unknown
// user, account, group, SCIM user or link. An answer that is not an API's
// own error body (say, a proxy's HTML 404 for a wrong base URL) does not
// count, nor does ADMIN-404-2 (the org itself is unknown, so "no such
// user" would mislead).
func IsNotFound(err error) bool {
	var (
		oe *OrgError
		me *ManageError
		se *ScimError
	)
	switch {
	case errors.As(err, &oe):
		return oe.HTTPStatus == http.StatusNotFound && oe.Code() != "ADMIN-404-2"
	case errors.As(err, &me):
		return me.HTTPStatus == http.StatusNotFound
	case errors.As(err, &se):
		return se.HTTPStatus == http.StatusNotFound
	}
	return false
}

// IsConflict reports whether err is a 409 from any of the APIs: the
// address is taken (user management), the member is already in the group
// (organization API), the record is not unique (SCIM). The change was
// refused: nothing changed.
func IsConflict(err error) bool {
	var (
		oe *OrgError
		me *ManageError
		se *ScimError
	)
	switch {
	case errors.As(err, &oe):
		return oe.HTTPStatus == http.StatusConflict
	case errors.As(err, &me):
		return me.HTTPStatus == http.StatusConflict
	case errors.As(err, &se):
		return se.HTTPStatus == http.StatusConflict
	}
	return false
}

// IsUnreachable reports whether err means the org could not be read at all,
// as opposed to an answer that says something about the request: a network
// failure, dropped connection or timeout (net.Error, which includes an
// expired context deadline, or any failure on the wire the client
// reports), an UncertainError (the answer was lost), a RateLimitError
// (it gave up waiting), an AuthError (the key was refused), an
// UnexpectedError (a body that is not the API's) and any API error answered
// with a 5xx. A 4xx API answer (404, 409, 400, 403, …) is an answer, so it
// is false, as are nil, errors that are not the client's, and a cancelled
// context: the run was stopped, not the org.
func IsUnreachable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if isAs[*UncertainError](err) || isAs[*RateLimitError](err) || isAs[*AuthError](err) ||
		isAs[*UnexpectedError](err) || isAs[*wireError](err) || isAs[net.Error](err) {
		return true
	}
	return apiStatus(err) >= http.StatusInternalServerError
}

// isAs reports whether err's tree holds an E.
func isAs[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

// apiStatus is the HTTP status of the API error body in err (OrgError,
// ManageError, ScimError), 0 when there is none.
func apiStatus(err error) int {
	if oe, ok := errors.AsType[*OrgError](err); ok {
		return oe.HTTPStatus
	}
	if me, ok := errors.AsType[*ManageError](err); ok {
		return me.HTTPStatus
	}
	if se, ok := errors.AsType[*ScimError](err); ok {
		return se.HTTPStatus
	}
	return 0
}

// oneLine keeps server text from breaking an error over several lines.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// flexString takes a JSON string, number or boolean as text: "status" is a
// string in SCIM and ApplicationError bodies and a number in NoPermsError;
// "code" is a string in {"errors"} items and a number in ProxyError.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	switch {
	case s == "null":
		*f = ""
	case strings.HasPrefix(s, `"`):
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*f = flexString(v)
	case strings.HasPrefix(s, "{"), strings.HasPrefix(s, "["):
		*f = "" // an object where text was expected: ignore rather than fail the whole body
	default:
		*f = flexString(s)
	}
	return nil
}
