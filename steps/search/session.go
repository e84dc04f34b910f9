package search

import (
	"slices"
	"strings"
	"sync"
)

// Session searches the index as the operator types, one query after
// another, and finds exactly the hits Index.Search would, reading fewer
// entries. Each of the search's cheap tests rules entries out for every
// query that starts with the query it ruled them out for:
//
//   - the fuzzy pass's (the query's bytes in order in the folded text): a
//     longer query's bytes in order are the shorter one's in order;
//   - the id pass's (the account id holds the query);
//   - the misspelling pass's (mayMatchTypedOn: the whole words near words
//     of the entry, and no more of the last word's runes missing than the
//     largest budget allows, since the last word may still grow).
//
// So a session remembers, for the queries typed so far, the entries that
// passed each test, and a query that starts with one of them (the next key
// typed, or a backspace back to it) tests only those, plus the entries
// added or replaced since: the index grows while the org loads. Anything
// else (a query typed over, a pasted one) reads every entry, as
// Index.Search does.
//
// A Session is safe for concurrent use, but its searches run one at a
// time: the wizard, which searches from commands with sequence numbers,
// may start the next while the last is running; it then waits for it.
// Each session is one search box: two boxes, two sessions.
type Session struct {
	ix     *Index
	mu     sync.Mutex
	levels []sessionLevel // each one's query starts with the one before
}

// sessionLevel is what one query's search kept.
type sessionLevel struct {
	fq               string
	fuzzy, ids, typo candidates
}

// candidates are the entries that passed one test for a query.
type candidates struct {
	ok      bool
	n       int32 // entries in the index then: later ones were not tested
	changed int   // position in the index's list of replaced entries then
	list    []int32
}

// NewSession starts a search box over the index.
func (ix *Index) NewSession() *Session {
	return &Session{ix: ix}
}

// Search is Index.Search, reading only the entries that the session's
// earlier queries leave possible.
func (ss *Session) Search(query string, limit int) []Hit {
	fq := foldQuery(query)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for len(ss.levels) > 0 && !strings.HasPrefix(fq, ss.levels[len(ss.levels)-1].fq) {
		ss.levels = ss.levels[:len(ss.levels)-1]
	}
	if fq == "" {
		return ss.ix.search(fq, limit, nil)
	}
	if len(ss.levels) == 0 || ss.levels[len(ss.levels)-1].fq != fq {
		ss.levels = append(ss.levels, sessionLevel{fq: fq})
	}
	cur := &ss.levels[len(ss.levels)-1]

	var kept struct{ fuzzy, ids, typo []int32 }
	sc := &scope{keepFuzzy: &kept.fuzzy, keepIDs: &kept.ids, keepTypo: &kept.typo}
	var n int32
	var changed int
	ss.ix.mu.RLock()
	n, changed = int32(len(ss.ix.hot)), ss.ix.changedBase+len(ss.ix.changed)
	sc.fuzzy = ss.domain(func(l *sessionLevel) *candidates { return &l.fuzzy })
	sc.ids = ss.domain(func(l *sessionLevel) *candidates { return &l.ids })
	sc.typo = ss.domain(func(l *sessionLevel) *candidates { return &l.typo })
	hits := ss.ix.searchLocked(fq, limit, sc)
	ss.ix.mu.RUnlock()

	cur.fuzzy = candidates{ok: true, n: n, changed: changed, list: kept.fuzzy}
	if sc.ranIDs {
		cur.ids = candidates{ok: true, n: n, changed: changed, list: kept.ids}
	}
	if sc.ranTypo {
		cur.typo = candidates{ok: true, n: n, changed: changed, list: kept.typo}
	}
	return hits
}

// domain is what a pass must read: the entries that passed its test for
// the longest earlier query this one starts with, and those added or
// replaced since; everything when no earlier query's are known. The
// caller holds the index's read lock.
func (ss *Session) domain(set func(*sessionLevel) *candidates) domain {
	ix := ss.ix
	n := int32(len(ix.hot))
	for l := len(ss.levels) - 1; l >= 0; l-- {
		c := set(&ss.levels[l])
		if !c.ok {
			continue
		}
		if c.changed < ix.changedBase {
			break // the index no longer knows what was replaced since
		}
		d := domain{list: c.list, from: c.n, to: n}
		if again := ix.changed[c.changed-ix.changedBase:]; len(again) > 0 {
			list := slices.Clone(c.list)
			for _, i := range again {
				if i < c.n {
					list = append(list, i)
				}
			}
			slices.Sort(list)
			d.list = slices.Compact(list)
		}
		return d
	}
	return everything(int(n))
}
