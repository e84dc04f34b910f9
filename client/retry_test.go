package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

var fixedNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func proxy429(w http.ResponseWriter) {
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"code": 429, "message": "Too Many Requests"})
}

const userBody = `{"data":{"accountId":"a1","email":"a@acme.com"}}`

// TestRateLimitWaits checks how long the client waits after a 429: what
// Retry-After says (seconds or a date), else until X-RateLimit-Reset, else
// a jittered backoff.
func TestRateLimitWaits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		headers  map[string]string
		min, max time.Duration
	}{
		{"Retry-After seconds", map[string]string{"Retry-After": "7"}, 7 * time.Second, 7 * time.Second},
		{"Retry-After date", map[string]string{"Retry-After": fixedNow.Add(20 * time.Second).Format(http.TimeFormat)}, 20 * time.Second, 20 * time.Second},
		{"Retry-After wins over the reset", map[string]string{"Retry-After": "3", "X-RateLimit-Reset": fixedNow.Add(40 * time.Second).Format(time.RFC3339)}, 3 * time.Second, 3 * time.Second},
		{"X-RateLimit-Reset", map[string]string{"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": fixedNow.Add(10 * time.Second).Format(time.RFC3339)}, 11 * time.Second, 11 * time.Second},
		{"X-RateLimit-Reset with milliseconds", map[string]string{"X-RateLimit-Reset": "2026-11-23T10:00:05.500Z"}, 6500 * time.Millisecond, 6500 * time.Millisecond},
		{"reset in the past: backoff", map[string]string{"X-RateLimit-Reset": fixedNow.Add(-time.Minute).Format(time.RFC3339)}, 0, backoffBase},
		{"garbage Retry-After: backoff", map[string]string{"Retry-After": "soon"}, 0, backoffBase},
		{"no headers: backoff", nil, 0, backoffBase},
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
					proxy429(w)
					return
				}
				writeRaw(w, http.StatusOK, "application/json", userBody)
			})
			c, rec := newTestClient(t, srv.URL)
			c.now = func() time.Time { return fixedNow }
			if _, err := c.GetUser(t.Context(), "a1"); err != nil {
				t.Fatalf("GetUser: %v", err)
			}
			waits := rec.recorded()
			if len(waits) != 1 || waits[0] < tt.min || waits[0] > tt.max {
				t.Fatalf("waits = %v, want one in [%s, %s]", waits, tt.min, tt.max)
			}
			if srv.count() != 2 {
				t.Errorf("server saw %d requests, want 2", srv.count())
			}
		})
	}
}

func TestRateLimitStormGivesUp(t *testing.T) {
	t.Parallel()
	reset := fixedNow.Add(5 * time.Second)
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "100")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", reset.Format(time.RFC3339))
		w.Header().Set("Retry-After", "2")
		proxy429(w)
	})
	c, rec := newTestClient(t, srv.URL) // three retries
	c.now = func() time.Time { return fixedNow }
	_, err := c.GetUser(t.Context(), "a1")
	rl := errAs[*RateLimitError](t, err)
	if rl.Attempts != 4 || srv.count() != 4 {
		t.Errorf("attempts %d, server saw %d, want 4 and 4", rl.Attempts, srv.count())
	}
	if rl.RetryAfter != 2*time.Second || rl.Limit != 100 || rl.Remaining != 0 || !rl.Reset.Equal(reset) {
		t.Errorf("RateLimitError = %+v", rl)
	}
	if waits := rec.recorded(); len(waits) != 3 || waits[0] != 2*time.Second || waits[2] != 2*time.Second {
		t.Errorf("waits = %v, want three of 2s", waits)
	}
	if want := "get user a1: rate limited (429) after 4 attempts; try again in 2s"; err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
	if got := c.LastRateLimit(); got.Limit != 100 || !got.Reset.Equal(reset) {
		t.Errorf("LastRateLimit = %+v", got)
	}
}

func TestRateLimitWaitBeyondMaxWaitEndsTheCall(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3600")
		proxy429(w)
	})
	c, rec := newTestClient(t, srv.URL)
	_, err := c.GetUser(t.Context(), "a1")
	rl := errAs[*RateLimitError](t, err)
	if rl.Attempts != 1 || rl.RetryAfter != time.Hour {
		t.Errorf("RateLimitError = %+v, want 1 attempt and an hour", rl)
	}
	if len(rec.recorded()) != 0 || srv.count() != 1 {
		t.Errorf("waited %v over %d requests, want no wait and one request", rec.recorded(), srv.count())
	}
}

