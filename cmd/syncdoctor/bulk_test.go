package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// bulkOrgJSON is an org moving from acme.com to acme.io: n people an admin
// can change, two of whose targets are held (a pilot account, a former
// employee still provisioned), and one person the IdP provisions.
func bulkOrgJSON(n int) string {
	var accts []string
	for i := range n {
		accts = append(accts, fmt.Sprintf(`{"accountId": "a-%d", "name": "Person %d", "email": "p%d@acme.com"}`, i, i, i))
	}
	accts = append(accts,
		`{"accountId": "h-0", "name": "Pilot", "email": "p0@acme.io", "productAccess": ["confluence"]}`,
		`{"accountId": "h-1", "name": "Leaver", "email": "p1@acme.io", "accountStatus": "inactive"}`,
		`{"accountId": "a-idp", "name": "Provisioned", "email": "idp@acme.com"}`)
	return `{
  "org": {"id": "org-bulk", "name": "Acme"},
  "setup": {"samlSso": "enforced"},
  "domains": [{"name": "acme.com", "status": "verified"}, {"name": "acme.io", "status": "verified"}],
  "accounts": [` + strings.Join(accts, ",\n") + `],
  "directories": [{"id": "d-entra", "name": "Entra", "idp": "entra", "users": [
    {"id": "s-h1", "externalId": "x-h1", "userName": "p1@acme.io", "displayName": "Leaver", "active": false,
     "emails": [{"value": "p1@acme.io", "type": "work", "primary": true}], "atlassianAccountId": "h-1"},
    {"id": "s-idp", "externalId": "x-idp", "userName": "idp@acme.com", "displayName": "Provisioned", "active": true,
     "emails": [{"value": "idp@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "a-idp"}]}]
}`
}

func bulkTargets(n int) string {
	var b strings.Builder
	b.WriteString("current_email,target_email\n")
	for i := range n {
		fmt.Fprintf(&b, "p%d@acme.com,p%d@acme.io\n", i, i)
	}
	b.WriteString("idp@acme.com,idp@acme.io\nnot-an-address,x@acme.io\n")
	return b.String()
}

// writeBulkFiles writes the org and the target list into dir.
func writeBulkFiles(t *testing.T, dir string, n int) (snapshot, targets string) {
	t.Helper()
	snapshot, targets = filepath.Join(dir, "org.json"), filepath.Join(dir, "targets.csv")
	if err := os.WriteFile(snapshot, []byte(bulkOrgJSON(n)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(targets, []byte(bulkTargets(n)), 0o600); err != nil {
		t.Fatal(err)
	}
	return snapshot, targets
}

func TestBulkApplyThroughTheCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	snap, targets := writeBulkFiles(t, dir, 4)
	jpath, ws, after := filepath.Join(dir, "j.jsonl"), filepath.Join(dir, "idp.csv"), filepath.Join(dir, "after.json")
	base := []string{"bulk", "apply", "--snapshot", snap, "--targets", targets, "--journal", jpath, "--worksheet", ws}

	code, out, stderr := runCLI(t, nil, append(base, "--dry-run", "--json")...)
	if code != exitOK {
		t.Fatalf("dry run exit %d: %s", code, stderr)
	}
	var dry struct {
		Changes []struct {
			ID     string
			Params map[string]string
			Calls  []struct{ Method, Path string }
		}
		Left      []struct{ Line int }
		Worksheet []struct{ Idp, Attribute string }
	}
	if err := json.Unmarshal([]byte(out), &dry); err != nil {
		t.Fatalf("dry run JSON: %v\n%s", err, out)
	}
	if len(dry.Changes) != 7 || dry.Changes[0].ID != "bulk-unlink-holder" || len(dry.Worksheet) != 2 || dry.Worksheet[0].Idp != "entra" {
		t.Fatalf("dry run: %+v", dry)
	}
	for _, c := range dry.Changes {
		for _, call := range c.Calls {
			if strings.Contains(call.Path, "{") {
				t.Errorf("%s: path %s is not as sent", c.ID, call.Path)
			}
		}
	}
	if _, err := os.Stat(ws); err == nil {
		t.Error("the dry run wrote the worksheet")
	}

	code, out, stderr = runCLI(t, nil, append(base, "--yes", "--out-snapshot", after, "--batch-size", "2", "--pause", "1ms")...)
	if code != exitWaiting || !strings.Contains(stderr, "2 worksheet lines wait for the IdP's admin") || !strings.Contains(out, "done: 7") {
		t.Fatalf("apply exit %d: %s\n%s", code, stderr, out)
	}
	data, err := os.ReadFile(ws)
	if err != nil || !strings.Contains(string(data), "line,account_id,name,current_email,target_email,idp,attribute,old_value,new_value\n") ||
		!strings.Contains(string(data), "6,a-idp,Provisioned,idp@acme.com,idp@acme.io,entra,") {
		t.Fatalf("worksheet %v:\n%s", err, data)
	}
	snapAfter, _ := os.ReadFile(after)
	for _, want := range []string{`"email": "p0@acme.io"`, `"email": "p0_FREE@acme.io"`, `"email": "p1_FREE@acme.io"`, `"email": "p3@acme.io"`} {
		if !strings.Contains(string(snapAfter), want) {
			t.Errorf("after the apply the org lacks %s", want)
		}
	}

	code, out, stderr = runCLI(t, nil, "bulk", "verify", "--snapshot", after, "--targets", targets, "--journal", jpath, "--json")
	var rep struct{ Summary map[string]int }
	if code != exitOK || json.Unmarshal([]byte(out), &rep) != nil || rep.Summary["done"] != 4 || rep.Summary["pending"] != 1 || rep.Summary["failed"] != 1 {
		t.Fatalf("verify exit %d (%s): %s", code, stderr, out)
	}
}

func TestBulkApplyBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	snap, targets := writeBulkFiles(t, dir, 1)
	for name, args := range map[string][]string{
		"no targets":          {"bulk", "apply", "--snapshot", snap, "--yes"},
		"neither yes nor dry": {"bulk", "apply", "--snapshot", snap, "--targets", targets},
		"pause alone":         {"bulk", "apply", "--snapshot", snap, "--targets", targets, "--yes", "--pause", "1s"},
		"negative batch":      {"bulk", "apply", "--snapshot", snap, "--targets", targets, "--yes", "--batch-size", "-1"},
		"missing list":        {"bulk", "apply", "--snapshot", snap, "--targets", filepath.Join(dir, "nope.csv"), "--dry-run"},
		"verify no targets":   {"bulk", "verify", "--snapshot", snap},
	} {
		if code, _, stderr := runCLI(t, nil, args...); code != exitBadInput || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q", name, code, stderr)
		}
	}
}

