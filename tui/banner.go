package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// header is the top line: the tool, the org and where the operator is.
func (m Model) header(width int) string {
	s := m.styles
	left := s.Header.Render("syncdoctor")
	if o := m.sessionOrg(); o != nil {
		left += s.Muted.Render(" · " + safetext.Clean(o.Label()))
	}
	right := s.Muted.Render(m.phaseName())
	// A long org name gives way to where the operator is: the name is
	// cut short first, and only a screen too narrow for both loses the
	// phase.
	if room := width - lipgloss.Width(right) - 1; lipgloss.Width(left) > room && room >= 20 {
		left = ansi.Truncate(left, room, "…")
	}
	gap := width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return ansi.Truncate(left, width, "…")
	}
	return left + strings.Repeat(" ", gap) + right
}

// banner says, on every screen of a simulated org, that nothing real is
// changed: an operator must never mistake the demo for their org.
func (m Model) banner(width int) string {
	o := m.sessionOrg()
	if !o.Simulated() {
		return ""
	}
	text := "SIMULATED ORG: nothing real is changed"
	if o.Mode == "demo" {
		text = "DEMO ORG (simulated): nothing real is changed"
		// With room, say how to work on a real org instead.
		if long := text + ". For your org, set ATLASSIAN_ORG_ID and ATLASSIAN_ORG_API_KEY"; ansi.StringWidth(long) <= width-2 {
			text = long
		}
	}
	text = ansi.Truncate(text, width-2, "…")
	return m.styles.Banner.Width(width).Render(text)
}

// phaseName says where the operator is, for the header.
func (m Model) phaseName() string {
	names := map[phase]string{
		phaseLoading:   "loading the org",
		phaseResume:    "unfinished run",
		phaseSearch:    "1 find the user",
		phaseAccount:   "2 the account",
		phaseTarget:    "3 the new email",
		phaseDiagnosis: "4 diagnosis",
		phasePlan:      "5 the plan",
		phaseSteps:     "6 the fix",
		phaseSummary:   "7 summary",

		phaseBulkFile:    "bulk 1 the target list",
		phaseBulkPlan:    "bulk 2 the plan",
		phaseBulkConfirm: "bulk 3 confirm",
		phaseBulkApply:   "bulk 4 applying",
		phaseBulkSummary: "bulk 5 summary",
	}
	return names[m.phase]
}
