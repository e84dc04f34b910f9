package diagnose

import (
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// NoteInput gathers from a diagnosis what the ticket note needs beyond the
// journal: the user's name, the verdict, the findings and the other account
// the fix touched.
func (d *Diagnosis) NoteInput() journal.NoteInput {
	in := journal.NoteInput{Verdict: d.Verdict}
	if d.User != nil {
		in.UserName = d.User.Name
	}
	for _, f := range d.Findings {
		in.Findings = append(in.Findings, journal.NoteFinding{Code: f.Code, AccountID: f.AccountID, Detail: f.Detail})
	}
	if h := d.Facts.Holder; h != nil {
		role := "holder of the target email"
		if d.Verdict == steps.VerdictDuplicateAccount {
			role = "duplicate account made by provisioning"
		}
		in.Accounts = append(in.Accounts, journal.NoteAccount{Role: role, AccountID: h.AccountID, Email: h.Email})
	}
	return in
}