// A bulk apply killed (SIGKILL) after each change in turn resumes to the
// same org as an uninterrupted one, without making a change twice.
func TestKilledBulkApplyResumesToTheSameOrg(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	t.Parallel()
	reference := newBulkRig(t)
	reference.driveBulk(0)
	want, mutations := reference.orgState(), reference.applied()
	if mutations != 7 {
		t.Fatalf("the reference run made %d changes, want 7", mutations)
	}
	for n := 1; n < mutations; n++ {
		t.Run(fmt.Sprintf("killed after change %d", n), func(t *testing.T) {
			t.Parallel()
			rig := newBulkRig(t)
			if !rig.driveBulk(n) {
				t.Fatalf("the run ended before its change %d", n)
			}
			if got := rig.orgState(); got != want {
				t.Errorf("org after kill and resume differs:\n%s", firstDifference(got, want))
			}
			if got := rig.applied(); got != mutations {
				t.Errorf("%d changes made, want %d\n%s", got, mutations, rig.lastRun().Timeline(nil))
			}
		})
	}
}

type bulkRig struct {
	*crashRig
	targets string
	changes *atomic.Int64 // changes the org took, as the proxy saw them
}

// applied counts the changes the org took.
func (r *bulkRig) applied() int { return int(r.changes.Load()) }

// countingProxy forwards to target and counts the changes the org took:
// the mutating calls it answered with success. A call whose client was
// killed still goes through to the end, as it would at Atlassian once sent.
func countingProxy(t *testing.T, target string) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), r.Method, target+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		if !isRead(r.Method, r.URL.Path) && !strings.HasPrefix(r.URL.Path, "/_") && resp.StatusCode < 300 {
			n.Add(1)
		}
		maps.Copy(w.Header(), resp.Header)
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// newBulkRig serves the bulk org from a `syncdoctor simulate` process,
// slowed down so that a kill lands between changes.
func newBulkRig(t *testing.T) *bulkRig {
	t.Helper()
	snap, targets := writeBulkFiles(t, t.TempDir(), 4)
	rig := newLiveRig(t, "--snapshot", snap, "--latency", "15ms")
	proxy, changes := countingProxy(t, rig.url)
	rig.env = []string{"ATLASSIAN_API_URL=" + proxy, "ATLASSIAN_ORG_ID=org-bulk", "ATLASSIAN_ORG_API_KEY=demo-org-key",
		"ATLASSIAN_SCIM_DIRECTORY_ID=d-entra", "ATLASSIAN_SCIM_API_KEY=demo-scim-key", "ATLASSIAN_SCIM_IDP=entra"}
	return &bulkRig{crashRig: rig, targets: targets, changes: changes}
}

// driveBulk runs bulk apply, killed once killAfter changes are journaled
// (0: never), then resume until the run completes.
func (r *bulkRig) driveBulk(killAfter int) (killed bool) {
	r.t.Helper()
	args := []string{"bulk", "apply", "--targets", r.targets, "--yes", "--journal", r.journal, "--worksheet", r.targets + ".ws.csv"}
	for round := 0; round < 5; round++ {
		code, wasKilled := r.runCLI(args, killAfter)
		killed = killed || wasKilled
		killAfter = 0
		run := r.lastRun()
		switch {
		case run.Status == journal.StatusCompleted:
			if code != exitWaiting && !wasKilled {
				r.t.Fatalf("bulk run completed with exit %d, want 3 (worksheet lines wait)", code)
			}
			return killed
		case wasKilled && run.Status == journal.StatusInterrupted:
			args = []string{"resume", "--yes", "--journal", r.journal}
		default:
			r.t.Fatalf("bulk run %s ended %s (%s), exit %d", run.Header.RunID, run.Status, run.Reason, code)
		}
	}
	r.t.Fatal("the bulk run did not complete in 5 rounds")
	return killed
}
