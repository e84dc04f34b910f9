// Package tui is the interactive wizard: one support engineer, one user
// whose email will not update through SCIM provisioning. It walks through
// search, account, target, diagnosis, plan, the fix steps (each confirmed)
// and a summary with the ticket note. Everything it knows of the org comes
// from steps/ and client/; every read and change runs in a tea.Cmd.
package tui

import (
	"context"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// Deps is what the wizard needs from outside.
type Deps struct {
	// Open opens an org: with a nil run the org named on the command line
	// (a fresh session), with a run the org that run worked on (resume).
	Open        func(ctx context.Context, run *journal.RunHeader) (*run.Org, error)
	JournalPath string
	Version     string
	Accessible  bool             // huh's accessible mode, no animation
	Now         func() time.Time // nil: time.Now
	// Waits are the client's waits before a retry (a rate limit, a
	// backoff): the status line says them, so a minute of 429 does not
	// look like a hang. Nil: none are told.
	Waits <-chan client.Wait
	// CacheDir keeps each live org's accounts after a full load, for a
	// warm start ("" keeps none: --no-cache).
	CacheDir string
}

type phase int

const (
	phaseLoading phase = iota
	phaseResume
	phaseSearch
	phaseAccount
	phaseTarget
	phaseDiagnosis
	phasePlan
	phaseSteps
	phaseSummary
	phaseBulkFile    // bulk change: the target list's path
	phaseBulkPlan    // its rows by status, the changes
	phaseBulkConfirm // the changes reviewed and confirmed
	phaseBulkApply   // the run, with its progress
	phaseBulkSummary // how it ended, the worksheet

	phaseCount // not a phase: the size of the screens table
)

// Model is the wizard: one root model that routes by phase, through a
// table of screens (screen.go). A screen's state is a plain struct held
// here; its update, view and keys are in its own file. All methods take
// value receivers: a Cmd can never see a later change to the model.
type Model struct {
	deps   Deps
	ctx    context.Context // ends when the wizard quits: every Cmd's I/O runs under it
	cancel context.CancelFunc
	keys   KeyMap
	styles Styles
	bg     *tea.BackgroundColorMsg // kept for forms made later
	width  int
	height int
	help   help.Model
	spin   spinner.Model
	seq    int // last sequence number handed out

	wait    *client.Wait // the client is waiting before a retry: said over the help
	waitSeq int

	phase     phase
	resumeCmd string     // the command line that goes on with an unfinished run
	org       *run.Org   // the fresh session's org
	runOrg    *run.Org   // the org of a resumed run, when not the session's
	opened    []*run.Org // every org opened, closed on quit
	showHelp  bool
	quitting  *quitDialog
	screens   [phaseCount]screen // by phase: what routes, draws and lists keys

	loading loadingScreen
	resume  resumeScreen
	search  searchScreen
	account accountScreen
	target  targetScreen
	diag    diagnosisScreen
	plan    planScreen
	run     stepsScreen
	summary summaryScreen
	bulk    bulkScreen
}

// New builds the wizard.
func New(d Deps) Model {
	if d.Now == nil {
		d.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := Model{
		deps: d, ctx: ctx, cancel: cancel,
		keys:    DefaultKeyMap(),
		styles:  NewStyles(false),
		help:    help.New(),
		spin:    spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		screens: newScreens(),
	}
	m.help.Styles = help.DefaultStyles(false)
	m.resumeCmd = resumeCommand(d.JournalPath)
	m.loading = newLoadingScreen()
	m.search = newSearchScreen(m.styles)
	m.target = newTargetScreen(m.styles)
	m.bulk = newBulkScreen(m.styles, m.keys)
	return m
}

// Init opens the org and reads the journal at once: the org loads while
// the operator decides whether to resume an unfinished run.
func (m Model) Init() tea.Cmd {
	return tea.Batch(
		tea.RequestBackgroundColor,
		openOrgCmd(m.ctx, m.deps.Open, m.loading.seq),
		readJournalCmd(m.deps.JournalPath),
		m.spinTick(),
		listenWaits(m.deps.Waits),
	)
}

// Update routes a message: window and colour first, then keys that work
// everywhere, then async results (whatever the phase), then the screen.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m = m.resize(msg)
		return m, m.forwardToForm(msg)
	case tea.BackgroundColorMsg:
		m = m.setBackground(msg)
		return m, m.forwardToForm(msg)
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyPressMsg:
		if m, cmd, ok := m.globalKey(msg); ok {
			return m, cmd
		}
	}
	if m, cmd, ok := m.asyncResult(msg); ok {
		return m, cmd
	}
	return m.updateScreen(msg)
}

