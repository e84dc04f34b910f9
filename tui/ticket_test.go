package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/search"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/syncdoctor/syncdoctor/client"
)

// The wizard on a live ticket (issue 11): after the first fix, on a big
// org, with a pasted error.

// After a fix, a new case finds the user by the new email, and choosing
// it shows the account as the org has it now.
func TestNewCaseShowsTheUpdatedEmail(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	w := startWizard(t, testDeps(d.org, t.TempDir()), 100, 30)
	w.searchAndPick("zofia.kaminska@acme.com")
	w.enterTarget("zofia.lewandowska@acme.com", "")
	s := w.diagnose()
	w.runPlan(s.planLen)
	w.typeText("n")
	w.waitFor("the search again", func(s snap) bool { return s.phase == phaseSearch && len(s.rows) == 0 })
	w.typeText("zofia")
	s = w.waitFor("Zofia under her new email", func(s snap) bool {
		return s.query == "zofia" && s.settled && slices.Contains(s.rows, "zofia.lewandowska@acme.com")
	})
	if slices.Contains(s.rows, "zofia.kaminska@acme.com") {
		t.Errorf("the old email is still listed: %v", s.rows)
	}
	i := slices.Index(s.rows, "zofia.lewandowska@acme.com")
	for range i {
		w.key(tea.KeyDown)
	}
	w.waitFor("the cursor on her", func(s snap) bool { return s.cursor == i })
	w.enter()
	s = w.waitFor("the account", func(s snap) bool {
		return s.phase == phaseAccount && strings.Contains(s.view, "zofia.lewandowska@acme.com")
	})
	if strings.Contains(s.view, "zofia.kaminska@acme.com") {
		t.Errorf("the account screen shows the old email:\n%s", s.view)
	}
	w.final()
}

// The IdP's error arrives as keys (a terminal without bracketed paste, or
// typed): one line with an enter, or several lines each ending in one. The
// address is read, and the diagnosis starts once the keys stop.
func TestTargetReadsAnErrorSentAsKeys(t *testing.T) {
	t.Parallel()
	i := slices.IndexFunc(fixtures.Scenarios(), func(sc fixtures.Scenario) bool { return sc.IdpError != "" && sc.Snapshot == "" })
	sc := fixtures.Scenarios()[i]
	lines := strings.Split(sc.IdpError, ". ")
	for _, tc := range []struct {
		name  string
		lines []string
	}{
		{"one line", []string{sc.IdpError}},
		{"several lines, as a terminal sends a paste without brackets", lines},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := startDemo(t, false)
			w := startWizard(t, testDeps(d.org, t.TempDir()), 100, 30)
			w.searchAndPick(sc.User)
			for _, l := range tc.lines {
				w.typeText(l)
				w.enter()
			}
			s := w.diagnose()
			if !strings.EqualFold(s.target, sc.Target) || string(s.verdict) != sc.Verdict {
				t.Fatalf("diagnosed %s with target %q, want %s with %s\n%s", s.verdict, s.target, sc.Verdict, sc.Target, s.view)
			}
			w.final()
		})
	}
}

// An address typed that is not loaded yet (a big org still loading) is
// looked up in the org at once.
func TestTypedAddressIsLookedUpInTheOrg(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	m := New(testDeps(d.org, t.TempDir()))
	m.width, m.height = 100, 30
	m.org, m.loading.ix = d.org, search.NewIndex() // nothing loaded yet
	m, cmd := m.openAccount(client.User{Email: "Kofi@acme.com"}, false)
	if !m.account.lookingUp || !strings.Contains(ansiView(m), "looking it up in the org") {
		t.Fatalf("not looking it up:\n%s", ansiView(m))
	}
	next, cmd := m.Update(cmd())
	m = next.(Model)
	if !m.account.known || m.account.user.AccountID == "" || !strings.EqualFold(m.account.user.Email, "kofi@acme.com") || cmd == nil {
		t.Fatalf("after the look-up: %+v", m.account)
	}
	if _, ok := m.loading.ix.Account(m.account.user.AccountID); !ok {
		t.Error("the account looked up is not in the index for the next search")
	}

	m, cmd = m.openAccount(client.User{Email: "nobody.here@acme.com"}, false)
	next, _ = m.Update(cmd())
	m = next.(Model)
	if !m.account.missing || !strings.Contains(ansiView(m), "No account in the org has nobody.here@acme.com") {
		t.Errorf("an address no account has:\n%s", ansiView(m))
	}
}

func ansiView(m Model) string { return m.View().Content }

