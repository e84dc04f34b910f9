package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// request is one API call, before any attempt.
type request struct {
	op        string     // what the caller asked for, e.g. "set email of 712020:abc"
	method    string     // GET, POST, …
	path      string     // escaped path below the base URL, e.g. /admin/v1/orgs/o/domains
	query     url.Values // nil for none
	body      any        // JSON-encoded when not nil
	api       string     // APIOrg, APIManage, APIProvisioning or APISCIM
	directory string     // the SCIM directory, for APISCIM
	key       Secret
	// safe: repeating the call cannot change anything (GET and the
	// read-only searches), so any transient failure may be retried.
	safe bool
}

// outcome is what one attempt got: an answer, or a transport error.
type outcome struct {
	status int
	header http.Header
	body   []byte
	err    error
	// sent: the request may have reached the server. False only when no
	// connection was ever obtained or the final error is a dial error, so
	// nothing of the request can have been processed.
	sent bool
	// tooLarge: the body passed the size limit.
	tooLarge bool
	// permanent: the request could not even be built; trying again is useless.
	permanent bool
}

// call runs r with retries and decodes a 2xx JSON answer into out (nil: the
// body is ignored). Every error it returns is one of this package's types or
// wraps the transport or context error with the call's name.
func (c *Client) call(ctx context.Context, r *request, out any) error {
	o, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(o.body)) == 0 {
		return c.badSuccess(r, o.status, "empty body where JSON was expected")
	}
	if p, ok := out.(presizer); ok {
		p.presize(o.body)
	}
	if err := json.Unmarshal(o.body, out); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return c.badSuccess(r, o.status, c.describeNonJSON(o.header, o.body))
		}
		return c.badSuccess(r, o.status, "wrong shape: "+err.Error())
	}
	releaseBody(o.body) // decoded: out holds copies, never the bytes
	return nil
}

// presizer is an answer that makes room for its items from the raw body
// before the body is decoded into it, so that the decoder fills a slice made
// once instead of growing it item by item.
type presizer interface{ presize(body []byte) }

// badSuccess reports a 2xx answer that cannot be used. For a change the
// server accepted it, but without its answer (the id of a created user, say)
// the caller cannot know where things stand: that is an UncertainError.
func (c *Client) badSuccess(r *request, status int, detail string) error {
	err := c.unexpected(r, status, detail)
	if !r.safe {
		return &UncertainError{Op: r.op, Method: r.method, Path: r.path, Err: err}
	}
	return err
}

// attempt sends r once, bounded by the per-attempt timeout, and reads the
// answer with a size limit.
func (c *Client) attempt(ctx context.Context, r *request) outcome {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var gotConn atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) },
	})
	req, err := c.newRequest(actx, r)
	if err != nil {
		return outcome{err: err, permanent: true}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return outcome{err: err, sent: gotConn.Load() && !isDialError(err)}
	}
	defer resp.Body.Close()
	limit := c.maxBody
	if resp.StatusCode >= 300 {
		limit = min(limit, maxErrorBytes)
	}
	body, err := readBody(resp, limit)
	o := outcome{status: resp.StatusCode, header: resp.Header, body: body, sent: true}
	switch {
	case err != nil:
		// The server answered, then the connection broke: for a change, it
		// was made (or refused) but we cannot know the result.
		o.err = fmt.Errorf("reading the %d answer: %w", resp.StatusCode, err)
	case int64(len(body)) > limit:
		if resp.StatusCode >= 300 {
			o.body = body[:limit] // an error body is still worth its first bytes
		} else {
			o.tooLarge = true
		}
	}
	return o
}

// readBody reads an answer's body, up to limit+1 bytes (one more than is
// allowed, so that a larger body shows). When the server says how long the
// body is, it is read into a buffer of that size at once rather than grown,
// and the buffer is one of bodyBuffers: a page of users is tens of
// kilobytes, and a large lookup reads thousands of them.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if n := resp.ContentLength; n > 0 && n <= limit {
		buf := bodyBuffer(int(n))
		k, err := io.ReadFull(resp.Body, buf)
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // the body ended before its length
		}
		return buf[:k], err
	}
	return io.ReadAll(io.LimitReader(resp.Body, limit+1))
}

// bodyBuffers keep the buffers of decoded answers for the next ones.
var bodyBuffers sync.Pool // of *[]byte

// maxPooledBody: larger buffers are left to the garbage collector.
const maxPooledBody = 1 << 20

// bodyBuffer is a buffer of n bytes, from bodyBuffers when one is big enough.
func bodyBuffer(n int) []byte {
	if p, ok := bodyBuffers.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]byte, n)
}

// releaseBody gives a body's buffer back once nothing refers to its bytes.
func releaseBody(b []byte) {
	if c := cap(b); c > 0 && c <= maxPooledBody {
		b = b[:0]
		bodyBuffers.Put(&b)
	}
}

func (c *Client) newRequest(ctx context.Context, r *request) (*http.Request, error) {
	// r.path is already escaped segment by segment; parsing keeps %2F in
	// an id (a group ARI) from turning into a path separator.
	u, err := url.Parse(c.base.String() + r.path)
	if err != nil {
		return nil, fmt.Errorf("building the URL: %w", err)
	}
	if len(r.query) > 0 {
		u.RawQuery = encodeQuery(r.query)
	}
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("encoding the request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("building the request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+r.key.Reveal())
	req.Header.Set("User-Agent", c.agent)
	if r.api == APISCIM {
		req.Header.Set("Accept", "application/scim+json, application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/scim+json")
		}
	} else {
		req.Header.Set("Accept", "application/json")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	return req, nil
}

// encodeQuery is url.Values.Encode with spaces as %20: RFC 7644 filters are
// URL-encoded, and "+" for a space is a form convention not every server
// takes in a query.
func encodeQuery(v url.Values) string {
	return strings.ReplaceAll(v.Encode(), "+", "%20")
}

// isDialError: the connection was never made (refused, unreachable, DNS),
// so the request never left this machine.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// unexpected builds an UnexpectedError for r.
func (c *Client) unexpected(r *request, status int, detail string) error {
	return &UnexpectedError{Op: r.op, Method: r.method, Path: r.path, HTTPStatus: status, Detail: c.redact(detail)}
}

// transportError names the call and what went wrong on the wire, without
// the URL (url.Error would repeat it, query and all).
func (c *Client) transportError(r *request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	prefix := fmt.Sprintf("%s: %s %s: ", r.op, r.method, r.path)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		prefix += fmt.Sprintf("no answer within %s: ", c.timeout)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		prefix += "the connection closed before the answer: "
	}
	return &wireError{msg: prefix + err.Error(), err: err}
}

// wireError is a failure on the wire: no connection, a dropped one, a
// timeout, a TLS failure. Its own type lets IsUnreachable tell it from
// errors that are not the client's (a bare io.EOF from a file, say), and
// it covers failures that are no net.Error (a refused certificate).
type wireError struct {
	msg string
	err error
}

func (e *wireError) Error() string { return e.msg }

func (e *wireError) Unwrap() error { return e.err }
