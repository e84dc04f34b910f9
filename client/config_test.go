package client

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	const key = "env-org-key-value-123"
	const scimKey = "env-scim-key-value-456"
	tests := []struct {
		name    string
		env     map[string]string
		wantOK  bool
		wantErr string // substring; "" = no error
		check   func(t *testing.T, cfg Config)
	}{
		{name: "nothing set: demo", env: nil},
		{name: "only the API URL: demo", env: map[string]string{EnvAPIURL: "http://127.0.0.1:9"}},
		{name: "blank values count as unset", env: map[string]string{EnvOrgID: "  ", EnvOrgAPIKey: "\n"}},
		{
			name:    "org id without key",
			env:     map[string]string{EnvOrgID: "o1"},
			wantErr: EnvOrgAPIKey + " is not set",
		},
		{
			name:    "key without org id",
			env:     map[string]string{EnvOrgAPIKey: key},
			wantErr: EnvOrgID + " is not set",
		},
		{
			name:    "SCIM directory without its key",
			env:     map[string]string{EnvOrgID: "o1", EnvOrgAPIKey: key, EnvSCIMDirectory: "d1"},
			wantErr: EnvSCIMAPIKey + " is not set",
		},
		{
			name:    "SCIM key without its directory",
			env:     map[string]string{EnvOrgID: "o1", EnvOrgAPIKey: key, EnvSCIMAPIKey: scimKey},
			wantErr: EnvSCIMDirectory + " is not set",
		},
		{
			name:    "SCIM settings without the org",
			env:     map[string]string{EnvSCIMDirectory: "d1", EnvSCIMAPIKey: scimKey},
			wantErr: EnvOrgID + " and " + EnvOrgAPIKey + " are not set",
		},
		{
			name:   "org only",
			env:    map[string]string{EnvOrgID: " o1 ", EnvOrgAPIKey: key + "\n"},
			wantOK: true,
			check: func(t *testing.T, cfg Config) {
				if cfg.OrgID != "o1" || cfg.OrgKey.Reveal() != key || cfg.BaseURL != "" || len(cfg.Directories) != 0 {
					t.Errorf("cfg = %+v (key %q), want org o1 with the trimmed key and no directories", cfg, cfg.OrgKey.Reveal())
				}
			},
		},
		{
			name: "everything",
			env: map[string]string{EnvOrgID: "o1", EnvOrgAPIKey: key, EnvSCIMDirectory: "d1",
				EnvSCIMAPIKey: scimKey, EnvAPIURL: "http://localhost:8080"},
			wantOK: true,
			check: func(t *testing.T, cfg Config) {
				if cfg.BaseURL != "http://localhost:8080" {
					t.Errorf("BaseURL = %q", cfg.BaseURL)
				}
				if len(cfg.Directories) != 1 || cfg.Directories[0].ID != "d1" || cfg.Directories[0].Key.Reveal() != scimKey {
					t.Errorf("Directories = %v, want d1 with the SCIM key", cfg.Directories)
				}
			},
		},
		{
			name: "directory given as its base URL",
			env: map[string]string{EnvOrgID: "o1", EnvOrgAPIKey: key,
				EnvSCIMDirectory: "https://api.atlassian.com/scim/directory/abcdeg1234/", EnvSCIMAPIKey: scimKey},
			wantOK: true,
			check: func(t *testing.T, cfg Config) {
				if got := cfg.Directories[0].ID; got != "abcdeg1234" {
					t.Errorf("directory id = %q, want abcdeg1234", got)
				}
			},
		},
		{
			name: "directory id that is not one",
			env: map[string]string{EnvOrgID: "o1", EnvOrgAPIKey: key,
				EnvSCIMDirectory: "a b", EnvSCIMAPIKey: scimKey},
			wantErr: EnvSCIMDirectory,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, ok, err := ConfigFromEnv(envOf(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), key) || strings.Contains(err.Error(), scimKey) {
					t.Errorf("error leaks a key: %v", err)
				}
				if ok {
					t.Error("ok = true with an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if tt.check != nil {
				tt.check(t, cfg)
			}
		})
	}
}

