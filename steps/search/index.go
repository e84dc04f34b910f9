package search

import (
	"cmp"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/client"
)

// The search behind the first screens: the operator types part of a name,
// an email or an account id, or a group's name, while the org is still
// loading page by page. Matching is sahilm/fuzzy over text folded for case
// and diacritics (search_fold.go), with a word-by-word pass for misspellings
// (search_typo.go). All of it is plain data: no terminal here.

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
	Account client.User  // when Kind is EntryAccount
	Group   client.Group // when Kind is EntryGroup
	Members int          // for a group: how many loaded accounts are in it
}

// MatchKind says why a hit matched. Hits come in this order: every exact
// hit before any id-part hit, and so on.
type MatchKind int

const (
	// MatchExact: the query is the account's email or account id, or the
	// group's name or id (case and diacritics aside).
	MatchExact MatchKind = iota
	// MatchIDPart: the query (six runes or more) is part of the account id.
	MatchIDPart
	// MatchFuzzy: the query's letters appear in order in the name or email,
	// in at most one piece more than the query has words ("ytanaka").
	MatchFuzzy
	// MatchMisspelled: each query word is a word of the entry, or a few
	// edits from one ("Tanoka", "Agniezska", "tanaka yuki").
	MatchMisspelled
	// MatchScattered: the query's letters appear in order, but scattered.
	MatchScattered
	// MatchAll: the query was empty; every entry, by name.
	MatchAll
)

// Hit is one search result: the text to show and which of its runes matched.
type Hit struct {
	Entry Entry
	// Field is the text shown: "Name <email>" for an account (the name or
	// the email alone when the other is missing), the name for a group.
	Field string
	// Matched holds the rune indexes of Field to highlight, ascending. An
	// account found by its id has none: the id is not part of Field.
	Matched []int
	// Score ranks the hits of one search, higher first; hits are sorted by
	// it, then by name. Each MatchKind has its own band of scores; within
	// MatchFuzzy they follow sahilm/fuzzy's score, within MatchMisspelled
	// the edit distance. Compare scores of one search only.
	Score int
	// How says why the entry matched.
	How MatchKind
}

// Index is the searchable org: accounts and groups, added page by page
// while the org loads. It is safe for concurrent use: Search may run in one
// goroutine while another adds pages.
type Index struct {
	mu sync.RWMutex
	// hot is what every search reads for every entry, kept small (48
	// bytes, one pointer) and in order so that scanning a million entries
	// stays fast, for the CPU and for the garbage collector; cold is the
	// rest (store.go). Both are in first-seen order, and a replaced entry
	// keeps its place. words holds every entry's words, grefs every
	// account's groups, products every account's products.
	hot       []hotEntry
	cold      []coldEntry
	words     []word
	grefs     []uint32 // into shared.ugroups
	products  []client.ProductAccess
	groupList []client.Group
	shared    interned
	accounts  map[string]int32   // account id -> entry
	groups    map[string]int32   // group id -> entry
	exact     map[string]int32   // exact key (keys) -> the entry with it
	exactDup  map[string][]int32 // keys more than one entry has: all of them
	members   map[string]int     // group id -> accounts in it
	// changed lists the entries replaced, in order, so that a Session
	// reads them again; changedBase is how many were dropped before
	// changed[0] (a session that remembers fewer reads everything).
	changed     []int32
	changedBase int
	scratch     sync.Pool // of *searchScratch
}

type hotEntry struct {
	// text is the folded field (what fuzzy matching reads; it sorts by
	// name), then the folded account id (for id parts; none for a group).
	text   string
	nf     uint32 // len(folded)
	w0     uint32 // its words: Index.words[w0 : w0+nw]
	runes  uint64 // runeSet(folded): rules out most entries without reading folded
	starts uint64 // wordStarts(folded)
	wmask  uint32 // the words' masks together
	nw     uint16
	kind   uint8 // EntryKind
	ascii  bool  // folded is ASCII: byte offsets are rune indexes
}

func (h *hotEntry) folded() string { return h.text[:h.nf] }
func (h *hotEntry) id() string     { return h.text[h.nf:] }

type coldEntry struct {
	data   string    // an account's own strings (store.go); hot.text is its start
	lens   [4]uint32 // where they end (lenID …)
	shape  uint32    // into shared.shapes
	g0, ng uint32    // its groups: grefs[g0 : g0+ng]; a group's g0 is its place in groupList
	p0, np uint32    // its products: products[p0 : p0+np]
}