// ctrl+r reloads the org from the search, any time.
func TestCtrlRReloads(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	w := startWizard(t, testDeps(d.org, t.TempDir()), 100, 30)
	before := w.waitFor("the org to load", func(s snap) bool { return s.phase == phaseSearch && s.loaded }).loadSeq
	w.tm.Send(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
	w.waitFor("a new load, finished", func(s snap) bool { return s.loaded && s.loadSeq != before })
	if s := w.p.now(); !strings.Contains(s.view, "200 accounts") {
		t.Errorf("after the reload:\n%s", s.view)
	}
	w.final()
}

// The loading screen measures against the org's user count; it never
// shows a percentage it does not know, nor calls the count unknown before
// the org has answered.
func TestLoadingShowsRealProgress(t *testing.T) {
	t.Parallel()
	m := New(Deps{})
	m.width, m.height = 100, 30
	m.phase = phaseLoading
	m.loading = loadingScreen{ix: search.NewIndex(), p: search.LoadProgress{Accounts: 3200, Total: 100000}}
	if v := ansiView(m); !strings.Contains(v, "3200 of 100000 accounts") || !strings.Contains(v, "3%") {
		t.Errorf("with a total:\n%s", v)
	}
	m.loading.p = search.LoadProgress{Accounts: 3200}
	if v := ansiView(m); strings.Contains(v, "%") || !strings.Contains(v, "not known") {
		t.Errorf("without a total:\n%s", v)
	}
	m.loading.p = search.LoadProgress{}
	if v := ansiView(m); strings.Contains(v, "not known") || !strings.Contains(v, "asking the org…") {
		t.Errorf("before the count and the first page came:\n%s", v)
	}
}

// A run offered on start can be dismissed: the next start does not offer
// it, and it stays in the journal.
func TestDismissedRunIsNotOfferedAgain(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	deps := testDeps(d.org, t.TempDir())
	w := startWizard(t, deps, 100, 30)
	w.quitZofiasFixMidway()
	w.typeText("y")
	w.tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))

	again := startWizard(t, deps, 100, 30)
	s := again.waitFor("the offer", func(s snap) bool { return s.phase == phaseResume })
	if strings.Contains(s.view, "waiting-operator") || strings.Contains(s.view, "declined") && !strings.Contains(s.view, "you declined") {
		t.Errorf("raw status words on the offer:\n%s", s.view)
	}
	again.typeText("d")
	again.waitFor("the search", func(s snap) bool { return s.phase == phaseSearch || s.phase == phaseLoading })
	again.final()

	third := startWizard(t, deps, 100, 30)
	third.waitFor("the search, with no offer", func(s snap) bool { return s.phase == phaseSearch && s.loaded })
	time.Sleep(100 * time.Millisecond) // the journal is read at start: let its answer land
	if third.p.now().phase == phaseResume {
		t.Error("the dismissed run is offered again")
	}
	third.final()
}

// A wait of the client before a retry (a rate limit) shows over the help
// until it has run its time: a minute of 429 does not look like a hang.
func TestWaitsAreShown(t *testing.T) {
	t.Parallel()
	m := New(Deps{})
	m.width, m.height = 100, 30
	m.phase = phaseLoading
	next, cmd := m.Update(waitMsg{w: client.Wait{Op: "search users", Delay: 12 * time.Second, Reason: "rate-limited", Source: "X-RateLimit-Reset"}})
	m = next.(Model)
	if v := ansiView(m); !strings.Contains(v, "retrying in 12 s") || cmd == nil {
		t.Fatalf("the wait is not shown:\n%s", v)
	}
	next, _ = m.Update(waitOverMsg{seq: m.waitSeq})
	if v := ansiView(next.(Model)); strings.Contains(v, "retrying in") {
		t.Errorf("the wait is still shown once over:\n%s", v)
	}
}

// While the org loads, a query also asks the org: an account the pages
// have not reached shows at once, marked as found in the org.
func TestQueryAsksTheOrgWhileLoading(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	m := New(testDeps(d.org, t.TempDir()))
	m.width, m.height = 100, 30
	m.org, m.loading.ix, m.phase = d.org, search.NewIndex(), phaseSearch // nothing loaded yet
	m.loading.ixSearch = m.loading.ix.NewSession()
	m.search.input.SetValue("Kofi Boateng")
	m.search.seq = 7
	ask := m.askOrg()
	if ask == nil {
		t.Fatal("no question to the org while loading")
	}
	next, refresh := m.Update(ask())
	m = next.(Model)
	if refresh == nil {
		t.Fatal("the org's answer did not start a search")
	}
	next, _ = m.Update(refresh())
	m = next.(Model)
	v := ansiView(m)
	if !strings.Contains(v, "kofi@acme.com") || !strings.Contains(v, "found in the org") {
		t.Errorf("the org's answer is not among the hits:\n%s", v)
	}
	// An answer to an older query is dropped.
	m.search.seq = 8
	if _, cmd := m.Update(orgAnswerMsg{seq: 7, users: []client.User{{AccountID: "x", Email: "x@acme.com"}}}); cmd != nil {
		t.Error("a stale answer was taken")
	}
	m.loading.done = true
	if m.askOrg() != nil {
		t.Error("the org is asked once everything is loaded")
	}
}