// TestConfigFromEnvSeveralDirectories: pairs _2 … _99 beside the unsuffixed
// one, in suffix order, each checked like the first.
func TestConfigFromEnvSeveralDirectories(t *testing.T) {
	t.Parallel()
	const (
		orgKey = "env-org-key-value-123"
		key1   = "env-scim-key-one-111"
		key2   = "env-scim-key-two-222"
		key7   = "env-scim-key-seven-777"
		key99  = "env-scim-key-last-999"
	)
	org := map[string]string{EnvOrgID: "o1", EnvOrgAPIKey: orgKey}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range org {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    []DirectoryKey // on success
		wantErr string         // the whole message; "" = no error
	}{
		{
			name: "three pairs with gaps, in suffix order",
			env: with(map[string]string{
				EnvSCIMDirectory + "_7": "d7", EnvSCIMAPIKey + "_7": key7,
				EnvSCIMDirectory: "d1", EnvSCIMAPIKey: key1,
				EnvSCIMDirectory + "_2": "d2", EnvSCIMAPIKey + "_2": key2,
			}),
			want: []DirectoryKey{{"d1", key1}, {"d2", key2}, {"d7", key7}},
		},
		{
			name: "numbered pairs without the unsuffixed one",
			env: with(map[string]string{
				EnvSCIMDirectory + "_99": "d99", EnvSCIMAPIKey + "_99": key99,
				EnvSCIMDirectory + "_2": " d2 ", EnvSCIMAPIKey + "_2": key2 + "\n",
			}),
			want: []DirectoryKey{{"d2", key2}, {"d99", key99}},
		},
		{
			name: "a numbered pair given as the base URL",
			env: with(map[string]string{
				EnvSCIMDirectory: "d1", EnvSCIMAPIKey: key1,
				EnvSCIMDirectory + "_3": "https://api.atlassian.com/scim/directory/abc-3/", EnvSCIMAPIKey + "_3": key2,
			}),
			want: []DirectoryKey{{"d1", key1}, {"abc-3", key2}},
		},
		{
			name: "suffixes past 99 are not read",
			env: with(map[string]string{
				EnvSCIMDirectory: "d1", EnvSCIMAPIKey: key1,
				EnvSCIMDirectory + "_100": "d100", EnvSCIMAPIKey + "_100": key2,
			}),
			want: []DirectoryKey{{"d1", key1}},
		},
		{
			name:    "numbered directory without its key",
			env:     with(map[string]string{EnvSCIMDirectory: "d1", EnvSCIMAPIKey: key1, EnvSCIMDirectory + "_2": "d2"}),
			wantErr: "ATLASSIAN_SCIM_API_KEY_2 is not set (ATLASSIAN_SCIM_DIRECTORY_ID_2 is): set both to read SCIM",
		},
		{
			name:    "numbered key without its directory",
			env:     with(map[string]string{EnvSCIMAPIKey + "_5": key2}),
			wantErr: "ATLASSIAN_SCIM_DIRECTORY_ID_5 is not set (ATLASSIAN_SCIM_API_KEY_5 is): set both to read SCIM",
		},
		{
			name: "the same directory twice",
			env: with(map[string]string{
				EnvSCIMDirectory: "d1", EnvSCIMAPIKey: key1,
				EnvSCIMDirectory + "_2": "d2", EnvSCIMAPIKey + "_2": key2,
				EnvSCIMDirectory + "_4": "d1", EnvSCIMAPIKey + "_4": key7,
			}),
			wantErr: "ATLASSIAN_SCIM_DIRECTORY_ID and ATLASSIAN_SCIM_DIRECTORY_ID_4 name the same SCIM directory d1: give each directory once",
		},
		{
			name: "the same directory twice, once as its base URL",
			env: with(map[string]string{
				EnvSCIMDirectory + "_2": "abc", EnvSCIMAPIKey + "_2": key2,
				EnvSCIMDirectory + "_3": "https://api.atlassian.com/scim/directory/abc", EnvSCIMAPIKey + "_3": key2,
			}),
			wantErr: "ATLASSIAN_SCIM_DIRECTORY_ID_2 and ATLASSIAN_SCIM_DIRECTORY_ID_3 name the same SCIM directory abc: give each directory once",
		},
		{
			name:    "a numbered directory id that is not one",
			env:     with(map[string]string{EnvSCIMDirectory + "_2": "https://api.atlassian.com/scim/directory/", EnvSCIMAPIKey + "_2": key2}),
			wantErr: "ATLASSIAN_SCIM_DIRECTORY_ID_2: want a SCIM directory id or its base URL (…/scim/directory/{id})",
		},
		{
			name:    "numbered SCIM settings without the org",
			env:     map[string]string{EnvSCIMAPIKey + "_3": key2},
			wantErr: "ATLASSIAN_ORG_ID and ATLASSIAN_ORG_API_KEY are not set, but ATLASSIAN_SCIM_API_KEY_3 is: set the org id and org API key as well",
		},
		{
			name:    "the org check comes before the SCIM pairs",
			env:     map[string]string{EnvOrgID: "o1", EnvSCIMDirectory + "_2": "d2"},
			wantErr: "ATLASSIAN_ORG_API_KEY is not set (ATLASSIAN_ORG_ID is): set both to use a live org",
		},
		{
			name:    "a _1 pair is refused, not skipped",
			env:     with(map[string]string{EnvSCIMDirectory + "_1": "d1", EnvSCIMAPIKey + "_1": key1}),
			wantErr: "ATLASSIAN_SCIM_DIRECTORY_ID_1 and ATLASSIAN_SCIM_API_KEY_1 are not read: the first SCIM directory goes in ATLASSIAN_SCIM_DIRECTORY_ID and ATLASSIAN_SCIM_API_KEY, further ones in _2, _3, …",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, ok, err := ConfigFromEnv(envOf(tt.env))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v\nwant %s", err, tt.wantErr)
				}
				for _, k := range []string{orgKey, key1, key2, key7, key99} {
					if strings.Contains(err.Error(), k) {
						t.Errorf("error leaks a key: %v", err)
					}
				}
				if ok || len(cfg.Directories) != 0 {
					t.Errorf("ok = %v, cfg = %v with an error", ok, cfg)
				}
				return
			}
			if err != nil || !ok {
				t.Fatalf("ok = %v, err = %v", ok, err)
			}
			if !slices.Equal(cfg.Directories, tt.want) {
				t.Errorf("Directories = %v, want %v", ids(cfg.Directories), ids(tt.want))
			}
			if _, err := New(cfg); err != nil {
				t.Errorf("New refuses what ConfigFromEnv gave: %v", err)
			}
		})
	}
}

