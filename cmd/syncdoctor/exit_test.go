package main

import (
	"context"
	"io"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
)

// Contract §6: Ctrl-C (the context ends) exits 130 with a line that says so.
func TestInterruptedExits130(t *testing.T) {
	t.Parallel()
	base := startSimulate(t, "--latency", "300ms")
	demo := fixtures.Demo()
	env := map[string]string{"ATLASSIAN_API_URL": base, "ATLASSIAN_ORG_ID": demo.Org.ID, "ATLASSIAN_ORG_API_KEY": fixtures.DefaultOrgKey}
	for i, d := range demo.Directories {
		dirVar, keyVar := client.SCIMEnvNames(i + 1)
		env[dirVar], env[keyVar] = d.ID, fixtures.DefaultScimKey
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	var errOut strings.Builder
	code := runMain(ctx, []string{"fix", "--journal", t.TempDir() + "/j.jsonl", "--user", "chinedu.okonkwo@acme.com", "--target", "chinedu.okonkwo@acme.io", "--yes"},
		strings.NewReader(""), io.Discard, &errOut, func(k string) string { return env[k] })
	if code != exitInterrupted || !strings.Contains(errOut.String(), "interrupted") {
		t.Fatalf("exit %d, stderr %q; want 130 and a line that says interrupted", code, errOut.String())
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err  error
		want int
	}{
		{badInput(context.DeadlineExceeded), exitBadInput},
		{&waitingError{msg: "x"}, exitWaiting},
		{&interruptedError{err: context.Canceled}, exitInterrupted},
		{context.Canceled, exitInterrupted},
		{io.EOF, exitFailed},
	} {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

// A resume that cannot reach the org says the org could not be read (exit
// 1), not that the run still waits for a person.
func TestResumeAgainstAnUnreachableOrg(t *testing.T) {
	t.Parallel()
	base := startSimulate(t)
	proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(mustURL(t, base)))
	demo := fixtures.Demo()
	env := map[string]string{"ATLASSIAN_API_URL": proxy.URL, "ATLASSIAN_ORG_ID": demo.Org.ID, "ATLASSIAN_ORG_API_KEY": fixtures.DefaultOrgKey}
	for i, d := range demo.Directories {
		dirVar, keyVar := client.SCIMEnvNames(i + 1)
		env[dirVar], env[keyVar] = d.ID, fixtures.DefaultScimKey
	}
	jpath := filepath.Join(t.TempDir(), "journal.jsonl")
	code, _, stderr := runCLI(t, env, "fix", "--journal", jpath, "--user", "chinedu.okonkwo@acme.com", "--target", "chinedu.okonkwo@acme.io", "--yes")
	if code != exitWaiting {
		t.Fatalf("fix: exit %d (%s), want 3: the IdP step waits", code, stderr)
	}
	proxy.Close() // the network goes away
	code, out, stderr := runCLI(t, env, "resume", "--journal", jpath, "--yes")
	if code != exitFailed || strings.Contains(stderr+out, "waits for you") || !strings.Contains(stderr, "could not be read") {
		t.Fatalf("resume: exit %d, stderr %q\n%s", code, stderr, out)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
