package bulk

import (
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// Where org data becomes words, as in diagnose (words.go there): a
// holder's name and product keys, warnings, reasons and the titles of
// changes are cleaned (safetext.Clean) where they are made, so that the
// CLI, the wizard, the journal and the note show an escape sequence in a
// display name instead of obeying it. Emails and account ids stay exact:
// they are what the changes act on; whoever prints them cleans them (the
// CLI's printers and output streams, csvout for the CSVs).

// cleanHolder cleans what a holder shows: its name and product keys.
func cleanHolder(h *Holder) *Holder {
	h.Name = safetext.Clean(h.Name)
	for i, k := range h.ProductAccess {
		h.ProductAccess[i] = safetext.Clean(k)
	}
	return h
}

// cleanFlags cleans the warnings' sentences.
func cleanFlags(flags []Flag) []Flag {
	for i := range flags {
		flags[i].Detail = safetext.Clean(flags[i].Detail)
	}
	return flags
}

// cleanChanges cleans the titles and details of the changes (their params
// stay exact) and the reasons of the rows left alone.
func cleanChanges(c *Changes) *Changes {
	cleanSteps(c.Steps)
	for i := range c.Left {
		c.Left[i].Reason = safetext.Clean(c.Left[i].Reason)
	}
	return c
}

// cleanOutcome cleans how a change ended, as the CLI and the wizard show
// it: a reason or a server's error quotes the org.
func cleanOutcome(out ChangeOutcome) ChangeOutcome {
	out.Step.Title = safetext.Clean(out.Step.Title)
	out.Reason, out.Error = safetext.Clean(out.Reason), safetext.Clean(out.Error)
	return out
}

func cleanSteps(plan []steps.PlanStep) {
	for i := range plan {
		plan[i].Title = safetext.Clean(plan[i].Title)
		plan[i].Detail = safetext.Clean(plan[i].Detail)
	}
}
