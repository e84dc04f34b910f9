package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps/search"
)

// cache lists the saved orgs with their age, and --clear removes them.
func TestCacheCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	if code, out, _ := runCLI(t, nil, "cache"); code != exitOK || !strings.Contains(out, "No saved org") {
		t.Fatalf("empty cache: exit %d: %s", code, out)
	}
	path := search.CachePath(filepath.Join(dir, "syncdoctor"), "org-1")
	if err := search.SaveCache(path, search.Cached{OrgID: "org-1", Saved: time.Now(), Accounts: []client.User{{AccountID: "a", Email: "a@acme.com"}}}); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCLI(t, nil, "cache"); code != exitOK || !strings.Contains(out, path) || !strings.Contains(out, "ago") {
		t.Fatalf("list: exit %d: %s", code, out)
	}
	if code, out, _ := runCLI(t, nil, "cache", "--clear"); code != exitOK || !strings.Contains(out, "removed "+path) {
		t.Fatalf("clear: exit %d: %s", code, out)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the cache file is still there: %v", err)
	}
}