// A 429 is refused before processing, so even a change is sent again.
func TestRateLimitedMutationIsRetried(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) <= 2 {
			w.Header().Set("Retry-After", "1")
			proxy429(w)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	c, rec := newTestClient(t, srv.URL)
	if err := c.SetEmail(t.Context(), "a1", "new@acme.com"); err != nil {
		t.Fatalf("SetEmail: %v", err)
	}
	if srv.count() != 3 || len(rec.recorded()) != 2 {
		t.Errorf("server saw %d requests after %d waits, want 3 after 2", srv.count(), len(rec.recorded()))
	}
}

func TestServerErrorsRetriedOnReads(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
				if n.Add(1) == 1 {
					writeJSON(w, status, map[string]any{"code": status, "message": http.StatusText(status)})
					return
				}
				writeRaw(w, http.StatusOK, "application/json", userBody)
			})
			c, rec := newTestClient(t, srv.URL)
			u, err := c.GetUser(t.Context(), "a1")
			if err != nil || u.AccountID != "a1" {
				t.Fatalf("GetUser = %+v, %v", u, err)
			}
			if srv.count() != 2 || len(rec.recorded()) != 1 || rec.recorded()[0] > backoffBase {
				t.Errorf("%d requests, waits %v: want 2 requests after one backoff ≤ %s", srv.count(), rec.recorded(), backoffBase)
			}
		})
	}
}

func TestServiceUnavailableHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "4")
			writeJSON(w, 503, map[string]any{"code": 503, "message": "Service Unavailable"})
			return
		}
		writeJSON(w, 200, map[string]any{"scimLinks": []any{}})
	})
	c, rec := newTestClient(t, srv.URL)
	if _, err := c.ScimLinksForEmail(t.Context(), "a@acme.com"); err != nil {
		t.Fatalf("ScimLinksForEmail: %v", err)
	}
	if w := rec.recorded(); len(w) != 1 || w[0] != 4*time.Second {
		t.Errorf("waits = %v, want [4s]", w)
	}
}

func TestServerErrorsExhausted(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 503, map[string]any{"code": 503, "message": "Service Unavailable"})
	})
	c, rec := newTestClient(t, srv.URL)
	_, err := c.GetUser(t.Context(), "a1")
	oe := errAs[*OrgError](t, err)
	if oe.HTTPStatus != 503 || srv.count() != 4 || len(rec.recorded()) != 3 {
		t.Errorf("status %d after %d requests and %d waits, want 503, 4, 3", oe.HTTPStatus, srv.count(), len(rec.recorded()))
	}
	for i, w := range rec.recorded() {
		if ceiling := backoffBase << i; w < 0 || w > ceiling {
			t.Errorf("wait %d = %s, want within [0, %s]", i+1, w, ceiling)
		}
	}
}

func TestClientErrorsNotRetried(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 400, map[string]any{"errors": []map[string]string{{"status": "400", "code": "ADMIN-400-4", "title": "Bad Request"}}})
	})
	c, rec := newTestClient(t, srv.URL)
	_, err := c.GetUser(t.Context(), "a1")
	if errAs[*OrgError](t, err).Code() != "ADMIN-400-4" || srv.count() != 1 || len(rec.recorded()) != 0 {
		t.Errorf("err %v after %d requests", err, srv.count())
	}
}

// mutations lists every call that changes the org, each with a SCIM or org
// client ready, so transport rules can be checked for all of them.
func mutations(c *Client, s *SCIM) map[string]func(ctx context.Context) error {
	return map[string]func(ctx context.Context) error{
		"SetEmail":                 func(ctx context.Context) error { return c.SetEmail(ctx, "a1", "x@acme.com") },
		"DeleteAccount":            func(ctx context.Context) error { return c.DeleteAccount(ctx, "a1") },
		"CancelDeleteAccount":      func(ctx context.Context) error { return c.CancelDeleteAccount(ctx, "a1") },
		"EnableAccount":            func(ctx context.Context) error { return c.EnableAccount(ctx, "a1") },
		"DisableAccount":           func(ctx context.Context) error { return c.DisableAccount(ctx, "a1", "") },
		"AddGroupMember":           func(ctx context.Context) error { return c.AddGroupMember(ctx, "d1", "g1", "a1") },
		"RemoveGroupMember":        func(ctx context.Context) error { return c.RemoveGroupMember(ctx, "d1", "g1", "a1") },
		"DeleteProvisioningRecord": func(ctx context.Context) error { return c.DeleteProvisioningRecord(ctx, "a1") },
		"UnlinkScimUser":           func(ctx context.Context) error { return c.UnlinkScimUser(ctx, dirA, "u1") },
		"CreateUser": func(ctx context.Context) error {
			_, err := s.CreateUser(ctx, ScimUser{UserName: "x@acme.com"})
			return err
		},
		"ReplaceUser": func(ctx context.Context) error {
			_, err := s.ReplaceUser(ctx, "u1", ScimUser{UserName: "x@acme.com"})
			return err
		},
		"PatchUser": func(ctx context.Context) error {
			_, err := s.PatchUser(ctx, "u1", PatchOperation{Op: "replace", Path: "active", Value: false})
			return err
		},
		"DeleteUser":        func(ctx context.Context) error { return s.DeleteUser(ctx, "u1") },
		"PatchGroupMembers": func(ctx context.Context) error { return s.PatchGroupMembers(ctx, "sg1", []string{"u1"}, nil) },
	}
}

