package client

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The Organizations REST API (org key), api-facts.md §1. Only the v2
// directory endpoints are used for users and groups: the v1 ones stop working
// in 2026.

// maxEmailsPerSearch is the v2 search's limit on "emails" (exact matches).
const maxEmailsPerSearch = 100

// orgRequest is a call to the Organizations API with the org key.
func (c *Client) orgRequest(op, method, path string, body any, safe bool) *request {
	return &request{op: op, method: method, path: path, body: body, api: APIOrg, key: c.orgKey, safe: safe}
}

type userPage struct {
	Data  []User    `json:"data"`
	Links pageLinks `json:"links"`
}

// presize makes Data as large as the page's users, counted by their
// accountId keys (a hint: a page with fewer or more still decodes).
func (p *userPage) presize(body []byte) {
	p.Data = make([]User, 0, bytes.Count(body, []byte(`"accountId"`)))
}

// SearchUsersPage reads one page of POST /admin/v2/orgs/{orgId}/directories/-/users/search
// (q.Cursor selects the page) and returns the cursor of the next one, "" at the end.
func (c *Client) SearchUsersPage(ctx context.Context, q UserSearch) (users []User, next string, err error) {
	r := c.orgRequest("search users", "POST", pathf("/admin/v2/orgs/%s/directories/-/users/search", c.orgID), q, true)
	var page userPage
	if err := c.call(ctx, r, &page); err != nil {
		return nil, "", err
	}
	for i := range page.Data {
		if page.Data[i].AccountID == "" {
			return nil, "", c.unexpected(r, 200, fmt.Sprintf("user %d of the page has no accountId", i+1))
		}
	}
	return page.Data, cursorOf(page.Links.Next), nil
}

// SearchUsers streams every user the search matches, page by page, starting
// at q.Cursor. Break out of the loop to stop reading pages.
func (c *Client) SearchUsers(ctx context.Context, q UserSearch) iter.Seq2[User, error] {
	r := c.orgRequest("search users", "POST", pathf("/admin/v2/orgs/%s/directories/-/users/search", c.orgID), nil, true)
	return cursorPages(ctx, r, c, q.Cursor, func(ctx context.Context, cursor string) ([]User, string, error) {
		page := q
		page.Cursor = cursor
		return c.SearchUsersPage(ctx, page)
	})
}

// UsersByEmail finds the accounts holding these addresses (exact matches,
// case-insensitive on the server), with their groups and product access.
// See UsersByEmailExpand for how the addresses are searched.
func (c *Client) UsersByEmail(ctx context.Context, emails ...string) ([]User, error) {
	return c.UsersByEmailExpand(ctx, emails, ExpandGroups, ExpandProductAccess)
}

// searchesInFlight bounds the email searches UsersByEmailExpand runs at
// once: enough to keep a large lookup moving while one answer is on the
// wire, few enough to stay well inside the org API's rate limit (a 429 is
// waited out as on any call).
const searchesInFlight = 8

// UsersByEmailExpand finds the accounts holding these addresses (exact
// matches, case-insensitive on the server), each with the expansions named
// (ExpandGroups, ExpandProductAccess; none for the accounts alone: a large
// lookup that needs less of each account reads and decodes less).
// Duplicates (case aside) and blanks are dropped first; the rest are
// searched 100 at a time, the API's limit, with up to searchesInFlight
// searches in flight. The accounts come in the order of the addresses that
// found them. No addresses, no call. The first search that fails stops the
// others, and its error is the answer.
func (c *Client) UsersByEmailExpand(ctx context.Context, emails []string, expand ...string) ([]User, error) {
	var uniq []string
	seen := make(map[string]bool, len(emails))
	for _, e := range emails {
		e = strings.TrimSpace(e)
		if k := strings.ToLower(e); e != "" && !seen[k] {
			seen[k] = true
			uniq = append(uniq, e)
		}
	}
	if len(uniq) == 0 {
		return nil, nil
	}
	batches := make([][]User, (len(uniq)+maxEmailsPerSearch-1)/maxEmailsPerSearch)
	tmpl := c.orgRequest("search users", "POST", pathf("/admin/v2/orgs/%s/directories/-/users/search", c.orgID), nil, true)
	search := func(ctx context.Context, b int) error {
		start := b * maxEmailsPerSearch
		q := UserSearch{
			Emails: uniq[start:min(start+maxEmailsPerSearch, len(uniq))],
			Expand: expand,
			Limit:  maxSearchLimit,
		}
		users, err := collectPages(ctx, tmpl, c, "", func(ctx context.Context, cursor string) ([]User, string, error) {
			page := q
			page.Cursor = cursor
			return c.SearchUsersPage(ctx, page)
		})
		batches[b] = users
		return err
	}
	if err := inParallel(ctx, len(batches), searchesInFlight, search); err != nil {
		return nil, err
	}
	n := 0
	for _, b := range batches {
		n += len(b)
	}
	users := make([]User, 0, n)
	for _, b := range batches {
		users = append(users, b...)
	}
	return users, nil
}

