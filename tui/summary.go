package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
	"github.com/syncdoctor/syncdoctor/steps/safetext"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// summaryScreen closes the case: what changed, where the journal is, and
// the ticket note to copy or save.
type summaryScreen struct {
	d       *diagnose.Diagnosis // the diagnosis; nil for a resumed run
	res     *run.Result         // nil when no run was made
	user    string              // the run's user and target
	target  string
	journal string
	// here: the run started in this session, so steps done before a wait
	// were done here too, not "in an earlier session".
	here    bool
	note    string
	noteErr error
	copied  bool
	saved   string
	saveErr error
	pager   pager
}

// The note is cleaned here, as it enters the summary (the journal's reader
// cleans it too: safetext.Text keeps its lines), and again on its way to
// the clipboard and the file.
func newRunSummary(r stepsScreen, d *diagnose.Diagnosis, journal string) summaryScreen {
	return summaryScreen{d: d, res: r.res, user: r.user, target: r.target, journal: journal, note: safetext.Text(r.text), noteErr: r.err, here: r.startedHere}
}

// newDiagnosisSummary closes a case with nothing to carry out.
func newDiagnosisSummary(d *diagnose.Diagnosis, now time.Time) summaryScreen {
	return summaryScreen{d: d, note: diagnosisNote(d, now)}
}

// summaryPage is the screen of the summary phase; its state is
// m.summary. The shared pager scrolls it.
type summaryPage struct{}

func (summaryPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	sm := &m.summary
	switch {
	case key.Matches(k, m.keys.Copy) && sm.note != "":
		sm.copied = true
		return m, tea.SetClipboard(safetext.Text(sm.note)) // OSC 52: the terminal obeys nothing in it
	case key.Matches(k, m.keys.Save) && sm.note != "":
		return m, saveNoteCmd(m.deps.JournalPath, m.noteName(), safetext.Text(sm.note))
	case key.Matches(k, m.keys.NewCase):
		return m.newCase()
	}
	return m, nil
}

// noteName names the saved note after the run, or the moment.
func (m Model) noteName() string {
	if m.summary.res != nil {
		return safetext.Clean(m.summary.res.RunID)
	}
	return "diagnosis-" + m.deps.Now().UTC().Format("20060102-150405")
}

func (m Model) onNoteSaved(msg noteSavedMsg) Model {
	m.summary.saved, m.summary.saveErr = msg.path, msg.err
	return m
}

// newCase goes back to the search for another user, on the session's org.
func (m Model) newCase() (Model, tea.Cmd) {
	m.runOrg = nil
	m.search.input.SetValue("")
	m.search.hits, m.search.cursor, m.search.group = nil, 0, nil
	m.phase = phaseSearch
	if !m.loading.done && m.loading.err == nil && m.org == nil {
		m.phase = phaseLoading
	}
	return m, m.search.input.Focus()
}

func (summaryPage) keys(m Model) []key.Binding {
	k := m.keys
	return []key.Binding{k.Copy, k.Save, k.NewCase, withHelp(k.Down, "↓/pgdn", "scroll")}
}

// view keeps the note's status (copied, saved) on the last line,
// visible wherever the text is scrolled to.
func (p summaryPage) view(m Model, w, h int) string {
	return viewPaged(m, p, w, h) + "\n\n" + m.noteStatus(w)
}

// textRows leaves room under the text for a blank line and the status.
func (summaryPage) textRows(m Model, w, h int) int {
	return h - 1 - lipgloss.Height(m.noteStatus(w))
}

func (summaryPage) pager(m *Model) *pager { return &m.summary.pager }

func (summaryPage) text(m Model, w int) string {
	s := m.styles
	sm := m.summary
	var b strings.Builder
	b.WriteString(paint(s.Title, wrap(m.summaryHeadline(), w)) + "\n")
	if sm.res != nil {
		b.WriteString(hang(s.Muted.Render("Journal  "), safetext.Clean(sm.journal)+s.Muted.Render("  (run "+safetext.Clean(sm.res.RunID)+")"), w) + "\n")
		if sm.res.Status != journal.StatusCompleted {
			b.WriteString(paint(s.Warn, wrap("The run is not finished: go on with  "+m.resumeCmd+"  (or open the wizard again).", w)) + "\n")
		}
		b.WriteString("\n" + m.viewChanges(w))
	}
	if sm.note != "" {
		b.WriteString("\n" + s.Title.Render("Ticket note") + "\n")
		b.WriteString(paint(s.Muted, indent(wrap(sm.note, w-2), 2)) + "\n")
	}
	return b.String()
}