func TestServerErrorOnMutationIsUncertain(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, map[string]any{"errors": []map[string]string{{"status": "500", "code": "ADMIN-500-1", "title": "Internal"}}})
	})
	c, rec := newTestClient(t, srv.URL)
	s := mustSCIM(t, c, dirA)
	for name, call := range mutations(c, s) {
		before := srv.count()
		err := call(t.Context())
		ue := errAs[*UncertainError](t, err)
		if got := srv.count() - before; got != 1 {
			t.Errorf("%s: server saw %d requests, want exactly 1", name, got)
		}
		var oe *OrgError
		if !errors.As(err, &oe) || oe.HTTPStatus != 500 {
			t.Errorf("%s: cause %v is not the 500 OrgError", name, ue.Err)
		}
		if ue.Method == "" || ue.Path == "" {
			t.Errorf("%s: UncertainError does not say which request: %+v", name, ue)
		}
	}
	if len(rec.recorded()) != 0 {
		t.Errorf("waited %v before failing mutations, want no retry", rec.recorded())
	}
}

func TestDroppedConnection(t *testing.T) {
	t.Parallel()
	t.Run("read is retried", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
			if n.Add(1) == 1 {
				dropConnection(t, w)
				return
			}
			writeRaw(w, http.StatusOK, "application/json", userBody)
		})
		c, _ := newTestClient(t, srv.URL)
		if _, err := c.GetUser(t.Context(), "a1"); err != nil {
			t.Fatalf("GetUser: %v", err)
		}
		if srv.count() != 2 {
			t.Errorf("server saw %d requests, want 2", srv.count())
		}
	})
	t.Run("read-only search is retried", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
			if n.Add(1) == 1 {
				dropConnection(t, w)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"data": []any{}, "links": map[string]any{}})
		})
		c, _ := newTestClient(t, srv.URL)
		if _, err := c.UsersByEmail(t.Context(), "a@acme.com"); err != nil {
			t.Fatalf("UsersByEmail: %v", err)
		}
		if srv.count() != 2 {
			t.Errorf("server saw %d requests, want 2", srv.count())
		}
	})
	t.Run("mutation is uncertain", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) { dropConnection(t, w) })
		c, _ := newTestClient(t, srv.URL)
		s := mustSCIM(t, c, dirB)
		for name, call := range mutations(c, s) {
			before := srv.count()
			ue := errAs[*UncertainError](t, call(t.Context()))
			if got := srv.count() - before; got != 1 {
				t.Errorf("%s: server saw %d requests, want exactly 1", name, got)
			}
			if ue.Err == nil {
				t.Errorf("%s: no cause", name)
			}
		}
	})
}

// A change whose connection could not even be made never reached the
// server, so it is safe to try again.
func TestUnconnectedMutationIsRetried(t *testing.T) {
	t.Parallel()
	srv := newFake(t, noContent)
	var dials atomic.Int32
	tr := http.DefaultTransport.(*http.Transport).Clone()
	realDial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= 2 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		return realDial(ctx, network, addr)
	}
	c, rec := newTestClient(t, srv.URL, func(cfg *Config) { cfg.HTTPClient = &http.Client{Transport: tr} })
	if err := c.SetEmail(t.Context(), "a1", "x@acme.com"); err != nil {
		t.Fatalf("SetEmail: %v", err)
	}
	if srv.count() != 1 || len(rec.recorded()) != 2 {
		t.Errorf("server saw %d requests after %d waits, want 1 after 2", srv.count(), len(rec.recorded()))
	}
}

func TestConnectionRefusedExhausted(t *testing.T) {
	t.Parallel()
	srv := newFake(t, noContent)
	dead := srv.URL
	srv.Close()
	c, rec := newTestClient(t, dead)
	err := c.SetEmail(t.Context(), "a1", "x@acme.com")
	if err == nil {
		t.Fatal("SetEmail to a closed port succeeded")
	}
	var ue *UncertainError
	if errors.As(err, &ue) {
		t.Errorf("refused connection reported as uncertain: %v", err)
	}
	if len(rec.recorded()) != 3 {
		t.Errorf("waits = %v, want 3 retries", rec.recorded())
	}
	if !isDialError(err) {
		t.Errorf("error %v does not keep the dial error", err)
	}
}