// The warm start: after a full load of a live org its accounts are saved;
// the next start searches the saved copy at once, saying how old it is,
// while a fresh load runs behind it. Never for a simulated org.
func TestWarmStartFromTheCache(t *testing.T) {
	t.Parallel()
	cacheDir := filepath.Join(t.TempDir(), "cache")
	d := startOrg(t, fixtures.Demo(), false)
	live := *d.org
	live.Mode = steps.ModeLive
	deps := testDeps(&live, t.TempDir())
	deps.CacheDir = cacheDir
	w := startWizard(t, deps, 100, 30)
	w.waitFor("the org to load", func(s snap) bool { return s.phase == phaseSearch && s.loaded })
	path := search.CachePath(cacheDir, live.Client.OrgID())
	deadline := time.Now().Add(10 * time.Second)
	for _, err := os.Stat(path); err != nil; _, err = os.Stat(path) {
		if time.Now().After(deadline) {
			t.Fatalf("no cache saved at %s", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.final()

	// The next start: the org answers slowly, the saved copy at once.
	d.sim.SetFaults(fixtures.Faults{Latency: 300 * time.Millisecond})
	again := startWizard(t, deps, 100, 30)
	s := again.waitFor("the saved copy searched", func(s snap) bool { return strings.Contains(s.view, "saved less than a minute ago") })
	if s.loaded {
		t.Fatal("the fresh load finished first: the test shows nothing")
	}
	again.typeText("Agniezska Lewandwoska")
	again.waitFor("a hit from the saved copy", func(s snap) bool { return slices.Contains(s.rows, "agnieszka.lewandowska@acme.com") })
	again.final()

	demoOnly := testDeps(d.org, t.TempDir())
	demoOnly.CacheDir = filepath.Join(t.TempDir(), "demo-cache")
	third := startWizard(t, demoOnly, 100, 30)
	d.sim.SetFaults(fixtures.Faults{})
	third.waitFor("the demo loaded", func(s snap) bool { return s.loaded })
	third.final()
	if _, err := os.Stat(demoOnly.CacheDir); !os.IsNotExist(err) {
		t.Errorf("a simulated org was cached: %v", err)
	}
}

// A run id that a hand-edited journal made a path never takes the note
// out of the notes folder.
func TestNoteNameIsNeverAPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	journalPath := filepath.Join(dir, "j", "journal.jsonl")
	for _, name := range []string{"../escaped", "a/b", `a\b`, "/abs", "..", ""} {
		msg := saveNoteCmd(journalPath, name, "note")().(noteSavedMsg)
		if msg.err == nil {
			t.Errorf("run id %q: the note was saved at %s", name, msg.path)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "escaped.md")); err == nil {
		t.Error("a note was written outside the notes folder")
	}
	msg := saveNoteCmd(journalPath, "r-20261130-1", "note")().(noteSavedMsg)
	if msg.err != nil || msg.path != filepath.Join(dir, "j", "notes", "r-20261130-1.md") {
		t.Errorf("a plain run id: %v at %s", msg.err, msg.path)
	}
}

// A long org name is cut short before the header loses where the operator
// is.
func TestHeaderKeepsThePhaseBesideALongOrgName(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	org := *d.org
	org.Name = strings.Repeat("Very Long Holding Company Name ", 6)
	m := New(Deps{})
	m.org, m.phase = &org, phaseSearch
	for _, w := range []int{60, 80, 120} {
		h := ansi.Strip(m.header(w))
		if !strings.HasSuffix(h, "1 find the user") || ansi.StringWidth(h) > w || !strings.Contains(h, "…") {
			t.Errorf("at %d columns: %q", w, h)
		}
	}
}

// Pages arriving in a burst search again once per loadRefreshEvery, not
// once a page.
func TestLoadRefreshesTheSearchAtMostSoOften(t *testing.T) {
	t.Parallel()
	m := New(Deps{})
	ix := search.NewIndex()
	m.phase, m.loading = phaseSearch, loadingScreen{seq: 3, ix: ix, ixSearch: ix.NewSession(), ch: make(chan tea.Msg)}
	m.search.input.SetValue("tanaka")
	next, _ := m.Update(loadProgressMsg{seq: 3, p: search.LoadProgress{Accounts: 100}})
	m = next.(Model)
	if !m.loading.refreshDue {
		t.Fatal("a page did not schedule a search")
	}
	for range 5 {
		next, _ = m.Update(loadProgressMsg{seq: 3, p: search.LoadProgress{Accounts: 200}})
		m = next.(Model)
	}
	if next, cmd := m.Update(loadRefreshMsg{seq: 2}); cmd != nil || !next.(Model).loading.refreshDue {
		t.Error("an older load's refresh was taken")
	}
	next, cmd := m.Update(loadRefreshMsg{seq: 3})
	m = next.(Model)
	if m.loading.refreshDue || cmd == nil {
		t.Fatal("the refresh did not search")
	}
	if res, ok := cmd().(searchResultsMsg); !ok || res.seq != m.search.seq {
		t.Errorf("the refresh answered %T", cmd())
	}
}

// A big saved org is searched while it is read, the screen saying how far
// the read is; a read that fails part way drops what it brought.
func TestSavedOrgIsSearchedWhileItIsRead(t *testing.T) {
	t.Parallel()
	m := New(Deps{Now: func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) }})
	m.width, m.height = 140, 30
	ix := search.NewIndex()
	m.phase, m.loading = phaseLoading, loadingScreen{seq: 4, ix: ix, ixSearch: ix.NewSession(), ch: make(chan tea.Msg), cacheCh: make(chan tea.Msg)}
	saved := search.NewIndex()
	next, _ := m.Update(cacheOpenedMsg{seq: 4, ix: saved, saved: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC), accounts: 50000})
	m = next.(Model)
	if m.phase != phaseSearch || m.loading.index() != saved {
		t.Fatalf("the saved org is not searched as it is read (phase %v)", m.phase)
	}
	saved.AddAccounts([]client.User{{AccountID: "a-1", Name: "Agnieszka Lewandowska", Email: "agnieszka@acme.com"}})
	next, _ = m.Update(cacheAddedMsg{seq: 4, in: 25000})
	m = next.(Model)
	if v := ansiView(m); !strings.Contains(v, "reading the org saved 2 days ago: 25000 of 50000 accounts") {
		t.Errorf("the read's progress is not shown:\n%s", v)
	}
	m.loading.p = search.LoadProgress{Accounts: 1200, Total: 200000, Groups: 30}
	narrow := m
	narrow.width = 80
	twoLines := regexp.MustCompile(`reading the org saved 2 days ago: 25000 of 50000 accounts *\n +refreshing from the org… 1200 of 200000 accounts, 30 groups *\n`)
	if v := ansi.Strip(narrow.View().Content); !twoLines.MatchString(v) {
		t.Errorf("at 80 columns the fresh load's count is not shown on a line of its own:\n%q", v)
	}
	m.search.input.SetValue("lewandowska")
	if res, ok := m.refreshSearch()().(searchResultsMsg); !ok || len(res.hits) != 1 {
		t.Errorf("the part read is not searched: %+v", res)
	}
	done, _ := m.Update(cacheReadMsg{seq: 4, ok: true})
	if v := ansiView(done.(Model)); !strings.Contains(v, "searching the 1 account saved 2 days ago") {
		t.Errorf("a whole read is not said so:\n%s", v)
	}
	failed, _ := m.Update(cacheReadMsg{seq: 4, ok: false})
	if f := failed.(Model); f.loading.cached != nil || f.loading.index() != ix {
		t.Error("a read that failed part way is still searched")
	}
}