// prepared is an entry made ready outside the lock.
type prepared struct {
	hot   hotEntry
	cold  coldEntry
	words []word
	key   string // the account or group id
	user  *client.User
	group *client.Group
	// exact are the entry's exact keys (keys), worked out with the rest
	// outside the lock: n of them.
	exact  [3]string
	nexact int
}

// NewIndex makes an empty index.
func NewIndex() *Index {
	return &Index{
		accounts: map[string]int32{},
		groups:   map[string]int32{},
		exact:    map[string]int32{},
		exactDup: map[string][]int32{},
		members:  map[string]int{},
	}
}

// AddAccounts adds a page of accounts. An account seen again replaces the
// earlier one. Accounts without an id are skipped. The index keeps what it
// needs of them, not the slice.
//
// A big batch (a saved org read back) is prepared on every core.
func (ix *Index) AddAccounts(users []client.User) {
	ready := make([]prepared, len(users))
	parts := partsFor(len(users), minPrepareItems)
	inParts(parts, func(k int) {
		for i := k * len(users) / parts; i < (k+1)*len(users)/parts; i++ {
			if users[i].AccountID != "" {
				ready[i] = prepareAccount(&users[i])
			}
		}
	})
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i := range ready {
		if ready[i].user != nil {
			ix.put(ix.accounts, &ready[i])
		}
	}
}

// minPrepareItems is the least a core is given to prepare: below it, one
// goroutine does it all (a page of 100 as the org loads).
const minPrepareItems = 4096

// reserve grows the index for n more accounts, so that adding a saved org
// does not grow its maps and lists step by step.
func (ix *Index) reserve(n int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	grow := func(m map[string]int32, more int) map[string]int32 {
		bigger := make(map[string]int32, len(m)+more)
		maps.Copy(bigger, m)
		return bigger
	}
	ix.accounts = grow(ix.accounts, n)
	ix.exact = grow(ix.exact, 3*n)
	ix.hot = slices.Grow(ix.hot, n)
	ix.cold = slices.Grow(ix.cold, n)
}

