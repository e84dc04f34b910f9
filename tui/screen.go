package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// screen is what the root asks of the phase on show. The root holds one
// per phase in a table (soft-serve's pages[activePage]), so that routing,
// drawing and help are each one lookup, not a switch per concern.
//
// A screen holds no state: each is an empty struct (searchPage, …) in
// the file of the state it works on (searchScreen, held in Model as
// m.search). Screens share the org, keys, styles and sequence numbers,
// and an async result must find a screen's state whichever screen is on
// show, so a screen takes the root Model and returns it, by value like
// Model's own methods: a Cmd never sees a later change.
type screen interface {
	// update takes what the root did not: keys, pastes, a form's messages.
	update(m Model, msg tea.Msg) (Model, tea.Cmd)
	// view draws the screen in w columns and h rows; the layout cuts
	// anything beyond.
	view(m Model, w, h int) string
	// keys are the screen's own bindings as they stand now, for the help.
	keys(m Model) []key.Binding
}

// newScreens is the table, indexed by phase. New builds it once; its
// values are empty structs, so there is nothing in it to change later.
func newScreens() [phaseCount]screen {
	return [phaseCount]screen{
		phaseLoading:   loadingPage{},
		phaseResume:    resumePage{},
		phaseSearch:    searchPage{},
		phaseAccount:   accountPage{},
		phaseTarget:    targetPage{},
		phaseDiagnosis: diagnosisPage{},
		phasePlan:      planPage{},
		phaseSteps:     stepsPage{},
		phaseSummary:   summaryPage{},

		phaseBulkFile:    bulkFilePage{},
		phaseBulkPlan:    bulkPlanPage{},
		phaseBulkConfirm: bulkConfirmPage{},
		phaseBulkApply:   bulkApplyPage{},
		phaseBulkSummary: bulkSummaryPage{},
	}
}

// updateScreen hands a message to the screen on show. A paged screen's
// scroll keys go to the shared pager first, so no such screen handles
// them itself.
func (m Model) updateScreen(msg tea.Msg) (Model, tea.Cmd) {
	s := m.screens[m.phase]
	if p, ok := s.(paged); ok {
		if m, ok := scroll(m, p, msg); ok {
			return m, nil
		}
	}
	return s.update(m, msg)
}
