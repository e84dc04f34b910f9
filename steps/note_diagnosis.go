package steps

// NoteInput gathers from a diagnosis what the ticket note needs beyond the
// journal: the user's name, the verdict, the findings and the other account
// the fix touched.
func (d *Diagnosis) NoteInput() NoteInput {
	in := NoteInput{Verdict: d.Verdict}
	if d.User != nil {
		in.UserName = d.User.Name
	}
	for _, f := range d.Findings {
		in.Findings = append(in.Findings, NoteFinding{Code: f.Code, AccountID: f.AccountID, Detail: f.Detail})
	}
	if h := d.Facts.Holder; h != nil {
		role := "holder of the target email"
		if d.Verdict == VerdictDuplicateAccount {
			role = "duplicate account made by provisioning"
		}
		in.Accounts = append(in.Accounts, NoteAccount{Role: role, AccountID: h.AccountID, Email: h.Email})
	}
	return in
}
