package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/journal"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/fixtures/simorg"
	"github.com/syncdoctor/syncdoctor/steps"
)

// orgConn is an open org: the one client every mode reads and acts through,
// and, for a simulated org, the in-process simulator behind it.
type orgConn struct {
	Mode   steps.Mode
	Client *client.Client
	Hints  steps.Hints
	// googleWorkspace is whether the Google Workspace integration is on:
	// known for a simulated org, stated by ATLASSIAN_GOOGLE_WORKSPACE when live.
	googleWorkspace *bool
	state           string // the simulated org's state file; "" in memory or live
	sim             *fixtures.Simulator
	server          *fixtures.Running
}

// openOrg picks the org: --snapshot, else the live org from the environment,
// else the embedded demo org. A simulated org is served in-process over
// loopback HTTP so that every mode takes the same code path through client/.
func openOrg(ctx context.Context, getenv func(string) string, snapshotPath string) (*orgConn, error) {
	return openOrgWith(ctx, getenv, snapshotPath, "")
}

// openOrgWith is openOrg where a simulated org writes its state to
// statePath after every change ("" keeps it in memory only).
func openOrgWith(_ context.Context, getenv func(string) string, snapshotPath, statePath string) (*orgConn, error) {
	if snapshotPath != "" {
		snap, err := fixtures.Load(snapshotPath)
		if err != nil {
			return nil, badInput(err)
		}
		return serveSnapshot(snap, steps.ModeSimulated, statePath)
	}
	cfg, ok, err := client.ConfigFromEnv(getenv)
	if err != nil {
		return nil, badInput(err)
	}
	if !ok {
		return serveSnapshot(fixtures.Demo(), steps.ModeDemo, statePath)
	}
	// The journal refuses to write anything that holds a key.
	journal.RegisterSecret(cfg.OrgKey.Reveal())
	for _, d := range cfg.Directories {
		journal.RegisterSecret(d.Key.Reveal())
	}
	c, err := client.New(cfg)
	if err != nil {
		return nil, badInput(err)
	}
	hints, google, err := liveHints(getenv)
	if err != nil {
		return nil, badInput(err)
	}
	return &orgConn{Mode: steps.ModeLive, Client: c, Hints: hints, googleWorkspace: google}, nil
}

func serveSnapshot(snap *fixtures.Snapshot, mode steps.Mode, statePath string) (*orgConn, error) {
	sim, err := fixtures.NewSimulator(snap, fixtures.Options{StatePath: statePath})
	if err != nil {
		return nil, badInput(err)
	}
	if err := sim.SaveState(); err != nil {
		return nil, err
	}
	srv, err := fixtures.Start(sim, "")
	if err != nil {
		return nil, fmt.Errorf("start the simulated org: %w", err)
	}
	c, err := simorg.Client(sim, snap, srv.URL)
	if err != nil {
		srv.Close()
		return nil, err
	}
	google := snap.Setup.GoogleWorkspace
	return &orgConn{Mode: mode, Client: c, Hints: simorg.Hints(snap), googleWorkspace: &google, state: statePath, sim: sim, server: srv}, nil
}

// Close stops the in-process simulator, if any.
func (o *orgConn) Close() {
	if o.server != nil {
		o.server.Close()
	}
}

// Simulated reports whether the simulated IdP can carry out IdP steps.
func (o *orgConn) Simulated() bool { return o.sim != nil }

// writeSnapshot exports the simulated org's current state (--out-snapshot).
func (o *orgConn) writeSnapshot(path string) error {
	if o.sim == nil {
		return badInput(fmt.Errorf("--out-snapshot %s: only a simulated org (--snapshot) can be exported", path))
	}
	data, err := o.sim.Snapshot().MarshalIndent()
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o600)
}

// liveHints reads, for a live org, the facts no Atlassian API shows, where
// the operator states them in the environment; unset means unknown.
func liveHints(getenv func(string) string) (steps.Hints, *bool, error) {
	h := steps.Hints{DirectoryIdp: map[string]steps.IdpKind{}}
	saml, err := envBool(getenv, "ATLASSIAN_SAML_SSO")
	if err != nil {
		return h, nil, err
	}
	h.SamlSso = saml
	google, err := envBool(getenv, "ATLASSIAN_GOOGLE_WORKSPACE")
	if err != nil {
		return h, nil, err
	}
	if dir, idp := getenv("ATLASSIAN_SCIM_DIRECTORY_ID"), getenv("ATLASSIAN_SCIM_IDP"); dir != "" && idp != "" {
		switch kind := steps.IdpKind(idp); {
		case kind.Valid():
			h.DirectoryIdp[dir] = kind
		default:
			return h, nil, fmt.Errorf("ATLASSIAN_SCIM_IDP=%q: want entra, okta, google, onelogin or other", idp)
		}
	}
	return h, google, nil
}

// envBool reads an on/off variable; unset is nil (unknown).
func envBool(getenv func(string) string, name string) (*bool, error) {
	var v bool
	switch strings.ToLower(strings.TrimSpace(getenv(name))) {
	case "":
		return nil, nil
	case "on", "true", "1", "yes", "enforced", "optional":
		v = true
	case "off", "false", "0", "no":
		v = false
	default:
		return nil, fmt.Errorf("%s=%q: want on or off", name, getenv(name))
	}
	return &v, nil
}

// setup is the org's SSO and provisioning setup that decides bulk paths.
func (o *orgConn) setup() bulk.OrgSetup {
	return bulk.DetectSetup(o.Hints, len(o.Client.DirectoryIDs()), o.googleWorkspace)
}