// AddGroups adds a page of groups; a group seen again replaces the earlier
// one. Groups without an id are skipped.
func (ix *Index) AddGroups(groups []client.Group) {
	ready := make([]prepared, 0, len(groups))
	for k := range groups {
		if groups[k].ID != "" {
			ready = append(ready, prepareGroup(&groups[k]))
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i := range ready {
		ix.put(ix.groups, &ready[i])
	}
}

func prepareAccount(u *client.User) prepared {
	field, _, shownEmail := accountField(u.AccountID, u.Name, u.Nickname, u.Email)
	folded := fold(field)
	data, hotLen, lens := accountData(u, folded, fold(u.AccountID))
	p := prepared{user: u, cold: coldEntry{data: data, lens: lens}}
	p.hot.text, p.hot.nf = data[:hotLen], uint32(len(folded))
	p.prepare(EntryAccount)
	p.key = p.hot.id()
	if lens[lenID] != 0 {
		p.key = data[hotLen : hotLen+int(lens[lenID])]
	}
	at := hotLen + int(lens[lenID]+lens[lenName]+lens[lenNickname])
	email := emailKey(shownEmail, data[at:at+int(lens[lenEmail])])
	p.nexact = len(exactKeys(p.exact[:0], p.hot.id(), email, oneSpaced(folded)))
	return p
}

func prepareGroup(g *client.Group) prepared {
	folded := fold(groupField(g))
	p := prepared{group: g, key: g.ID}
	p.hot.text, p.hot.nf = folded, uint32(len(folded))
	p.prepare(EntryGroup)
	p.nexact = len(exactKeys(p.exact[:0], fold(g.ID), oneSpaced(folded)))
	return p
}

func (p *prepared) prepare(kind EntryKind) {
	p.hot.kind = uint8(kind)
	folded := p.hot.folded()
	p.words = splitWords(folded)
	if len(p.words) > math.MaxUint16 {
		p.words = p.words[:math.MaxUint16]
	}
	p.hot.nw = uint16(len(p.words))
	p.hot.runes = runeSet(folded)
	p.hot.starts = wordStarts(folded)
	p.hot.ascii = isASCII(folded)
	for _, w := range p.words {
		p.hot.wmask |= w.mask
	}
}

// put adds or replaces the entry with this id. The caller holds the lock.
// A replaced entry's words, groups and products stay in their arrays,
// unused: replacements are rare (an account moving between pages while the
// org loads, or read again after a change).
func (ix *Index) put(byID map[string]int32, p *prepared) {
	p.hot.w0 = uint32(len(ix.words))
	ix.words = append(ix.words, p.words...)
	if u := p.user; u != nil {
		p.cold.shape = ix.shared.shape(u)
		p.cold.g0, p.cold.ng = uint32(len(ix.grefs)), uint32(len(u.Groups))
		for _, g := range u.Groups {
			ix.grefs = append(ix.grefs, ix.shared.ugroup(g))
		}
		p.cold.p0, p.cold.np = uint32(len(ix.products)), uint32(len(u.ProductAccess))
		for _, pa := range u.ProductAccess {
			pa.ID, pa.Key = ix.shared.str(pa.ID), ix.shared.str(pa.Key)
			ix.products = append(ix.products, pa)
		}
	} else {
		p.cold.g0 = uint32(len(ix.groupList))
		ix.groupList = append(ix.groupList, *p.group)
	}
	i, seen := byID[p.key]
	if seen {
		ix.unlink(i)
		ix.hot[i], ix.cold[i] = p.hot, p.cold
		ix.changed = append(ix.changed, i)
		if len(ix.changed) > 4096+len(ix.hot)/4 {
			ix.changedBase += len(ix.changed)
			ix.changed = ix.changed[:0]
		}
	} else {
		i = int32(len(ix.hot))
		byID[p.key] = i
		ix.hot = append(ix.hot, p.hot)
		ix.cold = append(ix.cold, p.cold)
	}
	ix.link(i, p.exact[:p.nexact])
}

// keys are what a query must equal for an exact hit on entry i, each once:
// an account's id, its email and the whole field it shows (so that pasting
// what the screen shows finds that account first); a group's id and name.
func (ix *Index) keys(i int32, out []string) []string {
	h := &ix.hot[i]
	if EntryKind(h.kind) == EntryGroup {
		return exactKeys(out, fold(ix.groupList[ix.cold[i].g0].ID), oneSpaced(h.folded()))
	}
	a := ix.accountStrings(i)
	_, _, shownEmail := accountField(a.id, a.name, a.nickname, a.email)
	return exactKeys(out, h.id(), emailKey(shownEmail, a.email), oneSpaced(h.folded()))
}

// exactKeys appends the keys that are not empty to out, each once.
func exactKeys(out []string, keys ...string) []string {
	for _, key := range keys {
		if key != "" && !slices.Contains(out, key) {
			out = append(out, key)
		}
	}
	return out
}

// emailKey is the exact key of the email an account shows: folded. That
// is mostly the email as it came: then the key is that part of the
// account's data (stored, the email), and costs nothing more.
func emailKey(shown, stored string) string {
	if shown == "" {
		return ""
	}
	if key := fold(shown); key != stored {
		return key
	}
	return stored
}

// groupIDs calls f with each group id of account i, once each.
func (ix *Index) groupIDs(i int32, f func(id string)) {
	c := &ix.cold[i]
	if EntryKind(ix.hot[i].kind) != EntryAccount {
		return
	}
	refs := ix.grefs[c.g0 : c.g0+c.ng]
	for k, g := range refs {
		id := ix.shared.ugroups[g].ID
		if id == "" || slices.ContainsFunc(refs[:k], func(h uint32) bool { return ix.shared.ugroups[h].ID == id }) {
			continue
		}
		f(id)
	}
}

// link files entry i under its exact keys (keys) and counts it in its
// groups.
func (ix *Index) link(i int32, keys []string) {
	for _, key := range keys {
		if j, taken := ix.exact[key]; !taken {
			ix.exact[key] = i
		} else if dup := ix.exactDup[key]; dup != nil {
			ix.exactDup[key] = append(dup, i)
		} else {
			ix.exactDup[key] = []int32{j, i}
		}
	}
	ix.groupIDs(i, func(id string) { ix.members[id]++ })
}

func (ix *Index) unlink(i int32) {
	var buf [3]string
	for _, key := range ix.keys(i, buf[:0]) {
		dup := slices.DeleteFunc(ix.exactDup[key], func(j int32) bool { return j == i })
		switch len(dup) {
		case 0:
			delete(ix.exact, key)
		case 1:
			ix.exact[key] = dup[0]
			delete(ix.exactDup, key)
		default:
			ix.exact[key] = dup[0]
			ix.exactDup[key] = dup
		}
	}
	ix.groupIDs(i, func(id string) {
		if ix.members[id]--; ix.members[id] <= 0 {
			delete(ix.members, id)
		}
	})
}

// Counts says how many accounts and groups are loaded.
func (ix *Index) Counts() (accounts, groups int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.accounts), len(ix.groups)
}

// Account returns a loaded account by its id.
func (ix *Index) Account(accountID string) (client.User, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	i, ok := ix.accounts[accountID]
	if !ok {
		return client.User{}, false
	}
	return ix.user(i), true
}

// Members lists the loaded accounts that are in a group (as their expanded
// groups say), by name. The group itself need not be loaded.
func (ix *Index) Members(groupID string) []client.User {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.members[groupID] == 0 {
		return nil
	}
	var in []int32
	for i := range ix.cold {
		found := false
		ix.groupIDs(int32(i), func(id string) { found = found || id == groupID })
		if found {
			in = append(in, int32(i))
		}
	}
	slices.SortFunc(in, ix.byName)
	out := make([]client.User, len(in))
	for k, i := range in {
		out[k] = ix.user(i)
	}
	return out
}

// byName orders entries for display: accounts before groups, then by folded
// name (and email), then first seen first.
func (ix *Index) byName(a, b int32) int {
	ha, hb := &ix.hot[a], &ix.hot[b]
	return cmp.Or(cmp.Compare(ha.kind, hb.kind), strings.Compare(ha.folded(), hb.folded()), cmp.Compare(a, b))
}

// Ranks: each MatchKind's scores sit in their own band, so that sorting by
// Score sorts by MatchKind first.
const (
	bandWidth = 1 << 52
	// maxFuzzyRunes: sahilm/fuzzy's adjacency bonus triples with every
	// adjacent rune, so its score outgrows a band after about 28 runes (and
	// int64 at 40, where its indexes go wrong too). Longer queries (pasted
	// text) are ranked by how few pieces they match in instead.
	maxFuzzyRunes = 28
)

func rank(how MatchKind, score int) int {
	return int(MatchAll-how)*bandWidth + min(max(score, -bandWidth/2+1), bandWidth/2-1)
}

// Marks of entries during one search.
const (
	markNone      uint8 = iota
	markScattered       // a scattered fuzzy match, which a misspelling hit outranks
	markTypo            // a misspelling hit
	markFound           // exact, id part or fuzzy: done with
)

// Searching splits its passes over the CPUs (GOMAXPROCS of them, at most
// maxParts) when there is enough to do to make it worth a goroutine: a
// part reads at least minScanItems entries, or scores at least
// minScoreItems candidates. Each part keeps its own results, and they are
// put together in part order, so no result depends on which goroutine
// finished first.
const (
	maxParts       = 16
	minScanItems   = 8192
	minScoreItems  = 1024
	manyCandidates = 4096
)

func partsFor(n, minItems int) int {
	return max(1, min(runtime.GOMAXPROCS(0), maxParts, n/minItems))
}

// inParts runs f for each part, on its own goroutine when there are more
// than one.
func inParts(parts int, f func(k int)) {
	if parts == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() { f(k) })
	}
	wg.Wait()
}

