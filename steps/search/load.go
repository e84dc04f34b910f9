package search

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/syncdoctor/syncdoctor/client"
)

// LoadProgress is how far loading the org has come, reported after every
// page: what the index holds, and how many pages were read.
type LoadProgress struct {
	Accounts, Groups int  // in the index so far
	Done             bool // everything is loaded
	Page             int  // pages read so far: groups' pages, then accounts'
	// Total is the org's user count as the org API gives it, 0 when it
	// could not be had: the measure of the loading bar, never a guess.
	Total int
}

// Fraction is how much of the org is loaded, 0..1, and whether that is
// known: only against the org's count, never a guess from pages.
func (p LoadProgress) Fraction() (float64, bool) {
	switch {
	case p.Done:
		return 1, true
	case p.Total <= 0:
		return 0, false
	}
	// The count may lag the org a little: short of done, never full.
	return min(float64(p.Accounts)/float64(p.Total), 0.99), true
}

// Page sizes of LoadOrg: the v2 searches take 1 to 100 (api-facts.md §1.3).
const (
	DefaultLoadPageSize = 100
	maxLoadPageSize     = 100
)

// LoadOrg streams the org into ix: its user count first (for progress),
// every group (few pages, and a group lists its members as soon as they
// arrive), then every account (with its groups and product access) page by
// page, following the cursor.
// Each page is in the index before the next is asked for, so the operator
// can search what has arrived; progress (may be nil) is called after every
// page and once more with Done. pageSize outside 1..100 means 100.
//
// Errors say what was being loaded ("load accounts (page 3): ...") and wrap
// the client's typed errors, so errors.As finds a *client.AuthError or
// *client.RateLimitError, and errors.Is finds ctx's error when ctx ends,
// which stops the load before the next page.
func LoadOrg(ctx context.Context, c *client.Client, ix *Index, pageSize int, progress func(LoadProgress)) error {
	if c == nil || ix == nil {
		return errors.New("load org: no client or no index")
	}
	if pageSize < 1 || pageSize > maxLoadPageSize {
		pageSize = DefaultLoadPageSize
	}
	if progress == nil {
		progress = func(LoadProgress) {}
	}
	var p LoadProgress
	report := func() {
		p.Accounts, p.Groups = ix.Counts()
		progress(p)
	}

	if n, err := c.CountUsers(ctx); err == nil {
		p.Total = n
	} else if ctx.Err() != nil {
		return fmt.Errorf("count users: %w", err)
	}
	// SearchGroups hides the pages; batches of pageSize stand for them.
	batch := make([]client.Group, 0, pageSize)
	page := 1
	flush := func() {
		ix.AddGroups(batch)
		batch = batch[:0]
		p.Page++
		page++
		report()
	}
	for g, err := range c.SearchGroups(ctx, client.GroupSearch{Limit: pageSize}) {
		if err != nil {
			return fmt.Errorf("load groups (page %d): %w", page, err)
		}
		if batch = append(batch, g); len(batch) == pageSize {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	q := client.UserSearch{Limit: pageSize, Expand: []string{client.ExpandGroups, client.ExpandProductAccess}}
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("load accounts (page %d): %w", page, err)
		}
		users, next, err := c.SearchUsersPage(ctx, q)
		if err != nil {
			return fmt.Errorf("load accounts (page %d): %w", page, err)
		}
		ix.AddAccounts(users)
		p.Page++
		report()
		if next == "" {
			break
		}
		if seen[next] {
			return fmt.Errorf("load accounts (page %d): the API gave cursor %q again; paging does not advance", page+1, next)
		}
		seen[next] = true
		q.Cursor = next
	}

	p.Done = true
	report()
	return nil
}

// Refresh reads accounts again by id and puts them in ix, so that after a
// run the index shows them as the org does now (a new email, a parked
// holder, groups back). An account no longer in the org is left as it was:
// the next full load drops it.
func Refresh(ctx context.Context, c *client.Client, ix *Index, ids []string) error {
	const perSearch = 10 // accountIds a v2 search takes (api-facts §1.3)
	for chunk := range slices.Chunk(slices.Compact(slices.Sorted(slices.Values(ids))), perSearch) {
		q := client.UserSearch{AccountIDs: chunk, Limit: perSearch, Expand: []string{client.ExpandGroups, client.ExpandProductAccess}}
		var users []client.User
		for u, err := range c.SearchUsers(ctx, q) {
			if err != nil {
				return fmt.Errorf("read again %d accounts: %w", len(chunk), err)
			}
			users = append(users, u)
		}
		ix.AddAccounts(users)
	}
	return nil
}
