package diagnose

import (
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// Where org data becomes words.
//
// A diagnosis reads names, emails and ids from the org, and anyone who can
// set a display name in the IdP or in Atlassian chooses their bytes. The
// facts (OrgFacts, UserRef's ids and emails, a step's Params) keep those
// bytes exactly: they are identity, compared with and sent back to the
// APIs, and a name "made safe" there would be written back changed. What
// the diagnosis says in words (evidence, findings, explanations, step
// titles and details) is cleaned where it is made, here, so every reader,
// the CLI, the wizard, the journal and the ticket note, gets text with no
// control character, escape sequence or bidi override to obey. The CLI's
// output streams, the note and the CSVs guard again (safetext).

// cleanWords cleans what d says in words.
func cleanWords(d *Diagnosis) {
	if d.User != nil {
		d.User.Name = safetext.Clean(d.User.Name)
	}
	for i := range d.Findings {
		d.Findings[i].Detail = safetext.Clean(d.Findings[i].Detail)
	}
	cleanPlan(d.Plan)
}

// cleanPlan cleans the titles and details of plan steps; their params are
// left exact.
func cleanPlan(plan []steps.PlanStep) {
	for i := range plan {
		plan[i].Title = safetext.Clean(plan[i].Title)
		plan[i].Detail = safetext.Clean(plan[i].Detail)
	}
}

// cleanEvidence cleans one check as it is recorded.
func cleanEvidence(e Evidence) Evidence {
	return Evidence{Call: safetext.Clean(e.Call), Answer: safetext.Clean(e.Answer)}
}