// asyncResult handles the answers of Cmds, whichever screen is on show:
// the org keeps loading while the operator searches, and a run's events
// come in while its screen waits.
func (m Model) asyncResult(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case orgOpenedMsg:
		m, cmd := m.onOrgOpened(msg)
		return m, cmd, true
	case loadProgressMsg:
		m, cmd := m.onLoadProgress(msg)
		return m, cmd, true
	case loadRefreshMsg:
		m, cmd := m.onLoadRefresh(msg)
		return m, cmd, true
	case loadDoneMsg:
		m, cmd := m.onLoadDone(msg)
		return m, cmd, true
	case cacheOpenedMsg:
		m, cmd := m.onCacheOpened(msg)
		return m, cmd, true
	case cacheAddedMsg:
		m, cmd := m.onCacheAdded(msg)
		return m, cmd, true
	case cacheReadMsg:
		m, cmd := m.onCacheRead(msg)
		return m, cmd, true
	case journalReadMsg:
		m, cmd := m.onJournalRead(msg)
		return m, cmd, true
	case runOrgOpenedMsg:
		m, cmd := m.onRunOrgOpened(msg)
		return m, cmd, true
	case searchTickMsg, searchResultsMsg, orgAnswerMsg:
		m, cmd := m.onSearchAsync(msg)
		return m, cmd, true
	case scimReadMsg:
		return m.onScimRead(msg), nil, true
	case userLookedUpMsg:
		m, cmd := m.onUserLookedUp(msg)
		return m, cmd, true
	case waitMsg:
		m, cmd := m.onWait(msg)
		return m, cmd, true
	case waitOverMsg:
		if msg.seq == m.waitSeq {
			m.wait = nil
		}
		return m, nil, true
	case runDismissedMsg:
		return m.onRunDismissed(msg), nil, true
	case indexRefreshedMsg:
		m, cmd := m.onIndexRefreshed(msg)
		return m, cmd, true
	case evidenceMsg, diagnosisMsg:
		m, cmd := m.onDiagnosisAsync(msg)
		return m, cmd, true
	case runEventMsg, confirmAskMsg, runDoneMsg, handsMsg, formExecDoneMsg:
		m, cmd := m.onRunAsync(msg)
		return m, cmd, true
	case bulkPreparedMsg, bulkConfirmedMsg, bulkStartedMsg, bulkProgressMsg, bulkDoneMsg:
		m, cmd := m.onBulkAsync(msg)
		return m, cmd, true
	case noteSavedMsg:
		return m.onNoteSaved(msg), nil, true
	case quitNowMsg:
		m, cmd := m.quit()
		return m, cmd, true
	}
	return m, nil, false
}

// nextSeq hands out a sequence number for a new async request.
func (m Model) nextSeq() (Model, int) {
	m.seq++
	return m, m.seq
}

// sessionOrg is the org the screens work on: a resumed run's, else the
// session's.
func (m Model) sessionOrg() *run.Org {
	switch m.phase {
	case phaseSteps, phaseSummary, phaseBulkApply, phaseBulkSummary:
		if m.runOrg != nil {
			return m.runOrg
		}
	}
	return m.org
}

func (m Model) resize(msg tea.WindowSizeMsg) Model {
	m.width, m.height = msg.Width, msg.Height
	m.help.SetWidth(msg.Width)
	m = m.layoutInputs()
	m = m.layoutBulkTable()
	if f := m.openForm(); f != nil {
		w, _ := m.bodySize()
		f.WithWidth(w - 4) // the form is a pointer: it is the model's
	}
	return m
}

func (m Model) setBackground(msg tea.BackgroundColorMsg) Model {
	m.bg = &msg
	m.styles = NewStyles(msg.IsDark())
	m.help.Styles = help.DefaultStyles(msg.IsDark())
	m.search = m.search.restyle(m.styles)
	m.target = m.target.restyle(m.styles)
	m.bulk = m.bulk.restyle(m.styles)
	return m
}

// spinTick keeps the spinner turning, except in accessible mode where a
// changing character is noise to a screen reader.
func (m Model) spinTick() tea.Cmd {
	if m.deps.Accessible {
		return nil
	}
	return m.spin.Tick
}

// resumeCommand is how to go on with a run from the shell: the journal
// is named unless it is the default one.
func resumeCommand(path string) string {
	if def, err := journal.DefaultPath(); err == nil && def == path {
		return "syncdoctor resume"
	}
	return "syncdoctor resume --journal " + path
}

// spinner is the busy mark: turning, or a plain ellipsis in accessible mode.
func (m Model) spinner() string {
	if m.deps.Accessible {
		return "…"
	}
	return m.spin.View()
}

// Close ends what the wizard started and closes every org it opened. cmd/
// calls it on the final model once the program has ended.
func (m Model) Close() {
	m.cancel()
	for _, o := range m.opened {
		if o != nil && o.Close != nil {
			o.Close()
		}
	}
}
