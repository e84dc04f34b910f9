package tui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/steps/journal"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps"
)

// TestFlowEveryVerdict drives the real wizard with key presses, from
// search to summary, for every verdict of the demo org (its first case of
// each, a case whose fix cannot be made from this org, and the situations
// beyond the two articles), and checks the org's state after the fix.
// (steps' own end-to-end test runs every case through the executor; this
// one is about the wizard.)
func TestFlowEveryVerdict(t *testing.T) {
	also := []string{"target-held-in-other-org", "taken-by-unclaimed-account", "taken-by-deleted-account",
		"unlinked-by-unverified-domain", "saml-jit-login-reverts"}
	seen := map[string]bool{}
	for _, sc := range fixtures.Scenarios() {
		if seen[sc.Verdict] && !slices.Contains(also, sc.Name) {
			continue
		}
		seen[sc.Verdict] = true
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			d := startOrg(t, sc.Org(), false)
			w := startWizard(t, testDeps(d.org, t.TempDir()), 100, 30)
			w.searchAndPick(sc.User)
			w.enterTarget(sc.Target, sc.IdpError)
			s := w.diagnose()
			if string(s.verdict) != sc.Verdict {
				t.Fatalf("verdict %s, want %s\n%s", s.verdict, sc.Verdict, s.view)
			}
			w.runPlan(s.planLen)
			m := w.final()
			checkOutcome(t, sc, m, d)
		})
	}
	if len(seen) != len(steps.Verdicts()) {
		t.Errorf("the demo has cases for %d verdicts, want all %d", len(seen), len(steps.Verdicts()))
	}
}

// checkOutcome checks how the wizard ended and what it did to the org.
func checkOutcome(t *testing.T, sc fixtures.Scenario, m Model, d *demo) {
	t.Helper()
	if m.phase != phaseSummary {
		t.Fatalf("ended in phase %d, want the summary", m.phase)
	}
	res := m.summary.res
	switch {
	case sc.Verdict == string(steps.VerdictNotFound):
		if res != nil || !strings.Contains(m.summary.note, "No change was made") {
			t.Fatalf("not-found: a run was made (%v) or the note says otherwise:\n%s", res, m.summary.note)
		}
		return
	case sc.Fix == fixtures.FixHandoff:
		if res.Status != journal.StatusWaitingOperator || res.Fixed || !strings.Contains(m.summaryHeadline(), "Handed off") {
			t.Fatalf("run %s (%s), want it handed off; headline %q", res.Status, res.Reason, m.summaryHeadline())
		}
		return
	case res.Status != journal.StatusCompleted:
		t.Fatalf("run %s: %s", res.Status, res.Reason)
	}
	u := m.diag.d.User
	if got := accountEmail(d.sim.Snapshot(), u.AccountID); !strings.EqualFold(got, sc.Target) {
		t.Fatalf("after the fix the user's account has %q, want %s", got, sc.Target)
	}
	if !res.Fixed || !strings.Contains(m.summary.note, "fixed: the API shows") || !strings.Contains(m.summary.note, res.RunID) {
		t.Errorf("the ticket note does not tell the completed run:\n%s", m.summary.note)
	}
}

func accountEmail(s *fixtures.Snapshot, id string) string {
	for _, a := range s.Accounts {
		if a.AccountID == id {
			return a.Email
		}
	}
	return ""
}

// searchAndPick types the user in the search and chooses its row.
func (w *wizard) searchAndPick(user string) {
	w.t.Helper()
	w.waitFor("the org to load", func(s snap) bool { return s.phase == phaseSearch && s.loaded })
	w.typeText(user)
	want := strings.ToLower(user)
	// The rows of the whole query: a search of part of it (the debounce
	// may fire between two keys) puts the cursor's row elsewhere.
	s := w.waitFor("the user among the hits", func(s snap) bool {
		return s.query == user && s.settled && (slices.Contains(s.rows, want) || slices.Contains(s.rows, "typed:"+user))
	})
	i := slices.Index(s.rows, want)
	if i < 0 {
		i = slices.Index(s.rows, "typed:"+user)
	}
	for range i {
		w.key(tea.KeyDown)
	}
	w.waitFor("the cursor on the user", func(s snap) bool { return s.cursor == i })
	w.enter()
	w.waitFor("the account", func(s snap) bool { return s.phase == phaseAccount })
	w.enter()
	w.waitFor("the target screen", func(s snap) bool { return s.phase == phaseTarget })
}

