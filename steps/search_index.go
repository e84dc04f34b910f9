package steps

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/sahilm/fuzzy"

	"github.com/syncdoctor/syncdoctor/client"
)

// EntryKind says what a search entry is.
type EntryKind int

const (
	// EntryAccount is an Atlassian account.
	EntryAccount EntryKind = iota
	// EntryGroup is an org group; choosing it lists its members.
	EntryGroup
)

// Entry is one thing the operator can find: an account or a group.
type Entry struct {
	Kind    EntryKind
	Account client.User
	Group   client.Group
	Members int // a group's members among the loaded accounts
}

// Hit is one search result: the text shown, and which of its runes matched.
type Hit struct {
	Entry   Entry
	Field   string // "Name <email>" for an account, the name for a group
	Matched []int  // rune indexes into Field
	Score   int    // higher is better; exact matches first, misspellings last
}

// Scores of the three kinds of match, so that each kind ranks above the next.
const (
	scoreExact = 1 << 30
	scoreTypo  = -(1 << 20)
)

// indexed is an entry with its search text prepared once, at insert.
type indexed struct {
	entry  Entry
	field  string
	folded string // fold(field): what fuzzy matching reads
	id     string // the account id, matched exactly
	email  string // the account's folded email, matched exactly
	words  []word // of folded, for misspellings
}

// Index is the searchable org: accounts and groups, added page by page while
// the org loads. It is safe for concurrent use, so that searching can go on
// while later pages arrive.
type Index struct {
	mu       sync.RWMutex
	items    []indexed
	accounts map[string]int // account id -> position in items
	groups   map[string]int // group id -> position in items
	members  map[string]int // group id -> loaded accounts in it
	sortMu   sync.Mutex     // guards sorted, which searches (under the read lock) fill in
	sorted   []int          // items by kind and name, for the empty query; nil when stale
}

// NewIndex makes an empty index.
func NewIndex() *Index {
	return &Index{accounts: map[string]int{}, groups: map[string]int{}, members: map[string]int{}}
}

// AddAccounts adds a page of accounts; an account seen again replaces its
// earlier entry.
func (ix *Index) AddAccounts(users []client.User) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, u := range users {
		if old, ok := ix.accounts[u.AccountID]; ok {
			ix.count(ix.items[old].entry.Account.Groups, -1)
		}
		ix.count(u.Groups, +1)
		item := newIndexed(Entry{Kind: EntryAccount, Account: u}, accountField(u))
		item.id, item.email = u.AccountID, fold(u.Email)
		ix.put(ix.accounts, u.AccountID, item)
	}
}

// count keeps the groups' member counts as accounts come and go.
func (ix *Index) count(groups []client.UserGroup, delta int) {
	for _, g := range groups {
		ix.members[g.ID] += delta
	}
}

// AddGroups adds a page of groups.
func (ix *Index) AddGroups(groups []client.Group) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, g := range groups {
		ix.put(ix.groups, g.ID, newIndexed(Entry{Kind: EntryGroup, Group: g}, g.Name))
	}
}

func (ix *Index) put(byID map[string]int, id string, item indexed) {
	ix.sorted = nil
	if i, ok := byID[id]; ok {
		ix.items[i] = item
		return
	}
	byID[id] = len(ix.items)
	ix.items = append(ix.items, item)
}

func newIndexed(e Entry, field string) indexed {
	folded := fold(field)
	return indexed{entry: e, field: field, folded: folded, words: splitWords(folded)}
}

func accountField(u client.User) string {
	if u.Email == "" {
		return u.Name
	}
	return u.Name + " <" + u.Email + ">"
}

// Counts says how many accounts and groups are loaded.
func (ix *Index) Counts() (accounts, groups int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.accounts), len(ix.groups)
}

// Account returns a loaded account by id.
func (ix *Index) Account(accountID string) (client.User, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	i, ok := ix.accounts[accountID]
	if !ok {
		return client.User{}, false
	}
	return ix.items[i].entry.Account, true
}

// Members lists the loaded accounts in a group, by name.
func (ix *Index) Members(groupID string) []client.User {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []client.User
	for _, i := range ix.accounts {
		u := ix.items[i].entry.Account
		if slices.ContainsFunc(u.Groups, func(g client.UserGroup) bool { return g.ID == groupID }) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b client.User) int {
		return cmp.Or(cmp.Compare(fold(a.Name), fold(b.Name)), cmp.Compare(a.AccountID, b.AccountID))
	})
	return out
}

