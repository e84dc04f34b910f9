package search

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"

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
	// hot is what every search reads for every entry, kept small and in
	// order so that scanning 100,000 entries stays in cache; cold is the
	// rest. Both are in first-seen order, and a replaced entry keeps its
	// place. words holds every entry's words, hot[i].w0 to hot[i].w1.
	hot      []hotEntry
	cold     []*coldEntry
	words    []word
	accounts map[string]int32   // account id -> entry
	groups   map[string]int32   // group id -> entry
	exact    map[string]int32   // exact key (coldEntry.keys) -> the entry with it
	exactDup map[string][]int32 // keys more than one entry has: all of them
	members  map[string]int     // group id -> accounts in it
	scratch  sync.Pool          // of *searchScratch
}

type hotEntry struct {
	folded string // fold(field): what fuzzy matching reads; sorts by name
	id     string // folded account id, for id parts; "" for a group
	runes  uint64 // runeSet(folded): rules out most entries without reading folded
	wmask  uint32 // the words' masks together
	w0, w1 int32  // its words in Index.words
	kind   EntryKind
}

type coldEntry struct {
	entry   Entry
	field   string
	ascii   bool     // folded is ASCII, so byte offsets are rune indexes
	email   string   // folded email
	emailAt int      // rune index of the email in field, -1 without one
	keys    []string // what a query must equal for an exact hit
	groups  []string // an account's groups, each once
}