// enterTarget pastes the IdP's error when the case has one, else types.
func (w *wizard) enterTarget(target, idpError string) {
	w.t.Helper()
	if idpError != "" {
		w.tm.Send(tea.PasteMsg{Content: idpError})
		w.waitFor("the pasted error read", func(s snap) bool { return s.pasted })
	} else {
		w.typeText(target)
	}
	w.waitFor("the target in the box", func(s snap) bool { return strings.EqualFold(s.target, target) })
	w.enter()
}

// diagnose waits for the verdict.
func (w *wizard) diagnose() snap {
	w.t.Helper()
	s := w.waitFor("the diagnosis", func(s snap) bool { return s.diagDone || s.diagErr != nil })
	if s.diagErr != nil {
		w.t.Fatalf("diagnosis failed: %v", s.diagErr)
	}
	return s
}

// runPlan goes from the diagnosis to the summary, answering every step:
// typing the email of a destructive one, letting the simulated IdP do the
// IdP ones.
func (w *wizard) runPlan(steps int) snap {
	w.t.Helper()
	w.enter()
	w.waitFor("the plan", func(s snap) bool { return s.phase == phasePlan })
	return w.runFromPlan(steps)
}

// runFromPlan is runPlan from the plan screen on.
func (w *wizard) runFromPlan(steps int) snap {
	w.t.Helper()
	w.enter()
	if steps == 0 {
		return w.waitFor("the summary", func(s snap) bool { return s.phase == phaseSummary })
	}
	w.waitFor("the run", func(s snap) bool { return s.phase == phaseSteps })
	for {
		s := w.waitFor("a question or the end", func(s snap) bool { return s.ask != nil || s.hands || (!s.running && (s.res != nil || s.runErr != nil)) })
		switch {
		case s.ask != nil:
			w.answer(s)
			w.waitFor("the answer taken", func(n snap) bool { return n.ask != s.ask })
		case s.hands:
			w.enter()
			w.waitFor("the operator's turn taken", func(n snap) bool { return !n.hands })
		case s.res == nil:
			w.t.Fatalf("the run could not be carried out: %v", s.runErr)
		default:
			w.enter()
			return w.waitFor("the summary", func(s snap) bool { return s.phase == phaseSummary })
		}
	}
}

// answerToTheEnd says yes to every question of the run on show, until it
// ends.
func (w *wizard) answerToTheEnd() {
	for {
		s := w.waitFor("a question or the end", func(s snap) bool { return s.ask != nil || (!s.running && s.res != nil) })
		if s.ask == nil {
			break
		}
		w.answer(s)
		w.waitFor("the answer taken", func(n snap) bool { return n.ask != s.ask })
	}
}

// quitZofiasFixMidway starts the demo's fix of Zofia's email (an account
// to park, then hers to change) and quits it after the first change, the
// holder parked: it returns the quit dialog.
func (w *wizard) quitZofiasFixMidway() snap {
	w.t.Helper()
	w.searchAndPick("zofia.kaminska@acme.com")
	w.enterTarget("zofia.lewandowska@acme.com", "")
	w.diagnose()
	w.enter()
	w.waitFor("the plan", func(s snap) bool { return s.phase == phasePlan })
	w.enter()
	w.quitAtFirstPlainQuestion()
	return w.waitFor("the quit dialog", func(s snap) bool { return s.quitDialog })
}