// maxSearchLimit is the largest page the v2 user search serves.
const maxSearchLimit = 100

// inParallel runs job(0) … job(n-1) with at most workers of them at once.
// The first job to fail cancels the context of the others and no job starts
// after it; its error is returned. When the caller's context ends first, no
// more jobs start and the error is the one of a job it stopped, or the
// context's own.
func inParallel(ctx context.Context, n, workers int, job func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		failOnce sync.Once
		failed   error
	)
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := job(ctx, i); err != nil {
					failOnce.Do(func() { failed = err })
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	if failed != nil {
		return failed
	}
	return ctx.Err()
}

// GetUser reads one account: GET /admin/v2/orgs/{orgId}/directories/-/users/{accountId}.
// The details endpoint has no groups or product access; UsersByEmail does.
func (c *Client) GetUser(ctx context.Context, accountID string) (User, error) {
	r := c.orgRequest("get user "+accountID, "GET", pathf("/admin/v2/orgs/%s/directories/-/users/%s", c.orgID, accountID), nil, true)
	var out struct {
		Data *User `json:"data"`
	}
	if err := c.call(ctx, r, &out); err != nil {
		return User{}, err
	}
	if out.Data == nil || out.Data.AccountID == "" {
		return User{}, c.unexpected(r, 200, "no data.accountId in the answer")
	}
	return *out.Data, nil
}

// CountUsers counts the org's users (in every directory, and its managed
// accounts): GET /admin/v2/orgs/{orgId}/directories/-/users/count. What
// the wizard's loading bar measures against.
func (c *Client) CountUsers(ctx context.Context) (int, error) {
	return c.CountUsersWhere(ctx, UserCount{})
}

// UserCount filters CountUsersWhere: the user search's filters of the same
// names, sent as query parameters.
type UserCount struct {
	ClaimStatus  string   // ClaimManaged or ClaimUnmanaged; "" for both
	EmailDomains []string // at most MaxEmailDomains
}

// CountUsersWhere counts the org's users that match f, as CountUsers does
// every user: what a search with the same filters would give in all.
func (c *Client) CountUsersWhere(ctx context.Context, f UserCount) (int, error) {
	op, query := "count users", url.Values{}
	if f.ClaimStatus != "" {
		op = "count " + f.ClaimStatus + " users"
		query.Set("claimStatus", f.ClaimStatus)
	}
	if len(f.EmailDomains) > 0 {
		op += " on " + strings.Join(f.EmailDomains, ", ")
		query["emailDomains"] = slices.Clone(f.EmailDomains)
	}
	r := c.orgRequest(op, "GET", pathf("/admin/v2/orgs/%s/directories/-/users/count", c.orgID), nil, true)
	r.query = query
	var out struct {
		Count *int `json:"count"`
	}
	if err := c.call(ctx, r, &out); err != nil {
		return 0, err
	}
	if out.Count == nil || *out.Count < 0 {
		return 0, c.unexpected(r, 200, "no count in the answer")
	}
	return *out.Count, nil
}

type domainPage struct {
	Data []struct {
		ID         string `json:"id"`
		Attributes struct {
			Name  string `json:"name"`
			Claim struct {
				Type   string `json:"type"`
				Status string `json:"status"`
			} `json:"claim"`
		} `json:"attributes"`
	} `json:"data"`
	Links pageLinks `json:"links"`
}

// Domains streams the org's domains and their claim status:
// GET /admin/v1/orgs/{orgId}/domains, following links.next.
func (c *Client) Domains(ctx context.Context) iter.Seq2[Domain, error] {
	path := pathf("/admin/v1/orgs/%s/domains", c.orgID)
	tmpl := c.orgRequest("list domains", "GET", path, nil, true)
	return cursorPages(ctx, tmpl, c, "", func(ctx context.Context, cursor string) ([]Domain, string, error) {
		r := c.orgRequest("list domains", "GET", path, nil, true)
		if cursor != "" {
			r.query = map[string][]string{"cursor": {cursor}}
		}
		var page domainPage
		if err := c.call(ctx, r, &page); err != nil {
			return nil, "", err
		}
		out := make([]Domain, 0, len(page.Data))
		for i, d := range page.Data {
			if d.Attributes.Name == "" {
				return nil, "", c.unexpected(r, 200, fmt.Sprintf("domain %d of the page has no attributes.name", i+1))
			}
			out = append(out, Domain{ID: d.ID, Name: d.Attributes.Name, ClaimType: d.Attributes.Claim.Type, ClaimStatus: d.Attributes.Claim.Status})
		}
		return out, cursorOf(page.Links.Next), nil
	})
}

type directoryPage struct {
	Data  []Directory `json:"data"`
	Links pageLinks   `json:"links"`
}

// directoryPageSize is the largest page GET /v2/orgs/{orgId}/directories serves.
const directoryPageSize = 100

