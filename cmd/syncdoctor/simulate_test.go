package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/fixtures"
)

// startSimulate runs `syncdoctor simulate` in-process on a free port and
// returns its base URL once it prints that it listens.
func startSimulate(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- runMain(ctx, append([]string{"simulate", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, io.Discard, func(string) string { return "" })
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("simulate exited %d", code)
		}
	})
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("simulate printed nothing")
	}
	first := lines.Text()
	go func() { // keep draining so the command never blocks on its output
		for lines.Scan() {
		}
	}()
	url, ok := strings.CutPrefix(first, "listening on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q, want %q", first, "listening on http://ADDR")
	}
	return url
}

func send(t *testing.T, method, url, key, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(data)
}

// The acceptance check: a plain PATCH that moves a user's SCIM email
// onto an address another account holds gets Atlassian's 409, byte for byte.
func TestSimulateServesTheDemoOrgsUniquenessConflict(t *testing.T) {
	t.Parallel()
	demo := fixtures.Demo()
	dir, scimUser, held := linkedUserAndHeldAddress(t, demo)
	base := startSimulate(t)

	patch := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails","value":[{"value":"` + held + `","type":"work","primary":true}]}]}`
	status, body := send(t, http.MethodPatch, base+"/scim/directory/"+dir+"/Users/"+scimUser, fixtures.DefaultScimKey, patch)
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[` + held + `] already exists."}`
	if status != http.StatusConflict || strings.TrimSpace(body) != want {
		t.Fatalf("PATCH onto a held address: %d %s\nwant 409 %s", status, body, want)
	}

	// And the org's state, read back as a snapshot, did not change.
	status, body = send(t, http.MethodGet, base+"/_sim/snapshot", fixtures.DefaultOrgKey, "")
	if status != http.StatusOK {
		t.Fatalf("GET /_sim/snapshot: %d %s", status, body)
	}
	after, err := fixtures.Parse([]byte(body), "/_sim/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	if got := primaryEmailOf(after, dir, scimUser); got == held {
		t.Fatalf("the 409 changed the SCIM user's email to %s", got)
	}
}

func TestSimulateRefusesWrongKeys(t *testing.T) {
	t.Parallel()
	base := startSimulate(t, "--org-key", "k-org-123456", "--scim-key", "k-scim-123456")
	if status, _ := send(t, http.MethodGet, base+"/_sim/snapshot", fixtures.DefaultOrgKey, ""); status != http.StatusUnauthorized {
		t.Fatalf("default key on a simulator with its own keys: %d, want 401", status)
	}
	if status, _ := send(t, http.MethodGet, base+"/_sim/snapshot", "k-org-123456", ""); status != http.StatusOK {
		t.Fatalf("the org key given: %d, want 200", status)
	}
}

// linkedUserAndHeldAddress finds, in the snapshot, a SCIM user linked to an
// account and the email of another account of a verified domain.
func linkedUserAndHeldAddress(t *testing.T, s *fixtures.Snapshot) (dir, scimUser, held string) {
	t.Helper()
	verified := map[string]bool{}
	for _, d := range s.Domains {
		verified[d.Name] = d.Status == fixtures.DomainVerified
	}
	for _, d := range s.Directories {
		for _, u := range d.Users {
			if u.AtlassianAccountID == nil {
				continue
			}
			for _, a := range s.Accounts {
				_, domain, _ := strings.Cut(a.Email, "@")
				if a.AccountID != *u.AtlassianAccountID && verified[domain] {
					return d.ID, u.ID, a.Email
				}
			}
		}
	}
	t.Fatal("the demo org has no linked SCIM user")
	return "", "", ""
}

func primaryEmailOf(s *fixtures.Snapshot, dir, scimUser string) string {
	for _, d := range s.Directories {
		for _, u := range d.Users {
			if d.ID == dir && u.ID == scimUser {
				for _, e := range u.Emails {
					if e.Primary {
						return e.Value
					}
				}
			}
		}
	}
	return ""
}

// --accounts beyond what the memory here holds is refused before anything
// is built, with what it would need.
func TestSimulateRefusesMoreAccountsThanFit(t *testing.T) {
	t.Parallel()
	code, _, stderr := runCLI(t, nil, "simulate", "--accounts", "1000000000000")
	if code != exitBadInput || !strings.Contains(stderr, "--accounts 1000000000000: ") || !strings.Contains(stderr, "at most") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// SIGTERM while simulate builds a large org ends it at once (exit 130),
// saying nothing was served: before, generation went on to the end, and a
// large enough org grew past the machine's memory first.
func TestSimulateStopsOnSIGTERMWhileBuilding(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"simulate", "--accounts", "150000", "--addr", "127.0.0.1:0"}
	cmd := exec.Command(self)
	cmd.Env = cliEnv(args)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the process is up, the org half built
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("simulate did not stop within 10s of SIGTERM")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted || !strings.Contains(stderr.String(), "interrupted while building the simulated org") {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
}
