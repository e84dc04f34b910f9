package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is where Atlassian serves every API this client speaks.
const DefaultBaseURL = "https://api.atlassian.com"

// Defaults of Config.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 4
	DefaultMaxWait    = 75 * time.Second // a per-minute window's reset (up to 61 s away) fits
	DefaultUserAgent  = "syncdoctor"
)

// Environment variables read by ConfigFromEnv (contract §5).
const (
	EnvOrgID          = "ATLASSIAN_ORG_ID"
	EnvOrgAPIKey      = "ATLASSIAN_ORG_API_KEY"
	EnvSCIMDirectory  = "ATLASSIAN_SCIM_DIRECTORY_ID"
	EnvSCIMAPIKey     = "ATLASSIAN_SCIM_API_KEY"
	EnvAPIURL         = "ATLASSIAN_API_URL"
	scimDirectoryPath = "/scim/directory/"
)

// DirectoryKey is a SCIM directory and the API key that directory's
// provisioning was set up with.
type DirectoryKey struct {
	ID  string
	Key Secret
}

// Config says which org to talk to, with which keys, and how patiently.
type Config struct {
	BaseURL     string         // default "https://api.atlassian.com"; plain http:// only on loopback
	OrgID       string         // the organization id (admin.atlassian.com/o/{orgId})
	OrgKey      Secret         // org API key, created without scopes (user management refuses scoped keys)
	Directories []DirectoryKey // SCIM directories and their SCIM keys
	HTTPClient  *http.Client   // optional; its CheckRedirect is wrapped, never replaced
	Timeout     time.Duration  // per attempt; default 30s
	MaxRetries  int            // retries after the first attempt; 0 means 4, negative means none
	MaxWait     time.Duration  // longest wait between attempts; default 60s. A server asking for more ends the call
	UserAgent   string         // default "syncdoctor"
	// Sleep waits between attempts; tests inject one that records waits.
	// The default sleeps and returns ctx.Err() when ctx ends first.
	Sleep func(ctx context.Context, d time.Duration) error
}

// ConfigFromEnv reads the live org's settings. ok is false (and err nil) when
// nothing points at a live org: neither the org id nor the org key nor a SCIM
// variable is set, and the caller then uses the demo org. A partial setting is
// an error that names the missing variable; no error ever contains a key.
// ATLASSIAN_SCIM_DIRECTORY_ID may also be the directory base URL the admin UI
// shows (https://api.atlassian.com/scim/directory/{id}).
func ConfigFromEnv(getenv func(string) string) (cfg Config, ok bool, err error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	orgID, orgKey := get(EnvOrgID), get(EnvOrgAPIKey)
	dirID, dirKey := get(EnvSCIMDirectory), get(EnvSCIMAPIKey)
	if orgID == "" && orgKey == "" {
		if dirID == "" && dirKey == "" {
			return Config{}, false, nil
		}
		// SCIM settings alone are a half-configured live org, not a wish for
		// the demo: say so rather than silently showing simulated data.
		return Config{}, false, fmt.Errorf("%s and %s are not set, but %s is: set the org id and org API key as well",
			EnvOrgID, EnvOrgAPIKey, firstSet(dirID, EnvSCIMDirectory, EnvSCIMAPIKey))
	}
	switch {
	case orgID == "":
		return Config{}, false, fmt.Errorf("%s is not set (%s is): set both to use a live org", EnvOrgID, EnvOrgAPIKey)
	case orgKey == "":
		return Config{}, false, fmt.Errorf("%s is not set (%s is): set both to use a live org", EnvOrgAPIKey, EnvOrgID)
	case dirID == "" && dirKey != "":
		return Config{}, false, fmt.Errorf("%s is not set (%s is): set both to read SCIM", EnvSCIMDirectory, EnvSCIMAPIKey)
	case dirID != "" && dirKey == "":
		return Config{}, false, fmt.Errorf("%s is not set (%s is): set both to read SCIM", EnvSCIMAPIKey, EnvSCIMDirectory)
	}
	cfg = Config{BaseURL: get(EnvAPIURL), OrgID: orgID, OrgKey: Secret(orgKey)}
	if dirID != "" {
		id, err := directoryIDFrom(dirID)
		if err != nil {
			return Config{}, false, err
		}
		cfg.Directories = []DirectoryKey{{ID: id, Key: Secret(dirKey)}}
	}
	return cfg, true, nil
}

func firstSet(dirID, dirName, keyName string) string {
	if dirID != "" {
		return dirName
	}
	return keyName
}

// directoryIDFrom accepts a bare directory id or the "Directory base URL"
// Atlassian shows when provisioning is set up, whose last segment is the id.
func directoryIDFrom(v string) (string, error) {
	if i := strings.Index(v, scimDirectoryPath); i >= 0 {
		v = strings.Trim(v[i+len(scimDirectoryPath):], "/")
		if j := strings.IndexByte(v, '/'); j >= 0 {
			v = v[:j]
		}
	}
	if v == "" || strings.ContainsAny(v, "/?# ") {
		return "", fmt.Errorf("%s: want a SCIM directory id or its base URL (…/scim/directory/{id})", EnvSCIMDirectory)
	}
	return v, nil
}

// parseBaseURL checks the API base URL: https anywhere, plain http only to a
// loopback host (the simulator), since the keys travel in every request.
func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("API URL %q is not a URL", raw)
	}
	switch {
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("API URL %q has no host", raw)
	case u.User != nil:
		// Credentials in the URL would end up in error messages.
		return nil, fmt.Errorf("API URL must not carry credentials (user:password@); keys go in %s and %s", EnvOrgAPIKey, EnvSCIMAPIKey)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("API URL %s must not have a query or fragment", u.Redacted())
	case u.Scheme == "https":
	case u.Scheme == "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("API URL %s: plain http is refused except on loopback (127.0.0.1, ::1, localhost); use https", u.Redacted())
		}
	default:
		return nil, fmt.Errorf("API URL %s: scheme must be https", u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkConfig validates what New needs and fills in defaults.
func checkConfig(cfg Config) (Config, error) {
	if strings.TrimSpace(cfg.OrgID) == "" {
		return cfg, errors.New("client: no org id")
	}
	if strings.ContainsAny(cfg.OrgID, "/?#") {
		return cfg, fmt.Errorf("client: org id %q is not an id", cfg.OrgID)
	}
	if cfg.OrgKey.IsZero() {
		return cfg, errors.New("client: no org API key")
	}
	seen := map[string]bool{}
	for i, d := range cfg.Directories {
		switch {
		case d.ID == "":
			return cfg, fmt.Errorf("client: SCIM directory %d has no id", i+1)
		case d.Key.IsZero():
			return cfg, fmt.Errorf("client: SCIM directory %s has no API key", d.ID)
		case seen[d.ID]:
			return cfg, fmt.Errorf("client: SCIM directory %s is listed twice", d.ID)
		}
		seen[d.ID] = true
	}
	if cfg.Timeout < 0 || cfg.MaxWait < 0 {
		return cfg, errors.New("client: Timeout and MaxWait must not be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.MaxWait == 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	return cfg, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
