package tui

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/search"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/fixtures/simorg"
)

// testNow is the wizard's clock in tests: journal times and notes are fixed.
var testNow = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)

// demo is the demo org served in-process, as cmd/ serves it.
type demo struct {
	sim *fixtures.Simulator
	org *run.Org
}

// startDemo serves the demo org. live leaves the simulated IdP and console
// out, so that IdP steps wait for the operator as against a live org.
func startDemo(t testing.TB, live bool) *demo {
	t.Helper()
	return startOrg(t, fixtures.Demo(), live)
}

// startOrg serves snap as a simulated org, as startDemo does the demo.
func startOrg(t testing.TB, snap *fixtures.Snapshot, live bool) *demo {
	t.Helper()
	sim, err := fixtures.NewSimulator(snap, fixtures.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := fixtures.Start(sim, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c, err := simorg.Client(sim, snap, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	org := &run.Org{Client: c, Hints: simorg.Hints(snap), Mode: "demo", Name: snap.Org.Name, Close: func() {}}
	if !live {
		org.IdP, org.Console = simorg.IdP(sim), simorg.Console(sim)
	}
	return &demo{sim: sim, org: org}
}

// testDeps opens org for every request, with the journal in dir.
func testDeps(org *run.Org, dir string) Deps {
	return Deps{
		Open:        func(context.Context, *journal.RunHeader) (*run.Org, error) { return org, nil },
		JournalPath: filepath.Join(dir, "journal.jsonl"),
		Version:     "test",
		Now:         func() time.Time { return testNow },
	}
}

// snap is what a test may know of the model, taken on the program's own
// goroutine after every update: the test goroutine never touches the model.
type snap struct {
	phase      phase
	loaded     bool
	rows       []string // per search row: an account's email, "group:NAME" or "typed:Q"
	query      string   // in the search box
	settled    bool     // the rows answer that query (no search under way)
	cursor     int
	target     string
	pasted     bool
	diagDone   bool
	verdict    steps.Verdict
	diagErr    error
	planLen    int
	ask        *askState
	askKind    askKind
	askEmail   string
	hands      bool
	waiting    bool
	notYet     string
	running    bool
	res        *run.Result
	runErr     error
	runID      string
	note       string
	quitDialog bool
	view       string // the whole screen, without colours
	loadSeq    int    // of the load under way or done

	bulkLoading bool
	bulkErr     string   // why the target list could not be used
	bulkShown   []string // the table's rows: "LINE STATUS"
	bulkFilter  string   // the status filter in force ("" for all)
	bulkChosen  int      // the chosen row's line, 0 for none
	bulkRunning bool
	bulkRunID   string
	bulkDone    int // changes ended, as the progress said
	bulkRes     *bulk.ApplyResult
}

func takeSnap(m Model) snap {
	s := snap{
		phase: m.phase, loaded: m.loading.done, loadSeq: m.loading.seq, cursor: m.search.cursor,
		query: m.search.input.Value(), settled: m.search.answered == m.search.seq,
		target: m.target.effective(), pasted: m.target.info != nil,
		diagDone: m.diag.d != nil, diagErr: m.diag.err,
		ask: m.run.ask, hands: m.run.hands != nil, waiting: m.run.waiting != nil, running: m.run.running,
		res: m.run.res, runErr: m.run.err, runID: m.run.runID, note: m.summary.note,
		quitDialog: m.quitting != nil,
		view:       ansi.Strip(m.View().Content),
	}
	for _, r := range m.searchRows() {
		switch {
		case r.typed != "":
			s.rows = append(s.rows, "typed:"+r.typed)
		case r.hit.Entry.Kind == search.EntryGroup:
			s.rows = append(s.rows, "group:"+r.hit.Entry.Group.Name)
		default:
			s.rows = append(s.rows, strings.ToLower(r.hit.Entry.Account.Email))
		}
	}
	if d := m.diag.d; d != nil {
		s.verdict, s.planLen = d.Verdict, len(d.Plan)
	}
	if a := m.run.ask; a != nil {
		s.askKind, s.askEmail = a.kind, affectedEmail(a.step)
	}
	if w := m.run.waiting; w != nil {
		s.notYet = w.notYet
	}
	b := m.bulk
	s.bulkLoading, s.bulkErr, s.bulkRunning, s.bulkRunID, s.bulkRes = b.loading, b.loadErr, b.running, b.runID, b.res
	s.bulkDone = b.progress.Done
	if b.prep != nil {
		s.bulkFilter = string(b.filters()[b.filter].status)
		for _, i := range b.shown {
			r := b.prep.Plan.Rows[i]
			s.bulkShown = append(s.bulkShown, fmt.Sprintf("%d %s", r.Line, r.Status))
		}
		if r := b.chosen(); r != nil {
			s.bulkChosen = r.Line
		}
	}
	return s
}

// probe wraps the real model and keeps the latest snap.
type probe struct {
	inner Model
	mu    *sync.Mutex
	last  *snap
	frame func(string) // when set, sees every frame drawn, as the model makes it
}

func newProbe(m Model) probe {
	return probe{inner: m, mu: &sync.Mutex{}, last: &snap{}}
}

func (p probe) Init() tea.Cmd { return p.inner.Init() }

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := p.inner.Update(msg)
	p.inner = next.(Model)
	if p.frame != nil {
		p.frame(p.inner.View().Content)
	}
	s := takeSnap(p.inner)
	p.mu.Lock()
	*p.last = s
	p.mu.Unlock()
	return p, cmd
}

func (p probe) View() tea.View { return p.inner.View() }

func (p probe) now() snap {
	p.mu.Lock()
	defer p.mu.Unlock()
	return *p.last
}

// wizard is one running wizard under teatest.
type wizard struct {
	t  testing.TB
	tm *teatest.TestModel
	p  probe
	// patience is how long waitFor waits (15s when zero).
	patience time.Duration
}

func startWizard(t testing.TB, deps Deps, w, h int) *wizard {
	t.Helper()
	p := newProbe(New(deps))
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	return &wizard{t: t, tm: tm, p: p}
}

// waitFor polls the model until cond holds; what says what was awaited.
func (w *wizard) waitFor(what string, cond func(s snap) bool) snap {
	w.t.Helper()
	deadline := time.Now().Add(cmp.Or(w.patience, 15*time.Second))
	for {
		s := w.p.now()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("waiting for %s: phase %d; screen:\n%s", what, s.phase, s.view)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (w *wizard) key(code rune) { w.tm.Send(tea.KeyPressMsg{Code: code}) }
func (w *wizard) enter()        { w.key(tea.KeyEnter) }
func (w *wizard) esc()          { w.key(tea.KeyEscape) }
func (w *wizard) typeText(s string) {
	w.tm.Type(s)
}

// final quits (answering the quit dialog if one comes) and returns the
// model the program ended with.
func (w *wizard) final() Model {
	w.t.Helper()
	w.tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	go func() {
		// A fix under way asks first: say yes.
		time.Sleep(50 * time.Millisecond)
		if w.p.now().quitDialog {
			w.typeText("y")
		}
	}()
	fm := w.tm.FinalModel(w.t, teatest.WithFinalTimeout(10*time.Second))
	return fm.(probe).inner
}

// settle waits until the screen has not changed for a while: a golden is
// taken of a screen at rest.
func (w *wizard) settle() snap {
	w.t.Helper()
	last, since := w.p.now(), time.Now()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		s := w.p.now()
		if s.view != last.view {
			last, since = s, time.Now()
			continue
		}
		if time.Since(since) > 250*time.Millisecond {
			return s
		}
	}
	w.t.Fatalf("the screen never came to rest:\n%s", last.view)
	return last
}
