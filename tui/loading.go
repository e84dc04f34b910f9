package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
)

// loadingScreen opens the org and loads its accounts and groups into the
// search index, page by page. The index answers searches while pages are
// still coming, so the operator may start typing at once.
type loadingScreen struct {
	seq     int // of the open or load under way
	opening bool
	ix      *search.Index
	p       search.LoadProgress
	done    bool
	err     error          // opening or loading failed
	ch      <-chan tea.Msg // the loader's progress
	stop    func()         // ends this load (a reload starts another)
	// cached is the org as saved after the last full load: searched while
	// the fresh load runs, dropped when it is done.
	cached  *search.Index
	savedAt time.Time
	// cacheTotal accounts are saved, cacheIn of them are in cached yet;
	// cacheDone once all are. cacheCh brings the read's news; cacheStop
	// ends it (the fresh load is done, or a reload starts).
	cacheTotal, cacheIn int
	cacheDone           bool
	cacheCh             <-chan tea.Msg
	cacheStop           func()
	// Each index has one search session, the search box's: a query typed
	// on from the last reads only the entries that one left possible.
	ixSearch, cachedSearch *search.Session
	// refreshDue: pages have arrived since the search last ran, and a
	// loadRefreshMsg is on its way to run it again.
	refreshDue bool
}

// index is what a search reads: the saved copy while a fresh load runs,
// else what has been loaded.
func (l loadingScreen) index() *search.Index {
	if l.cached != nil && !l.done {
		return l.cached
	}
	return l.ix
}

// session is the search session of index().
func (l loadingScreen) session() *search.Session {
	if l.cached != nil && !l.done {
		return l.cachedSearch
	}
	return l.ixSearch
}

// add puts accounts in every index a search may read.
func (l loadingScreen) add(users []client.User) {
	for _, ix := range []*search.Index{l.ix, l.cached} {
		if ix != nil {
			ix.AddAccounts(users)
		}
	}
}

func newLoadingScreen() loadingScreen {
	return loadingScreen{opening: true}
}

func (m Model) onOrgOpened(msg orgOpenedMsg) (Model, tea.Cmd) {
	if msg.seq != m.loading.seq {
		return m, nil
	}
	m.loading.opening = false
	if msg.err != nil {
		m.loading.err = msg.err
		return m, nil
	}
	m.org = msg.org
	m.opened = append(m.opened, msg.org)
	m, load := m.startLoad()
	m, read := m.readCache()
	return m, tea.Batch(load, read)
}

// cachePath is the org's warm-start file, "" when none is kept: no cache
// folder, or a simulated org (rebuilt on every start).
func (m Model) cachePath() string {
	if m.deps.CacheDir == "" || m.org == nil || m.org.Simulated() {
		return ""
	}
	return search.CachePath(m.deps.CacheDir, m.org.Client.OrgID())
}

// readCache reads the saved org, for the search to use at once: it is
// searched while it is read, and until the fresh load is done.
func (m Model) readCache() (Model, tea.Cmd) {
	path := m.cachePath()
	if path == "" {
		return m, nil
	}
	ch := make(chan tea.Msg, 4)
	ctx, stop := context.WithCancel(m.ctx)
	m.loading.cacheCh, m.loading.cacheStop = ch, stop
	return m, tea.Batch(readCacheCmd(ctx, path, m.org.Client.OrgID(), m.loading.seq, ch), listen(ch))
}

// onCacheOpened starts searching the saved org as it fills.
func (m Model) onCacheOpened(msg cacheOpenedMsg) (Model, tea.Cmd) {
	if msg.seq != m.loading.seq || m.loading.done {
		return m, nil
	}
	l := &m.loading
	l.cached, l.cachedSearch, l.savedAt, l.cacheTotal = msg.ix, msg.ix.NewSession(), msg.saved, msg.accounts
	if m.phase == phaseLoading {
		m.phase = phaseSearch // the saved org is searchable as it comes
	}
	return m, tea.Batch(listen(l.cacheCh), m.refreshSearch())
}

func (m Model) onCacheAdded(msg cacheAddedMsg) (Model, tea.Cmd) {
	if msg.seq != m.loading.seq || m.loading.cached == nil {
		return m, nil
	}
	m.loading.cacheIn = msg.in
	m, refresh := m.refreshSoon()
	return m, tea.Batch(listen(m.loading.cacheCh), refresh)
}

// onCacheRead: the saved org is all in, or (damaged, stopped) dropped.
func (m Model) onCacheRead(msg cacheReadMsg) (Model, tea.Cmd) {
	if msg.seq != m.loading.seq {
		return m, nil
	}
	if m.loading.cacheStop != nil {
		m.loading.cacheStop() // the read is over: its context goes too
	}
	if m.loading.cached == nil {
		return m, nil
	}
	if !msg.ok {
		m.loading.cached, m.loading.cachedSearch = nil, nil
	}
	m.loading.cacheDone = msg.ok
	return m, m.refreshSearch()
}

// startLoad loads the org into a fresh index (a retry starts over, so no
// page is indexed twice).
func (m Model) startLoad() (Model, tea.Cmd) {
	if m.loading.stop != nil {
		m.loading.stop() // a reload: the earlier load's pages are not wanted
	}
	if m.loading.cacheStop != nil {
		m.loading.cacheStop() // nor the saved org read for it
	}
	m, seq := m.nextSeq()
	ch := make(chan tea.Msg, 8)
	ctx, stop := context.WithCancel(m.ctx)
	ix := search.NewIndex()
	m.loading = loadingScreen{seq: seq, ix: ix, ixSearch: ix.NewSession(), ch: ch, stop: stop}
	return m, tea.Batch(loadOrgCmd(ctx, m.org.Client, m.loading.ix, seq, ch), listen(ch), m.refreshSearch())
}

