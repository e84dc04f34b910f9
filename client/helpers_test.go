package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Keys long enough for Client.redact, distinct so a test can tell which
// one a request carried.
const (
	testOrg    = "org-1"
	testOrgKey = "orgkey-5ecret-0001"
	testKeyA   = "scimkey-5ecret-AAAA"
	testKeyB   = "scimkey-5ecret-BBBB"
	dirA       = "d-entra"
	dirB       = "d-okta"
)

var allKeys = []string{testOrgKey, testKeyA, testKeyB}

// seenRequest is what the fake server received.
type seenRequest struct {
	Method      string
	Path        string // decoded
	EscapedPath string
	RawQuery    string
	Query       url.Values
	Header      http.Header
	Body        []byte
}

// fakeAPI is an httptest server that records every request before handing
// it to the test's handler.
type fakeAPI struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seenRequest
}

func newFake(t *testing.T, h http.HandlerFunc) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mu.Lock()
		f.reqs = append(f.reqs, seenRequest{
			Method: r.Method, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
			Query: r.URL.Query(), Header: r.Header.Clone(), Body: body,
		})
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) requests() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seenRequest(nil), f.reqs...)
}

func (f *fakeAPI) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

// only returns the single request the server saw, failing otherwise.
func (f *fakeAPI) only(t *testing.T) seenRequest {
	t.Helper()
	reqs := f.requests()
	if len(reqs) != 1 {
		t.Fatalf("server saw %d requests, want 1", len(reqs))
	}
	return reqs[0]
}

// sleepRecorder stands in for Config.Sleep: it records each wait and
// returns at once, so retry tests take no time.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) recorded() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newTestClient builds a client for base with the test keys, a recording
// Sleep and three retries.
func newTestClient(t *testing.T, base string, mods ...func(*Config)) (*Client, *sleepRecorder) {
	t.Helper()
	rec := &sleepRecorder{}
	cfg := Config{
		BaseURL:     base,
		OrgID:       testOrg,
		OrgKey:      testOrgKey,
		Directories: []DirectoryKey{{ID: dirA, Key: testKeyA}, {ID: dirB, Key: testKeyB}},
		MaxRetries:  3,
		Sleep:       rec.sleep,
	}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, rec
}

func mustSCIM(t *testing.T, c *Client, dir string) *SCIM {
	t.Helper()
	s, err := c.SCIM(dir)
	if err != nil {
		t.Fatalf("SCIM(%s): %v", dir, err)
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeSCIMJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// dropConnection closes the connection without answering, as a network
// failure after the request arrived would.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// bodyJSON decodes a recorded request body.
func bodyJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("request body %q is not a JSON object: %v", b, err)
	}
	return m
}

// assertNoKey fails when s contains any test key.
func assertNoKey(t *testing.T, what, s string) {
	t.Helper()
	for _, k := range allKeys {
		if strings.Contains(s, k) {
			t.Errorf("%s leaks a key: %q", what, s)
		}
	}
}

// errAs is errors.As for tests, failing when err is not a T.
func errAs[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	if err == nil {
		t.Fatalf("got nil error, want %T", target)
	}
	if !errors.As(err, &target) {
		t.Fatalf("error %T (%v) is not a %T", err, err, target)
	}
	return target
}

func ok200(body any) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, body) }
}

func noContent(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }
