package redacttest

import "testing"

// The detector must see every echo, or a test that relies on it proves
// nothing.
func TestLeakSeesEveryEcho(t *testing.T) {
	t.Parallel()
	const key = "orgkey-5ecret-0001"
	for name, echo := range Echoes("Bearer " + key) {
		if Leak(`{"message":"you sent `+echo+`"}`, key) == "" {
			t.Errorf("%s: %q not seen as a leak", name, echo)
		}
	}
	if l := Leak(`{"message":"bad token [redacted]","trace":"0123456789abcdef"}`, key); l != "" {
		t.Errorf("redacted text seen as a leak: %s", l)
	}
}