// domain is the entries a pass reads: those of list (ascending), then
// from … to-1.
type domain struct {
	list     []int32
	from, to int32
}

func everything(n int) domain { return domain{to: int32(n)} }

func (d domain) len() int { return len(d.list) + int(d.to-d.from) }

// part is the k-th of parts about equal pieces of d.
func (d domain) part(k, parts int) domain {
	n := d.len()
	lo, hi := k*n/parts, (k+1)*n/parts
	var p domain
	if lo < len(d.list) {
		p.list = d.list[lo:min(hi, len(d.list))]
	}
	p.from = d.from + int32(max(lo-len(d.list), 0))
	p.to = d.from + int32(max(hi-len(d.list), 0))
	return p
}

// scope is what a Session asks of a search: which entries each pass reads
// (those that passed the same test for a query this one extends, and those
// added or replaced since), and where to keep the entries that pass each
// test this time. A nil keep keeps nothing.
type scope struct {
	fuzzy, ids, typo             domain
	keepFuzzy, keepIDs, keepTypo *[]int32
	ranIDs, ranTypo              bool // set by the search
}

// cand is a hit in the making.
type cand struct {
	rank int
	rec  int32
	how  MatchKind
	// inOrder: highlight the query's runes where inOrder finds them, not
	// where the fuzzy match took them.
	inOrder bool
}

type typoHit struct {
	rec  int32
	dist int
}

