package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff between attempts when the server says nothing: full jitter
// (a random wait between 0 and base·2ⁿ, capped), so that many clients
// hitting the same limit do not retry in step.
const (
	backoffBase = 500 * time.Millisecond
	backoffCap  = 30 * time.Second
	// resetSlack: X-RateLimit-Reset has whole seconds, so the window may
	// really end up to a second after the time it names.
	resetSlack = time.Second
	// maxServerWait bounds any wait a server names (Retry-After as seconds
	// or as a date, X-RateLimit-Reset): a wait past MaxWait ends the call
	// anyway, and the error should not report a date in 2100 as the wait.
	maxServerWait = 24 * time.Hour
)

// do runs r until it succeeds, fails for good, or the retries run out.
//
// A safe call is retried on 429, 500, 502, 503, 504 and any transport
// failure. A change is retried only when the server cannot have processed
// it: a 429 (rejected before processing) or a failure to connect at all.
// Anything else that goes wrong after a change was sent is an
// UncertainError, because sending it again could apply it twice.
func (c *Client) do(ctx context.Context, r *request) (outcome, error) {
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return outcome{}, ctxError(r, err)
		}
		start := time.Now()
		o := c.attempt(ctx, r)
		c.logAttempt(ctx, r, attempt, o, time.Since(start))
		if o.err != nil {
			if err := c.failed(ctx, r, o, attempt); err != nil {
				return o, err
			}
			continue
		}
		c.noteRateLimit(o.header)
		switch {
		case o.tooLarge:
			return o, c.badSuccess(r, o.status, "answer larger than "+strconv.FormatInt(c.maxBody, 10)+" bytes")
		case o.status >= 200 && o.status < 300:
			return o, nil
		case o.status == http.StatusTooManyRequests:
			wait, source := c.rateLimitWait(o.header, attempt)
			if attempt > c.retries || wait > c.maxWait {
				return o, &RateLimitError{Op: r.op, Attempts: attempt, RetryAfter: wait, RateLimit: parseRateLimit(o.header)}
			}
			if err := c.wait(ctx, r, attempt, wait, "rate-limited", source); err != nil {
				return o, ctxError(r, err)
			}
			continue
		case r.safe && retryableStatus(o.status) && attempt <= c.retries:
			wait, ok := c.retryAfter(o.header)
			source := "Retry-After"
			if !ok || wait <= 0 || wait > c.maxWait {
				wait, source = backoff(attempt), "backoff"
			}
			if err := c.wait(ctx, r, attempt, wait, fmt.Sprintf("server error %d", o.status), source); err != nil {
				return o, ctxError(r, err)
			}
			continue
		}
		err := c.apiError(r, o.status, o.header, o.body)
		if !r.safe && o.status >= 500 {
			return o, &UncertainError{Op: r.op, Method: r.method, Path: r.path, Err: err}
		}
		return o, err
	}
}

// failed handles a transport failure of one attempt: nil means try again
// (after waiting), anything else is the call's error.
func (c *Client) failed(ctx context.Context, r *request, o outcome, attempt int) error {
	if o.permanent {
		// The request could not be built: a bug or bad input here, not the
		// network, so it is no wireError and is not retried.
		return fmt.Errorf("%s: %s %s: %w", r.op, r.method, r.path, o.err)
	}
	err := c.transportError(r, o.err)
	if cerr := ctx.Err(); cerr != nil {
		err = ctxError(r, cerr) // the caller's deadline or cancel, not the attempt's timeout
	}
	uncertain := !r.safe && o.sent
	switch {
	case errors.Is(o.err, errRedirectRefused):
		return c.unexpected(r, 0, errRedirectRefused.Error())
	case ctx.Err() != nil, uncertain, attempt > c.retries:
		// The caller gave up, or the change may have been made, or the
		// retries ran out.
		if uncertain {
			return &UncertainError{Op: r.op, Method: r.method, Path: r.path, Err: err}
		}
		return err
	}
	if serr := c.wait(ctx, r, attempt, backoff(attempt), "network error", "backoff"); serr != nil {
		return ctxError(r, serr)
	}
	return nil
}

func retryableStatus(s int) bool {
	switch s {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// rateLimitWait is how long to wait after a 429, and which header said so:
// Retry-After if the server sent one, else until X-RateLimit-Reset, else
// backoff.
func (c *Client) rateLimitWait(h http.Header, attempt int) (time.Duration, string) {
	if d, ok := c.retryAfter(h); ok {
		return d, "Retry-After"
	}
	if reset, ok := parseReset(h.Get("X-RateLimit-Reset")); ok {
		if d := reset.Sub(c.now()) + resetSlack; d > 0 {
			return min(d, maxServerWait), "X-RateLimit-Reset"
		}
	}
	return backoff(attempt), "backoff"
}

// retryAfter reads Retry-After: delay-seconds or an HTTP date.
func (c *Client) retryAfter(h http.Header) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, int64(maxServerWait/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(0, t.Sub(c.now())), maxServerWait), true
	}
	return 0, false
}

// backoff is the full-jitter wait before retry n (1-based).
func backoff(n int) time.Duration {
	ceiling := backoffCap
	if n < 16 {
		ceiling = min(backoffCap, backoffBase<<(n-1))
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// noteRateLimit records the X-RateLimit-* headers when an answer has them.
func (c *Client) noteRateLimit(h http.Header) {
	if h.Get("X-RateLimit-Limit") == "" && h.Get("X-RateLimit-Remaining") == "" && h.Get("X-RateLimit-Reset") == "" {
		return
	}
	c.setRateLimit(parseRateLimit(h))
}

func parseRateLimit(h http.Header) RateLimit {
	var r RateLimit
	r.Limit, _ = strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit")))
	r.Remaining, _ = strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	r.Reset, _ = parseReset(h.Get("X-RateLimit-Reset"))
	return r
}

// parseReset reads X-RateLimit-Reset: an ISO-8601 UTC time as Atlassian
// documents, or, leniently, Unix seconds as other gateways send.
func parseReset(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 1_000_000_000 {
		return time.Unix(n, 0).UTC(), true
	}
	return time.Time{}, false
}

// ctxError: the caller's context ended (or Sleep failed) before the call
// could finish.
func ctxError(r *request, err error) error {
	return fmt.Errorf("%s: %s %s: %w", r.op, r.method, r.path, err)
}
