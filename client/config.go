package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
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
	// Logger, when set, gets a Debug record of every attempt (method, path,
	// status, duration, attempt) and of every wait before a retry. Keys
	// never reach it: no header is logged, and server text is redacted.
	Logger *slog.Logger
	// OnWait, when set, is told of every wait before a retry, before it
	// starts, so that a program can say why nothing seems to happen (a
	// rate limit's reset can be a minute away). It must not block.
	OnWait func(Wait)
}

// maxSCIMPair is the last suffix ConfigFromEnv scans: _2 … _99.
const maxSCIMPair = 99

// SCIMEnvNames names the variables of the n-th SCIM pair: n=1 is the
// unsuffixed ATLASSIAN_SCIM_DIRECTORY_ID / ATLASSIAN_SCIM_API_KEY, n≥2 adds
// "_n". Messages elsewhere use it so that they name exactly what to set.
func SCIMEnvNames(n int) (dirVar, keyVar string) {
	if n <= 1 {
		return EnvSCIMDirectory, EnvSCIMAPIKey
	}
	suffix := "_" + strconv.Itoa(n)
	return EnvSCIMDirectory + suffix, EnvSCIMAPIKey + suffix
}

// scimEnvPair is one SCIM directory/key pair as the environment gives it.
type scimEnvPair struct {
	dirVar, keyVar string
	dir, key       string // trimmed values, either may be ""
}

// ConfigFromEnv reads the live org's settings. ok is false (and err nil) when
// nothing points at a live org: neither the org id nor the org key nor a SCIM
// variable is set, and the caller then uses the demo org. A partial setting is
// an error that names the missing variable; no error ever contains a key.
// SCIM directories come in pairs: ATLASSIAN_SCIM_DIRECTORY_ID and
// ATLASSIAN_SCIM_API_KEY, then the same names with _2 … _99 (gaps allowed),
// into Config.Directories in that order. A directory variable may also hold
// the directory base URL the admin UI shows (…/scim/directory/{id}).
func ConfigFromEnv(getenv func(string) string) (cfg Config, ok bool, err error) {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	orgID, orgKey := get(EnvOrgID), get(EnvOrgAPIKey)
	pairs, err := scimPairsFromEnv(get)
	if err != nil {
		return Config{}, false, err
	}
	if orgID == "" && orgKey == "" {
		if len(pairs) == 0 {
			return Config{}, false, nil
		}
		// SCIM settings alone are a half-configured live org, not a wish for
		// the demo: say so rather than silently showing simulated data.
		return Config{}, false, fmt.Errorf("%s and %s are not set, but %s is: set the org id and org API key as well",
			EnvOrgID, EnvOrgAPIKey, firstSet(pairs[0]))
	}
	switch {
	case orgID == "":
		return Config{}, false, fmt.Errorf("%s is not set (%s is): set both to use a live org", EnvOrgID, EnvOrgAPIKey)
	case orgKey == "":
		return Config{}, false, fmt.Errorf("%s is not set (%s is): set both to use a live org", EnvOrgAPIKey, EnvOrgID)
	}
	dirs, err := directoriesFrom(pairs)
	if err != nil {
		return Config{}, false, err
	}
	return Config{BaseURL: get(EnvAPIURL), OrgID: orgID, OrgKey: Secret(orgKey), Directories: dirs}, true, nil
}

// scimPairsFromEnv collects the SCIM pairs of which at least one variable is
// set, in suffix order. A "_1" pair is refused rather than ignored: the first
// pair has no suffix, and a setting that is silently skipped would leave its
// directory unread with nothing saying why.
func scimPairsFromEnv(get func(string) string) ([]scimEnvPair, error) {
	if get(EnvSCIMDirectory+"_1") != "" || get(EnvSCIMAPIKey+"_1") != "" {
		return nil, fmt.Errorf("%s_1 and %s_1 are not read: the first SCIM directory goes in %s and %s, further ones in _2, _3, …",
			EnvSCIMDirectory, EnvSCIMAPIKey, EnvSCIMDirectory, EnvSCIMAPIKey)
	}
	var pairs []scimEnvPair
	for n := 1; n <= maxSCIMPair; n++ {
		dirVar, keyVar := SCIMEnvNames(n)
		p := scimEnvPair{dirVar: dirVar, keyVar: keyVar, dir: get(dirVar), key: get(keyVar)}
		if p.dir != "" || p.key != "" {
			pairs = append(pairs, p)
		}
	}
	return pairs, nil
}

