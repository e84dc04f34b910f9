package tui

import (
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/fixtures/hostiletest"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// Issue 12, the wizard's part: an org whose every string field carries
// escape sequences, bidi overrides and invisible characters
// (hostiletest.Org) is driven through every screen with key presses, and
// no control character of it reaches the terminal: neither in any frame
// the wizard draws (its own SGR styling aside) nor in what the program
// writes to the terminal, the ticket note sent through OSC 52 included.

// frameLog checks every frame the wizard draws, as the model makes it.
type frameLog struct {
	mu     sync.Mutex
	frames int
	errs   []string
}

func (l *frameLog) check(frame string) {
	err := checkFrame(frame)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.frames++
	if err != nil && len(l.errs) < 5 && !slices.Contains(l.errs, err.Error()) {
		l.errs = append(l.errs, err.Error())
	}
}

func (l *frameLog) report(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.frames == 0 {
		t.Fatal("no frame was checked")
	}
	for _, e := range l.errs {
		t.Errorf("a frame carries the org's bytes: %s", e)
	}
}

// checkFrame fails a frame that holds anything a terminal obeys or hides
// other than SGR sequences (the wizard's styles), or an SGR sequence no
// style of the wizard makes: blinking or concealed text (hostiletest.Text
// carries \x1b[5;8m; our styles only colour, bolden, underline, reverse).
func checkFrame(frame string) error {
	var rest strings.Builder
	for i := 0; i < len(frame); {
		if n := sgrLen(frame[i:]); n > 0 {
			if err := checkSGR(frame[i+2 : i+n-1]); err != nil {
				return fmt.Errorf("%w in %q", err, around(frame, i))
			}
			i += n
			continue
		}
		rest.WriteByte(frame[i])
		i++
	}
	return hostiletest.Inert(rest.String())
}

// sgrLen is the length of the SGR sequence (CSI params m) s starts with,
// 0 when it starts with none.
func sgrLen(s string) int {
	if !strings.HasPrefix(s, "\x1b[") {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == ';', c == ':':
		case c == 'm':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

// checkSGR refuses SGR parameters no style of the wizard sets: blink (5,
// 6) and conceal (8); the colour forms 38/48/58;5;n and ;2;r;g;b are read
// whole, so their numbers are not taken for attributes.
func checkSGR(params string) error {
	ps := strings.FieldsFunc(params, func(r rune) bool { return r == ';' })
	for i := 0; i < len(ps); i++ {
		p := ps[i]
		if strings.Contains(p, ":") {
			continue // a colour or an underline style with sub-parameters
		}
		switch p {
		case "38", "48", "58":
			if i+1 < len(ps) && ps[i+1] == "5" {
				i += 2
			} else if i+1 < len(ps) && ps[i+1] == "2" {
				i += 4
			}
		case "5", "6", "8":
			return fmt.Errorf("SGR %s (blink or conceal)", p)
		}
	}
	return nil
}

func around(s string, i int) string {
	return s[max(0, i-40):min(len(s), i+60)]
}

// checkOutput reads what the program wrote to the terminal: the
// renderer's own sequences (cursor moves, erasing, modes: CSI; the window
// title; the background colour query) pass, as do SGR sequences the
// wizard's styles make; any other OSC (an OSC 8 link) or string sequence,
// any bare control character but CR, LF, TAB and BS, any bidi or invisible
// character fails it. It returns the texts sent to the clipboard (OSC 52),
// decoded.
func checkOutput(out string) (clips []string, err error) {
	var text strings.Builder
	for i := 0; i < len(out); {
		c := out[i]
		if c != 0x1b {
			if c == '\r' || c == '\b' {
				c = ' '
			}
			text.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(out) {
			return clips, fmt.Errorf("a lone ESC at the end")
		}
		switch out[i+1] {
		case '[':
			j := i + 2
			for j < len(out) && out[j] >= 0x20 && out[j] <= 0x3f {
				j++
			}
			if j >= len(out) || out[j] < 0x40 || out[j] > 0x7e {
				return clips, fmt.Errorf("a broken CSI: %q", around(out, i))
			}
			if out[j] == 'm' {
				if err := checkSGR(out[i+2 : j]); err != nil {
					return clips, fmt.Errorf("%w: %q", err, around(out, i))
				}
			}
			i = j + 1
		case ']':
			body, n, ok := oscBody(out[i:])
			if !ok {
				return clips, fmt.Errorf("an OSC without its end: %q", around(out, i))
			}
			cmd, data, _ := strings.Cut(body, ";")
			switch {
			case (cmd == "0" || cmd == "2") && (data == "syncdoctor" || data == ""), cmd == "11" && data == "?":
			case cmd == "52":
				_, payload, _ := strings.Cut(data, ";")
				clip, err := base64.StdEncoding.DecodeString(payload)
				if err != nil {
					return clips, fmt.Errorf("OSC 52 with a payload that is not base64: %q", around(out, i))
				}
				clips = append(clips, string(clip))
			default:
				return clips, fmt.Errorf("OSC %s reaches the terminal: %q", cmd, around(out, i))
			}
			i += n
		case 'P', 'X', '^', '_':
			return clips, fmt.Errorf("a string sequence reaches the terminal: %q", around(out, i))
		default:
			i += 2 // ESC 7, ESC 8, ESC =, ...: the renderer's
		}
	}
	return clips, hostiletest.Inert(text.String())
}

// oscBody is the text of the OSC sequence s starts with (ESC ] ... BEL or
// ESC \) and the sequence's length.
func oscBody(s string) (string, int, bool) {
	for i := 2; i < len(s); i++ {
		switch {
		case s[i] == 0x07:
			return s[2:i], i + 1, true
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return s[2:i], i + 2, true
		case s[i] == 0x1b:
			return "", 0, false
		}
	}
	return "", 0, false
}

// hostileWizard is a wizard whose every frame is checked.
func hostileWizard(t *testing.T, deps Deps, w, h int) (*wizard, *frameLog) {
	t.Helper()
	log := &frameLog{}
	p := newProbe(New(deps))
	p.frame = log.check
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h))
	// A hostile org's IdP steps may not verify (the simulated IdP does not
	// take hostile group names): such a step fails after the run's patience,
	// 30s, and its failure is drawn too.
	return &wizard{t: t, tm: tm, p: p, patience: 45 * time.Second}, log
}

// finish quits and checks what the program wrote to the terminal; it
// returns what was sent to the clipboard.
func (w *wizard) finish(log *frameLog) []string {
	w.t.Helper()
	w.final()
	out, err := io.ReadAll(w.tm.FinalOutput(w.t, teatest.WithFinalTimeout(10*time.Second)))
	if err != nil {
		w.t.Fatal(err)
	}
	clips, err := checkOutput(string(out))
	if err != nil {
		w.t.Errorf("the terminal receives the org's bytes: %v", err)
	}
	log.report(w.t.(*testing.T))
	return clips
}

// pageThrough scrolls a paged screen to its end, so that every line of it
// is drawn once.
func (w *wizard) pageThrough() {
	for range 12 {
		w.key(tea.KeyPgDown)
	}
	w.settle()
}

// hostileSnap is the scenario's org made hostile.
func hostileSnap(sc fixtures.Scenario, keep map[string]bool) *fixtures.Snapshot {
	snap := sc.Org()
	hostiletest.Org(snap, keep)
	return snap
}

// TestHostileOrgReachesNoTerminal is issue 12's acceptance for the wizard:
// every case of the demo, on its org made hostile, from the search through
// the account (its SCIM links read), the target (the IdP's error pasted
// with hostile text in it), the diagnosis, the plan and every step to the
// summary, whose ticket note is copied (OSC 52) and saved; a group's
// members; the bulk change from its list to its summary; and a run left
// waiting, offered again by the next wizard and gone on with.
func TestHostileOrgReachesNoTerminal(t *testing.T) {
	t.Parallel()
	keep := hostiletest.Keep()
	for _, sc := range fixtures.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			d := startOrg(t, hostileSnap(sc, keep), false)
			deps := testDeps(d.org, t.TempDir())
			w, log := hostileWizard(t, deps, 100, 30)
			w.hostileCase(sc)
			s := w.waitFor("the summary", func(s snap) bool { return s.phase == phaseSummary })
			w.pageThrough()
			w.key('c')
			w.waitFor("the note copied", func(s snap) bool { return strings.Contains(s.view, "Sent to the clipboard") })
			w.key('s')
			s = w.waitFor("the note saved", func(s snap) bool { return strings.Contains(s.view, "Saved to") })
			saved, err := filepath.Glob(filepath.Join(filepath.Dir(deps.JournalPath), "notes", "*.md"))
			if err != nil || len(saved) != 1 {
				t.Fatalf("the saved note: %v %v", saved, err)
			}
			data, err := os.ReadFile(saved[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := hostiletest.Inert(string(data)); err != nil {
				t.Errorf("the saved note carries the org's bytes: %v", err)
			}
			if data, err := os.ReadFile(deps.JournalPath); err == nil {
				if err := hostiletest.Inert(string(data)); err != nil {
					t.Errorf("the journal carries the org's bytes: %v", err)
				}
			}
			clips := w.finish(log)
			if len(clips) != 1 || clips[0] != s.note {
				t.Fatalf("the clipboard got %d texts, want the ticket note once", len(clips))
			}
			if err := hostiletest.Inert(clips[0]); err != nil {
				t.Errorf("the note sent to the clipboard carries the org's bytes: %v", err)
			}
		})
	}
	t.Run("group members", func(t *testing.T) {
		t.Parallel()
		d := startOrg(t, hostileSnap(fixtures.Scenarios()[0], keep), false)
		w, log := hostileWizard(t, testDeps(d.org, t.TempDir()), 100, 30)
		w.waitFor("the org to load", func(s snap) bool { return s.phase == phaseSearch && s.loaded })
		w.typeText("engineering")
		s := w.waitFor("the group", func(s snap) bool {
			return s.query == "engineering" && s.settled && slices.ContainsFunc(s.rows, func(r string) bool { return strings.HasPrefix(r, "group:engineering") })
		})
		i := slices.IndexFunc(s.rows, func(r string) bool { return strings.HasPrefix(r, "group:engineering") })
		for range i {
			w.key(tea.KeyDown)
		}
		w.waitFor("the cursor on the group", func(s snap) bool { return s.cursor == i })
		w.enter()
		w.waitFor("its members", func(s snap) bool { return strings.Contains(s.view, "type to filter by name") })
		w.key(tea.KeyDown)
		w.typeText("a")
		w.waitFor("the filter", func(s snap) bool { return strings.Contains(s.view, `filter "a"`) })
		w.enter()
		w.waitFor("a member's account", func(s snap) bool { return s.phase == phaseAccount && !strings.Contains(s.view, "reading…") })
		w.esc()
		w.waitFor("the members again", func(s snap) bool { return s.phase == phaseSearch })
		w.esc()
		w.esc()
		w.finish(log)
	})
	t.Run("bulk", func(t *testing.T) {
		t.Parallel()
		testHostileBulk(t)
	})
	t.Run("resume", func(t *testing.T) {
		t.Parallel()
		testHostileResume(t, keep)
	})
}

// hostileCase goes from the search to the summary: the account once its
// SCIM links are read, the target (an IdP error with hostile text in it,
// pasted), the diagnosis and the plan paged through, every step answered.
func (w *wizard) hostileCase(sc fixtures.Scenario) {
	w.t.Helper()
	w.waitFor("the org to load", func(s snap) bool { return s.phase == phaseSearch && s.loaded })
	w.typeText(sc.User)
	row := func(s snap) int {
		if i := slices.Index(s.rows, strings.ToLower(sc.User)); i >= 0 {
			return i
		}
		return slices.Index(s.rows, "typed:"+sc.User) // not in the org (not-found)
	}
	s := w.waitFor("the user among the hits", func(s snap) bool { return s.query == sc.User && s.settled && row(s) >= 0 })
	i := row(s)
	for range i {
		w.key(tea.KeyDown)
	}
	w.waitFor("the cursor on the user", func(s snap) bool { return s.cursor == i })
	w.enter()
	w.waitFor("the account and its links", func(s snap) bool { return s.phase == phaseAccount && !strings.Contains(s.view, "reading…") })
	w.enter()
	w.waitFor("the target screen", func(s snap) bool { return s.phase == phaseTarget })
	idpError := sc.IdpError
	if idpError != "" {
		idpError += "\n" + hostiletest.Text
	}
	w.enterTarget(sc.Target, idpError)
	s = w.diagnose()
	w.pageThrough()
	w.enter()
	w.waitFor("the plan", func(s snap) bool { return s.phase == phasePlan })
	w.pageThrough()
	w.runFromPlan(s.planLen)
}

// testHostileBulk: the merger's list with hostile rows, on the hostile
// demo org: the plan through every filter and row, the review, the run
// and its summary.
func testHostileBulk(t *testing.T) {
	list, keep := hostiletest.MergerList()
	d := startOrg(t, hostileSnap(fixtures.Scenarios()[0], keep), false)
	dir := t.TempDir()
	targets := filepath.Join(dir, "targets.csv")
	if err := os.WriteFile(targets, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	w, log := hostileWizard(t, testDeps(d.org, dir), 120, 40)
	s := w.openBulkPlan(targets)
	if s.bulkErr != "" {
		t.Fatalf("the list was refused: %s", s.bulkErr)
	}
	for range len(s.bulkShown) {
		w.key(tea.KeyDown)
	}
	for f := 0; f < 8; f++ {
		w.key('f')
		w.key(tea.KeyDown)
	}
	w.settle()
	w.enter()
	s = w.waitFor("the review", func(s snap) bool { return s.phase == phaseBulkConfirm })
	w.pageThrough()
	var count string
	if _, after, ok := strings.Cut(s.view, "To make these changes, type "); ok {
		count, _, _ = strings.Cut(after, ",")
	}
	if count == "" {
		t.Fatalf("the review asks for no count:\n%s", s.view)
	}
	w.typeText(count)
	w.enter()
	w.waitFor("the summary", func(s snap) bool { return s.phase == phaseBulkSummary })
	w.pageThrough()
	w.finish(log)
	ws, err := os.ReadFile(filepath.Join(dir, "targets.worksheet.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := hostiletest.Inert(string(ws)); err != nil {
		t.Errorf("the worksheet carries the org's bytes: %v", err)
	}
}

// testHostileResume: a fix on the hostile org is quit at its second
// question, once the holder is parked; the next wizard offers the run (the
// journal's words), goes on with it to the end and its summary.
func testHostileResume(t *testing.T, keep map[string]bool) {
	i := slices.IndexFunc(fixtures.Scenarios(), func(sc fixtures.Scenario) bool { return sc.Name == "taken-by-former-employee" })
	sc := fixtures.Scenarios()[i]
	d := startOrg(t, hostileSnap(sc, keep), false)
	deps := testDeps(d.org, t.TempDir())
	w, log := hostileWizard(t, deps, 100, 30)
	w.searchAndPick(sc.User)
	w.enterTarget(sc.Target, sc.IdpError)
	w.diagnose()
	w.enter()
	w.waitFor("the plan", func(s snap) bool { return s.phase == phasePlan })
	w.enter()
	w.quitAtFirstPlainQuestion()
	w.waitFor("the quit dialog", func(s snap) bool { return s.quitDialog })
	w.finish(log)

	again, log2 := hostileWizard(t, deps, 100, 30)
	again.waitFor("the offer to resume", func(s snap) bool { return s.phase == phaseResume })
	again.settle()
	again.enter()
	again.waitFor("the resumed run", func(s snap) bool { return s.phase == phaseSteps })
	again.answerToTheEnd()
	again.enter()
	again.waitFor("the summary", func(s snap) bool { return s.phase == phaseSummary })
	again.pageThrough()
	again.finish(log2)
}

// The checks must see what they are for, or the test proves nothing.
func TestHostileChecksSeeTheOrgsBytes(t *testing.T) {
	t.Parallel()
	ours := "\x1b[1;38;2;90;63;217mTitle\x1b[m \x1b[38;5;99;48;2;1;2;3;4mx\x1b[0m\n\x1b[7mcursor\x1b[27m"
	if err := checkFrame(ours); err != nil {
		t.Errorf("the wizard's own styling refused: %v", err)
	}
	for _, bad := range []string{hostiletest.Text, "\x1b[5;8m", "\x1b[8m", "\x1b]8;;http://x\x07", "\u202e", "\r"} {
		if checkFrame("Ann "+bad+" Lee") == nil {
			t.Errorf("checkFrame does not see %q", bad)
		}
	}
	renderer := "\x1b[?1049h\x1b]2;syncdoctor\x07\x1b]11;?\x07\x1b[H\x1b[2J\x1b[38;2;1;2;3mhi\x1b[m\r\n\x1b[K" +
		"\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("note\n")) + "\x07"
	clips, err := checkOutput(renderer)
	if err != nil || len(clips) != 1 || clips[0] != "note\n" {
		t.Errorf("the renderer's own output: %v, clips %q", err, clips)
	}
	for _, bad := range []string{"\x1b]8;;http://x\x07link\x1b]8;;\x07", "\x1b[5m", "\x1b]52;c;!!\x07", "\u202e", "\x07", "\x1bP+q\x1b\\"} {
		if _, err := checkOutput("Ann " + bad + " Lee"); err == nil {
			t.Errorf("checkOutput does not see %q", bad)
		}
	}
}

// TestInertGuardsEveryFrame: the last guard keeps the wizard's SGR
// styling and escapes the rest; it is all that guards what a bubble
// draws of the operator's own input, such as a pasted IdP error's bidi
// override in the target's box (the box drops control characters, not
// bidi ones).
func TestInertGuardsEveryFrame(t *testing.T) {
	t.Parallel()
	styled := "\x1b[1;38;2;90;63;217mTitle\x1b[m\n\tkept"
	if got := inert(styled); got != styled {
		t.Errorf("inert(%q) = %q: the wizard's styling is changed", styled, got)
	}
	raw := "\x1b[1mAnn\x1b[m \x1b[2J\x1b]8;;https://x\x07link\x1b]8;;\x07\x1b]52;c;aGk=\x07\u009b1m\r\u202eevil\u200b\x1b"
	got := inert(raw)
	if err := checkFrame(got); err != nil {
		t.Errorf("inert(%q) = %q: %v", raw, got, err)
	}
	if want := `\x1b[2J\x1b]8;;https://x\x07link`; !strings.Contains(got, want) || !strings.HasPrefix(got, "\x1b[1mAnn\x1b[m ") {
		t.Errorf("inert(%q) = %q, want the styling kept and %s shown", raw, got, want)
	}

	m := New(Deps{JournalPath: "journal.jsonl"})
	t.Cleanup(m.Close)
	m = updated(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m.phase = phaseTarget
	m.target.input.Focus()
	m = updated(m, tea.PasteMsg{Content: "Failed to update user 'ann\u202e@acme.com' in AtlassianCloud: \u2066conflict\u2069"})
	v := m.View().Content
	if err := checkFrame(v); err != nil {
		t.Errorf("the target screen with a pasted error: %v", err)
	}
	if !strings.Contains(v, `\u2066conflict\u2069`) {
		t.Errorf("the pasted error's bidi isolates are not shown escaped:\n%s", v)
	}
}

// TestTicketNoteLeavesCleaned: whatever the summary holds, the note sent
// to the clipboard (OSC 52) and the note saved to a file carry nothing a
// terminal obeys; the note of a diagnosis with nothing to carry out is
// cleaned where it is written.
func TestTicketNoteLeavesCleaned(t *testing.T) {
	t.Parallel()
	d := &diagnose.Diagnosis{
		User:   &diagnose.UserRef{AccountID: "712020:x" + hostiletest.Text, Email: "ann" + hostiletest.Addr + "@acme.com", Name: "Ann" + hostiletest.Text},
		Target: "ann@acme.io" + hostiletest.Addr, Verdict: steps.VerdictNoBlocker,
		Findings: []diagnose.Finding{{Code: "x" + hostiletest.Text, Detail: "Ann" + hostiletest.Text}},
		Facts:    diagnose.OrgFacts{Query: "ann" + hostiletest.Text},
	}
	if err := hostiletest.Inert(diagnosisNote(d, testNow)); err != nil {
		t.Errorf("the diagnosis's note: %v", err)
	}

	m := New(Deps{JournalPath: filepath.Join(t.TempDir(), "journal.jsonl"), Now: func() time.Time { return testNow }})
	t.Cleanup(m.Close)
	m = updated(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m.phase = phaseSummary
	m.summary = summaryScreen{d: d, note: "## note for Ann" + hostiletest.Text + "\nline two\n"}
	next, cmd := m.Update(tea.KeyPressMsg{Code: 'c', Text: "c"})
	m = next.(Model)
	if cmd == nil {
		t.Fatal("c sends nothing to the clipboard")
	}
	if err := hostiletest.Inert(fmt.Sprint(cmd())); err != nil {
		t.Errorf("the clipboard gets: %v", err)
	}
	_, cmd = m.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
	msg, ok := cmd().(noteSavedMsg)
	if !ok || msg.err != nil {
		t.Fatalf("saving the note: %+v", msg)
	}
	data, err := os.ReadFile(msg.path)
	if err != nil {
		t.Fatal(err)
	}
	if err := hostiletest.Inert(string(data)); err != nil {
		t.Errorf("the saved note: %v", err)
	}
	if !strings.Contains(string(data), "line two\n") {
		t.Errorf("the saved note lost its lines: %q", data)
	}
}

// TestAccessiblePromptIsCleaned: in accessible mode a step's question
// reaches the terminal past View, as huh's plain prompt: the step's
// title, detail and email are cleaned, and the prompt passes inert.
func TestAccessiblePromptIsCleaned(t *testing.T) {
	t.Parallel()
	m := New(Deps{Accessible: true})
	park := steps.PlanStep{ID: "park-holder", Kind: steps.KindAPI, Destructive: true, Title: "Move Ann" + hostiletest.Text,
		Detail: "Ann" + hostiletest.Text, Params: steps.Params{Email: "ann" + hostiletest.Addr + "@acme.com"}}
	a := &askState{step: park, kind: askTyped, field: m.askField(park)}
	a.form = huh.NewForm(huh.NewGroup(a.field))
	var out strings.Builder
	fe := &formExec{form: a.form}
	fe.SetStdin(strings.NewReader("wrong\n\n"))
	fe.SetStdout(&out)
	if err := fe.Run(); err != nil {
		t.Fatal(err)
	}
	if err := checkFrame(out.String()); err != nil {
		t.Errorf("the accessible prompt: %v", err)
	}
	var guarded strings.Builder
	if _, err := (inertWriter{&guarded}).Write([]byte("\x1b[1mStep\x1b[m " + hostiletest.Text)); err != nil {
		t.Fatal(err)
	}
	if err := checkFrame(strings.ReplaceAll(guarded.String(), "\x1b[5;8m", "")); err != nil {
		t.Errorf("inertWriter lets through: %v", err)
	}
}

// TestResumeDrawsTheJournalSafely: a journal is a file, and one edited by
// hand (or by someone else) names its run, org, user and steps in any
// bytes: the offer to resume shows them cleaned, a fix's and a bulk
// change's alike.
func TestResumeDrawsTheJournalSafely(t *testing.T) {
	t.Parallel()
	h := hostiletest.Text
	for _, bulkRun := range []bool{false, true} {
		m := New(Deps{JournalPath: "journal.jsonl"})
		t.Cleanup(m.Close)
		m = updated(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		r := &journal.RunLog{
			Header: journal.RunHeader{RunID: "run" + h, Started: testNow, Org: "org" + h, Mode: steps.Mode("demo" + h),
				User: "ann" + h + "@acme.com", Target: "ann" + h + "@acme.io", Verdict: steps.Verdict("no-blocker" + h),
				Plan: []steps.PlanStep{{Title: "Change Ann" + h}}},
			Status: journal.StatusInterrupted, Steps: []journal.StepState{{Status: journal.StepPending}},
		}
		if bulkRun {
			r.Header.Bulk = &journal.BulkRun{Targets: "targets" + h + ".csv"}
		}
		m = updated(m, journalReadMsg{run: r})
		if m.phase != phaseResume {
			t.Fatalf("phase %d, want the offer to resume", m.phase)
		}
		v := m.View().Content
		if err := checkFrame(v); err != nil {
			t.Errorf("bulk %v: %v", bulkRun, err)
		}
		if !strings.Contains(v, `org\x1b[31m`) {
			t.Errorf("bulk %v: the org is not shown cleaned:\n%s", bulkRun, v)
		}
	}
}
