package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps/journal"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps"
)

// The demo's duplicate-account case, in live mode against `syncdoctor
// simulate` in its own process: the fix process is killed (SIGKILL) right
// after each mutating call in turn, resumed, and must reach the same org as
// an uninterrupted run, with no change made twice.
const (
	crashUser   = "tkobayashi@acme.com"
	crashTarget = "takeshi.kobayashi@acme.com"
)

func TestKilledFixResumesToTheSameOrg(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	t.Parallel()
	testKilledRuns(t, newCrashRig)
}

// On a simulated org (--snapshot) the IdP steps are the simulated IdP's and
// the org lives in the fix process itself, kept in its state file: a killed
// run resumes on the org as the kill left it.
func TestKilledFixOnASnapshotResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	t.Parallel()
	testKilledRuns(t, newSnapshotRig)
}

func testKilledRuns(t *testing.T, newRig func(*testing.T) *crashRig) {
	reference := newRig(t)
	reference.drive(0)
	want := reference.orgState()
	mutations := reference.okOutcomes()
	if mutations < 3 {
		t.Fatalf("the reference run made %d changes; the scenario should make several", mutations)
	}
	for n := 1; n <= mutations; n++ {
		t.Run(fmt.Sprintf("killed once change %d of %d is journaled", n, mutations), func(t *testing.T) {
			t.Parallel()
			rig := newRig(t)
			if !rig.drive(n) {
				t.Fatalf("the run ended before its change %d: nothing was killed", n)
			}
			if got := rig.orgState(); got != want {
				t.Errorf("org after kill and resume differs from the uninterrupted run's:\n%s", firstDifference(got, want))
			}
			if got := rig.okOutcomes(); got != mutations {
				t.Errorf("%d changes made, want %d: a change was repeated or lost\n%s", got, mutations, rig.lastRun().Timeline(nil))
			}
		})
	}
}

// crashRig is one simulated org in a `syncdoctor simulate` process, and the
// journal of the fix runs against it.
type crashRig struct {
	t        *testing.T
	url      string // the simulate process; "" for a --snapshot org
	snapshot string // the --snapshot file; "" for a live org
	journal  string
	env      []string
	flaky    bool // the org answers with faults: a failed run is resumed
	failures int  // runs that stopped on a fault, resumed
}

func newSnapshotRig(t *testing.T) *crashRig {
	t.Helper()
	dir := t.TempDir()
	data, err := fixtures.Demo().MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "org.json")
	if err := os.WriteFile(snap, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return &crashRig{t: t, snapshot: snap, journal: filepath.Join(dir, "journal.jsonl")}
}

func newCrashRig(t *testing.T) *crashRig {
	t.Helper()
	// Latency gives the test time to kill the fix right after a change,
	// before the next one is sent.
	return newLiveRig(t, "--latency", "15ms")
}

// newLiveRig serves the demo org from a `syncdoctor simulate` process
// started with the given fault flags.
func newLiveRig(t *testing.T, faults ...string) *crashRig {
	t.Helper()
	sim := exec.Command(os.Args[0])
	sim.Env = cliEnv(append([]string{"simulate", "--addr", "127.0.0.1:0"}, faults...))
	stdout, err := sim.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Process.Kill(); _ = sim.Wait() })
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatal("simulate printed nothing")
	}
	url := strings.TrimPrefix(lines.Text(), "listening on ")
	go io.Copy(io.Discard, stdout)
	demo := fixtures.Demo()
	return &crashRig{
		t:       t,
		url:     url,
		journal: filepath.Join(t.TempDir(), "journal.jsonl"),
		env: append([]string{
			"ATLASSIAN_API_URL=" + url, "ATLASSIAN_ORG_ID=" + demo.Org.ID,
			"ATLASSIAN_ORG_API_KEY=" + fixtures.DefaultOrgKey,
		}, scimEnv(demo)...),
	}
}

// scimEnv gives the key of every SCIM directory of the snapshot, with its
// IdP, as an operator with every key would set them.
func scimEnv(snap *fixtures.Snapshot) []string {
	var env []string
	for i, d := range snap.Directories {
		dirVar, keyVar := client.SCIMEnvNames(i + 1)
		idpVar := "ATLASSIAN_SCIM_IDP" + strings.TrimPrefix(dirVar, client.EnvSCIMDirectory)
		env = append(env, dirVar+"="+d.ID, keyVar+"="+fixtures.DefaultScimKey, idpVar+"="+d.Idp)
	}
	return env
}

// drive runs the fix to completion as an operator would: fix, then in turn
// the IdP step it waits for (played through the simulator's /_idp/ paths)
// and resume. With killAfter > 0 the process is killed once the journal
// holds that many completed changes; drive reports whether it was.
func (r *crashRig) drive(killAfter int) (killed bool) {
	r.t.Helper()
	args := []string{"fix", "--user", crashUser, "--target", crashTarget, "--yes", "--journal", r.journal}
	if r.snapshot != "" {
		args = append(args, "--snapshot", r.snapshot)
	}
	for round := 0; round < 20; round++ {
		code, wasKilled := r.runCLI(args, killAfter)
		if wasKilled {
			killed, killAfter = true, 0
		}
		args = []string{"resume", "--yes", "--journal", r.journal}
		run := r.lastRun()
		switch {
		case run.Status == journal.StatusCompleted:
			if code != exitOK && !wasKilled { // a kill may land after the last record
				r.t.Fatalf("run completed but the command exited %d", code)
			}
			return killed
		case run.Status == journal.StatusWaitingOperator:
			r.playIdP(run)
		case wasKilled && run.Status == journal.StatusInterrupted:
		case r.flaky && code == exitFailed && run.Status == journal.StatusFailed:
			// A fault the client could not ride out: the journal says where,
			// and resume goes on from there.
			r.failures++
		default:
			r.t.Fatalf("run %s ended %s (%s), exit %d", run.Header.RunID, run.Status, run.Reason, code)
		}
	}
	r.t.Fatal("the run did not complete in 20 rounds")
	return killed
}

