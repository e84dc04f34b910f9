package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// A saved org comes back whole, owner-only, for its own org only; the
// cleared folder has none.
func TestCacheRoundTrip(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "cache")
	ix := generatedIndex(500)
	accounts, groups := ix.Export()
	if len(accounts) != 500 || len(groups) == 0 {
		t.Fatalf("exported %d accounts and %d groups", len(accounts), len(groups))
	}
	path := CachePath(dir, "org/../1")
	if filepath.Dir(path) != dir {
		t.Fatalf("the org id escapes the folder: %s", path)
	}
	saved := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	if err := SaveCache(path, Cached{OrgID: "org/../1", Saved: saved, Accounts: accounts, Groups: groups}); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		di, _ := os.Stat(dir)
		if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
			t.Errorf("modes %v %v, want 0600 in 0700", fi.Mode().Perm(), di.Mode().Perm())
		}
	}
	c, err := LoadCache(path, "org/../1")
	if err != nil || c == nil || len(c.Accounts) != 500 || len(c.Groups) != len(groups) || !c.Saved.Equal(saved) {
		t.Fatalf("loaded %+v, %v", c, err)
	}
	back := IndexFrom(c)
	want := ix.Search("Agniezska Lewandwoska", 5)
	got := back.Search("Agniezska Lewandwoska", 5)
	if !sameHits(got, want) {
		t.Errorf("the cached index answers differently: %v vs %v", got, want)
	}
	opened, at, err := OpenCache(path, "org/../1")
	if err != nil || opened == nil || !at.Equal(saved) {
		t.Fatalf("opened %v at %v: %v", opened != nil, at, err)
	}
	if a, g := opened.Counts(); a != 500 || g != len(groups) {
		t.Errorf("opened %d accounts and %d groups", a, g)
	}
	if got := opened.Search("Agniezska Lewandwoska", 5); !sameHits(got, want) {
		t.Errorf("the opened index answers differently: %v vs %v", got, want)
	}
	if other, _ := LoadCache(path, "another-org"); other != nil {
		t.Error("another org's cache was taken")
	}
	if other, _, _ := OpenCache(path, "another-org"); other != nil {
		t.Error("another org's cache was opened")
	}
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, data[:len(data)-1], 0o600); err != nil {
		t.Fatal(err)
	}
	if cut, _, err := OpenCache(path, "org/../1"); cut != nil || err != nil {
		t.Errorf("a file cut short was opened (%v)", err)
	}
	if Age(saved, saved.Add(3*time.Hour+time.Minute)) != "3 hours" || Age(saved, saved.Add(50*time.Hour)) != "2 days" {
		t.Error("ages read badly")
	}
	removed, err := ClearCache(dir)
	if err != nil || len(removed) != 1 {
		t.Fatalf("cleared %v, %v", removed, err)
	}
	if c, _ := LoadCache(path, "org/../1"); c != nil {
		t.Error("a cleared cache still loads")
	}
}

// sameHits: the same accounts and groups, in the same order.
func sameHits(a, b []Hit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Entry.Account.AccountID != b[i].Entry.Account.AccountID || a[i].Entry.Group.ID != b[i].Entry.Group.ID {
			return false
		}
	}
	return true
}

// A big saved org is searchable while it is read: the index is handed
// over at once and fills a batch at a time; a read cut short says so.
func TestOpenCacheIntoFillsAsItReads(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "org.cache")
	const n = 2*cacheBatch + 10
	saved := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	if err := SaveCache(path, Cached{OrgID: "o", Saved: saved, Accounts: generatedOrg(0, n)}); err != nil {
		t.Fatal(err)
	}
	var (
		ix     *Index
		counts []int
	)
	ok, err := OpenCacheInto(context.Background(), path, "o", func(opened *Index, at time.Time, total int) {
		if a, _ := opened.Counts(); a != 0 || total != n || !at.Equal(saved) {
			t.Errorf("opened with %d accounts of %d, saved %v", a, total, at)
		}
		ix = opened
	}, func(in int) {
		if a, _ := ix.Counts(); a != in {
			t.Errorf("added says %d, the index holds %d", in, a)
		}
		counts = append(counts, in)
	})
	if !ok || err != nil || !slices.Equal(counts, []int{cacheBatch, 2 * cacheBatch, n}) {
		t.Fatalf("ok %v, %v, filled %v", ok, err, counts)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ok, err = OpenCacheInto(ctx, path, "o", func(*Index, time.Time, int) {}, func(int) { cancel() })
	if ok || !errors.Is(err, context.Canceled) {
		t.Errorf("a read cancelled part way: ok %v, %v", ok, err)
	}
}
