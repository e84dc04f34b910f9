package client

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"
)

// Wait is a pause before a call is tried again. Config.OnWait gets one
// before each pause starts: a rate limit's reset can be a minute away, and
// a program that says nothing for that long looks hung.
type Wait struct {
	Op      string // the call, e.g. "set email of 712020:abc"
	Method  string
	Path    string        // as sent, without the query
	Attempt int           // the attempt that failed (1-based); the next one follows the pause
	Delay   time.Duration // how long the pause is
	Reason  string        // "rate-limited", "server error 503" or "network error"
	// Source is what set the delay: "Retry-After", "X-RateLimit-Reset"
	// (the server's own word) or "backoff" (the client's choice).
	Source string
}

// String is the wait as one line for people, e.g.
// "rate-limited: retrying in 12 s (X-RateLimit-Reset)".
func (w Wait) String() string {
	return fmt.Sprintf("%s: retrying in %s (%s)", w.Reason, Seconds(w.Delay), w.Source)
}

// Seconds says a duration in seconds for people: whole seconds, rounded up,
// from one second on ("12 s"), tenths below it ("0.4 s").
func Seconds(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%d s", int64(math.Ceil(d.Seconds())))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// wait tells of a pause (OnWait, the log), then takes it.
func (c *Client) wait(ctx context.Context, r *request, attempt int, d time.Duration, reason, source string) error {
	w := Wait{Op: r.op, Method: r.method, Path: r.path, Attempt: attempt, Delay: d, Reason: reason, Source: source}
	if c.onWait != nil {
		c.onWait(w)
	}
	if c.log != nil {
		c.log.LogAttrs(ctx, slog.LevelDebug, "waiting before a retry",
			slog.String("method", r.method), slog.String("path", r.path),
			slog.Int("attempt", attempt), slog.Duration("delay", d),
			slog.String("reason", reason), slog.String("source", source))
	}
	return c.sleep(ctx, d)
}

// logAttempt records one attempt of r: what was asked (method, path and the
// query, never a header), what came back (status, or the transport error,
// redacted) and how long it took.
func (c *Client) logAttempt(ctx context.Context, r *request, attempt int, o outcome, took time.Duration) {
	if c.log == nil || !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.method),
		slog.String("path", r.path),
	}
	if len(r.query) > 0 {
		attrs = append(attrs, slog.String("query", c.redact(encodeQuery(r.query))))
	}
	attrs = append(attrs,
		slog.Int("status", o.status),
		slog.Duration("duration", took.Round(time.Microsecond)),
		slog.Int("attempt", attempt),
		slog.String("api", r.api))
	if o.err != nil {
		attrs = append(attrs, slog.String("error", c.redact(o.err.Error())))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "api call", attrs...)
}