// retryLoad starts over after a failure: opening again if the org never
// opened, else loading again.
func (m Model) retryLoad() (Model, tea.Cmd) {
	if m.org == nil {
		m, seq := m.nextSeq()
		m.loading = loadingScreen{seq: seq, opening: true}
		return m, openOrgCmd(m.ctx, m.deps.Open, seq)
	}
	return m.startLoad()
}

func (m Model) onLoadProgress(msg loadProgressMsg) (Model, tea.Cmd) {
	if msg.seq != m.loading.seq {
		return m, nil
	}
	m.loading.p = msg.p
	// Search what has arrived: a new page may hold the one being looked
	// for. Pages come dozens a second from several cursors; the search
	// runs again at most every loadRefreshEvery, not once a page, so that
	// a big org's load is not slowed by searching it over and over.
	m, refresh := m.refreshSoon()
	return m, tea.Batch(listen(m.loading.ch), refresh)
}

// refreshSoon runs the search again within loadRefreshEvery, unless that
// is already due.
func (m Model) refreshSoon() (Model, tea.Cmd) {
	if m.loading.refreshDue {
		return m, nil
	}
	m.loading.refreshDue = true
	seq := m.loading.seq
	return m, tea.Tick(loadRefreshEvery, func(time.Time) tea.Msg { return loadRefreshMsg{seq: seq} })
}

// loadRefreshEvery is how often the search runs again while pages arrive.
const loadRefreshEvery = 200 * time.Millisecond

func (m Model) onLoadRefresh(msg loadRefreshMsg) (Model, tea.Cmd) {
	if msg.seq != m.loading.seq {
		return m, nil
	}
	m.loading.refreshDue = false
	return m, m.refreshSearch()
}

func (m Model) onLoadDone(msg loadDoneMsg) (Model, tea.Cmd) {
	if msg.seq != m.loading.seq {
		return m, nil
	}
	if msg.err != nil {
		m.loading.err = msg.err
		return m, nil
	}
	m.loading.done = true
	m.loading.cached, m.loading.cachedSearch = nil, nil // the fresh load replaces the saved copy
	if m.loading.cacheStop != nil {
		m.loading.cacheStop()
	}
	if m.phase == phaseLoading {
		m.phase = phaseSearch
	}
	var save tea.Cmd
	if path := m.cachePath(); path != "" {
		save = saveCacheCmd(path, m.org.Client.OrgID(), m.loading.ix, m.deps.Now())
	}
	return m, tea.Batch(m.refreshSearch(), save)
}

// loadingPage is the screen of the loading phase; its state is m.loading.
type loadingPage struct{}

func (loadingPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case m.loading.err != nil && key.Matches(k, m.keys.Retry):
		return m.retryLoad()
	case m.loading.ix != nil && k.Text != "":
		// Typing starts the search on what has arrived so far.
		m.phase = phaseSearch
		return searchPage{}.update(m, msg)
	}
	return m, nil
}

func (loadingPage) keys(m Model) []key.Binding {
	if m.loading.err != nil {
		return []key.Binding{m.keys.Retry}
	}
	return nil
}

func (loadingPage) view(m Model, w, _ int) string {
	s := m.styles
	l := m.loading
	var b strings.Builder
	b.WriteString(s.Title.Render("Loading the org") + "\n\n")
	if l.err != nil {
		b.WriteString(s.Error.Render("It could not be read.") + "\n\n")
		b.WriteString(wrap(safetext.Text(diagnose.Advice(l.err)), w) + "\n\n")
		b.WriteString("Press " + s.Accent.Render("r") + " to try again.")
		return b.String()
	}
	if l.opening {
		b.WriteString(m.spinner() + " Opening the org…")
		return b.String()
	}
	if f, known := l.p.Fraction(); known {
		b.WriteString(m.bar(f, min(w, 60)) + "\n\n")
	} else {
		b.WriteString(m.spinner() + " ")
	}
	b.WriteString(loadCounts(l.p) + "\n\n")
	b.WriteString(s.Muted.Render("Start typing to search what has arrived so far."))
	return b.String()
}

// bar draws a progress bar; in accessible mode, the percentage in words.
func (m Model) bar(f float64, w int) string {
	if m.deps.Accessible {
		return fmt.Sprintf("%d percent", int(f*100))
	}
	s := m.styles
	return progress.New(progress.WithColors(s.BarFull, s.BarEmpty), progress.WithWidth(w)).ViewAs(f)
}

// loadCounts says what has arrived, against the org's user count when the
// org API gave one.
func loadCounts(p search.LoadProgress) string {
	switch {
	case p.Page == 0 && !p.Done && p.Accounts == 0 && p.Groups == 0:
		// Nothing has come yet, the org's count included: not "unknown".
		return "asking the org…"
	case p.Total > 0:
		return fmt.Sprintf("%d of %d accounts, %d groups", p.Accounts, p.Total, p.Groups)
	}
	return fmt.Sprintf("%d accounts, %d groups (the org's total is not known)", p.Accounts, p.Groups)
}
