package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/fixtures/simorg"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

// openOrg picks the org: --snapshot, else the live org from the environment,
// else the embedded demo org. A simulated org is served in-process over
// loopback HTTP so that every mode takes the same code path through client/.
func openOrg(ctx context.Context, a *app, snapshotPath string) (*run.Org, error) {
	return openOrgWith(ctx, a, snapshotPath, "")
}

// openOrgWith is openOrg where a simulated org writes its state to
// statePath after every change ("" keeps it in memory only).
func openOrgWith(_ context.Context, a *app, snapshotPath, statePath string) (*run.Org, error) {
	if snapshotPath != "" {
		snap, err := fixtures.Load(snapshotPath)
		if err != nil {
			return nil, badInput(err)
		}
		return openSimulated(snap, steps.ModeSimulated, statePath, a.tuneClient)
	}
	cfg, ok, err := client.ConfigFromEnv(a.getenv)
	if err != nil {
		return nil, badInput(err)
	}
	if !ok {
		return openSimulated(fixtures.Demo(), steps.ModeDemo, statePath, a.tuneClient)
	}
	a.tuneClient(&cfg)
	c, err := client.New(cfg)
	if err != nil {
		return nil, badInput(err)
	}
	hints, err := liveHints(a.getenv)
	if err != nil {
		return nil, badInput(err)
	}
	return &run.Org{
		Client: c, Hints: hints, Mode: steps.ModeLive,
		Secrets: configSecrets(cfg), Close: func() {},
	}, nil
}

// configSecrets are the keys of a live org's configuration.
func configSecrets(cfg client.Config) *journal.Secrets {
	keys := []string{cfg.OrgKey.Reveal()}
	for _, d := range cfg.Directories {
		keys = append(keys, d.Key.Reveal())
	}
	return journal.NewSecrets(keys...)
}

// envSecrets are the keys in the environment, if any, for the commands that
// print what the journal holds without opening the org, and for the last
// line of a failed command. Every key variable counts, whether or not the
// rest of the configuration holds together: a half-set environment is
// exactly when an error may quote a key.
func envSecrets(getenv func(string) string) *journal.Secrets {
	keys := []string{strings.TrimSpace(getenv(client.EnvOrgAPIKey))}
	for n := 1; n <= maxSCIMPairs; n++ {
		_, keyVar := client.SCIMEnvNames(n)
		keys = append(keys, strings.TrimSpace(getenv(keyVar)))
	}
	return journal.NewSecrets(keys...)
}

// openSimulated serves a snapshot in-process; a snapshot the simulator
// refuses is bad input.
func openSimulated(snap *fixtures.Snapshot, mode steps.Mode, statePath string, tune func(*client.Config)) (*run.Org, error) {
	org, err := simorg.Open(snap, mode, statePath, tune)
	var bad *simorg.SnapshotError
	if errors.As(err, &bad) {
		return nil, badInput(err)
	}
	return org, err
}

// writeSnapshot exports the simulated org's current state (--out-snapshot).
func writeSnapshot(org *run.Org, path string) error {
	if org.Export == nil {
		return badInput(fmt.Errorf("--out-snapshot %s: only a simulated org (--snapshot) can be exported", path))
	}
	data, err := org.Export()
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o600) // escaped by MarshalIndent

}

// liveHints reads, for a live org, the facts no Atlassian API shows, where
// the operator states them in the environment; unset means unknown.
func liveHints(getenv func(string) string) (steps.Hints, error) {
	h := steps.Hints{DirectoryIdp: map[string]steps.IdpKind{}}
	saml, err := envBool(getenv, "ATLASSIAN_SAML_SSO")
	if err != nil {
		return h, err
	}
	h.SamlSso = saml
	google, err := envBool(getenv, "ATLASSIAN_GOOGLE_WORKSPACE")
	if err != nil {
		return h, err
	}
	h.GoogleWorkspace = google
	// Each SCIM directory's IdP: ATLASSIAN_SCIM_IDP beside the first pair,
	// ATLASSIAN_SCIM_IDP_2 beside the second, and so on.
	for n := 1; n <= maxSCIMPairs; n++ {
		dirVar, _ := client.SCIMEnvNames(n)
		idpVar := "ATLASSIAN_SCIM_IDP" + strings.TrimPrefix(dirVar, client.EnvSCIMDirectory)
		dir, idp := strings.TrimSpace(getenv(dirVar)), strings.TrimSpace(getenv(idpVar))
		if dir == "" || idp == "" {
			continue
		}
		kind := steps.IdpKind(idp)
		if !kind.Valid() {
			return h, fmt.Errorf("%s=%q: want entra, okta, google, onelogin or other", idpVar, idp)
		}
		id, err := client.DirectoryIDFrom(dirVar, dir)
		if err != nil {
			return h, err
		}
		h.DirectoryIdp[id] = kind
	}
	return h, nil
}

// maxSCIMPairs is the highest suffix of a SCIM directory pair client reads.
const maxSCIMPairs = 99

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
func setup(org *run.Org) bulk.OrgSetup {
	return bulk.DetectSetup(org.Hints, len(org.Client.DirectoryIDs()))
}
