package journal

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// NoteInput is what the ticket note needs beyond the journal: the
// diagnosis's findings and the accounts it involved.
// A run's header keeps it (RunHeader.Note), so that the note of a resumed
// run, or one read back from the journal, is as complete as the first.
type NoteInput struct {
	UserName string        `json:"userName,omitempty"` // the user's display name
	Verdict  steps.Verdict `json:"verdict,omitempty"`  // overrides the run header's verdict when set
	Findings []NoteFinding `json:"findings,omitempty"` // as diagnosis reported them
	Accounts []NoteAccount `json:"accounts,omitempty"` // the other accounts the fix involved (holder, duplicate, ...)
}

// empty reports whether nothing was given.
func (in NoteInput) empty() bool {
	return in.UserName == "" && in.Verdict == "" && len(in.Findings) == 0 && len(in.Accounts) == 0
}

// NoteFinding is one diagnosis finding (contract §2's findings[]).
type NoteFinding struct {
	Code      steps.FindingCode `json:"code"`
	AccountID string            `json:"accountId,omitempty"`
	Detail    string            `json:"detail"`
}

// NoteAccount is an account the fix involved, and in which role.
type NoteAccount struct {
	Role      string `json:"role"` // e.g. "holder of the target email"
	AccountID string `json:"accountId"`
	Email     string `json:"email,omitempty"`
}

// TicketNote is a Markdown note for the support ticket: who, what was
// found, each step with its time and outcome, the group memberships
// recorded and whether they were restored, and where the journal is.
// Emails and account ids are shown; keys never are (the output passes
// through the secrets' Redact as a last net). Every value from the org or
// the journal is cleaned where it is written (md, code), and the whole note
// through safetext.Text after: the note is pasted into tickets and copied
// to the clipboard, where an escape sequence in a name must not travel.
func TicketNote(r *RunLog, in NoteInput, secrets *Secrets) string {
	h := r.Header
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }

	if h.Bulk != nil {
		return safetext.Text(bulkNote(r))
	}
	if in.empty() && h.Note != nil {
		in = *h.Note
	}
	line("## syncdoctor: email change for %s", md(h.User))
	line("")
	user := md(h.User)
	if in.UserName != "" {
		user = md(in.UserName) + ", " + user
	}
	if h.UserAccountID != "" {
		user += " (account " + code(h.UserAccountID) + ")"
	}
	line("- **User:** %s", user)
	line("- **Target email:** %s", orNone(md(h.Target)))
	verdict := h.Verdict
	if in.Verdict != "" {
		verdict = in.Verdict
	}
	line("- **Verdict:** %s", orNone(code(string(verdict))))
	line("- **Org:** %s", orgLine(h))
	line("- **Outcome:** %s", runOutcome(r))
	line("- **Run id:** %s", code(h.RunID))
	line("- **Journal:** %s", code(r.Path))

	if len(in.Accounts) > 0 {
		line("")
		line("### Accounts involved")
		line("")
		line("| role | account id | email |")
		line("|---|---|---|")
		for _, a := range in.Accounts {
			line("| %s | %s | %s |", md(a.Role), code(a.AccountID), md(a.Email))
		}
	}

	line("")
	line("### Findings")
	line("")
	if len(in.Findings) == 0 {
		line("None recorded.")
	}
	for _, f := range in.Findings {
		s := "- " + code(string(f.Code))
		if f.AccountID != "" {
			s += " (account " + code(f.AccountID) + ")"
		}
		if f.Detail != "" {
			s += ": " + md(f.Detail)
		}
		line("%s", s)
	}

	line("")
	line("### Steps")
	line("")
	line("| # | step | time | outcome |")
	line("|---|---|---|---|")
	for i, s := range h.Plan {
		st := StepState{Status: StepPending}
		if i < len(r.Steps) {
			st = r.Steps[i]
		}
		outcome := "not reached"
		if st.Status != StepPending {
			outcome = describeEnd(st.Status, st.Reason, st.Error)
		}
		when := st.Time
		if when == "" {
			when = "-"
		}
		line("| %d | %s (%s) | %s | %s |", i+1, md(s.Title), code(string(s.ID)), md(when), md(outcome))
	}

	if ms := membershipNote(r); ms != "" {
		line("")
		line("### Group memberships")
		line("")
		b.WriteString(ms)
	}
	if r.Unfinished() {
		line("")
		line("To continue this run: `syncdoctor resume --journal %s`", md(r.Path))
	}
	return safetext.Text(secrets.Redact(b.String()))
}