// Search finds accounts and groups for what the operator typed: an exact
// email or account id first, then fuzzy matches of name, email or group name
// (case and diacritics aside), then near misspellings when fuzzy matching
// finds too few. An empty query lists everything, accounts then groups,
// by name. At most limit hits.
func (ix *Index) Search(query string, limit int) []Hit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	query = strings.TrimSpace(query)
	if limit <= 0 {
		return nil
	}
	if query == "" {
		return ix.everything(limit)
	}
	fq := fold(query)
	seen := map[int]bool{}
	hits := ix.exact(query, fq, seen)
	// fuzzy sorts its matches best first: only the ones shown become hits.
	for _, m := range fuzzy.FindFrom(fq, foldedSource(ix.items)) {
		if len(hits) == limit {
			break
		}
		if !seen[m.Index] {
			seen[m.Index] = true
			hits = append(hits, ix.hit(m.Index, runeIndexes(ix.items[m.Index].folded, m.MatchedIndexes), m.Score))
		}
	}
	if len(hits) < limit {
		hits = append(hits, ix.typos(fq, seen)...)
	}
	slices.SortStableFunc(hits, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	return hits[:min(len(hits), limit)]
}

// exact finds the account whose email or id is the query.
func (ix *Index) exact(query, fq string, seen map[int]bool) []Hit {
	if i, ok := ix.accounts[query]; ok {
		seen[i] = true
		return []Hit{ix.hit(i, nil, scoreExact)}
	}
	if !strings.Contains(fq, "@") {
		return nil
	}
	var hits []Hit
	for _, i := range ix.accounts {
		if ix.items[i].email == fq {
			seen[i] = true
			start := len([]rune(ix.items[i].field)) - len([]rune(fq)) - 1
			hits = append(hits, ix.hit(i, runeRange(start, len([]rune(fq))), scoreExact))
		}
	}
	return hits
}

// typos finds entries whose words are near the query's words.
func (ix *Index) typos(fq string, seen map[int]bool) []Hit {
	words := queryWords(fq)
	if len(words) == 0 {
		return nil
	}
	var hits []Hit
	var scratch []int
	for i := range ix.items {
		if seen[i] {
			continue
		}
		if d, matched, ok := typoMatch(words, ix.items[i].words, &scratch); ok {
			slices.Sort(matched)
			hits = append(hits, ix.hit(i, slices.Compact(matched), scoreTypo-d))
		}
	}
	return hits
}

func (ix *Index) everything(limit int) []Hit {
	order := ix.order()
	hits := make([]Hit, 0, min(limit, len(order)))
	for _, i := range order[:min(limit, len(order))] {
		hits = append(hits, ix.hit(i, nil, 0))
	}
	return hits
}

// order is the items by kind and name, sorted once per change. Searches
// run under the read lock, so sortMu keeps two of them from filling it in
// at once; a write (under the write lock) only ever clears it.
func (ix *Index) order() []int {
	ix.sortMu.Lock()
	defer ix.sortMu.Unlock()
	if ix.sorted != nil {
		return ix.sorted
	}
	order := make([]int, len(ix.items))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		x, y := ix.items[a], ix.items[b]
		return cmp.Or(cmp.Compare(x.entry.Kind, y.entry.Kind), cmp.Compare(x.folded, y.folded))
	})
	ix.sorted = order
	return order
}

func (ix *Index) hit(i int, matched []int, score int) Hit {
	it := ix.items[i]
	e := it.entry
	if e.Kind == EntryGroup {
		e.Members = ix.members[e.Group.ID]
	}
	return Hit{Entry: e, Field: it.field, Matched: matched, Score: score}
}

func runeRange(start, n int) []int {
	out := make([]int, n)
	for k := range out {
		out[k] = start + k
	}
	return out
}

// foldedSource lets fuzzy read the prepared texts without a copy per query.
type foldedSource []indexed

func (s foldedSource) String(i int) string { return s[i].folded }
func (s foldedSource) Len() int            { return len(s) }