// quitAtFirstPlainQuestion answers the typed confirmations of a run (its
// destructive steps) and presses ctrl+c at its first other question.
func (w *wizard) quitAtFirstPlainQuestion() {
	for {
		s := w.waitFor("a question", func(s snap) bool { return s.ask != nil })
		if s.askKind != askTyped {
			w.tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
			break
		}
		w.answer(s)
		w.waitFor("the answer taken", func(n snap) bool { return n.ask != s.ask })
	}
}

// answer says yes to the question on show.
func (w *wizard) answer(s snap) {
	switch s.askKind {
	case askTyped:
		w.typeText(s.askEmail)
		w.enter()
	case askWho:
		w.enter() // the first option: the simulated IdP
	default:
		w.typeText("y")
	}
}

// TestFlowLiveIdPStepWaitsForTheOperator: with no simulated IdP (as on a
// live org) an IdP step ends the run waiting for the operator with what to
// do; "I have done it" before it is done says not yet; once the operator has
// acted in the IdP, enter verifies it and the run completes.
func TestFlowLiveIdPStepWaitsForTheOperator(t *testing.T) {
	t.Parallel()
	d := startDemo(t, true)
	w := startWizard(t, testDeps(d.org, t.TempDir()), 100, 30)
	w.searchAndPick("chinedu.okonkwo@acme.com")
	w.enterTarget("chinedu.okonkwo@acme.io", "")
	w.diagnose()
	w.enter()
	w.waitFor("the plan", func(s snap) bool { return s.phase == phasePlan })
	w.enter()
	s := w.waitFor("the IdP step's question", func(s snap) bool { return s.ask != nil })
	w.answer(s)
	s = w.waitFor("the run to wait for the operator", func(s snap) bool { return s.waiting && !s.running })
	if !strings.Contains(s.view, "Provision on demand") || !strings.Contains(s.view, "When it is done, press enter") {
		t.Fatalf("the waiting screen does not say what to do:\n%s", s.view)
	}
	if strings.Contains(s.view, "syncdoctor resume") {
		t.Errorf("the waiting screen gives two instructions (enter, and resume):\n%s", s.view)
	}
	// The operator runs provisioning on demand in the IdP. (Saying "done"
	// before that would poll the org for up to verifyTimeout: too slow here.)
	if _, err := d.sim.IdP().Provision(context.Background(), "80aeccd4-955b-4402-a07d-678e5fb8d59f"); err != nil {
		t.Fatal(err)
	}
	w.enter()
	w.waitFor("the run to complete", func(s snap) bool { return !s.running && s.res != nil && s.res.Status == journal.StatusCompleted })
	if got := accountEmail(d.sim.Snapshot(), accountOf(fixtures.Demo(), "chinedu.okonkwo@acme.com")); got != "chinedu.okonkwo@acme.io" {
		t.Fatalf("Chinedu's account has %q", got)
	}
	w.final()
}

// TestFlowQuitMidFixThenResume: quitting mid-fix asks first and says how
// to go on; the next wizard on the same journal offers the run, and going
// on finishes it without repeating what was done.
func TestFlowQuitMidFixThenResume(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	deps := testDeps(d.org, t.TempDir())
	w := startWizard(t, deps, 100, 30)
	s := w.quitZofiasFixMidway()
	if !strings.Contains(s.view, "syncdoctor resume") {
		t.Fatalf("the quit dialog does not say how to go on:\n%s", s.view)
	}
	w.typeText("y")
	first := w.tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(probe).inner
	if first.run.res == nil || first.run.res.Status == journal.StatusCompleted {
		t.Fatalf("the first session's run: %+v", first.run.res)
	}

	again := startWizard(t, deps, 100, 30)
	s = again.waitFor("the offer to resume", func(s snap) bool { return s.phase == phaseResume })
	if !strings.Contains(s.view, first.run.runID) {
		t.Fatalf("the offer does not name run %s:\n%s", first.run.runID, s.view)
	}
	again.enter()
	again.waitFor("the resumed run", func(s snap) bool { return s.phase == phaseSteps })
	again.answerToTheEnd()
	s = again.p.now()
	if s.res.Status != journal.StatusCompleted {
		t.Fatalf("resumed run %s: %s", s.res.Status, s.res.Reason)
	}
	if got := accountEmail(d.sim.Snapshot(), accountOf(fixtures.Demo(), "zofia.kaminska@acme.com")); got != "zofia.lewandowska@acme.com" {
		t.Fatalf("Zofia's account has %s", got)
	}
	again.final()
}