func membershipNote(r *RunLog) string {
	raw, ok := r.Facts[FactMemberships]
	if !ok {
		return ""
	}
	var ms []MembershipFact
	if err := json.Unmarshal(raw, &ms); err != nil {
		return "The recorded memberships could not be read back from the journal: see the run's timeline.\n"
	}
	var b strings.Builder
	for _, m := range ms {
		who := "account " + code(m.AccountID)
		if m.AccountID == "" {
			who = "IdP user " + code(m.ExternalID)
		}
		groups := "none"
		if len(m.Groups) > 0 {
			groups = md(strings.Join(m.Groups, ", "))
		}
		fmt.Fprintf(&b, "- Recorded before the fix for %s: %s\n", who, groups)
	}
	if _, restored := r.Facts[FactMembershipsRestored]; restored {
		b.WriteString("- Restored and verified: yes\n")
	} else {
		b.WriteString("- Restored and verified: **not yet**: put the user back in these groups\n")
	}
	return b.String()
}

func orgLine(h RunHeader) string {
	s := orNone(md(h.Org))
	switch h.Mode {
	case steps.ModeDemo, steps.ModeSimulated:
		s += " (" + string(h.Mode) + ": a simulated org, nothing real was changed)"
	case "":
	default:
		s += " (" + string(h.Mode) + ")"
	}
	return s
}

// bulkNote is the ticket note of a bulk apply: the list, the outcome, and
// every change with how it ended.
func bulkNote(r *RunLog) string {
	h := r.Header
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	line("## syncdoctor: bulk email change from %s", md(h.Bulk.Targets))
	line("")
	line("- **Org:** %s", orgLine(h))
	line("- **Setup:** %s", code(h.Bulk.Setup))
	line("- **Outcome:** %s", runOutcome(r))
	if h.Bulk.WorksheetRows > 0 {
		line("- **Worksheet for the IdP's admin:** %s (%d lines)", md(h.Bulk.Worksheet), h.Bulk.WorksheetRows)
	}
	line("- **Run id:** %s", code(h.RunID))
	line("- **Journal:** %s", code(r.Path))
	line("")
	line("### Changes")
	line("")
	line("| # | change | time | outcome |")
	line("|---|---|---|---|")
	for i, s := range h.Plan {
		st := r.Steps[i]
		outcome := string(st.Status)
		if st.Reason != "" {
			outcome += ": " + st.Reason
		}
		line("| %d | %s | %s | %s |", i+1, md(s.Title), md(st.Time), md(outcome))
	}
	return b.String()
}

func runOutcome(r *RunLog) string {
	s := string(r.Status)
	switch {
	case r.Status == StatusInterrupted:
		s = "interrupted (no end recorded)"
	case r.Fixed():
		s = "fixed: the API shows the account with its new email"
	case r.Status == StatusCompleted && r.Header.Bulk != nil:
		s = "completed: every change is made and read back"
	case r.Status == StatusCompleted:
		s = "completed, not fixed: no check shows the account with its new email"
	case r.Status == StatusWaitingOperator:
		s = "waiting for a person"
	}
	if r.Reason != "" {
		s += ": " + md(r.Reason)
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// code is s as inline code: cleaned, one line, without a backtick to end
// the span early.
func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(md(s), "`", "'") + "`"
}

// md keeps free text from breaking the note's tables and lines, and shows
// what a terminal would obey (safetext.Clean).
func md(s string) string {
	s = strings.ReplaceAll(safetext.Clean(s), "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}