// searchScratch is what one search needs, kept between searches.
type searchScratch struct {
	marks  []uint8
	cands  []int32
	starts []int32
	top    []cand
	weak   []cand
	parts  [maxParts]partScratch
}

// partScratch is what one part of a pass needs.
type partScratch struct {
	cands    []int32
	keep     []int32
	top      topK
	found    int
	weak     []cand
	typo     typoScratch
	typoHits []typoHit
}

// Search finds accounts and groups for what the operator typed, best first,
// at most limit of them (limit <= 0: all). Case and diacritics don't matter.
//
// Ranking: an exact email, account id, group name or group id (or the whole
// text shown) first; then part of an account id; then fuzzy matches of name
// and email (sahilm/fuzzy: the query's letters in order) by fuzzy score;
// then, when those are fewer than limit, entries whose words are the query's
// words or a few edits from them (misspellings, another word order) by
// distance; then fuzzy matches scattered over the text. Ties go by name,
// then first seen. An empty query lists everything: accounts, then groups,
// by name.
//
// Search reads every entry. While the operator types, a Session finds the
// same hits reading fewer.
func (ix *Index) Search(query string, limit int) []Hit {
	return ix.search(foldQuery(query), limit, nil)
}

func (ix *Index) search(fq string, limit int, sc *scope) []Hit {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.searchLocked(fq, limit, sc)
}

// searchLocked is search; the caller holds the read lock.
func (ix *Index) searchLocked(fq string, limit int, sc *scope) []Hit {
	s, _ := ix.scratch.Get().(*searchScratch)
	if s == nil {
		s = &searchScratch{}
	}
	top := &topK{ix: ix, limit: limit, items: s.top[:0]}
	defer func() {
		s.top = top.items[:0]
		ix.scratch.Put(s)
	}()

	if fq == "" {
		for i := range ix.hot {
			top.push(cand{rank: rank(MatchAll, 0), rec: int32(i), how: MatchAll})
		}
		return ix.hits(top.sorted(), fq, s)
	}

	n := len(ix.hot)
	if sc == nil {
		sc = &scope{fuzzy: everything(n), ids: everything(n), typo: everything(n)}
	}
	s.marks = slices.Grow(s.marks[:0], n)[:n]
	clear(s.marks)
	marks, found := s.marks, 0
	var one [1]int32
	exact := ix.exactDup[fq]
	if i, ok := ix.exact[fq]; ok && exact == nil {
		one[0] = i
		exact = one[:]
	}
	for _, i := range exact {
		marks[i] = markFound
		found++
		top.push(cand{rank: rank(MatchExact, 0), rec: i, how: MatchExact})
	}
	if utf8.RuneCountInString(fq) >= 6 && !strings.Contains(fq, " ") {
		found += ix.idPass(fq, s, top, sc.ids, sc.keepIDs)
		sc.ranIDs = true
	}
	found += ix.fuzzyPass(fq, limit, s, top, sc.fuzzy, sc.keepFuzzy)
	if limit <= 0 || found < limit {
		sc.ranTypo = ix.typoPass(fq, s, top, sc.typo, sc.keepTypo)
	}
	for _, c := range s.weak {
		if marks[c.rec] == markScattered {
			top.push(c)
		}
	}
	s.weak = s.weak[:0]
	return ix.hits(top.sorted(), fq, s)
}

// idPass pushes the entries not found so far whose account id holds the
// query, and says how many. keep, when not nil, gets every entry whose id
// holds it.
func (ix *Index) idPass(fq string, s *searchScratch, top *topK, d domain, keep *[]int32) int {
	parts := ix.collect(d, s, keep, func(i int32) bool {
		id := ix.hot[i].id()
		return id != "" && strings.Contains(id, fq)
	})
	found := 0
	for k := range parts {
		for _, i := range s.parts[k].cands {
			s.marks[i] = markFound
			found++
			top.push(cand{rank: rank(MatchIDPart, len(fq)-len(ix.hot[i].id())), rec: i, how: MatchIDPart})
		}
	}
	return found
}

// collect tests the domain's entries on every core: each part lists in
// its cands those that pass and are not found yet, and keep (when not
// nil) gets every one that passes. It says how many parts there were.
func (ix *Index) collect(d domain, s *searchScratch, keep *[]int32, test func(i int32) bool) int {
	parts := partsFor(d.len(), minScanItems)
	inParts(parts, func(k int) {
		ps := &s.parts[k]
		ps.cands, ps.keep = ps.cands[:0], ps.keep[:0]
		visit := func(i int32) {
			if !test(i) {
				return
			}
			if keep != nil {
				ps.keep = append(ps.keep, i)
			}
			if s.marks[i] == markNone {
				ps.cands = append(ps.cands, i)
			}
		}
		p := d.part(k, parts)
		for _, i := range p.list {
			visit(i)
		}
		for i := p.from; i < p.to; i++ {
			visit(i)
		}
	})
	if keep != nil {
		for k := range parts {
			*keep = append(*keep, s.parts[k].keep...)
		}
	}
	return parts
}