// directoriesFrom checks every pair (both halves set, a usable id, no
// directory twice) and turns them into DirectoryKeys.
func directoriesFrom(pairs []scimEnvPair) ([]DirectoryKey, error) {
	var dirs []DirectoryKey
	varOf := map[string]string{} // directory id → the variable that gave it
	for _, p := range pairs {
		switch {
		case p.dir == "":
			return nil, fmt.Errorf("%s is not set (%s is): set both to read SCIM", p.dirVar, p.keyVar)
		case p.key == "":
			return nil, fmt.Errorf("%s is not set (%s is): set both to read SCIM", p.keyVar, p.dirVar)
		}
		id, err := directoryIDFrom(p.dirVar, p.dir)
		if err != nil {
			return nil, err
		}
		if prev, dup := varOf[id]; dup {
			// Two keys for one directory: which one is right cannot be told.
			return nil, fmt.Errorf("%s and %s name the same SCIM directory %s: give each directory once", prev, p.dirVar, id)
		}
		varOf[id] = p.dirVar
		dirs = append(dirs, DirectoryKey{ID: id, Key: Secret(p.key)})
	}
	return dirs, nil
}

// firstSet names the variable of p that is set, the directory's first.
func firstSet(p scimEnvPair) string {
	if p.dir != "" {
		return p.dirVar
	}
	return p.keyVar
}

// directoryIDFrom accepts a bare directory id or the "Directory base URL"
// Atlassian shows when provisioning is set up, whose last segment is the id.
// name is the variable v came from, for the error.
// DirectoryIDFrom reads a SCIM directory id as the environment gives it:
// the id itself, or the directory's base URL (…/scim/directory/{id}). name
// is the variable it came from, for the error.
func DirectoryIDFrom(name, v string) (string, error) { return directoryIDFrom(name, v) }

func directoryIDFrom(name, v string) (string, error) {
	if i := strings.Index(v, scimDirectoryPath); i >= 0 {
		v = strings.Trim(v[i+len(scimDirectoryPath):], "/")
		if j := strings.IndexByte(v, '/'); j >= 0 {
			v = v[:j]
		}
	}
	if v == "" || strings.ContainsAny(v, "/?# ") {
		return "", fmt.Errorf("%s: want a SCIM directory id or its base URL (…/scim/directory/{id})", name)
	}
	return v, nil
}

// parseBaseURL checks the API base URL: https anywhere, plain http only to a
// loopback host (the simulator), since the keys travel in every request.
// Credentials, a query or a fragment are refused, and no message repeats
// the URL as given: whatever sits there may be a key, and messages reach
// the screen and the logs. They show scheme and host at most.
func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s is not a URL (its value is not repeated here: it may hold a key)", EnvAPIURL)
	}
	switch {
	case u.User != nil:
		// Credentials in the URL would end up in error messages.
		return nil, fmt.Errorf("%s must not carry credentials (user:password@): keys go in %s and %s", EnvAPIURL, EnvOrgAPIKey, EnvSCIMAPIKey)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(raw, "?#"):
		return nil, fmt.Errorf("%s must not have a query or fragment (what follows ? or #): give scheme, host and path only, keys go in %s and %s", EnvAPIURL, EnvOrgAPIKey, EnvSCIMAPIKey)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("%s has no host: want https://HOST[/PATH]", EnvAPIURL)
	case u.Scheme == "https":
	case u.Scheme == "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("%s %s: plain http is refused except on loopback (127.0.0.1, ::1, localhost); use https", EnvAPIURL, shownURL(u))
		}
	default:
		return nil, fmt.Errorf("%s %s: scheme must be https", EnvAPIURL, shownURL(u))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// shownURL is the part of a checked URL a message may show: scheme and
// host, never credentials, a path (someone may paste a key there too), a
// query or a fragment.
func shownURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
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
