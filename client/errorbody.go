package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// errorProbe holds every field of every error body the four APIs answer
// with, so one decode tells which shape arrived (api-facts.md §1.1, §2.1,
// §3.4). The shape decides the error type; the API only breaks ties.
type errorProbe struct {
	// Organizations API {"errors":[…]} (ApplicationError, v2 Errors).
	Errors []struct {
		ID     flexString `json:"id"`
		Status flexString `json:"status"`
		Code   flexString `json:"code"`
		Title  flexString `json:"title"`
		Detail flexString `json:"detail"`
	} `json:"errors"`
	// SCIM Error; Detail is shared with nothing else.
	Schemas  []string   `json:"schemas"`
	ScimType flexString `json:"scimType"`
	Detail   flexString `json:"detail"`
	// Shared: a string in SCIM, a number in NoPermsError.
	Status flexString `json:"status"`
	// User-management {"key","context"} and the legacy duplicates.
	Key         flexString      `json:"key"`
	ErrorKey    flexString      `json:"errorKey"`
	Context     json.RawMessage `json:"context"`
	ErrorDetail json.RawMessage `json:"errorDetail"`
	// ProxyError {"code":429,"message"}; NoPermsError {"timestamp","path",
	// "status","error","message","requestId"}; SCIM Failure {"error","traceId"}.
	Code      flexString `json:"code"`
	Message   flexString `json:"message"`
	Error     flexString `json:"error"`
	TraceID   flexString `json:"traceId"`
	Timestamp flexString `json:"timestamp"`
	RequestID flexString `json:"requestId"`
}

// manageContext is the "context" of user-management errors.
type manageContext struct {
	Reason *struct {
		Key flexString `json:"key"`
	} `json:"reason"`
	Domain          flexString `json:"domain"`
	Message         flexString `json:"message"`
	FieldViolations []struct {
		Field      flexString `json:"field"`
		Violations []struct {
			Key flexString `json:"key"`
		} `json:"violations"`
	} `json:"fieldViolations"`
	ErrorCodes []struct {
		Code    flexString `json:"code"`
		Message flexString `json:"message"`
	} `json:"errorCodes"`
}

// apiError turns a non-2xx answer into this package's typed error.
func (c *Client) apiError(r *request, status int, header http.Header, body []byte) error {
	var p errorProbe
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" || json.Unmarshal(body, &p) != nil {
		if status == http.StatusUnauthorized {
			return &AuthError{Op: r.op, HTTPStatus: status, API: r.api, Directory: r.directory}
		}
		return c.unexpected(r, status, c.describeNonJSON(header, body))
	}
	text := c.serverText
	switch {
	case status == http.StatusUnauthorized,
		// SCIM answers 401 and 403 with the Failure shape, not SCIM's own.
		r.api == APISCIM && status == http.StatusForbidden && p.Error != "" && len(p.Schemas) == 0:
		return &AuthError{Op: r.op, HTTPStatus: status, API: r.api, Directory: r.directory,
			Message: text(firstFlex(p.Message, p.Error, p.Detail, p.Key))}
	case len(p.Errors) > 0:
		e := &OrgError{Op: r.op, HTTPStatus: status}
		for _, it := range p.Errors[:min(len(p.Errors), maxErrorItems)] {
			e.Errors = append(e.Errors, OrgErrorItem{ID: text(it.ID), Status: text(it.Status),
				Code: text(it.Code), Title: text(it.Title), Detail: text(it.Detail)})
		}
		if more := len(p.Errors) - maxErrorItems; more > 0 {
			e.Errors = append(e.Errors, OrgErrorItem{Detail: fmt.Sprintf("and %d more errors", more)})
		}
		return e
	case isScimErrorSchema(p.Schemas) || p.ScimType != "" || (r.api == APISCIM && p.Detail != ""):
		return &ScimError{Op: r.op, HTTPStatus: status, Status: text(p.Status), ScimType: text(p.ScimType), Detail: text(p.Detail)}
	case p.Key != "" || p.ErrorKey != "":
		return c.manageError(r, status, &p)
	case p.Message != "" || p.Error != "":
		// NoPermsError and ProxyError: no application code, only words.
		return &OrgError{Op: r.op, HTTPStatus: status, Errors: []OrgErrorItem{{
			ID:     text(p.RequestID),
			Status: strconv.Itoa(status),
			Title:  text(p.Error),
			Detail: text(p.Message),
		}}}
	}
	return c.unexpected(r, status, "error body of no known shape: "+snippet(c.redact(trimmed)))
}