// fuzzyPass scores the entries not found so far that pass a cheap byte-wise
// subsequence test (every sahilm/fuzzy match passes it; keep, when not nil,
// gets all that pass). It pushes the matches in few pieces, keeps the
// scattered ones in s.weak, and says how many it pushed.
//
// A short query can match most of a big org ("ta" is in order in nearly
// every "…@acme.com"). With more than manyCandidates, a one-word query
// whose text starts a word in at least limit entries is matched against
// those entries only: they rank first for the operator anyway, and the
// search stays interactive.
//
// Each part keeps its own best limit matches; once it has them, a
// candidate whose text is too long for any match in it to score as well
// as the worst of them (fuzzyPattern.maxScore) is not scored at all. That
// changes no hit: it could not be among the part's best, so not among all
// the best; and a part that has limit matches means the misspelling pass
// does not run.
func (ix *Index) fuzzyPass(fq string, limit int, s *searchScratch, top *topK, d domain, keep *[]int32) int {
	marks := s.marks
	need := runeSet(fq)
	parts := ix.collect(d, s, keep, func(i int32) bool {
		h := &ix.hot[i]
		return need&^h.runes == 0 && subsequence(h.folded(), fq)
	})
	s.cands = s.cands[:0]
	for k := range parts {
		s.cands = append(s.cands, s.parts[k].cands...)
	}
	if limit > 0 && len(s.cands) > manyCandidates && !strings.Contains(fq, " ") {
		s.starts = s.starts[:0]
		first := byteBit(fq[0])
		for _, i := range s.cands {
			if h := &ix.hot[i]; h.starts&first != 0 && startsWord(h.folded(), fq) {
				s.starts = append(s.starts, i)
			}
		}
		if len(s.starts) >= limit {
			s.cands, s.starts = s.starts, s.cands
		}
	}

	pattern := newFuzzyPattern(fq)
	queryRunes := len(pattern.runes)
	pieces := strings.Count(fq, " ") + 2 // words, plus one
	cands := s.cands
	parts = partsFor(len(cands), minScoreItems)
	inParts(parts, func(k int) {
		ps := &s.parts[k]
		ps.top = topK{ix: ix, limit: limit, items: ps.top.items[:0]}
		ps.weak, ps.found = ps.weak[:0], 0
		for _, i := range cands[k*len(cands)/parts : (k+1)*len(cands)/parts] {
			folded := ix.hot[i].folded()
			if limit > 0 && len(ps.top.items) == limit {
				if most, ok := pattern.maxScore(len(folded)); ok && rank(MatchFuzzy, most) < ps.top.items[0].rank {
					continue
				}
			}
			r, ok := pattern.match(folded, ix.hot[i].ascii, nil)
			if !ok {
				continue
			}
			c := cand{rec: i}
			n, first := r.pieces, r.first
			if queryRunes > maxFuzzyRunes {
				// sahilm/fuzzy's offsets are wrong past ~40 adjacent runes
				n, first, c.inOrder = 0, 0, true
			}
			if n != 1 {
				// sahilm/fuzzy takes each letter at its first good place, so
				// "bich.nguyen" may start in the name though all of it is in
				// the email: a query found in one piece is one piece.
				if at := strings.Index(folded, fq); at >= 0 {
					n, first, c.inOrder = 1, at, true
				} else if c.inOrder {
					n, first = fragments(folded, inOrder(folded, fq))
				}
			}
			score := r.score
			if queryRunes > maxFuzzyRunes {
				score = -(n*1024 + first)
			}
			if n <= pieces {
				c.how, c.rank = MatchFuzzy, rank(MatchFuzzy, score)
				ps.top.push(c)
				ps.found++
			} else {
				c.how, c.rank = MatchScattered, rank(MatchScattered, score)
				ps.weak = append(ps.weak, c)
			}
		}
	})
	found := 0
	for k := range parts {
		ps := &s.parts[k]
		for _, c := range ps.top.items {
			marks[c.rec] = markFound
			top.push(c)
		}
		for _, c := range ps.weak {
			marks[c.rec] = markScattered
		}
		s.weak = append(s.weak, ps.weak...)
		found += ps.found
	}
	return found
}

