package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
)

// The warm start: a live org's accounts and groups, kept on disk after a
// full load (one file per org, owner-only), are searchable at once on the
// next start while a fresh load runs behind them. Never for a simulated
// org: it is rebuilt on every start anyway.

// Cached is a saved org.
type Cached struct {
	OrgID    string
	Saved    time.Time
	Accounts []client.User
	Groups   []client.Group
}

// cacheVersion changes when the file's shape does (cachefile.go): an
// older file is then ignored (and replaced after the next load), never
// misread. Version 1 was gob, in files named .gob.
const cacheVersion = 2

// DefaultCacheDir is syncdoctor's folder in the user's cache folder.
func DefaultCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache folder: %w", err)
	}
	return filepath.Join(dir, "syncdoctor"), nil
}

var unsafeInName = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// CachePath is the file of one org in dir.
func CachePath(dir, orgID string) string {
	return filepath.Join(dir, "org-"+unsafeInName.ReplaceAllString(orgID, "_")+".cache")
}

// CacheFiles lists the saved orgs in dir, this version's and older ones.
func CacheFiles(dir string) ([]string, error) {
	var files []string
	for _, pattern := range []string{"org-*.cache", "org-*.gob"} {
		found, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, err
		}
		files = append(files, found...)
	}
	return files, nil
}

// SaveCache writes the org's accounts and groups to path, owner-only, in
// one rename so that a reader never sees half a file.
func SaveCache(path string, c Cached) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("cache folder %s: %w", filepath.Dir(path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".org-*.tmp")
	if err != nil {
		return fmt.Errorf("cache %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // once renamed, this removes nothing
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("cache %s: %w", path, err)
	}
	data, err := encodeCache(c)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err != nil {
		tmp.Close()
		return fmt.Errorf("cache %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cache %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

// LoadCache reads a saved org; nil, nil when there is none (or it is of
// an older shape, or another org's).
func LoadCache(path, orgID string) (*Cached, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cache %s: %w", path, err)
	}
	c, err := decodeCache(data)
	if err != nil || c.OrgID != orgID {
		return nil, nil // unreadable or not this org's: the load rebuilds it
	}
	return c, nil
}

// ClearCache removes every saved org in dir and says which.
func ClearCache(dir string) ([]string, error) {
	files, err := CacheFiles(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, f := range files {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("remove %s: %w", f, err)
		}
		removed = append(removed, f)
	}
	return removed, nil
}

// IndexFrom builds an index of a saved org.
func IndexFrom(c *Cached) *Index {
	ix := NewIndex()
	ix.AddGroups(c.Groups)
	ix.reserve(len(c.Accounts))
	ix.AddAccounts(c.Accounts) // in one batch: prepared on every core
	return ix
}

// OpenCache reads a saved org straight into an index: the accounts are
// indexed a batch at a time while the next batch is read. nil, nil when
// there is none (or it is damaged, of an older shape, or another org's).
func OpenCache(path, orgID string) (*Index, time.Time, error) {
	var (
		ix    *Index
		saved time.Time
	)
	ok, err := OpenCacheInto(context.Background(), path, orgID, func(opened *Index, at time.Time, _ int) {
		ix, saved = opened, at
	}, nil)
	if !ok {
		return nil, time.Time{}, err
	}
	return ix, saved, nil
}

// OpenCacheInto reads a saved org into a new index that can be searched
// while it fills, so that the next start shows the saved org at once,
// however big: opened is called as soon as the file's header is read,
// with the index (its groups in, no account yet), when the org was saved
// and how many accounts it holds; added (may be nil) after each batch,
// with how many are in. It returns when every account is in (ok), or
// ctx ends, or there is no file of this org's, or it proves damaged part
// way: ok is false then, and an index already opened must be dropped.
func OpenCacheInto(ctx context.Context, path, orgID string, opened func(ix *Index, saved time.Time, accounts int), added func(n int)) (ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("cache %s: %w", path, err)
	}
	d, c, n := decodeCacheHeader(data)
	if d.err != nil || c.OrgID != orgID {
		return false, nil
	}
	ix := NewIndex()
	ix.AddGroups(c.Groups)
	// Grown once for the accounts the file says it holds, but never past
	// what its size could hold of real ones (an account id alone is 40
	// bytes or so): a damaged count must not reserve gigabytes.
	ix.reserve(min(n, len(data)/64))
	opened(ix, c.Saved, n)
	// One goroutine reads the next batch while this one indexes the last.
	batches := make(chan []client.User, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for read := 0; read < n && d.err == nil; read += cacheBatch {
			select {
			case batches <- d.users(min(cacheBatch, n-read)):
			case <-stop:
				return
			}
		}
	}()
	in := 0
	for batch := range batches {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		ix.AddAccounts(batch)
		if in += len(batch); added != nil {
			added(in)
		}
	}
	return d.end() == nil, nil
}

// cacheBatch is how many accounts OpenCache reads before indexing them:
// enough that every core prepares some, few enough that reading and
// indexing overlap.
const cacheBatch = 25_000

// Age says how old a saved org is, for people: "3 h", "2 days".
func Age(saved, now time.Time) string {
	d := now.Sub(saved)
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

func plural(n int, unit string) string {
	s := fmt.Sprintf("%d %s", n, unit)
	if n != 1 {
		s += "s"
	}
	return strings.TrimSpace(s)
}
