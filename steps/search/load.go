package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

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

// DefaultLoadInFlight is how many searches LoadOrg keeps in flight at once:
// enough that a network's latency is paid once for several pages, few
// enough to stay well inside the org API's rate limit (a 429 is waited out,
// as on any call, until Retry-After or X-RateLimit-Reset says).
const DefaultLoadInFlight = 6

// maxDomainCursors bounds the cursors of managed accounts: an org with more
// verified domains than this shares them out, up to client.MaxEmailDomains
// to a search, so that a great many small domains do not cost a search
// each.
const maxDomainCursors = 50

// LoadOptions tune LoadOrgWith. The zero value is LoadOrg's: pages of 100,
// DefaultLoadInFlight searches in flight.
type LoadOptions struct {
	PageSize int // 1..100; any other value means 100
	InFlight int // searches in flight at once; 0 or less means DefaultLoadInFlight, 1 one at a time
}

func (o LoadOptions) withDefaults() LoadOptions {
	if o.PageSize < 1 || o.PageSize > maxLoadPageSize {
		o.PageSize = DefaultLoadPageSize
	}
	if o.InFlight < 1 {
		o.InFlight = DefaultLoadInFlight
	}
	return o
}

// LoadOrg streams the org into ix, with pages of pageSize (outside 1..100:
// 100) and DefaultLoadInFlight searches in flight: see LoadOrgWith.
func LoadOrg(ctx context.Context, c *client.Client, ix *Index, pageSize int, progress func(LoadProgress)) error {
	return LoadOrgWith(ctx, c, ix, LoadOptions{PageSize: pageSize}, progress)
}

// LoadOrgWith streams the org into ix: every group, and every account with
// its groups and product access. It reads the org's user count (for
// progress) and its domains first, then reads through several cursors at
// once, opt.InFlight pages in flight, one page of each cursor after the
// other:
//
//   - the groups;
//   - the managed accounts, by the org's verified domains (emailDomains,
//     one domain to a cursor, or up to 10 when there are very many);
//   - the unmanaged accounts (claimStatus), whatever their domain: those
//     on the org's other domains, on domains it never listed (personal
//     addresses) and without an email.
//
// A managed account is one whose email domain the org verified, so these
// cursors part the accounts: each comes once. An account search of more
// than one page is also read from its other end (sorted by nickname, the
// one way and the other) when the org can count what it holds: the two
// ends stop once they have brought that many accounts between them, so one
// big domain takes about half as long (pairFrom). If the org then counts more
// accounts than came, the managed accounts are read once more without the
// domains (a domain the listing did not show as verified; what came twice
// is kept once). When the domains cannot be read (a key without that
// scope) or none is verified, one cursor reads every account.
//
// Each page is in the index as soon as it arrives, so the operator can
// search what has come; progress (may be nil) is called after every page,
// and once more with Done, always from the goroutine that called LoadOrg.
// Total is the org's user count.
//
// Errors say what was being loaded ("load managed accounts on example.com
// (page 3): ...") and wrap the client's typed errors, so errors.As finds a
// *client.AuthError or *client.RateLimitError (the client has waited out
// its retries first), and errors.Is finds ctx's error when ctx ends. The
// first error stops every cursor: the searches in flight are cancelled and
// waited for, no other starts.
func LoadOrgWith(ctx context.Context, c *client.Client, ix *Index, opt LoadOptions, progress func(LoadProgress)) error {
	if c == nil || ix == nil {
		return errors.New("load org: no client or no index")
	}
	if progress == nil {
		progress = func(LoadProgress) {}
	}
	l := &loader{c: c, ix: ix, opt: opt.withDefaults(), progress: progress}
	return l.run(ctx)
}

// loader is one LoadOrgWith. Only the calling goroutine touches it; the
// searches in flight only read their cursor and add to the index.
type loader struct {
	c        *client.Client
	ix       *Index
	opt      LoadOptions
	progress func(LoadProgress)
	p        LoadProgress
	received int // accounts the account cursors gave, repeats included
}

func (l *loader) report() {
	l.p.Accounts, l.p.Groups = l.ix.Counts()
	l.progress(l.p)
}

