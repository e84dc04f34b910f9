package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// snapshotArgs is --snapshot with the scenario's org, from this package's
// directory, when it is not the demo org.
func snapshotArgs(sc fixtures.Scenario) []string {
	if sc.Snapshot == "" {
		return nil
	}
	return []string{"--snapshot", filepath.Join("..", "..", sc.Snapshot)}
}

// Issue 3's acceptance, through the real command line on the demo org:
// diagnose, fix --dry-run and fix --yes work on every scenario.
func TestEveryDemoScenarioThroughTheCLI(t *testing.T) {
	t.Parallel()
	for _, sc := range fixtures.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			args := append(snapshotArgs(sc), "--user", sc.User, "--target", sc.Target)
			if sc.IdpError != "" {
				args = append(snapshotArgs(sc), "--user", sc.User, "--idp-error", sc.IdpError)
			}
			code, out, stderr := runCLI(t, nil, append([]string{"diagnose", "--json"}, args...)...)
			if code != exitOK {
				t.Fatalf("diagnose exit %d: %s", code, stderr)
			}
			var d struct {
				Verdict  string
				Findings []struct{ Code string }
				Plan     []steps.PlanStep
			}
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatalf("diagnose --json: %v\n%s", err, out)
			}
			if d.Verdict != sc.Verdict {
				t.Fatalf("verdict %s, want %s", d.Verdict, sc.Verdict)
			}
			for _, f := range sc.Findings {
				if !slices.ContainsFunc(d.Findings, func(got struct{ Code string }) bool { return got.Code == f }) {
					t.Errorf("finding %s missing from %+v", f, d.Findings)
				}
			}

			jpath := filepath.Join(t.TempDir(), "journal.jsonl")
			fix := append([]string{"fix", "--journal", jpath}, args...)
			if code, out, stderr := runCLI(t, nil, append(fix, "--dry-run")...); code != exitOK {
				t.Fatalf("fix --dry-run exit %d: %s\n%s", code, stderr, out)
			} else if len(d.Plan) > 0 && !strings.Contains(out, "Dry run") {
				t.Errorf("fix --dry-run listed no calls:\n%s", out)
			}

			code, out, stderr = runCLI(t, nil, append(fix, "--yes")...)
			runs, _ := journal.ReadRuns(jpath)
			switch sc.Fix {
			case fixtures.FixNothing:
				if code != exitOK || len(runs) != 0 || len(d.Plan) != 0 || strings.Contains(out, "Fixed") {
					t.Fatalf("no plan: exit %d, %d runs journaled:\n%s", code, len(runs), out)
				}
			case fixtures.FixFixed:
				if code != exitOK || len(runs) != 1 || !runs[0].Fixed() || !strings.Contains(out, "Fixed: the API shows") {
					t.Fatalf("fix --yes exit %d (%s), journal %+v:\n%s", code, stderr, runs, out)
				}
			case fixtures.FixHandoff:
				// A fix the tool must not make stops for a person: exit 3,
				// saying who must act, and the run waits in the journal.
				waiting := len(runs) == 1 && runs[0].Status == journal.StatusWaitingOperator
				if code != exitWaiting || !waiting || !strings.Contains(stderr, "stopped for a person") || !strings.Contains(out, "handed off") {
					t.Fatalf("fix --yes exit %d (%s)\n%s", code, stderr, out)
				}
			}
		})
	}
}
