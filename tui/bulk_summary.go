package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/bulk"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/search"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// The bulk run's summary: how it ended, where its journal is, what failed
// and why, the rows left alone, the worksheet, and how to check the rows
// once the IdP's admin is done.

// bulkSummaryPage closes the bulk change; its state is m.bulk. The shared
// pager scrolls it.
type bulkSummaryPage struct{}

func (bulkSummaryPage) update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.NewCase):
		m.bulk.input.SetValue("")
		return m.newCase()
	case key.Matches(k, m.keys.Back) && m.bulk.res == nil && m.bulk.prep != nil:
		m.phase = phaseBulkPlan // the run could not start: nothing changed
	}
	return m, nil
}

func (bulkSummaryPage) keys(m Model) []key.Binding {
	k := m.keys
	keys := []key.Binding{k.NewCase, withHelp(k.Down, "↓/pgdn", "scroll")}
	if m.bulk.res == nil && m.bulk.prep != nil {
		keys = append(keys, withHelp(k.Back, "esc", "back to the plan"))
	}
	return keys
}

func (p bulkSummaryPage) view(m Model, w, h int) string { return viewPaged(m, p, w, h) }

func (bulkSummaryPage) textRows(_ Model, _, h int) int { return h }

func (bulkSummaryPage) pager(m *Model) *pager { return &m.bulk.summaryPager }

func (bulkSummaryPage) text(m Model, w int) string {
	s := m.styles
	bs := m.bulk
	res := bs.res
	var b strings.Builder
	if res == nil {
		b.WriteString(paint(s.Error, wrap("The bulk change could not start: "+oneLine(errText(bs.err)), w)) + "\n")
		b.WriteString(wrap("Nothing was changed in the org. esc goes back to the plan.", w) + "\n")
		return b.String()
	}
	head, style := m.bulkHeadline(), s.OK
	if res.Status != journal.StatusCompleted || res.Failed() {
		style = s.Warn
	}
	b.WriteString(paint(style.Bold(true), wrap(head, w)) + "\n\n")
	field := func(label, text string) {
		b.WriteString(hang(s.Muted.Render(fmt.Sprintf("%-10s", label)), text, w) + "\n")
	}
	field("Run", search.DisplayText(res.RunID))
	field("Journal", search.DisplayText(res.Journal))
	field("Targets", search.DisplayText(bs.abs))
	field("Changes", m.bulkCounts(res))
	if bs.err != nil {
		b.WriteString(paint(s.Error, wrap("The run stopped: "+oneLine(bs.err.Error()), w)) + "\n")
	}
	if res.Status != journal.StatusCompleted {
		b.WriteString(paint(s.Warn, wrap("The run is not finished. This goes on from where it stopped, making no change twice "+
			"(or open the wizard again):", w)) + "\n")
		b.WriteString(paint(s.Accent, indent(shellLines(m.resumeWords(), w-2), 2)) + "\n")
	}

	var bad []bulk.ChangeOutcome
	for _, c := range res.Changes {
		if c.Status == journal.StepFailed || c.Status == journal.StepBlocked {
			bad = append(bad, c)
		}
	}
	if len(bad) > 0 {
		b.WriteString("\n" + s.Error.Render(fmt.Sprintf("Failed or blocked (%d)", len(bad))) + "\n")
		for _, c := range bad {
			b.WriteString(m.outcomeLine(c, w) + "\n")
		}
	}
	if bs.prep != nil && len(bs.prep.Changes.Left) > 0 {
		left := bs.prep.Changes.Left
		b.WriteString("\n" + s.Warn.Render(fmt.Sprintf("Left as they are (%d)", len(left))) + "\n")
		for _, l := range left {
			b.WriteString(hang(fmt.Sprintf("  line %d: ", l.Line), search.DisplayText(l.Reason), w) + "\n")
		}
	}
	if bs.prep != nil {
		if other := m.bulkOtherRows(); len(other) > 0 {
			b.WriteString(paint(s.Muted, pack("Not changed, as the plan said: ", other, ", ", w)) + "\n")
		}
	}

	b.WriteString("\n" + s.Title.Render("The IdP's part") + "\n")
	if res.Bulk != nil && res.Bulk.WorksheetRows > 0 {
		b.WriteString(wrap(fmt.Sprintf("Hand the worksheet to the IdP's admin: %d %s, one per attribute to change.",
			res.Bulk.WorksheetRows, plural(res.Bulk.WorksheetRows, "line", "lines")), w) + "\n")
		b.WriteString("  " + s.Accent.Render(search.DisplayText(res.Bulk.Worksheet)) + "\n")
		b.WriteString(wrap("Once the admin is done, check every row (done, pending, failed) with", w) + "\n")
	} else {
		b.WriteString(wrap("No row waits for the IdP (the worksheet "+search.DisplayText(bs.worksheet)+" has only its header). Check every row with", w) + "\n")
	}
	b.WriteString(paint(s.Accent, indent(shellLines(m.bulkVerifyCommand(), w-2), 2)) + "\n")

	if len(res.Changes) > 0 {
		b.WriteString("\n" + s.Title.Render("Every change, in order") + "\n")
		for _, c := range res.Changes {
			b.WriteString(m.outcomeLine(c, w) + "\n")
		}
	}
	return b.String()
}