// typoPass pushes the entries not found so far whose words are near the
// query's words, and says whether it ran (a query of no words finds
// none). keep, when not nil, gets the entries that a query typed on from
// this one could still find so (mayMatchTypedOn).
func (ix *Index) typoPass(fq string, s *searchScratch, top *topK, d domain, keep *[]int32) bool {
	words := queryWords(fq)
	if len(words) == 0 {
		return false
	}
	marks := s.marks
	parts := partsFor(d.len(), minScanItems)
	inParts(parts, func(k int) {
		ps := &s.parts[k]
		ps.typoHits, ps.keep = ps.typoHits[:0], ps.keep[:0]
		test := func(i int32) {
			h := &ix.hot[i]
			entryWords := ix.words[h.w0 : h.w0+uint32(h.nw)]
			if keep != nil {
				if !mayMatchTypedOn(words, h.folded(), entryWords, h.wmask, &ps.typo) {
					return
				}
				ps.keep = append(ps.keep, i)
			}
			if marks[i] == markFound || !mayBeNear(words, h.wmask) {
				return
			}
			if dist, ok := typoMatch(words, h.folded(), entryWords, &ps.typo); ok {
				ps.typoHits = append(ps.typoHits, typoHit{rec: i, dist: dist})
			}
		}
		p := d.part(k, parts)
		for _, i := range p.list {
			test(i)
		}
		for i := p.from; i < p.to; i++ {
			test(i)
		}
	})
	for k := range parts {
		ps := &s.parts[k]
		if keep != nil {
			*keep = append(*keep, ps.keep...)
		}
		for _, h := range ps.typoHits {
			marks[h.rec] = markTypo
			top.push(cand{rank: rank(MatchMisspelled, -h.dist), rec: h.rec, how: MatchMisspelled})
		}
	}
	return true
}

// hits turns the chosen candidates into hits.
func (ix *Index) hits(chosen []cand, fq string, s *searchScratch) []Hit {
	if len(chosen) == 0 {
		return nil
	}
	out := make([]Hit, len(chosen))
	var words []queryWord
	var pattern fuzzyPattern
	for k, c := range chosen {
		h := &ix.hot[c.rec]
		field, emailAt, email := ix.shown(c.rec)
		hit := Hit{Entry: ix.entry(c.rec), Field: field, Score: c.rank, How: c.how}
		switch c.how {
		case MatchExact:
			switch {
			case email == fq && emailAt >= 0:
				hit.Matched = runeRange(emailAt, utf8.RuneCountInString(email))
			case h.id() != fq && fold(hit.Entry.Group.ID) != fq: // not by id: by name or the whole field
				hit.Matched = runeRange(0, utf8.RuneCountInString(field))
			}
		case MatchFuzzy, MatchScattered:
			var offsets []int
			if c.inOrder {
				offsets = inOrder(h.folded(), fq)
			} else {
				if pattern.runes == nil {
					pattern = newFuzzyPattern(fq)
				}
				pattern.match(h.folded(), h.ascii, &offsets)
			}
			offsets = slices.Compact(slices.Sorted(slices.Values(offsets)))
			if h.ascii {
				hit.Matched = offsets
			} else {
				hit.Matched = runeIndexes(h.folded(), offsets)
			}
		case MatchMisspelled:
			if words == nil {
				words = queryWords(fq)
			}
			entryWords := ix.words[h.w0 : h.w0+uint32(h.nw)]
			ts := &s.parts[0].typo
			if _, ok := typoMatch(words, h.folded(), entryWords, ts); ok {
				for _, w := range ts.best {
					hit.Matched = append(hit.Matched, runeRange(int(entryWords[w].at), int(entryWords[w].n))...)
				}
				hit.Matched = slices.Compact(slices.Sorted(slices.Values(hit.Matched)))
			}
		}
		out[k] = hit
	}
	return out
}

func runeRange(start, n int) []int {
	out := make([]int, n)
	for k := range out {
		out[k] = start + k
	}
	return out
}

// subsequence reports whether q's bytes appear in order in s: true for
// every text sahilm/fuzzy would match q in, and fast to rule most out.
func subsequence(s, q string) bool {
	for i := 0; i < len(q); i++ {
		k := strings.IndexByte(s, q[i])
		if k < 0 {
			return false
		}
		s = s[k+1:]
	}
	return true
}