// summaryHeadline says how the case ended, in one line.
func (m Model) summaryHeadline() string {
	sm := m.summary
	if sm.res == nil {
		return "Diagnosed: " + diagnose.Explain(sm.d).Headline + " Nothing was changed."
	}
	if sm.res.Fixed {
		who := "the account of " + sm.user
		if sm.d != nil && sm.d.User != nil {
			who = firstOf(sm.d.User.Name, sm.d.User.Email)
		}
		return fmt.Sprintf("Fixed: %s now has %s.", safetext.Clean(who), safetext.Clean(sm.target))
	}
	return runHeadline(sm.res)
}

// viewChanges lists what the run did to the org, step by step.
func (m Model) viewChanges(w int) string {
	s := m.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("What was done") + "\n")
	for _, o := range m.summary.res.Steps {
		mark := map[journal.StepStatus]string{journal.StepDone: s.OK.Render("✓"), journal.StepOperator: s.OK.Render("✓"),
			journal.StepSkipped: s.OK.Render("↷")}[o.Status]
		if mark == "" {
			mark = s.Warn.Render("·")
		}
		b.WriteString(hang(mark+" ", safetext.Clean(o.Title+outcomeNote(o, m.summary.here)), w) + "\n")
	}
	return b.String() + "\n"
}

func (m Model) noteStatus(w int) string {
	s := m.styles
	sm := m.summary
	switch {
	case sm.noteErr != nil:
		return paint(s.Error, wrap(safetext.Clean(sm.noteErr.Error()), w))
	case sm.saveErr != nil:
		return paint(s.Error, wrap("The note could not be saved: "+safetext.Clean(sm.saveErr.Error()), w))
	case sm.saved != "":
		return s.OK.Render("Saved to " + safetext.Clean(sm.saved))
	case sm.copied:
		return paint(s.OK, wrap("Sent to the clipboard through the terminal (OSC 52). If nothing arrived, "+
			"your terminal blocks it: press s to save the note to a file.", w))
	}
	if sm.note == "" {
		return ""
	}
	return s.Muted.Render("c copies the ticket note, s saves it to a file")
}

// diagnosisNote is the ticket note of a case with nothing to carry out,
// cleaned (safetext.Text) as the run's note is: it is shown, copied to
// the clipboard and saved, and it names the org's user.
func diagnosisNote(d *diagnose.Diagnosis, now time.Time) string {
	var b strings.Builder
	user := d.Facts.Query
	if d.User != nil {
		user = d.User.Email + " (account `" + d.User.AccountID + "`)"
	}
	fmt.Fprintf(&b, "## syncdoctor: diagnosis for %s\n\n", firstOf(d.Facts.Query, user))
	fmt.Fprintf(&b, "- **User:** %s\n- **Target email:** %s\n- **Verdict:** `%s`\n- **When:** %s\n\n",
		user, d.Target, d.Verdict, now.UTC().Format(time.RFC3339))
	b.WriteString("### Findings\n\n")
	for _, f := range d.Findings {
		fmt.Fprintf(&b, "- `%s`: %s\n", f.Code, f.Detail)
	}
	b.WriteString("\nNo change was made.\n")
	return safetext.Text(b.String())
}

// outcomeNote is what the summary adds to a step's title: nothing for a
// step done in this session, else its status and why.
func outcomeNote(o run.StepOutcome, here bool) string {
	var parts []string
	if w := statusWords(o); w != "" {
		parts = append(parts, w)
	}
	if o.Earlier && !here {
		parts = append(parts, "in an earlier session")
	}
	if why := joinReason(o.Reason, errorOf(o.Error)); why != "" && o.Status != journal.StepDone && o.Status != journal.StepOperator {
		parts = append(parts, why)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ": ") + ")"
}

// statusWords say how a step ended in plain words ("" for done).
func statusWords(o run.StepOutcome) string {
	switch o.Status {
	case journal.StepDone:
		return ""
	case journal.StepOperator:
		return "done, by your word: no API can show it"
	case journal.StepWaiting:
		if o.Kind == steps.KindHandoff {
			return "handed off"
		}
		return "waiting for you"
	case journal.StepDeclined:
		return "not done: you stopped here"
	case journal.StepBlocked:
		return "stopped: the org is not as the plan expects"
	case journal.StepPending:
		return "not reached"
	}
	return string(o.Status)
}

func errorOf(s string) error {
	if s == "" {
		return nil
	}
	return errors.New(s)
}
