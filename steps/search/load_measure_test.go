package search

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
)

// TestMeasureLoad times loading the org the environment names, when
// SYNCDOCTOR_MEASURE_LOAD is set: how long the wizard's loading takes over
// a real network. For instance, against a simulated org of 200,000
// accounts 150 ms away:
//
//	go run ./cmd/syncdoctor simulate --accounts 200000 --latency 150ms --addr 127.0.0.1:18080
//	SYNCDOCTOR_MEASURE_LOAD=1 ATLASSIAN_API_URL=http://127.0.0.1:18080 \
//	  ATLASSIAN_ORG_ID=gen-200000-seed1 ATLASSIAN_ORG_API_KEY=demo-org-key \
//	  go test ./steps/search -run TestMeasureLoad -v -timeout 30m
//
// SYNCDOCTOR_MEASURE_INFLIGHT sets LoadOptions.InFlight (1: one search at
// a time).
func TestMeasureLoad(t *testing.T) {
	if os.Getenv("SYNCDOCTOR_MEASURE_LOAD") == "" {
		t.Skip("set SYNCDOCTOR_MEASURE_LOAD and the org's ATLASSIAN_* variables to measure")
	}
	cfg, ok, err := client.ConfigFromEnv(os.Getenv)
	if err != nil || !ok {
		t.Fatalf("the org to load: %v", err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	inFlight, _ := strconv.Atoi(os.Getenv("SYNCDOCTOR_MEASURE_INFLIGHT"))
	ix := NewIndex()
	var last LoadProgress
	start := time.Now()
	err = LoadOrgWith(context.Background(), c, ix, LoadOptions{InFlight: inFlight}, func(p LoadProgress) {
		if p.Page%100 == 0 {
			t.Logf("%6.1fs: %+v", time.Since(start).Seconds(), p)
		}
		last = p
	})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d accounts and %d groups of %d in %d pages, %.1fs (InFlight %d)",
		last.Accounts, last.Groups, last.Total, last.Page, took.Seconds(), inFlight)
}
