package tui

import (
	"context"
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/safetext"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/syncdoctor/syncdoctor/steps"
)

// stepsScreen carries out the plan: the executor runs in a Cmd and the
// screen follows its events, asks for each confirmation, and shows the
// result of every step as it is verified.
type stepsScreen struct {
	seq     int
	cancel  context.CancelFunc
	ch      <-chan tea.Msg
	org     *run.Org
	runID   string
	user    string // the run's user and target, as its header says
	target  string
	plan    []steps.PlanStep
	rows    []stepRow
	current int  // the step in progress (0-based), -1 before the first
	running bool // the executor has not returned
	note    journal.NoteInput

	ask     *askState  // a step waits for the operator's yes
	hands   *handsMsg  // a step waits for the operator to act (simulated org)
	waiting *waitState // the run stopped until the operator acts in the IdP
	// verifying is the waiting step the operator said is done, while the
	// resumed run reads the org until it shows it.
	verifying *waitState
	notices   []string // what opening the journal repaired
	// startedHere: this session started the run (not a resume from the
	// journal on start).
	startedHere bool

	res  *run.Result
	text string // the ticket note
	err  error  // the run could not be carried out (journal, ...)
}

// stepRow is where one step stands, as its events said.
type stepRow struct {
	stage   string // a stage* constant
	checked string // what Check found, shown with the question
	reason  string // why it ended as it did
}

// Stages of a step, as the screen shows them.
const (
	stagePending   = "pending"
	stageChecking  = "checking"
	stageAsking    = "asking"
	stageRunning   = "running"
	stageVerifying = "verifying"
	stageDone      = "done"
	stageByWord    = "done, your word"
	stageHandedOff = "handed off"
	stageSkipped   = "skipped"
	stageFailed    = "failed"
	stageBlocked   = "blocked"
	stageStopped   = "stopped"
	stageWaiting   = "waiting for you"
	stageYourTurn  = "your turn"
)

// stageWidth is the status column of the step list.
const stageWidth = 15

// waitState is a live IdP step the operator must do before it is verified.
type waitState struct {
	index        int
	kind         steps.Kind // idp or console: where the operator acts
	instructions string
	notYet       string // the last verification's answer, after "I have done it"
}

// startRun journals a new run of the diagnosis's plan and carries it out.
// The executor makes the run id (randomness is I/O: not in Update); the
// screen learns it from the run's first event.
func (m Model) startRun() (Model, tea.Cmd) {
	d := m.diag.d
	h := journal.RunHeader{
		Started: m.deps.Now(), Org: m.org.Client.OrgID(), Mode: m.org.Mode,
		User: m.diag.req.User, Target: d.Target, Verdict: d.Verdict, Plan: d.Plan,
		Tool: m.deps.Version, OrgState: m.org.StatePath,
	}
	if d.User != nil {
		h.User, h.UserAccountID = firstOf(d.User.Email, h.User), d.User.AccountID
	}
	note := d.NoteInput()
	h.Note = &note // the note of a resumed run is as complete
	m.runOrg = nil
	m.run = newStepsScreen(m.org, h, nil)
	m.run.note, m.run.startedHere = note, true
	m.phase = phaseSteps
	return m.launch(runRequest{header: &h})
}

// startResume goes on with a journaled run on the org it worked on.
func (m Model) startResume(org *run.Org, run *journal.RunLog) (Model, tea.Cmd) {
	m.runOrg = org
	m.run = newStepsScreen(org, run.Header, run.Steps)
	m.phase = phaseSteps
	return m.launch(runRequest{resumeID: run.Header.RunID})
}

func newStepsScreen(org *run.Org, h journal.RunHeader, prior []journal.StepState) stepsScreen {
	rows := make([]stepRow, len(h.Plan))
	for i := range rows {
		rows[i].stage = stagePending
		if i < len(prior) && prior[i].Status.Finished() {
			rows[i] = stepRow{stage: stageDone, reason: "done in an earlier session"}
		}
	}
	return stepsScreen{org: org, runID: h.RunID, user: h.User, target: h.Target, plan: h.Plan, rows: rows, current: -1}
}

// launch starts an executor session (a new run, or a resume) for the
// steps screen; the run keeps going under its own context, which only
// quitting mid-fix cancels.
func (m Model) launch(req runRequest) (Model, tea.Cmd) {
	m, seq := m.nextSeq()
	ctx, cancel := context.WithCancel(m.ctx)
	ch := make(chan tea.Msg, 4)
	req.org, req.journal, req.note, req.now = m.run.org, m.deps.JournalPath, m.run.note, m.deps.Now
	m.run.seq, m.run.cancel, m.run.ch, m.run.running = seq, cancel, ch, true
	m.run.res, m.run.err = nil, nil
	return m, tea.Batch(runCmd(ctx, m.ctx, req, seq, ch), listen(ch))
}

// stop cancels the run: a pending question is answered no, and the run
// journals its end.
func (r stepsScreen) stop() stepsScreen {
	if r.cancel != nil {
		r.cancel()
	}
	return r
}

func (m Model) onRunAsync(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case runEventMsg:
		if msg.seq == m.run.seq {
			m.run = m.run.apply(msg.ev)
			return m, listen(m.run.ch)
		}
	case confirmAskMsg:
		if msg.seq == m.run.seq {
			return m.ask(msg)
		}
	case handsMsg:
		if msg.seq == m.run.seq {
			m.run.hands = &msg
			if i := m.run.current; i >= 0 && i < len(m.run.rows) {
				m.run.rows[i].stage = stageYourTurn
			}
			// The executor waits for the operator: nothing comes until
			// handsDone answers, which listens again.
			return m, nil
		}
	case formExecDoneMsg:
		if msg.seq == m.run.seq && m.run.ask != nil {
			return m.answer(msg.reply)
		}
	case runDoneMsg:
		if msg.seq == m.run.seq {
			return m.runDone(msg)
		}
	}
	return m, nil
}

