// Package client is the only code in syncdoctor that speaks HTTP: Atlassian's
// Organizations, user-management, user-provisioning admin and SCIM APIs, with
// the key each one takes, retries that never repeat a change blindly, and
// typed errors the diagnosis can branch on. See ../shared/atlassian/api-facts.md.
package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/syncdoctor/syncdoctor/client/redact"
)

// Body size limits: larger answers are refused rather than read into memory
// (a page of 100 users with their groups is tens of kilobytes).
const (
	maxBodyBytes  = 16 << 20
	maxErrorBytes = 64 << 10
)

// Client talks to one org. It is safe for concurrent use: everything but the
// last rate-limit reading is fixed by New.
type Client struct {
	base    *url.URL
	orgID   string
	orgKey  Secret
	dirs    []DirectoryKey // config order, for DirectoryIDs
	dirKey  map[string]Secret
	http    *http.Client
	timeout time.Duration
	retries int
	maxWait time.Duration
	agent   string
	sleep   func(ctx context.Context, d time.Duration) error
	now     func() time.Time // clock for X-RateLimit-Reset and Retry-After dates
	maxBody int64
	keys    *redact.Keys // every key, in every spelling redact looks for
	log     *slog.Logger // nil: no log
	onWait  func(Wait)   // nil: waits are not told

	mu   sync.Mutex
	rate RateLimit
}

// New checks cfg and builds a client. It makes no request.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	cfg, err = checkConfig(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:    base,
		orgID:   cfg.OrgID,
		orgKey:  cfg.OrgKey,
		dirs:    slices.Clone(cfg.Directories),
		dirKey:  make(map[string]Secret, len(cfg.Directories)),
		http:    withRedirectPolicy(cfg.HTTPClient),
		timeout: cfg.Timeout,
		retries: cfg.MaxRetries,
		maxWait: cfg.MaxWait,
		agent:   cfg.UserAgent,
		sleep:   cfg.Sleep,
		now:     time.Now,
		maxBody: maxBodyBytes,
		log:     cfg.Logger,
		onWait:  cfg.OnWait,
	}
	keys := []string{cfg.OrgKey.Reveal()}
	for _, d := range cfg.Directories {
		c.dirKey[d.ID] = d.Key
		keys = append(keys, d.Key.Reveal())
	}
	c.keys = redact.New(keys...)
	return c, nil
}

// OrgID is the org this client works on.
func (c *Client) OrgID() string { return c.orgID }

// DirectoryIDs lists the SCIM directories a key was configured for, in
// configuration order.
func (c *Client) DirectoryIDs() []string {
	ids := make([]string, len(c.dirs))
	for i, d := range c.dirs {
		ids[i] = d.ID
	}
	return ids
}

// LastRateLimit is what the X-RateLimit-* headers said on the most recent
// answer that carried them (zero before any).
func (c *Client) LastRateLimit() RateLimit {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rate
}

func (c *Client) setRateLimit(r RateLimit) {
	c.mu.Lock()
	c.rate = r
	c.mu.Unlock()
}

// String describes the client without its keys. fmt cannot call Secret's
// methods on unexported fields, so without this %v of a *Client would print
// the keys raw.
func (c *Client) String() string {
	return fmt.Sprintf("client.Client{org %s at %s, %d SCIM directories}", c.orgID, c.base.Redacted(), len(c.dirs))
}

// Format makes every verb (%#v and %+v included) use String.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// redact removes every configured key from text that came from a server, in
// case one echoes the Authorization header back: as it was sent, or
// base64-, URL-, hex- or JSON-encoded (see package redact). Very short keys
// are left alone: replacing them would mangle ordinary words and they are
// not real.
func (c *Client) redact(s string) string { return c.keys.String(s) }

// defaultTransport is Go's default transport keeping as many idle
// connections to the API as the client has calls in flight (Go keeps two):
// otherwise most of a large lookup's searches would each open, and over
// TLS handshake, a connection of their own.
func defaultTransport() http.RoundTripper {
	def, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport // replaced by the program: its choice
	}
	tr := def.Clone()
	tr.MaxIdleConnsPerHost = max(tr.MaxIdleConnsPerHost, searchesInFlight)
	return tr
}

// errRedirectRefused stops a redirect that would carry a key to another host.
var errRedirectRefused = errors.New("redirect to another host or scheme refused: the API key is never sent elsewhere")

// withRedirectPolicy copies hc (never changing the caller's client) and
// refuses redirects that leave the original scheme and host. Go already drops
// Authorization on some cross-domain redirects, but not to a subdomain or to
// another port of the same host, and Atlassian's APIs have no reason to
// redirect at all.
func withRedirectPolicy(hc *http.Client) *http.Client {
	out := http.Client{Transport: defaultTransport()}
	if hc != nil {
		out = *hc
	}
	next := out.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
			return errRedirectRefused
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 5 {
			return errors.New("stopped after 5 redirects")
		}
		return nil
	}
	return &out
}
