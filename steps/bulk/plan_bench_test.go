package bulk_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps/bulk"
)

// benchOrgAccounts is the size of the org every plan benchmark runs against.
const benchOrgAccounts = 100_000

// benchOrg is a generated org of benchOrgAccounts accounts served over
// loopback HTTP, shared by the benchmarks of one run (building it takes a
// few seconds) and never closed: the process ends with the run.
var benchOrg = sync.OnceValues(func() (*benchServed, error) {
	snap := fixtures.Generate(benchOrgAccounts, 1)
	sim, err := fixtures.NewSimulator(snap, fixtures.Options{})
	if err != nil {
		return nil, err
	}
	run, err := fixtures.Start(sim, "")
	if err != nil {
		return nil, err
	}
	c, err := client.New(client.Config{BaseURL: run.URL, OrgID: snap.Org.ID, OrgKey: client.Secret(sim.OrgKey())})
	if err != nil {
		return nil, err
	}
	return &benchServed{snap: snap, client: c}, nil
})

type benchServed struct {
	snap   *fixtures.Snapshot
	client *client.Client
}

// benchRows is a rebrand of n accounts spread over the org: each moves to
// the same local part on the other verified domain, so rows of every status
// come up (held targets, unmanaged accounts, unverified domains...).
func benchRows(snap *fixtures.Snapshot, n int) []bulk.Target {
	rows := make([]bulk.Target, 0, n)
	step := max(1, len(snap.Accounts)/n)
	for i := 0; len(rows) < n; i += step {
		email := snap.Accounts[i%len(snap.Accounts)].Email
		local, domain, _ := strings.Cut(email, "@")
		to := "example.io"
		if domain == to {
			to = "example.com"
		}
		rows = append(rows, bulk.Target{Line: len(rows) + 2, Current: email, Target: local + "@" + to})
	}
	return rows
}

// BenchmarkPlanBulk plans rows target rows against a generated org of
// 100,000 accounts served by the simulator over loopback HTTP.
func BenchmarkPlanBulk(b *testing.B) {
	org, err := benchOrg()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			rows := benchRows(org.snap, n)
			b.ReportAllocs()
			for b.Loop() {
				p, err := bulk.PlanRows(context.Background(), org.client, rows, bulk.Options{Setup: bulk.SetupSamlScim})
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Rows) != n {
					b.Fatalf("%d rows planned, want %d", len(p.Rows), n)
				}
			}
		})
	}
}

// BenchmarkPlanBulkGoogleWorkspace is BenchmarkPlanBulk in the Google
// Workspace setup, where each managed account's privileges are read too
// (one call per account: nothing else tells a Google-linked one).
func BenchmarkPlanBulkGoogleWorkspace(b *testing.B) {
	org, err := benchOrg()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			rows := benchRows(org.snap, n)
			b.ReportAllocs()
			for b.Loop() {
				p, err := bulk.PlanRows(context.Background(), org.client, rows, bulk.Options{Setup: bulk.SetupGoogleWorkspace})
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Rows) != n {
					b.Fatalf("%d rows planned, want %d", len(p.Rows), n)
				}
			}
		})
	}
}