// ids lists the directory ids (the keys print as [redacted] anyway).
func ids(ds []DirectoryKey) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func TestSCIMEnvNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n                int
		wantDir, wantKey string
	}{
		{1, "ATLASSIAN_SCIM_DIRECTORY_ID", "ATLASSIAN_SCIM_API_KEY"},
		{2, "ATLASSIAN_SCIM_DIRECTORY_ID_2", "ATLASSIAN_SCIM_API_KEY_2"},
		{17, "ATLASSIAN_SCIM_DIRECTORY_ID_17", "ATLASSIAN_SCIM_API_KEY_17"},
		{99, "ATLASSIAN_SCIM_DIRECTORY_ID_99", "ATLASSIAN_SCIM_API_KEY_99"},
		{0, "ATLASSIAN_SCIM_DIRECTORY_ID", "ATLASSIAN_SCIM_API_KEY"},
	}
	for _, tt := range tests {
		dir, key := SCIMEnvNames(tt.n)
		if dir != tt.wantDir || key != tt.wantKey {
			t.Errorf("SCIMEnvNames(%d) = %s, %s; want %s, %s", tt.n, dir, key, tt.wantDir, tt.wantKey)
		}
	}
}

func TestConfigFromEnvBuildsAClient(t *testing.T) {
	t.Parallel()
	cfg, ok, err := ConfigFromEnv(envOf(map[string]string{EnvOrgID: "o1", EnvOrgAPIKey: "k-123456789",
		EnvSCIMDirectory: "d1", EnvSCIMAPIKey: "s-123456789"}))
	if err != nil || !ok {
		t.Fatalf("ConfigFromEnv: ok=%v err=%v", ok, err)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if c.base.String() != DefaultBaseURL || c.OrgID() != "o1" || strings.Join(c.DirectoryIDs(), ",") != "d1" {
		t.Errorf("client = base %s org %s dirs %v", c.base, c.OrgID(), c.DirectoryIDs())
	}
}

func TestNewBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		want    string // the base the client uses; "" = refused
		errPart string
	}{
		{raw: "", want: "https://api.atlassian.com"},
		{raw: "https://api.atlassian.com/", want: "https://api.atlassian.com"},
		{raw: "https://proxy.example.com/atlassian/", want: "https://proxy.example.com/atlassian"},
		{raw: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{raw: "http://127.9.8.7", want: "http://127.9.8.7"},
		{raw: "http://[::1]:8080", want: "http://[::1]:8080"},
		{raw: "http://localhost:8080", want: "http://localhost:8080"},
		{raw: "http://LocalHost", want: "http://LocalHost"},
		{raw: "http://api.atlassian.com", errPart: "plain http is refused"},
		{raw: "http://10.0.0.1:8080", errPart: "plain http is refused"},
		{raw: "http://localhost.evil.example", errPart: "plain http is refused"},
		{raw: "http://128.0.0.1", errPart: "plain http is refused"},
		{raw: "ftp://api.atlassian.com", errPart: "scheme must be https"},
		{raw: "https://", errPart: "no host"},
		{raw: "api.atlassian.com", errPart: "no host"},
		{raw: "https://user:hunter2-password@api.atlassian.com", errPart: "must not carry credentials"},
		{raw: "https://api.atlassian.com/?x=1", errPart: "query"},
		{raw: "https://a b", errPart: "not a URL"},
		// None of these may come back in the message: a key pasted into
		// the URL would reach the screen and the logs.
		{raw: "https://api.atlassian.com/admin?token=hunter2", errPart: "must not have a query"},
		{raw: "https://api.atlassian.com?", errPart: "must not have a query"},
		{raw: "https://api.atlassian.com/#hunter2", errPart: "must not have a query or fragment"},
		{raw: "https://:hunter2@api.atlassian.com", errPart: "must not carry credentials"},
		{raw: "https://u:hunter2@a b/?k=hunter2", errPart: "not a URL"},
		{raw: "http://evil.example/hunter2", errPart: "http://evil.example: plain http is refused"},
		{raw: "ftp://api.atlassian.com/hunter2", errPart: "ftp://api.atlassian.com: scheme must be https"},
		{raw: "//hunter2@", errPart: "must not carry credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			c, err := New(Config{BaseURL: tt.raw, OrgID: "o", OrgKey: "k"})
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), tt.errPart) {
					t.Fatalf("New(%q) err = %v, want one containing %q", tt.raw, err, tt.errPart)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("error repeats the URL's password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tt.raw, err)
			}
			if got := c.base.String(); got != tt.want {
				t.Errorf("base = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     Config
		errPart string
	}{
		{"no org id", Config{OrgKey: "k"}, "no org id"},
		{"org id with a slash", Config{OrgID: "a/b", OrgKey: "k"}, "not an id"},
		{"no org key", Config{OrgID: "o"}, "no org API key"},
		{"directory without id", Config{OrgID: "o", OrgKey: "k", Directories: []DirectoryKey{{Key: "s"}}}, "has no id"},
		{"directory without key", Config{OrgID: "o", OrgKey: "k", Directories: []DirectoryKey{{ID: "d"}}}, "d has no API key"},
		{"directory twice", Config{OrgID: "o", OrgKey: "k", Directories: []DirectoryKey{{ID: "d", Key: "a"}, {ID: "d", Key: "b"}}}, "listed twice"},
		{"negative timeout", Config{OrgID: "o", OrgKey: "k", Timeout: -time.Second}, "must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.errPart) {
				t.Fatalf("err = %v, want one containing %q", err, tt.errPart)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	t.Parallel()
	c, err := New(Config{OrgID: "o", OrgKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	if c.timeout != DefaultTimeout || c.retries != DefaultMaxRetries || c.maxWait != DefaultMaxWait || c.agent != DefaultUserAgent {
		t.Errorf("defaults: timeout %s retries %d maxWait %s agent %q", c.timeout, c.retries, c.maxWait, c.agent)
	}
	if c.http == nil || c.http.CheckRedirect == nil {
		t.Error("no redirect policy installed")
	}
	none, err := New(Config{OrgID: "o", OrgKey: "k", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if none.retries != 0 {
		t.Errorf("MaxRetries -1 gives %d retries, want 0", none.retries)
	}
}

func TestDefaultSleepHonoursContext(t *testing.T) {
	t.Parallel()
	if err := sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("sleep 1ms: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := sleep(ctx, time.Hour); err != context.Canceled {
		t.Errorf("sleep with a cancelled context = %v, want context.Canceled", err)
	}
	if time.Since(start) > time.Second {
		t.Error("sleep did not return when the context ended")
	}
}

func TestOrgIDAndDirectoryIDs(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, "http://127.0.0.1:1")
	if c.OrgID() != testOrg {
		t.Errorf("OrgID = %q", c.OrgID())
	}
	ids := c.DirectoryIDs()
	if strings.Join(ids, ",") != dirA+","+dirB {
		t.Errorf("DirectoryIDs = %v, want config order", ids)
	}
	ids[0] = "changed"
	if c.DirectoryIDs()[0] != dirA {
		t.Error("DirectoryIDs hands out the client's own slice")
	}
}