// TestFlowEscGoesBackBeforeAnyChange: esc walks back through every screen,
// and stopping at the first question of a run changes nothing and lands on
// the plan again.
func TestFlowEscGoesBackBeforeAnyChange(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	w := startWizard(t, testDeps(d.org, t.TempDir()), 100, 30)
	before := d.sim.Snapshot()
	w.searchAndPick("lukasz.dabrowski@acme.com")
	w.enterTarget("lukasz.dabrowski@acme.io", "")
	w.diagnose()
	w.enter()
	w.waitFor("the plan", func(s snap) bool { return s.phase == phasePlan })
	w.enter()
	w.waitFor("the first question", func(s snap) bool { return s.ask != nil })
	w.esc()
	s := w.waitFor("back on the plan", func(s snap) bool { return s.phase == phasePlan && !s.running })
	if !strings.Contains(s.view, "nothing was done") {
		t.Errorf("the plan does not say nothing was done:\n%s", s.view)
	}
	for _, back := range []phase{phaseDiagnosis, phaseTarget, phaseAccount, phaseSearch} {
		w.esc()
		w.waitFor("esc back", func(s snap) bool { return s.phase == back })
	}
	if accountEmail(d.sim.Snapshot(), accountOf(before, "lukasz.dabrowski@acme.io")) != "lukasz.dabrowski@acme.io" {
		t.Fatal("the holder was changed")
	}
	w.final()
}

func accountOf(s *fixtures.Snapshot, email string) string {
	for _, a := range s.Accounts {
		if a.Email == email {
			return a.AccountID
		}
	}
	return ""
}

// TestFlowDoItMyselfOnASimulatedOrg: on a simulated org the operator may
// do an IdP step "by hand": the run pauses with the instructions, and
// when they say it is done the simulated IdP acts in their place and the
// step is verified.
func TestFlowDoItMyselfOnASimulatedOrg(t *testing.T) {
	t.Parallel()
	d := startDemo(t, false)
	w := startWizard(t, testDeps(d.org, t.TempDir()), 100, 30)
	w.searchAndPick("chinedu.okonkwo@acme.com")
	w.enterTarget("chinedu.okonkwo@acme.io", "")
	w.diagnose()
	w.enter()
	w.waitFor("the plan", func(s snap) bool { return s.phase == phasePlan })
	w.enter()
	w.waitFor("who does the IdP step", func(s snap) bool { return s.ask != nil && s.askKind == askWho })
	w.key(tea.KeyDown) // "I'll do it myself"
	w.enter()
	s := w.waitFor("the operator's turn", func(s snap) bool { return s.hands })
	if !strings.Contains(s.view, "Your turn in the IdP") || !strings.Contains(s.view, "provisioning on demand") {
		t.Fatalf("the operator's turn does not say what to do:\n%s", s.view)
	}
	if got := accountEmail(d.sim.Snapshot(), accountOf(fixtures.Demo(), "chinedu.okonkwo@acme.com")); got != "chinedu.okonkwo@acme.com" {
		t.Fatalf("the IdP acted before the operator said so: %s", got)
	}
	w.enter()
	s = w.waitFor("the run to end", func(s snap) bool { return !s.running && s.res != nil })
	if s.res.Status != journal.StatusCompleted {
		t.Fatalf("run %s: %s", s.res.Status, s.res.Reason)
	}
	if got := accountEmail(d.sim.Snapshot(), accountOf(fixtures.Demo(), "chinedu.okonkwo@acme.com")); got != "chinedu.okonkwo@acme.io" {
		t.Fatalf("Chinedu's account has %q", got)
	}
	w.final()
}