func (l *loader) run(ctx context.Context) error {
	verified, err := l.start(ctx)
	if err != nil {
		return err
	}
	expand := []string{client.ExpandGroups, client.ExpandProductAccess}
	curs := []*cursor{{what: "groups", groups: &client.GroupSearch{Limit: l.opt.PageSize}}}
	accounts := func(what string, q client.UserSearch) {
		q.Limit, q.Expand = l.opt.PageSize, expand
		if l.opt.InFlight > 1 {
			// Ascending, so that a search of more than a page can be read
			// from its other end at the same time (pairFrom).
			q.SortBy = []client.SortKey{{Field: client.SortNickname, Direction: client.SortAscending}}
		}
		curs = append(curs, &cursor{what: what, users: &q})
	}
	if len(verified) == 0 {
		accounts("accounts", client.UserSearch{})
	} else {
		per := min(client.MaxEmailDomains, (len(verified)+maxDomainCursors-1)/maxDomainCursors)
		for chunk := range slices.Chunk(verified, per) {
			accounts("managed accounts on "+strings.Join(chunk, ", "), client.UserSearch{EmailDomains: chunk, ClaimStatus: client.ClaimManaged})
		}
		accounts("unmanaged accounts", client.UserSearch{ClaimStatus: client.ClaimUnmanaged})
	}
	if err := l.read(ctx, curs); err != nil {
		return err
	}
	if len(verified) > 0 && l.p.Total > l.received {
		// Fewer came than the org counts: a managed account on a domain the
		// listing did not give as verified. Read them all again.
		curs = curs[:0]
		accounts("managed accounts", client.UserSearch{ClaimStatus: client.ClaimManaged})
		if err := l.read(ctx, curs); err != nil {
			return err
		}
	}
	l.p.Done = true
	l.report()
	return nil
}

// start reads the org's user count (Total; 0 when the org does not give
// it) and its verified domains (none when they cannot be read), at once
// when two searches may be in flight.
func (l *loader) start(ctx context.Context) ([]string, error) {
	var (
		wg               sync.WaitGroup
		total            int
		countErr, domErr error
		verified         []string
	)
	wg.Go(func() { total, countErr = l.c.CountUsers(ctx) })
	if l.opt.InFlight < 2 {
		wg.Wait()
	}
	wg.Go(func() { verified, domErr = verifiedDomains(ctx, l.c) })
	wg.Wait()
	if ctx.Err() != nil {
		switch {
		case countErr != nil:
			return nil, fmt.Errorf("count users: %w", countErr)
		case domErr != nil:
			return nil, fmt.Errorf("list domains: %w", domErr)
		}
	}
	if countErr == nil {
		l.p.Total = total
	}
	if domErr != nil {
		verified = nil // read every account through one cursor
	}
	return verified, nil
}

// verifiedDomains lists the org's verified domains, folded, each once, in
// the org's order.
func verifiedDomains(ctx context.Context, c *client.Client) ([]string, error) {
	var out []string
	for d, err := range c.Domains(ctx) {
		if err != nil {
			return nil, err
		}
		if name := strings.ToLower(strings.TrimSpace(d.Name)); d.Verified() && name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// cursor is one paged search of LoadOrgWith: of groups or of accounts.
type cursor struct {
	what   string // for errors: "groups", "unmanaged accounts", ...
	groups *client.GroupSearch
	users  *client.UserSearch
	pages  int             // pages read
	given  map[string]bool // cursors the API gave, to catch one given twice
	// ends is set on both cursors of an account search read from both
	// ends; far on the one that reads from the last account back.
	ends *ends
	far  bool
}

// depth is how far the cursor's search has been read: its pages, or both
// ends' for a search read from both.
func (cur *cursor) depth() int {
	if cur.ends != nil {
		return cur.ends.pages
	}
	return cur.pages
}

// ends is an account search read from both ends at once, sorted by
// nickname one way and the other. Neither order nor its ties need to be
// known: the two ends stop once they have brought as many accounts between
// them as the org counts for the search (want), or when either reaches the
// end of the search, having brought everything. Only read's goroutine
// touches it.
type ends struct {
	seen  map[string]struct{} // the accounts either end brought
	want  int                 // the org's count of the search; -1 until known
	pages int                 // both ends' pages
	done  bool                // everything came: neither end reads on
}

// take counts the accounts of a page of either end, and returns how many
// are new.
func (e *ends) take(ids []string) int {
	n := 0
	for _, id := range ids {
		if _, ok := e.seen[id]; !ok {
			e.seen[id] = struct{}{}
			n++
		}
	}
	if e.want >= 0 && len(e.seen) >= e.want {
		e.done = true
	}
	return n
}

// fail says which page of the cursor failed.
func (cur *cursor) fail(err error) error {
	return fmt.Errorf("load %s (page %d): %w", cur.what, cur.pages+1, err)
}

// next moves the cursor on to the page at next; false if the API gave that
// cursor before (paging would never end).
func (cur *cursor) next(next string) bool {
	if cur.given[next] {
		return false
	}
	if cur.given == nil {
		cur.given = map[string]bool{}
	}
	cur.given[next] = true
	if cur.groups != nil {
		cur.groups.Cursor = next
	} else {
		cur.users.Cursor = next
	}
	return true
}

// pageRead is what reading one page of a cursor gave.
type pageRead struct {
	cur      *cursor
	accounts int
	ids      []string // the accounts' ids
	next     string
	err      error
	// For the first page of a far end: the org's count of the search, or
	// uncounted when the org would not count it (no page was read then).
	want      int
	uncounted bool
}

// fetch reads the cursor's next page into the index. It runs in its own
// goroutine; the cursor is not touched elsewhere meanwhile.
func (l *loader) fetch(ctx context.Context, cur *cursor) pageRead {
	if cur.groups != nil {
		groups, next, err := l.c.SearchGroupsPage(ctx, *cur.groups)
		if err == nil {
			l.ix.AddGroups(groups)
		}
		return pageRead{cur: cur, next: next, err: err}
	}
	r := pageRead{cur: cur, want: -1}
	if cur.far && cur.pages == 0 {
		n, err := l.c.CountUsersWhere(ctx, client.UserCount{ClaimStatus: cur.users.ClaimStatus, EmailDomains: cur.users.EmailDomains})
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				if !errors.Is(err, cerr) {
					err = fmt.Errorf("count users: %w", cerr) // the load is stopping: that is the news
				}
				return pageRead{cur: cur, err: err}
			}
			// Without the count the two ends could only stop at the end:
			// twice the searches for nothing. The near end reads on alone.
			return pageRead{cur: cur, uncounted: true}
		}
		r.want = n
	}
	users, next, err := l.c.SearchUsersPage(ctx, *cur.users)
	if err == nil {
		l.ix.AddAccounts(users)
	}
	r.accounts, r.next, r.err = len(users), next, err
	r.ids = make([]string, len(users))
	for i, u := range users {
		r.ids[i] = u.AccountID
	}
	return r
}

