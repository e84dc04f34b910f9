package steps

import (
	"context"
	"fmt"

	"github.com/syncdoctor/syncdoctor/client"
)

// LoadProgress is how far loading the org has come.
type LoadProgress struct {
	Accounts, Groups int
	Page             int // pages of accounts read so far
	Done             bool
}

// LoadOrg reads the org's accounts page by page, then its groups, into ix,
// reporting progress after each page. Each page is in the index before the
// next is asked for, so that search works on what has arrived. Errors keep
// the client's typed errors (auth, rate limit) for the caller to explain.
func LoadOrg(ctx context.Context, c *client.Client, ix *Index, pageSize int, progress func(LoadProgress)) error {
	if progress == nil {
		progress = func(LoadProgress) {}
	}
	var p LoadProgress
	q := client.UserSearch{Limit: pageSize, Expand: []string{client.ExpandGroups, client.ExpandProductAccess}}
	for {
		users, next, err := c.SearchUsersPage(ctx, q)
		if err != nil {
			return fmt.Errorf("load accounts (page %d): %w", p.Page+1, err)
		}
		ix.AddAccounts(users)
		p.Page++
		p.Accounts += len(users)
		progress(p)
		if next == "" {
			break
		}
		q.Cursor = next
	}
	var page []client.Group
	for g, err := range c.SearchGroups(ctx, client.GroupSearch{Limit: pageSize}) {
		if err != nil {
			return fmt.Errorf("load groups: %w", err)
		}
		page = append(page, g)
		if len(page) == pageSize {
			ix.AddGroups(page)
			p.Groups += len(page)
			progress(p)
			page = nil
		}
	}
	ix.AddGroups(page)
	p.Groups += len(page)
	p.Done = true
	progress(p)
	return nil
}