func TestTimeoutPerAttempt(t *testing.T) {
	t.Parallel()
	slow := func(n *atomic.Int32, fast http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
				return
			}
			fast(w, r)
		}
	}
	short := func(cfg *Config) { cfg.Timeout = 100 * time.Millisecond }
	t.Run("read is retried", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := newFake(t, slow(&n, func(w http.ResponseWriter, _ *http.Request) {
			writeRaw(w, http.StatusOK, "application/json", userBody)
		}))
		c, _ := newTestClient(t, srv.URL, short)
		if _, err := c.GetUser(t.Context(), "a1"); err != nil {
			t.Fatalf("GetUser: %v", err)
		}
		if srv.count() != 2 {
			t.Errorf("server saw %d requests, want 2", srv.count())
		}
	})
	t.Run("mutation is uncertain", func(t *testing.T) {
		t.Parallel()
		var n atomic.Int32
		srv := newFake(t, slow(&n, noContent))
		c, _ := newTestClient(t, srv.URL, short)
		err := c.SetEmail(t.Context(), "a1", "x@acme.com")
		errAs[*UncertainError](t, err)
		if !errors.Is(err, context.DeadlineExceeded) || srv.count() != 1 {
			t.Errorf("err %v after %d requests, want a deadline after 1", err, srv.count())
		}
	})
}

func TestContextEnds(t *testing.T) {
	t.Parallel()
	t.Run("before the call", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, noContent)
		c, _ := newTestClient(t, srv.URL)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := c.SetEmail(ctx, "a1", "x@acme.com"); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if srv.count() != 0 {
			t.Errorf("server saw %d requests, want none", srv.count())
		}
	})
	t.Run("while waiting to retry", func(t *testing.T) {
		t.Parallel()
		srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "30")
			proxy429(w)
		})
		ctx, cancel := context.WithCancel(t.Context())
		c, _ := newTestClient(t, srv.URL, func(cfg *Config) {
			cfg.Sleep = func(ctx context.Context, d time.Duration) error {
				cancel() // the user gives up while we wait
				return sleep(ctx, d)
			}
		})
		start := time.Now()
		_, err := c.GetUser(ctx, "a1")
		if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
			t.Errorf("err = %v after %s, want context.Canceled at once", err, time.Since(start))
		}
		if srv.count() != 1 {
			t.Errorf("server saw %d requests, want 1", srv.count())
		}
	})
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	for n := 1; n <= 20; n++ {
		ceiling := backoffCap
		if n < 10 {
			ceiling = min(backoffCap, backoffBase<<(n-1))
		}
		distinct := map[time.Duration]bool{}
		for range 50 {
			d := backoff(n)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %s, want within [0, %s]", n, d, ceiling)
			}
			distinct[d] = true
		}
		if len(distinct) < 10 {
			t.Errorf("backoff(%d) gave %d distinct waits in 50: no jitter?", n, len(distinct))
		}
	}
}

func TestParseReset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-11-23T10:00:00Z", fixedNow, true},
		{"2026-11-23T10:00:00.000Z", fixedNow, true},
		{"2026-11-23T11:00:00+01:00", fixedNow, true},
		{"2026-11-23T10:00:00", fixedNow, true},
		{strconv.FormatInt(fixedNow.Unix(), 10), fixedNow, true},
		{"", time.Time{}, false},
		{"tomorrow", time.Time{}, false},
		{"60", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseReset(tt.in)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseReset(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestLastRateLimit(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("X-RateLimit-Limit", "500")
			w.Header().Set("X-RateLimit-Remaining", "499")
			w.Header().Set("X-RateLimit-Reset", "2026-11-23T10:01:00Z")
		}
		writeRaw(w, http.StatusOK, "application/json", userBody)
	})
	c, _ := newTestClient(t, srv.URL)
	if got := c.LastRateLimit(); got != (RateLimit{}) {
		t.Errorf("before any call: %+v", got)
	}
	for range 2 { // the second answer has no headers and must not erase the first
		if _, err := c.GetUser(t.Context(), "a1"); err != nil {
			t.Fatal(err)
		}
	}
	want := RateLimit{Limit: 500, Remaining: 499, Reset: fixedNow.Add(time.Minute)}
	if got := c.LastRateLimit(); got.Limit != want.Limit || got.Remaining != want.Remaining || !got.Reset.Equal(want.Reset) {
		t.Errorf("LastRateLimit = %+v, want %+v", got, want)
	}
}