// pairFrom starts reading the search of near, whose first page r just
// came and named a next one, from its other end too: a second cursor
// sorted the other way, which first asks the org how many accounts the
// search holds.
func (l *loader) pairFrom(near *cursor, r pageRead) *cursor {
	near.ends = &ends{seen: make(map[string]struct{}, 2*len(r.ids)), want: -1, pages: near.pages}
	near.ends.take(r.ids)
	q := *near.users
	q.Cursor = ""
	q.SortBy = []client.SortKey{{Field: client.SortNickname, Direction: client.SortDescending}}
	return &cursor{what: near.what + " from the end", users: &q, ends: near.ends, far: true}
}

// pairable: cur is a sorted account search (several searches may be in
// flight) read from one end, whose first page named a next one.
func (cur *cursor) pairable(next string) bool {
	return cur.users != nil && len(cur.users.SortBy) > 0 && cur.ends == nil && cur.pages == 1 && next != ""
}

// read reads every cursor to its end, with up to opt.InFlight pages in
// flight, reporting progress after each page. A cursor waiting for its
// next page goes before the others in proportion to the pages it has read
// (a long cursor is the load's critical path). The first error cancels
// the searches in flight, waits for them, and is returned.
func (l *loader) read(ctx context.Context, curs []*cursor) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan pageRead, l.opt.InFlight)
	ready := slices.Clone(curs) // waiting for their next page
	inFlight := 0
	var failed error
	stop := func(err error) {
		if failed == nil {
			failed = err
			cancel()
		}
	}
	for (failed == nil && len(ready) > 0) || inFlight > 0 {
		for failed == nil && inFlight < l.opt.InFlight && len(ready) > 0 {
			i := longest(ready)
			cur := ready[i]
			if err := ctx.Err(); err != nil {
				stop(cur.fail(err))
				break
			}
			ready = slices.Delete(ready, i, i+1)
			if cur.ends != nil && cur.ends.done {
				continue // the other end brought the rest
			}
			inFlight++
			go func() { done <- l.fetch(ctx, cur) }()
		}
		if inFlight == 0 {
			break
		}
		r := <-done
		inFlight--
		switch {
		case failed != nil:
			continue // stopping: the rest only drain
		case r.err != nil:
			stop(r.cur.fail(r.err))
			continue
		}
		if r.uncounted {
			r.cur.ends.seen, r.cur.ends.want = nil, -1 // the near end alone, as any cursor
			continue
		}
		l.took(r)
		switch {
		case r.cur.ends != nil && r.cur.ends.done:
		case r.next == "":
			if r.cur.ends != nil {
				r.cur.ends.done = true // this end read the whole search
			}
		case !r.cur.next(r.next):
			stop(fmt.Errorf("load %s (page %d): the API gave cursor %q again; paging does not advance", r.cur.what, r.cur.pages+1, r.next))
		default:
			ready = append(ready, r.cur)
			if r.cur.pairable(r.next) {
				ready = append(ready, l.pairFrom(r.cur, r))
			}
		}
	}
	return failed
}

// took counts a page in: the cursor's, the load's and, for a search read
// from both ends, the accounts it brought that the other end had not.
func (l *loader) took(r pageRead) {
	r.cur.pages++
	l.p.Page++
	switch e := r.cur.ends; {
	case e == nil || e.seen == nil:
		l.received += r.accounts
		if e != nil {
			e.pages++
		}
	default:
		if r.want >= 0 {
			e.want = r.want
		}
		e.pages++
		l.received += e.take(r.ids)
	}
	l.report()
}

// longest is the index of the cursor whose search has been read the
// furthest; of two ends of one search, the one behind (so that they meet
// in the middle); else the first.
func longest(curs []*cursor) int {
	best := 0
	for i, c := range curs {
		b := curs[best]
		if d, bd := c.depth(), b.depth(); d > bd || d == bd && c.pages < b.pages {
			best = i
		}
	}
	return best
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
