package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

type simulateFlags struct {
	snapshot       string
	accounts       int
	seed           int64
	addr           string
	orgKey         string
	scimKey        string
	latency        time.Duration
	errorRate      float64
	dropRate       float64
	rateLimit      int
	sendRetryAfter bool
}

func newSimulateCommand(a *app) *cobra.Command {
	var f simulateFlags
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Serve a simulated Atlassian org over HTTP until interrupted",
		Long: `simulate serves a simulated org on Atlassian's real API paths, so that the client,
a second terminal or an outside test can talk to it as to a live org (point
ATLASSIAN_API_URL at it). Beside Atlassian's paths it serves, with the org key,
POST /_idp/provision, /_idp/groups/remove, /_idp/groups/add and /_idp/delete
(body {"externalId": "..."}) to play the IdP admin, and GET /_sim/snapshot for the
org's current state.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSimulate(cmd, a, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.snapshot, "snapshot", "", "serve the org in this snapshot file (default: the embedded demo org)")
	fl.IntVar(&f.accounts, "accounts", 0, "serve a generated org of N accounts instead")
	fl.Int64Var(&f.seed, "seed", 1, "seed of the generated org (with --accounts)")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fl.StringVar(&f.orgKey, "org-key", "demo-org-key", "the org API key the simulator accepts")
	fl.StringVar(&f.scimKey, "scim-key", "demo-scim-key", "the SCIM API key the simulator accepts for every directory")
	fl.DurationVar(&f.latency, "latency", 0, "fault: add this latency to every answer")
	fl.Float64Var(&f.errorRate, "error-rate", 0, "fault: share of answers that are 500/503 (0 to 1)")
	fl.Float64Var(&f.dropRate, "drop-rate", 0, "fault: share of connections dropped without an answer (0 to 1)")
	fl.IntVar(&f.rateLimit, "rate-limit", 0, "requests per minute per key before 429 (0: no limit)")
	fl.BoolVar(&f.sendRetryAfter, "retry-after", false, "send Retry-After on 429 (Atlassian documents none)")
	return cmd
}

// fallbackMaxAccounts bounds --accounts where the memory available is not
// known (no /proc/meminfo): about 9 GB at fixtures.BytesPerAccount.
const fallbackMaxAccounts = 2_000_000

func (f simulateFlags) validate() error {
	switch {
	case f.snapshot != "" && f.accounts > 0:
		return errors.New("--snapshot and --accounts: choose one")
	case f.accounts < 0:
		return fmt.Errorf("--accounts %d: must be a positive number", f.accounts)
	case f.accounts > 0:
		if err := accountsFit(f.accounts); err != nil {
			return err
		}
	}
	return f.validateRest()
}

// accountsFit refuses a generated org larger than the memory available
// here can hold, before a byte of it is built: past that, the process
// would grow until the runtime or the kernel killed it.
func accountsFit(n int) error {
	most, avail, known := fixtures.MaxGenerated(fallbackMaxAccounts)
	switch {
	case n <= most:
		return nil
	case !known:
		return fmt.Errorf("--accounts %d: at most %d here (each account takes about %d KB, and the memory available is not known)",
			n, most, fixtures.BytesPerAccount/1000)
	}
	need := float64(n) * fixtures.BytesPerAccount / (1 << 30) // float: n*BytesPerAccount may not fit in 64 bits
	return fmt.Errorf("--accounts %d: a generated org that large needs about %.1f GB of memory, and %s is available: at most %d accounts here",
		n, need, fixtures.MemoryText(avail), most)
}

func (f simulateFlags) validateRest() error {
	switch {
	case f.errorRate < 0 || f.errorRate > 1:
		return fmt.Errorf("--error-rate %v: must be between 0 and 1", f.errorRate)
	case f.dropRate < 0 || f.dropRate > 1:
		return fmt.Errorf("--drop-rate %v: must be between 0 and 1", f.dropRate)
	case f.rateLimit < 0:
		return fmt.Errorf("--rate-limit %d: must not be negative", f.rateLimit)
	case f.orgKey == "" || f.scimKey == "":
		return errors.New("--org-key and --scim-key must not be empty")
	}
	return nil
}

func (f simulateFlags) load(ctx context.Context) (*fixtures.Snapshot, error) {
	switch {
	case f.accounts > 0:
		return fixtures.GenerateContext(ctx, f.accounts, f.seed)
	case f.snapshot != "":
		snap, err := fixtures.Load(f.snapshot)
		return snap, badInput(err)
	default:
		return fixtures.Demo(), nil
	}
}

// simulated is the org simulate serves, once built.
type simulated struct {
	snap *fixtures.Snapshot
	sim  *fixtures.Simulator
	err  error
}

// build loads or generates the org and sets up its simulator. Either can
// take minutes for a large org; SIGTERM or Ctrl-C during it ends the
// command at once (exit 130): generation stops itself, and what else was
// under way ends with the process.
func (f simulateFlags) build(ctx context.Context) (*fixtures.Snapshot, *fixtures.Simulator, error) {
	done := make(chan simulated, 1)
	go func() {
		snap, err := f.load(ctx)
		if err != nil {
			done <- simulated{err: err}
			return
		}
		sim, err := fixtures.NewSimulator(snap, fixtures.Options{
			OrgKey:    f.orgKey,
			ScimKey:   f.scimKey,
			RateLimit: fixtures.RateLimit{PerMinute: f.rateLimit, SendRetryAfter: f.sendRetryAfter},
			Faults:    fixtures.Faults{Latency: f.latency, ErrorRate: f.errorRate, DropRate: f.dropRate, Seed: f.seed},
		})
		done <- simulated{snap: snap, sim: sim, err: badInput(err)}
	}()
	select {
	case s := <-done:
		if s.err != nil && ctx.Err() == nil {
			return nil, nil, s.err
		}
		if s.err == nil {
			return s.snap, s.sim, nil
		}
	case <-ctx.Done():
	}
	return nil, nil, &interruptedError{err: errors.New("interrupted while building the simulated org: nothing was served")}
}

func runSimulate(cmd *cobra.Command, a *app, f simulateFlags) error {
	if err := f.validate(); err != nil {
		return badInput(err)
	}
	snap, sim, err := f.build(cmd.Context())
	if err != nil {
		return err
	}
	srv, err := fixtures.Start(sim, f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	defer srv.Close()
	fmt.Fprintf(a.stdout, "listening on %s\n", srv.URL)
	fmt.Fprintf(a.stdout, "org %s (%s): %d accounts, %d directories\n",
		safetext.Clean(snap.Org.ID), safetext.Clean(snap.Org.Name), len(snap.Accounts), len(snap.Directories))
	fmt.Fprintf(a.stdout, "point syncdoctor at it: ATLASSIAN_API_URL=%s ATLASSIAN_ORG_ID=%s with the org and SCIM keys given to simulate\n",
		srv.URL, safetext.Clean(snap.Org.ID))
	<-cmd.Context().Done()
	fmt.Fprintln(a.stdout, "stopped")
	return nil
}