// startsWord reports whether q occurs in s at the start of a word.
func startsWord(s, q string) bool {
	for off := 0; ; {
		k := strings.Index(s[off:], q)
		if k < 0 {
			return false
		}
		if at := off + k; at == 0 || !isWordByte(s[at-1]) {
			return true
		}
		off += k + 1
	}
}

// isWordByte: a byte of a letter or digit of folded text (any byte of a
// multi-byte rune counts as one).
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// runeSet is a set of the runes in s, as bits: one for each ASCII letter
// and digit and the common separators, the rest sharing the high bits. A
// text can only contain q if runeSet(q) &^ runeSet(text) is empty.
func runeSet(s string) uint64 {
	var set uint64
	for i := 0; i < len(s); i++ {
		set |= byteBit(s[i])
	}
	return set
}

// byteBit is a byte's bit in a runeSet.
func byteBit(c byte) uint64 {
	switch {
	case c >= 'a' && c <= 'z':
		return 1 << (c - 'a')
	case c >= '0' && c <= '9':
		return 1 << (26 + c - '0')
	case c == ' ' || c == '.' || c == '-' || c == '_' || c == ':':
		return 1 << 36
	default:
		return 1 << (37 + uint64(c)%27) // bytes of other runes
	}
}

// wordStarts is the runeSet of the bytes that start a word of s, as
// startsWord sees them: startsWord(s, q) needs q[0]'s bit in it.
func wordStarts(s string) uint64 {
	var set uint64
	for i := 0; i < len(s); i++ {
		if i == 0 || !isWordByte(s[i-1]) {
			set |= byteBit(s[i])
		}
	}
	return set
}

// inOrder finds q's runes in s, as byte offsets: where q is a substring,
// its first occurrence; otherwise each rune at its first place after the
// last. Nil when they are not all there.
func inOrder(s, q string) []int {
	var out []int
	if at := strings.Index(s, q); at >= 0 {
		for i := range q {
			if q[i] < utf8.RuneSelf || utf8.RuneStart(q[i]) {
				out = append(out, at+i)
			}
		}
		return out
	}
	from := 0
	for _, r := range q {
		k := strings.IndexRune(s[from:], r)
		if k < 0 {
			return nil
		}
		out = append(out, from+k)
		from += k + utf8.RuneLen(r)
	}
	return out
}

// fragments counts the runs of adjacent runes in a fuzzy match (byte
// offsets into s, ascending) and says where the first starts, in bytes.
func fragments(s string, offsets []int) (n, first int) {
	if len(offsets) == 0 {
		return 0, 0
	}
	n, first = 1, offsets[0]
	for k := 1; k < len(offsets); k++ {
		prev := offsets[k-1]
		size := 1
		if prev < len(s) && s[prev] >= utf8.RuneSelf {
			_, size = utf8.DecodeRuneInString(s[prev:])
		}
		if offsets[k] > prev+size {
			n++
		}
	}
	return n, first
}

// topK keeps the best limit candidates (all of them when limit <= 0) in a
// heap whose root is the worst kept.
type topK struct {
	ix    *Index
	limit int
	items []cand
}

// better: higher rank, then name order, then first seen.
func (t *topK) better(a, b *cand) bool {
	if a.rank != b.rank {
		return a.rank > b.rank
	}
	return t.ix.byName(a.rec, b.rec) < 0
}

func (t *topK) push(c cand) {
	if t.limit <= 0 {
		t.items = append(t.items, c)
		return
	}
	if len(t.items) < t.limit {
		t.items = append(t.items, c)
		for i := len(t.items) - 1; i > 0; {
			parent := (i - 1) / 2
			if !t.better(&t.items[parent], &t.items[i]) {
				break
			}
			t.items[parent], t.items[i] = t.items[i], t.items[parent]
			i = parent
		}
		return
	}
	if !t.better(&c, &t.items[0]) {
		return
	}
	t.items[0] = c
	for i := 0; ; {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(t.items) && t.better(&t.items[worst], &t.items[l]) {
			worst = l
		}
		if r < len(t.items) && t.better(&t.items[worst], &t.items[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		t.items[i], t.items[worst] = t.items[worst], t.items[i]
		i = worst
	}
}

func (t *topK) sorted() []cand {
	slices.SortFunc(t.items, func(a, b cand) int {
		if t.better(&a, &b) {
			return -1
		}
		if t.better(&b, &a) {
			return 1
		}
		return 0
	})
	return t.items
}
