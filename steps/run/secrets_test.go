package run

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

func TestSecretGuardRefusesRegisteredSecret(t *testing.T) {
	const key = "orgkey-7Qh2sV9xLw3pZt"
	// "" would match everything and "abc" ordinary words: both are ignored.
	h := newHarness(t, newFakeOrg(), "", key, "", "abc")
	env := h.x.Env
	env.RunID = "run-secret"
	sent := false
	do := func(context.Context) error { sent = true; return nil }

	for name, c := range map[string]struct {
		call   steps.Call
		before any
	}{
		"in the body":   {steps.Call{Method: "PUT", Path: "/x", Body: `{"apiKey":"` + key + `"}`}, nil},
		"in before":     {steps.Call{Method: "PUT", Path: "/x"}, map[string]string{"key": key}},
		"bearer header": {steps.Call{Method: "PUT", Path: "/x", Note: "Authorization: Bearer abcdef0123456789ghijkl"}, nil},
		"basic header":  {steps.Call{Method: "PUT", Path: "/x", Note: "Authorization: Basic dXNlcjpwYXNzd29yZA=="}, nil},
		"atlassian":     {steps.Call{Method: "PUT", Path: "/x", Body: "ATATT3xFfGF0abcdef0123456789ghijklwxyz"}, nil},
		"jwt":           {steps.Call{Method: "PUT", Path: "/x", Body: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl"}, nil},
	} {
		err := env.Mutate(context.Background(), "set-email", c.call, c.before, do)
		if !errors.Is(err, journal.ErrSecretInJournal) || sent {
			t.Errorf("%s: err %v, sent %v", name, err, sent)
		}
		if err != nil && strings.Contains(err.Error(), key) {
			t.Errorf("%s: the error quotes the secret", name)
		}
	}
	data, _ := os.ReadFile(h.path)
	if len(data) != 0 {
		t.Errorf("journal holds %q", data)
	}

	// An error text that echoes a key is journaled redacted, not dropped:
	// the outcome must still be recorded.
	err := env.Mutate(context.Background(), "set-email", steps.Call{Method: "PUT", Path: "/x"}, nil, func(context.Context) error {
		return errors.New("401: bad key " + key + " (Bearer abcdef0123456789ghijkl)")
	})
	if err == nil {
		t.Fatal("do's error was lost")
	}
	data, _ = os.ReadFile(h.path)
	if strings.Contains(string(data), key) || strings.Contains(string(data), "abcdef0123456789ghijkl") || !strings.Contains(string(data), `401: bad key [redacted] ([redacted])`) {
		t.Errorf("journal: %s", data)
	}

	// Plain emails and account ids are fine (and "abc" was not registered).
	sent = false
	if err := env.Mutate(context.Background(), "set-email", steps.Call{Method: "PUT", Path: "/users/712020:5f1a/manage/email", Body: `{"email":"abc@acme.com"}`}, map[string]string{"email": "old@acme.com"}, do); err != nil || !sent {
		t.Errorf("ordinary call refused: %v", err)
	}
}

func TestSecretGuardCoversEveryRecord(t *testing.T) {
	const key = "scimkey-Zr8wQe4Tn1Ym"
	h := newHarness(t, newFakeOrg(), "", key)
	h.x.Env.RunID = "run-secret-fact"
	if err := journal.NewJournaledFacts(nil, h.x.persistFact).Set("oops", key); !errors.Is(err, journal.ErrSecretInJournal) {
		t.Errorf("fact: %v", err)
	}
	hd := fixHeader("run-secret-header")
	hd.Tool = "v1 " + key
	if _, err := h.x.Start(context.Background(), hd); !errors.Is(err, journal.ErrSecretInJournal) {
		t.Errorf("header: %v", err)
	}
	secrets := journal.NewSecrets(key)
	if got := secrets.Redact("key=" + key + " done"); got != "key=[redacted] done" {
		t.Errorf("Redact = %q", got)
	}
	// Prose about authentication is not a token.
	for _, prose := range []string{"Basic authentication is off", "a bearer of bad tidings", "Bearer authentication-required"} {
		if err := secrets.Check(prose); err != nil || secrets.Redact(prose) != prose {
			t.Errorf("%q taken for a token: %v / %q", prose, err, secrets.Redact(prose))
		}
	}
}
