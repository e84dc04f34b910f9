package main

import (
	"strings"
	"testing"
)

// diagnose's text says the verdict in the same plain words as the wizard.
func TestDiagnoseTextExplainsTheVerdict(t *testing.T) {
	t.Parallel()
	code, out, stderr := runCLI(t, nil, "diagnose", "--user", "tkobayashi@acme.com", "--target", "takeshi.kobayashi@acme.com")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Verdict   duplicate-account", "Provisioning made a second account for Takeshi Kobayashi.", "Accounts cannot be merged"} {
		if !strings.Contains(out, want) {
			t.Errorf("diagnose output lacks %q:\n%s", want, out)
		}
	}
}

// An org that cannot be read is said with what to check, on one line.
func TestUnreadableOrgSaysWhatToCheck(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"ATLASSIAN_ORG_ID": "org-1", "ATLASSIAN_ORG_API_KEY": "key-0123456789",
		"ATLASSIAN_API_URL": "http://127.0.0.1:1", // nothing listens on port 1
	}
	code, _, stderr := runCLI(t, env, "diagnose", "--user", "a@acme.com", "--target", "b@acme.com")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d: %s", code, exitFailed, stderr)
	}
	// The reason is one line, the last; before it, each retry's wait is
	// told as it starts.
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if !strings.Contains(lines[len(lines)-1], "Check the network connection, and ATLASSIAN_API_URL") {
		t.Errorf("stderr %q", stderr)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "network error: retrying in ") {
			t.Errorf("stderr line %q is neither the reason nor a wait", l)
		}
	}
	if strings.Contains(stderr, "key-0123456789") {
		t.Errorf("the key reached stderr: %q", stderr)
	}
}