// prepared is an entry made ready outside the lock.
type prepared struct {
	hot   hotEntry
	cold  coldEntry
	words []word
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
// earlier one. Accounts without an id are skipped.
func (ix *Index) AddAccounts(users []client.User) {
	ready := make([]prepared, 0, len(users))
	for _, u := range users {
		if u.AccountID != "" {
			ready = append(ready, prepareAccount(u))
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i := range ready {
		ix.put(ix.accounts, ready[i].cold.entry.Account.AccountID, &ready[i])
	}
}

// AddGroups adds a page of groups; a group seen again replaces the earlier
// one. Groups without an id are skipped.
func (ix *Index) AddGroups(groups []client.Group) {
	ready := make([]prepared, 0, len(groups))
	for _, g := range groups {
		if g.ID != "" {
			ready = append(ready, prepareGroup(g))
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i := range ready {
		ix.put(ix.groups, ready[i].cold.entry.Group.ID, &ready[i])
	}
}

func prepareAccount(u client.User) prepared {
	name := displayText(strings.TrimSpace(cmp.Or(u.Name, u.Nickname)))
	email := displayText(strings.TrimSpace(u.Email))
	p := prepared{cold: coldEntry{entry: Entry{Kind: EntryAccount, Account: u}, emailAt: -1}}
	switch {
	case name != "" && email != "":
		p.cold.field = name + " <" + email + ">"
		p.cold.emailAt = utf8.RuneCountInString(name) + 2
	case name != "":
		p.cold.field = name
	case email != "":
		p.cold.field, p.cold.emailAt = email, 0
	default:
		p.cold.field = displayText(u.AccountID)
	}
	p.prepare()
	p.hot.id = fold(u.AccountID)
	if email != "" {
		p.cold.email = fold(email)
	}
	// Exact keys: the id, the email, and the whole field, so that pasting
	// what the screen shows finds that account first.
	p.setKeys(p.hot.id, p.cold.email, oneSpaced(p.hot.folded))
	for _, g := range u.Groups {
		if g.ID != "" && !slices.Contains(p.cold.groups, g.ID) {
			p.cold.groups = append(p.cold.groups, g.ID)
		}
	}
	return p
}

func prepareGroup(g client.Group) prepared {
	p := prepared{cold: coldEntry{entry: Entry{Kind: EntryGroup, Group: g}, emailAt: -1}}
	p.cold.field = displayText(strings.TrimSpace(cmp.Or(g.Name, g.ID)))
	p.prepare()
	p.setKeys(fold(g.ID), oneSpaced(p.hot.folded))
	return p
}

func (p *prepared) prepare() {
	p.hot.kind = p.cold.entry.Kind
	p.hot.folded = fold(p.cold.field)
	p.cold.ascii = isASCII(p.hot.folded)
	p.words = splitWords(p.hot.folded)
	p.hot.runes = runeSet(p.hot.folded)
	for _, w := range p.words {
		p.hot.wmask |= w.mask
	}
}

// setKeys sets the exact keys, each once.
func (p *prepared) setKeys(keys ...string) {
	for _, key := range keys {
		if key != "" && !slices.Contains(p.cold.keys, key) {
			p.cold.keys = append(p.cold.keys, key)
		}
	}
}

// put adds or replaces the entry with this id. The caller holds the lock.
// A replaced entry's words stay in the arena, unused: replacements are rare
// (an account moving between pages while the org loads).
func (ix *Index) put(byID map[string]int32, id string, p *prepared) {
	p.hot.w0 = int32(len(ix.words))
	ix.words = append(ix.words, p.words...)
	p.hot.w1 = int32(len(ix.words))
	i, seen := byID[id]
	if seen {
		ix.unlink(i)
		ix.hot[i], ix.cold[i] = p.hot, &p.cold
	} else {
		i = int32(len(ix.hot))
		byID[id] = i
		ix.hot = append(ix.hot, p.hot)
		ix.cold = append(ix.cold, &p.cold)
	}
	ix.link(i)
}

func (ix *Index) link(i int32) {
	c := ix.cold[i]
	for _, key := range c.keys {
		if j, taken := ix.exact[key]; !taken {
			ix.exact[key] = i
		} else if dup := ix.exactDup[key]; dup != nil {
			ix.exactDup[key] = append(dup, i)
		} else {
			ix.exactDup[key] = []int32{j, i}
		}
	}
	for _, g := range c.groups {
		ix.members[g]++
	}
}

func (ix *Index) unlink(i int32) {
	c := ix.cold[i]
	for _, key := range c.keys {
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
	for _, g := range c.groups {
		if ix.members[g]--; ix.members[g] <= 0 {
			delete(ix.members, g)
		}
	}
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
	return ix.cold[i].entry.Account, true
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
		if slices.Contains(ix.cold[i].groups, groupID) {
			in = append(in, int32(i))
		}
	}
	slices.SortFunc(in, ix.byName)
	out := make([]client.User, len(in))
	for k, i := range in {
		out[k] = ix.cold[i].entry.Account
	}
	return out
}

// byName orders entries for display: accounts before groups, then by folded
// name (and email), then first seen first.
func (ix *Index) byName(a, b int32) int {
	ha, hb := &ix.hot[a], &ix.hot[b]
	return cmp.Or(cmp.Compare(ha.kind, hb.kind), strings.Compare(ha.folded, hb.folded), cmp.Compare(a, b))
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

// Searching splits the fuzzy and misspelling passes over the CPUs when
// there are enough entries to make it worth a goroutine.
const (
	maxParts       = 4
	minPartItems   = 8192
	manyCandidates = 4096
)

func partsFor(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), maxParts, n/minPartItems))
}

// cand is a hit in the making.
type cand struct {
	rank    int
	rec     int32
	how     MatchKind
	offsets []int // fuzzy: byte offsets into folded; nil: find them again
}

type typoHit struct {
	rec  int32
	dist int
}

// searchScratch is what one search needs, kept between searches.
type searchScratch struct {
	marks    []uint8
	cands    []int32
	starts   []int32
	top      []cand
	weak     []cand
	src      [maxParts]foldedSource
	matches  [maxParts]fuzzy.Matches
	typo     [maxParts]typoScratch
	typoHits [maxParts][]typoHit
}

// foldedSource shows sahilm/fuzzy the folded texts of some entries,
// without a copy of them per query.
type foldedSource struct {
	hot   []hotEntry
	cands []int32
}

func (s *foldedSource) String(i int) string { return s.hot[s.cands[i]].folded }
func (s *foldedSource) Len() int            { return len(s.cands) }

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
func (ix *Index) Search(query string, limit int) []Hit {
	fq := foldQuery(query)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s, _ := ix.scratch.Get().(*searchScratch)
	if s == nil {
		s = &searchScratch{}
	}
	top := &topK{ix: ix, limit: limit, items: s.top[:0]}
	defer func() {
		clear(top.items[:cap(top.items)]) // let go of sahilm's slices
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
		for i := range ix.hot {
			h := &ix.hot[i]
			if marks[i] == markNone && h.id != "" && strings.Contains(h.id, fq) {
				marks[i] = markFound
				found++
				top.push(cand{rank: rank(MatchIDPart, len(fq)-len(h.id)), rec: int32(i), how: MatchIDPart})
			}
		}
	}
	found += ix.fuzzyPass(fq, limit, s, top)
	if limit <= 0 || found < limit {
		ix.typoPass(fq, s, top)
	}
	for _, c := range s.weak {
		if marks[c.rec] == markScattered {
			top.push(c)
		}
	}
	clear(s.weak)
	s.weak = s.weak[:0]
	return ix.hits(top.sorted(), fq, s)
}

// fuzzyPass runs sahilm/fuzzy over the entries not yet found, after a
// cheap byte-wise subsequence test that every match passes. It pushes the
// matches in few pieces, keeps the scattered ones in s.weak, and says how
// many it pushed.
//
// A short query can match most of a big org ("ta" is in order in nearly
// every "…@acme.com"), and sahilm/fuzzy allocates for every match. With more
// than manyCandidates, a one-word query whose text starts a word in at
// least limit entries is matched against those entries only: they rank
// first for the operator anyway, and the search stays interactive.
func (ix *Index) fuzzyPass(fq string, limit int, s *searchScratch, top *topK) int {
	marks := s.marks
	s.cands = s.cands[:0]
	need := runeSet(fq)
	for i := range ix.hot {
		if h := &ix.hot[i]; marks[i] == markNone && need&^h.runes == 0 && subsequence(h.folded, fq) {
			s.cands = append(s.cands, int32(i))
		}
	}
	if limit > 0 && len(s.cands) > manyCandidates && !strings.Contains(fq, " ") {
		s.starts = s.starts[:0]
		for _, i := range s.cands {
			if startsWord(ix.hot[i].folded, fq) {
				s.starts = append(s.starts, i)
			}
		}
		if len(s.starts) >= limit {
			s.cands, s.starts = s.starts, s.cands
		}
	}
	parts := partsFor(len(s.cands))
	var wg sync.WaitGroup
	for k := range parts {
		s.src[k] = foldedSource{hot: ix.hot, cands: s.cands[k*len(s.cands)/parts : (k+1)*len(s.cands)/parts]}
		if parts == 1 {
			s.matches[k] = fuzzy.FindFromNoSort(fq, &s.src[k])
		} else {
			wg.Go(func() { s.matches[k] = fuzzy.FindFromNoSort(fq, &s.src[k]) })
		}
	}
	wg.Wait()

	queryRunes := utf8.RuneCountInString(fq)
	pieces := strings.Count(fq, " ") + 2 // words, plus one
	found := 0
	for k := range parts {
		for _, m := range s.matches[k] {
			i := s.src[k].cands[m.Index]
			folded := ix.hot[i].folded
			c := cand{rec: i, offsets: m.MatchedIndexes}
			if queryRunes > maxFuzzyRunes {
				c.offsets = nil // sahilm/fuzzy's are wrong past ~40 adjacent runes
			}
			n, first := fragments(folded, c.offsets)
			if n != 1 {
				// sahilm/fuzzy takes each letter at its first good place, so
				// "bich.nguyen" may start in the name though all of it is in
				// the email: a query found in one piece is one piece.
				if at := strings.Index(folded, fq); at >= 0 {
					n, first, c.offsets = 1, at, nil
				} else if c.offsets == nil {
					n, first = fragments(folded, inOrder(folded, fq))
				}
			}
			score := m.Score
			if queryRunes > maxFuzzyRunes {
				score = -(n*1024 + first)
			}
			if n <= pieces {
				c.how, c.rank = MatchFuzzy, rank(MatchFuzzy, score)
				marks[i] = markFound
				found++
				top.push(c)
			} else {
				c.how, c.rank = MatchScattered, rank(MatchScattered, score)
				marks[i] = markScattered
				s.weak = append(s.weak, c)
			}
		}
		s.matches[k], s.src[k] = nil, foldedSource{}
	}
	return found
}

// typoPass pushes the entries not found so far whose words are near the
// query's words.
func (ix *Index) typoPass(fq string, s *searchScratch, top *topK) {
	words := queryWords(fq)
	if len(words) == 0 {
		return
	}
	marks := s.marks
	parts := partsFor(len(ix.hot))
	scan := func(k int) {
		hits := s.typoHits[k][:0]
		for i := k * len(ix.hot) / parts; i < (k+1)*len(ix.hot)/parts; i++ {
			if marks[i] == markFound {
				continue
			}
			h := &ix.hot[i]
			if !mayBeNear(words, h.wmask) {
				continue
			}
			if d, ok := typoMatch(words, h.folded, ix.words[h.w0:h.w1], &s.typo[k]); ok {
				hits = append(hits, typoHit{rec: int32(i), dist: d})
			}
		}
		s.typoHits[k] = hits
	}
	if parts == 1 {
		scan(0)
	} else {
		var wg sync.WaitGroup
		for k := range parts {
			wg.Go(func() { scan(k) })
		}
		wg.Wait()
	}
	for k := range parts {
		for _, h := range s.typoHits[k] {
			marks[h.rec] = markTypo
			top.push(cand{rank: rank(MatchMisspelled, -h.dist), rec: h.rec, how: MatchMisspelled})
		}
	}
}

// hits turns the chosen candidates into hits.
func (ix *Index) hits(chosen []cand, fq string, s *searchScratch) []Hit {
	if len(chosen) == 0 {
		return nil
	}
	out := make([]Hit, len(chosen))
	var words []queryWord
	for k, c := range chosen {
		h, e := &ix.hot[c.rec], ix.cold[c.rec]
		hit := Hit{Entry: e.entry, Field: e.field, Score: c.rank, How: c.how}
		if e.entry.Kind == EntryGroup {
			hit.Entry.Members = ix.members[e.entry.Group.ID]
		}
		switch c.how {
		case MatchExact:
			switch {
			case e.email == fq && e.emailAt >= 0:
				hit.Matched = runeRange(e.emailAt, utf8.RuneCountInString(e.email))
			case h.id != fq && fold(e.entry.Group.ID) != fq: // not by id: by name or the whole field
				hit.Matched = runeRange(0, utf8.RuneCountInString(e.field))
			}
		case MatchFuzzy, MatchScattered:
			offsets := c.offsets
			if offsets == nil {
				offsets = inOrder(h.folded, fq)
			}
			offsets = slices.Compact(slices.Sorted(slices.Values(offsets)))
			if e.ascii {
				hit.Matched = offsets
			} else {
				hit.Matched = runeIndexes(h.folded, offsets)
			}
		case MatchMisspelled:
			if words == nil {
				words = queryWords(fq)
			}
			entryWords := ix.words[h.w0:h.w1]
			if _, ok := typoMatch(words, h.folded, entryWords, &s.typo[0]); ok {
				for _, w := range s.typo[0].best {
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
		switch c := s[i]; {
		case c >= 'a' && c <= 'z':
			set |= 1 << (c - 'a')
		case c >= '0' && c <= '9':
			set |= 1 << (26 + c - '0')
		case c == ' ' || c == '.' || c == '-' || c == '_' || c == ':':
			set |= 1 << 36
		default:
			set |= 1 << (37 + uint64(c)%27) // bytes of other runes
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
