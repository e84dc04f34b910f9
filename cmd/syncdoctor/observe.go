package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
)

// EnvDebug turns on --debug from the environment.
const EnvDebug = "SYNCDOCTOR_DEBUG"

// debugOn: --debug, or SYNCDOCTOR_DEBUG set to 1, true, yes or on.
func (a *app) debugOn() bool {
	if a.debug {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(a.getenv(EnvDebug))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// tuneClient sets how the client is watched: with --debug every API call
// is logged to stderr, and outside the wizard every wait of a second or
// more before a retry is told there ("rate-limited: retrying in 12 s
// (X-RateLimit-Reset)"), so that a minute of rate limit does not look like
// a hang. The wizard's screen owns the terminal: it is told nothing here.
func (a *app) tuneClient(cfg *client.Config) {
	if a.debugOn() {
		cfg.Logger = a.debugLogger()
	}
	switch {
	case !a.wizard:
		cfg.OnWait = a.announceWait
	case a.waits != nil:
		cfg.OnWait = func(w client.Wait) {
			select { // the wizard shows the latest; a full queue drops one
			case a.waits <- w:
			default:
			}
		}
	}
}

// debugLogger writes Debug records as text lines to stderr. Every string
// passes through the environment's keys as a last net: the client logs no
// header, and redacts what servers say.
func (a *app) debugLogger() *slog.Logger {
	secrets := envSecrets(a.getenv)
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, attr slog.Attr) slog.Attr {
			if attr.Value.Kind() == slog.KindString {
				attr.Value = slog.StringValue(secrets.Redact(attr.Value.String()))
			}
			return attr
		},
	}))
}

// announceWait tells a wait of a second or more on stderr, one line; the
// short backoffs of a flaky connection go by unsaid (--debug shows them).
func (a *app) announceWait(w client.Wait) {
	if w.Delay >= time.Second {
		fmt.Fprintln(a.stderr, w.String())
	}
}

// lockedWriter serialises writes: the client logs and tells waits from the
// goroutines of parallel searches while the command prints its progress.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