// apply follows one executor event.
func (r stepsScreen) apply(ev run.Event) stepsScreen {
	if ev.RunID != "" {
		r.runID = ev.RunID
	}
	// The run cleans its words; an error's text and a resumed run's
	// journal are cleaned here too, where they enter the screen.
	ev.Reason = safetext.Clean(ev.Reason)
	if ev.Kind == run.EvJournalRepaired {
		r.notices = append(r.notices, ev.Reason) // the journal was mended on opening: say how
		return r
	}
	i := ev.Index - 1
	if i < 0 || i >= len(r.rows) {
		return r
	}
	row := &r.rows[i]
	switch ev.Kind {
	case run.EvStepStarted:
		r.current, row.stage, row.checked, row.reason = i, stageChecking, "", ""
	case run.EvChecked:
		row.checked = ev.Reason
	case run.EvConfirmed, run.EvExecuting:
		row.stage = stageRunning
	case run.EvExecuted:
		row.stage = stageVerifying
	case run.EvVerified:
		row.stage = stageDone
	case run.EvDoneByWord:
		row.stage, row.reason = stageByWord, ev.Reason
	case run.EvDeclined:
		row.stage, row.reason = stageStopped, ev.Reason
	case run.EvSkipped:
		row.stage, row.reason = stageSkipped, ev.Reason
	case run.EvFailed:
		row.stage, row.reason = stageFailed, safetext.Clean(joinReason(ev.Reason, ev.Err))
	case run.EvBlocked:
		row.stage, row.reason = stageBlocked, ev.Reason
	case run.EvWaitingOperator:
		row.stage, row.reason = stageWaiting, ev.Reason
		if ev.Step.Kind == steps.KindHandoff {
			// Someone else must act: the run ends here, and the summary and
			// ticket note say who and what.
			row.stage = stageHandedOff
			break
		}
		r.waiting = &waitState{index: i, kind: ev.Step.Kind, instructions: ev.Reason}
		if ev.Err != nil {
			r.waiting.notYet = safetext.Clean(ev.Err.Error())
		}
	}
	return r
}

func joinReason(reason string, err error) string {
	if err == nil {
		return reason
	}
	if reason == "" {
		return err.Error()
	}
	return reason + ": " + err.Error()
}

// runDone takes the executor's return. A run stopped before it changed
// anything goes back to the plan: esc before a change is only "back".
func (m Model) runDone(msg runDoneMsg) (Model, tea.Cmd) {
	r := &m.run
	r.cancel() // the run is over: release its context
	r.running, r.ask, r.hands, r.verifying = false, nil, nil, nil
	r.res, r.err, r.text = msg.res, msg.err, msg.note
	if msg.noteErr != nil && r.err == nil {
		r.err = fmt.Errorf("the ticket note could not be read back from the journal: %w", msg.noteErr)
	}
	if r.res == nil || r.res.Status != journal.StatusWaitingOperator {
		r.waiting = nil
	}
	if m.quitting != nil && m.quitting.stopping {
		return m.quit()
	}
	refresh := m.refreshAccounts(r.plan)
	if r.res != nil && r.res.Status == journal.StatusDeclined && !changedAnything(r.res) && m.diag.d != nil && m.runOrg == nil {
		m.plan = planScreen{note: "Stopped before any change: nothing was done."}
		m.phase = phasePlan
	}
	return m, refresh
}

// changedAnything: a step that changes the org finished in this run.
func changedAnything(res *run.Result) bool {
	for _, s := range res.Steps {
		if s.Kind.Changes() && (s.Status == journal.StepDone || s.Status == journal.StepOperator) {
			return true
		}
	}
	return false
}

// stepsPage is the screen of the fix; its state is m.run. It draws in
// steps_view.go.
type stepsPage struct{}

func (stepsPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	if m.run.ask != nil {
		return m.updateAsk(msg)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	r := m.run
	switch {
	case r.hands != nil && key.Matches(k, m.keys.Select):
		return m.handsDone(true)
	case r.hands != nil && key.Matches(k, m.keys.Back):
		return m.handsDone(false)
	case r.running:
	case r.waiting != nil && key.Matches(k, m.keys.Verify):
		m.run.verifying = r.waiting
		return m.launch(runRequest{resumeID: r.runID})
	case r.res != nil && key.Matches(k, m.keys.Select):
		m.summary = newRunSummary(m.run, m.diag.d, m.deps.JournalPath)
		m.phase = phaseSummary
	case r.res == nil && r.err != nil && key.Matches(k, m.keys.Back):
		m.phase = phasePlan
	}
	return m, nil
}

// handsDone answers a step waiting for the operator on a simulated org.
func (m Model) handsDone(done bool) (Model, tea.Cmd) {
	h := m.run.hands
	m.run.hands = nil
	h.done <- done // buffered: never blocks
	return m, listen(m.run.ch)
}

func (stepsPage) keys(m Model) []key.Binding {
	k := m.keys
	r := m.run
	switch {
	case r.ask != nil:
		return m.askKeys()
	case r.hands != nil:
		return []key.Binding{withHelp(k.Select, "enter", "done"), withHelp(k.Back, "esc", "stop here")}
	case r.running:
		return nil
	case r.waiting != nil:
		return []key.Binding{k.Verify}
	case r.res != nil:
		return []key.Binding{withHelp(k.Select, "enter", "summary")}
	case r.err != nil:
		return []key.Binding{withHelp(k.Back, "esc", "back to the plan")}
	}
	return nil
}