// The same query answered again (more of the org loaded) keeps the cursor
// on the account it was on, wherever that account now is: the row under
// the operator's enter does not change to another person.
func TestChosenRowStaysChosenWhenHitsArriveAgain(t *testing.T) {
	t.Parallel()
	hit := func(id string) search.Hit {
		return search.Hit{Entry: search.Entry{Kind: search.EntryAccount, Account: client.User{AccountID: id, Email: id + "@acme.com"}}}
	}
	m := New(Deps{})
	m.phase = phaseSearch
	m.search.input.SetValue("tanaka")
	m.search.seq = 5
	next, _ := m.Update(searchResultsMsg{seq: 5, hits: []search.Hit{hit("a"), hit("b"), hit("c")}})
	m = next.(Model)
	if m.search.cursor != 0 {
		t.Fatalf("a new query's hits start at row %d", m.search.cursor)
	}
	m.search.cursor = 1 // on b
	next, _ = m.Update(searchResultsMsg{seq: 5, hits: []search.Hit{hit("x"), hit("a"), hit("y"), hit("b")}})
	if m = next.(Model); m.search.cursor != 3 {
		t.Errorf("the cursor is on row %d, not on b (row 3)", m.search.cursor)
	}
	next, _ = m.Update(searchResultsMsg{seq: 5, hits: []search.Hit{hit("x"), hit("a")}})
	if m = next.(Model); m.search.cursor != 0 {
		t.Errorf("b is gone, yet the cursor is on row %d", m.search.cursor)
	}
}