// Directories lists the org's user directories: GET
// /admin/v2/orgs/{orgId}/directories?limit=100, following links.next to the
// last page. Their ids are what group membership writes take.
func (c *Client) Directories(ctx context.Context) ([]Directory, error) {
	path := pathf("/admin/v2/orgs/%s/directories", c.orgID)
	tmpl := c.orgRequest("list directories", "GET", path, nil, true)
	pages := cursorPages(ctx, tmpl, c, "", func(ctx context.Context, cursor string) ([]Directory, string, error) {
		r := c.orgRequest("list directories", "GET", path, nil, true)
		r.query = url.Values{"limit": {strconv.Itoa(directoryPageSize)}}
		if cursor != "" {
			r.query.Set("cursor", cursor)
		}
		var page directoryPage
		if err := c.call(ctx, r, &page); err != nil {
			return nil, "", err
		}
		for i, d := range page.Data {
			if d.ID == "" {
				return nil, "", c.unexpected(r, 200, fmt.Sprintf("directory %d of the page has no directoryId", i+1))
			}
		}
		return page.Data, cursorOf(page.Links.Next), nil
	})
	var dirs []Directory
	for d, err := range pages {
		if err != nil {
			return nil, err
		}
		dirs = append(dirs, d)
	}
	return dirs, nil
}

type groupPage struct {
	Data  []Group   `json:"data"`
	Links pageLinks `json:"links"`
}

// SearchGroupsPage reads one page of POST
// /admin/v2/orgs/{orgId}/directories/-/groups/search (q.Cursor selects the
// page) and returns the cursor of the next one, "" at the end.
func (c *Client) SearchGroupsPage(ctx context.Context, q GroupSearch) (groups []Group, next string, err error) {
	r := c.orgRequest("search groups", "POST", pathf("/admin/v2/orgs/%s/directories/-/groups/search", c.orgID), q, true)
	var page groupPage
	if err := c.call(ctx, r, &page); err != nil {
		return nil, "", err
	}
	for i, g := range page.Data {
		if g.ID == "" {
			return nil, "", c.unexpected(r, 200, fmt.Sprintf("group %d of the page has no id", i+1))
		}
	}
	return page.Data, cursorOf(page.Links.Next), nil
}

// SearchGroups streams the groups matching q: POST
// /admin/v2/orgs/{orgId}/directories/-/groups/search, starting at q.Cursor.
func (c *Client) SearchGroups(ctx context.Context, q GroupSearch) iter.Seq2[Group, error] {
	tmpl := c.orgRequest("search groups", "POST", pathf("/admin/v2/orgs/%s/directories/-/groups/search", c.orgID), nil, true)
	return cursorPages(ctx, tmpl, c, q.Cursor, func(ctx context.Context, cursor string) ([]Group, string, error) {
		page := q
		page.Cursor = cursor
		return c.SearchGroupsPage(ctx, page)
	})
}

// AddGroupMember adds an account to an org group: POST
// /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships
// {"accountId"}, where directoryID is the group's own directory
// (Group.DirectoryID). A 409 (already a member, or the product's user
// limit) comes back as an OrgError for the caller to judge.
func (c *Client) AddGroupMember(ctx context.Context, directoryID, groupID, accountID string) error {
	op := fmt.Sprintf("add %s to group %s", accountID, groupID)
	if err := writableDirectory(op, directoryID); err != nil {
		return err
	}
	r := c.orgRequest(op, "POST",
		pathf("/admin/v2/orgs/%s/directories/%s/groups/%s/memberships", c.orgID, directoryID, groupID),
		map[string]string{"accountId": accountID}, false)
	return c.call(ctx, r, nil)
}

// RemoveGroupMember removes an account from an org group: DELETE
// /admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships/{accountId},
// where directoryID is the group's own directory (Group.DirectoryID).
func (c *Client) RemoveGroupMember(ctx context.Context, directoryID, groupID, accountID string) error {
	op := fmt.Sprintf("remove %s from group %s", accountID, groupID)
	if err := writableDirectory(op, directoryID); err != nil {
		return err
	}
	r := c.orgRequest(op, "DELETE",
		pathf("/admin/v2/orgs/%s/directories/%s/groups/%s/memberships/%s", c.orgID, directoryID, groupID, accountID), nil, false)
	return c.call(ctx, r, nil)
}

// allDirectories is the directory id Atlassian documents as "every
// directory", for reads only.
const allDirectories = "-"

// writableDirectory refuses, before anything is sent, a directory id that
// cannot address one group's memberships: none, or "-", which Atlassian
// documents for reads only. What a server would do with "-" on a write is
// unknown, and a membership change must not depend on a guess.
func writableDirectory(op, directoryID string) error {
	switch strings.TrimSpace(directoryID) {
	case "":
		return fmt.Errorf("%s: no directory id: a membership change needs the group's own directory (Group.DirectoryID)", op)
	case allDirectories:
		return fmt.Errorf("%s: directory %q (all directories) is for reads only: a membership change needs the group's own directory (Group.DirectoryID)", op, allDirectories)
	}
	return nil
}