func (c *Client) manageError(r *request, status int, p *errorProbe) error {
	text := c.serverText
	e := &ManageError{Op: r.op, HTTPStatus: status, Key: text(firstFlex(p.Key, p.ErrorKey))}
	raw := p.Context
	if len(raw) == 0 || string(raw) == "null" {
		raw = p.ErrorDetail
	}
	var ctx manageContext
	if len(raw) > 0 && json.Unmarshal(raw, &ctx) == nil {
		if ctx.Reason != nil {
			e.Reason = text(ctx.Reason.Key)
		}
		e.Domain = text(ctx.Domain)
		e.Message = text(ctx.Message)
		for _, fv := range ctx.FieldViolations[:min(len(ctx.FieldViolations), maxErrorItems)] {
			for _, v := range fv.Violations {
				e.Violations = append(e.Violations, text(fv.Field)+": "+text(v.Key))
			}
			if len(fv.Violations) == 0 && fv.Field != "" {
				e.Violations = append(e.Violations, text(fv.Field))
			}
		}
		for _, ec := range ctx.ErrorCodes[:min(len(ctx.ErrorCodes), maxErrorItems)] {
			if ec.Code != "" {
				e.Codes = append(e.Codes, text(ec.Code))
			}
			v := text(ec.Code)
			if ec.Message != "" {
				v += ": " + text(ec.Message)
			}
			e.Violations = append(e.Violations, v)
		}
		if more := len(e.Violations) - maxErrorItems; more > 0 {
			e.Violations = append(e.Violations[:maxErrorItems], fmt.Sprintf("and %d more", more))
		}
	}
	return e
}

// maxServerText bounds each field of an error body quoted in an error, and
// maxErrorItems the items (errors, violations) kept of one: enough for any
// error Atlassian writes, and no more from a server that answers with
// megabytes.
const (
	maxServerText = 500
	maxErrorItems = 10
)

// serverText is one field of an error body as an error quotes it: keys
// redacted, on one line, cleaned of anything a terminal obeys (the server,
// or a proxy in front of it, chooses these bytes), and bounded.
func (c *Client) serverText(v flexString) string {
	return safetext.Cut(oneLine(c.redact(string(v))), maxServerText)
}

// isScimErrorSchema accepts the Error message URN leniently: Atlassian's KB
// prints "urn:ietf:params:scim:b:messages:2.0:Error".
func isScimErrorSchema(schemas []string) bool {
	for _, s := range schemas {
		if strings.Contains(strings.ToLower(s), "scim") && strings.HasSuffix(s, ":Error") {
			return true
		}
	}
	return false
}

func firstFlex(vs ...flexString) flexString {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// describeNonJSON says what came back instead of JSON, briefly. The body is
// redacted whole before it is cut short: cut first, a key running past the
// cut would be only partly there, and no longer recognised.
func (c *Client) describeNonJSON(header http.Header, body []byte) string {
	ct := safetext.Cut(header.Get("Content-Type"), 100)
	if ct == "" {
		ct = "no content type"
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return "empty body (" + ct + ")"
	}
	return fmt.Sprintf("not JSON (%s): %s", c.redact(ct), snippet(c.redact(string(body))))
}

// snippet shortens server text for an error message.
func snippet(s string) string {
	s = oneLine(strings.TrimSpace(s))
	const n = 200
	if len(s) > n {
		r := []rune(s)
		if len(r) > n {
			s = string(r[:n]) + "…"
		}
	}
	return strconv.Quote(s)
}
