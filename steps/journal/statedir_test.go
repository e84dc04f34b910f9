package journal

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestStateDir(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, c := range []struct {
		goos string
		env  map[string]string
		home string
		want string
	}{
		{"linux", map[string]string{"XDG_STATE_HOME": "/xdg"}, "/home/u", filepath.Join("/xdg", "syncdoctor")},
		{"linux", nil, "/home/u", filepath.Join("/home/u", ".local", "state", "syncdoctor")},
		{"linux", map[string]string{"XDG_STATE_HOME": "relative"}, "/home/u", filepath.Join("/home/u", ".local", "state", "syncdoctor")},
		{"freebsd", nil, "/home/u", filepath.Join("/home/u", ".local", "state", "syncdoctor")},
		{"darwin", map[string]string{"XDG_STATE_HOME": "/xdg"}, "/Users/u", filepath.Join("/Users/u", "Library", "Application Support", "syncdoctor")},
		{"windows", map[string]string{"LocalAppData": `C:\Users\u\AppData\Local`}, `C:\Users\u`, filepath.Join(`C:\Users\u\AppData\Local`, "syncdoctor")},
	} {
		got, err := stateDir(c.goos, env(c.env), c.home)
		if err != nil || got != c.want {
			t.Errorf("%s %v: %q %v, want %q", c.goos, c.env, got, err, c.want)
		}
	}
	if _, err := stateDir("windows", env(nil), `C:\Users\u`); err == nil || !strings.Contains(err.Error(), "LocalAppData") {
		t.Errorf("windows without LocalAppData: %v", err)
	}
	if _, err := stateDir("linux", env(nil), ""); err == nil {
		t.Error("linux without home or XDG_STATE_HOME")
	}
}

func TestDefaultJournalPathUsesXDG(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	got, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "syncdoctor", "journal.jsonl")
	switch runtime.GOOS {
	case "windows", "darwin", "ios": // XDG_STATE_HOME does not apply there
		want = filepath.Join("syncdoctor", "journal.jsonl")
	}
	if !strings.HasSuffix(got, want) {
		t.Errorf("DefaultJournalPath = %q, want %q", got, want)
	}
}