// bulkHeadline says in one sentence how the bulk run ended.
func (m Model) bulkHeadline() string {
	res := m.bulk.res
	made := res.Counts[string(journal.StepDone)] + res.Counts[string(journal.StepSkipped)]
	total := len(res.Changes)
	switch {
	case res.Status == journal.StatusInterrupted:
		return fmt.Sprintf("Stopped: %d of %d changes ended before you stopped the run; the rest waits in the journal.",
			res.Counts[string(journal.StepDone)]+res.Counts[string(journal.StepSkipped)]+res.Counts[string(journal.StepFailed)]+res.Counts[string(journal.StepBlocked)], total)
	case res.Failed():
		return fmt.Sprintf("Done with failures: %d of %d changes made; %d failed or blocked.", made, total,
			res.Counts[string(journal.StepFailed)]+res.Counts[string(journal.StepBlocked)])
	case res.Status != journal.StatusCompleted:
		return "The run stopped: " + search.DisplayText(res.Reason)
	case res.Bulk != nil && res.Bulk.WorksheetRows > 0:
		return fmt.Sprintf("Done in Atlassian: all %d %s made. The IdP's admin has the rest.", total, plural(total, "change", "changes"))
	}
	return fmt.Sprintf("Done: all %d %s made.", total, plural(total, "change", "changes"))
}

// bulkCounts are the changes by how they ended, in a steady order.
func (m Model) bulkCounts(res *bulk.ApplyResult) string {
	order := []journal.StepStatus{journal.StepDone, journal.StepSkipped, journal.StepFailed, journal.StepBlocked, journal.StepPending}
	words := map[journal.StepStatus]string{journal.StepSkipped: "skipped (found made)", journal.StepPending: "not reached"}
	var parts []string
	for _, st := range order {
		if n := res.Counts[string(st)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, firstOf(words[st], string(st))))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(res.Counts)) { // any other status, should the journal grow one
		if n := res.Counts[k]; !slices.Contains(order, journal.StepStatus(k)) && n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, search.DisplayText(k)))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " · ")
}

// bulkOtherRows counts the rows no change is about, by status.
func (m Model) bulkOtherRows() []string {
	var parts []string
	for _, st := range statusOrder {
		if st == bulk.RowReady || st == bulk.RowConflict {
			continue
		}
		if n := m.bulk.prep.Plan.Summary[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	return parts
}

// bulkVerifyCommand checks the rows from the shell, word by word: the
// journal is named unless it is the default one; a simulated org is named
// by the state the run left it in.
func (m Model) bulkVerifyCommand() []string {
	bs := m.bulk
	words := []string{"syncdoctor", "bulk", "verify", "--targets", shellWord(bs.abs)}
	if o := bs.org; o.Simulated() && o.StatePath != "" {
		words = append(words, "--snapshot", shellWord(o.StatePath))
	}
	if j := m.resumeWords(); len(j) > 2 { // not the default journal
		words = append(words, j[2:]...)
	}
	for i, w := range words {
		words[i] = search.DisplayText(w)
	}
	return words
}

// resumeWords is the command that goes on with an unfinished run, word by
// word: the journal is named unless it is the default one (m.resumeCmd).
func (m Model) resumeWords() []string {
	words := []string{"syncdoctor", "resume"}
	if strings.Contains(m.resumeCmd, "--journal") {
		words = append(words, "--journal", shellWord(m.deps.JournalPath))
	}
	return words
}

// shellLines breaks a command line between its words to fit w, each
// line but the last ending in a backslash, so that it pastes as one.
func shellLines(words []string, w int) string {
	var lines []string
	line := ""
	for _, word := range words {
		switch {
		case line == "":
			line = word
		case lipgloss.Width(line+" "+word+" \\") > w:
			lines = append(lines, line+" \\")
			line = "    " + word
		default:
			line += " " + word
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// shellWord quotes a path for a shell when it needs it.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}