// runCLI runs one syncdoctor command; with killAfter > 0 it is killed once
// the journal holds that many completed changes.
func (r *crashRig) runCLI(args []string, killAfter int) (code int, killed bool) {
	r.t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = cliEnv(args, r.env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				return exit.ExitCode(), false
			} else if err != nil {
				r.t.Fatal(err)
			}
			return 0, false
		case <-tick.C:
			if killAfter > 0 && r.okOutcomes() >= killAfter {
				_ = cmd.Process.Kill()
				<-done
				return -1, true
			}
		}
	}
}

// playIdP does in the simulated IdP what the waiting step asks of the operator.
func (r *crashRig) playIdP(run *journal.RunLog) {
	r.t.Helper()
	paths := map[steps.StepID]string{
		steps.StepProvisionUser:      "/_idp/provision",
		steps.StepIdpRemoveGroups:    "/_idp/groups/remove",
		steps.StepIdpAddGroups:       "/_idp/groups/add",
		steps.StepRestoreMemberships: "/_idp/groups/add",
	}
	for i, st := range run.Steps {
		if st.Status.Finished() {
			continue
		}
		step := run.Header.Plan[i]
		path, ok := paths[step.ID]
		if !ok {
			r.t.Fatalf("run waits on step %s, which the test cannot play", step.ID)
		}
		body := `{"externalId":"` + waitingIdpUser(run, step) + `"}`
		if status, answer := r.call(http.MethodPost, path, body); status != http.StatusOK {
			r.t.Fatalf("POST %s for step %d (%s, %s): %d %s\n%s", path, i+1, step.ID, st.Status, status, answer, run.Timeline(nil))
		}
		return
	}
	r.t.Fatal("run waits for the operator but every step is finished")
}

// waitingIdpUser is the IdP user a waiting step asks the operator to act on:
// its own, or, for restore-memberships (which names no IdP user: it waits
// when a synced group is still missing, and asks for the user to be added
// back in the IdP), the one the run's IdP steps name.
func waitingIdpUser(run *journal.RunLog, step steps.PlanStep) string {
	if step.Params.ExternalID != "" {
		return step.Params.ExternalID
	}
	for _, p := range run.Header.Plan {
		if p.Params.ExternalID != "" {
			return p.Params.ExternalID
		}
	}
	return ""
}

func (r *crashRig) call(method, path, body string) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest(method, r.url+path, strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+fixtures.DefaultOrgKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func (r *crashRig) lastRun() *journal.RunLog {
	r.t.Helper()
	runs, err := journal.ReadRuns(r.journal)
	if err != nil || len(runs) == 0 {
		r.t.Fatalf("read the journal: %v (%d runs)", err, len(runs))
	}
	return runs[len(runs)-1]
}

// okOutcomes counts the journal's completed changes.
func (r *crashRig) okOutcomes() int {
	data, err := os.ReadFile(r.journal)
	if err != nil {
		return 0
	}
	n := 0
	for _, line := range bytes.Split(data, []byte("\n")) {
		var rec journal.Record
		if json.Unmarshal(line, &rec) == nil && rec.Type == journal.RecOutcome && rec.Status == journal.OutcomeOK {
			n++
		}
	}
	return n
}

// orgState is the org as the simulator holds it, in snapshot form.
func (r *crashRig) orgState() string {
	r.t.Helper()
	if r.snapshot != "" {
		data, err := os.ReadFile(r.lastRun().Header.OrgState)
		if err != nil {
			r.t.Fatal(err)
		}
		return string(data)
	}
	status, body := r.call(http.MethodGet, "/_sim/snapshot", "")
	if status != http.StatusOK {
		r.t.Fatalf("GET /_sim/snapshot: %d %s", status, body)
	}
	return body
}

func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d and %d lines", len(g), len(w))
}

// Faults during a fix: 500/503 answers, dropped connections and a tight rate
// limit. The run completes, or stops with the journal saying where and
// resume finishing it, on the same org as a run without faults, with no
// change made twice.
func TestFixThroughFaultsReachesTheSameOrg(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	t.Parallel()
	reference := newCrashRig(t)
	reference.drive(0)
	for _, seed := range []string{"1", "2", "3"} {
		t.Run("seed "+seed, func(t *testing.T) {
			t.Parallel()
			rig := newLiveRig(t, "--error-rate", "0.15", "--drop-rate", "0.05", "--rate-limit", "600", "--retry-after", "--seed", seed)
			rig.flaky = true
			rig.drive(0)
			t.Logf("seed %s: %d runs stopped on a fault and were resumed", seed, rig.failures)
			if got, want := rig.orgState(), reference.orgState(); got != want {
				t.Errorf("org after a fix through faults differs:\n%s", firstDifference(got, want))
			}
			if got, want := rig.okOutcomes(), reference.okOutcomes(); got != want {
				t.Errorf("%d changes made, want %d\n%s", got, want, rig.lastRun().Timeline(nil))
			}
		})
	}
}
