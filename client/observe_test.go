package client

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitLog collects what OnWait is told.
type waitLog struct {
	mu    sync.Mutex
	waits []Wait
}

func (l *waitLog) add(w Wait) { l.mu.Lock(); l.waits = append(l.waits, w); l.mu.Unlock() }

func (l *waitLog) all() []Wait {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Wait(nil), l.waits...)
}

// TestWaitsAreTold: every pause before a retry reaches OnWait first, with
// why, how long and on whose word, and reads as one line.
func TestWaitsAreTold(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		headers map[string]string
		want    Wait   // Op, Method, Path, Attempt, Reason, Source; Delay when exact
		line    string // Wait.String, "" when the delay is random
	}{
		{"Retry-After", 429, map[string]string{"Retry-After": "7"},
			Wait{Reason: "rate-limited", Source: "Retry-After", Delay: 7 * time.Second}, "rate-limited: retrying in 7 s (Retry-After)"},
		{"X-RateLimit-Reset", 429, map[string]string{"X-RateLimit-Reset": fixedNow.Add(11 * time.Second).Format(time.RFC3339)},
			Wait{Reason: "rate-limited", Source: "X-RateLimit-Reset", Delay: 12 * time.Second}, "rate-limited: retrying in 12 s (X-RateLimit-Reset)"},
		{"429 without headers", 429, nil, Wait{Reason: "rate-limited", Source: "backoff"}, ""},
		{"503", 503, nil, Wait{Reason: "server error 503", Source: "backoff"}, ""},
		{"503 with Retry-After", 503, map[string]string{"Retry-After": "2"},
			Wait{Reason: "server error 503", Source: "Retry-After", Delay: 2 * time.Second}, "server error 503: retrying in 2 s (Retry-After)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
				if n.Add(1) == 1 {
					for k, v := range tt.headers {
						w.Header().Set(k, v)
					}
					writeJSON(w, tt.status, map[string]any{"code": tt.status, "message": "later"})
					return
				}
				writeRaw(w, http.StatusOK, "application/json", userBody)
			})
			var told waitLog
			c, rec := newTestClient(t, srv.URL, func(cfg *Config) { cfg.OnWait = told.add })
			c.now = func() time.Time { return fixedNow }
			if _, err := c.GetUser(t.Context(), "a1"); err != nil {
				t.Fatalf("GetUser: %v", err)
			}
			waits := told.all()
			if len(waits) != 1 {
				t.Fatalf("told %d waits, want 1", len(waits))
			}
			w := waits[0]
			if w.Op != "get user a1" || w.Method != "GET" || w.Path != "/admin/v2/orgs/org-1/directories/-/users/a1" || w.Attempt != 1 ||
				w.Reason != tt.want.Reason || w.Source != tt.want.Source {
				t.Errorf("wait = %+v, want reason %q source %q", w, tt.want.Reason, tt.want.Source)
			}
			if slept := rec.recorded(); len(slept) != 1 || slept[0] != w.Delay {
				t.Errorf("told a %s wait, slept %v", w.Delay, slept)
			}
			if tt.line != "" && (w.Delay != tt.want.Delay || w.String() != tt.line) {
				t.Errorf("wait %s (%q), want %s (%q)", w.Delay, w.String(), tt.want.Delay, tt.line)
			}
		})
	}
}

// A network failure's backoff is told too.
func TestNetworkWaitIsTold(t *testing.T) {
	t.Parallel()
	var told waitLog
	c, _ := newTestClient(t, "http://127.0.0.1:1", func(cfg *Config) { cfg.OnWait = told.add; cfg.MaxRetries = 2 })
	if _, err := c.GetUser(t.Context(), "a1"); err == nil {
		t.Fatal("GetUser from nowhere succeeded")
	}
	waits := told.all()
	if len(waits) != 2 || waits[0].Reason != "network error" || waits[1].Attempt != 2 {
		t.Errorf("waits = %+v, want two network-error backoffs", waits)
	}
}

func TestSeconds(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		12 * time.Second: "12 s", 11*time.Second + time.Millisecond: "12 s", time.Second: "1 s",
		400 * time.Millisecond: "0.4 s", 0: "0.0 s",
	} {
		if got := Seconds(d); got != want {
			t.Errorf("Seconds(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestLoggerGetsEveryAttempt: with a Logger, each attempt is a Debug record
// with method, path, query, status, duration and attempt, and each wait one
// more; a quiet logger (Info) gets nothing.
func TestLoggerGetsEveryAttempt(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			proxy429(w)
			return
		}
		writeRaw(w, http.StatusOK, "application/json", userBody)
	})
	var buf bytes.Buffer
	c, _ := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	if _, err := c.GetUser(t.Context(), "a1"); err != nil {
		t.Fatal(err)
	}
	// The fake answers with a user, not privileges: what matters is the
	// call's log record, query and all.
	_, _ = c.Privileges(t.Context(), "a1", PrivilegeEmailSet)
	var recs []map[string]any
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		recs = append(recs, m)
	}
	if len(recs) < 4 {
		t.Fatalf("%d log records, want 4 (429, wait, 200, privileges):\n%s", len(recs), buf.String())
	}
	first, wait, second, privileges := recs[0], recs[1], recs[2], recs[3]
	if first["msg"] != "api call" || first["method"] != "GET" || first["path"] != "/admin/v2/orgs/org-1/directories/-/users/a1" ||
		first["status"] != float64(429) || first["attempt"] != float64(1) || first["duration"] == nil || first["level"] != "DEBUG" {
		t.Errorf("first attempt logged as %v", first)
	}
	if wait["msg"] != "waiting before a retry" || wait["reason"] != "rate-limited" || wait["source"] != "Retry-After" || wait["delay"] != float64(time.Second) {
		t.Errorf("wait logged as %v", wait)
	}
	if second["status"] != float64(200) || second["attempt"] != float64(2) {
		t.Errorf("second attempt logged as %v", second)
	}
	if privileges["path"] != "/users/a1/manage" || privileges["query"] != "privileges=email.set" {
		t.Errorf("privileges logged as %v", privileges)
	}
	for _, r := range recs {
		if _, ok := r["Authorization"]; ok {
			t.Errorf("a header was logged: %v", r)
		}
	}
	assertNoKey(t, "log", buf.String())

	var quiet bytes.Buffer
	q, _ := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Logger = slog.New(slog.NewTextHandler(&quiet, nil)) })
	_, _ = q.GetUser(t.Context(), "a1")
	if quiet.Len() != 0 {
		t.Errorf("an Info logger got %q", quiet.String())
	}
}
