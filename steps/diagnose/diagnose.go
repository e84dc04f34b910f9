package diagnose

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"

	"github.com/syncdoctor/syncdoctor/client"
)

// Request names one user's case.
type Request struct {
	// User is the user's email or Atlassian account id. When empty, the user
	// the pasted IdP error names is taken.
	User string
	// Target is the email the account should get. When empty it is read
	// from IdpError.
	Target string
	// IdpError is the text pasted from the IdP's provisioning log.
	IdpError string
}

// Diagnosis is the answer for one user: the verdict, the findings and the
// evidence behind them, the fix plan, and the facts the plan acts on.
type Diagnosis struct {
	User     *UserRef // nil when not-found
	Target   string   // the email the account should get
	Verdict  steps.Verdict
	Findings []Finding        // the verdict's own first
	Plan     []steps.PlanStep // empty for not-found
	Evidence []Evidence       // every check made, in order
	// Incomplete is what could not be read; a plan never acts on a verdict
	// it could change.
	Incomplete []Unread
	Facts      OrgFacts // what was read: what the plan's steps need
}

// UserRef names the user's account.
type UserRef struct {
	AccountID string `json:"accountId"`
	Email     string `json:"email"`
	Name      string `json:"name"`
}

// InputError is bad input (exit 2): a malformed email or account id, or no
// target. Its message is one line, fit for stderr.
type InputError struct {
	Reason string
}

func (e *InputError) Error() string { return e.Reason }

// accountIDPattern is the user-management API's account id pattern.
var accountIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_|:-]{1,128}$`)

// Diagnose reads the org for one user's case (api-facts §8), classifies it
// and outlines the fix. progress, when not nil, is called with each check
// as it is made. Bad input is an *InputError; any other error means the org
// could not be read.
func Diagnose(ctx context.Context, c *client.Client, req Request, hints steps.Hints, progress func(Evidence)) (*Diagnosis, error) {
	f, byEmail, err := parseRequest(req)
	if err != nil {
		return nil, err
	}
	f.Hints = hints
	f.ScimDirectories = append([]string{}, c.DirectoryIDs()...)
	g := &gatherer{c: c, progress: progress}
	if err := g.gather(ctx, f, byEmail); err != nil {
		return nil, err
	}
	d := &Diagnosis{Target: f.Target, Evidence: g.ev, Incomplete: append([]Unread{}, f.Incomplete...), Facts: *f}
	if d.Evidence == nil {
		d.Evidence = []Evidence{}
	}
	if u := f.User; u != nil {
		d.User = &UserRef{AccountID: u.AccountID, Email: u.Email, Name: u.Name}
	}
	d.Verdict, d.Findings = Classify(f)
	d.Plan = PlanFor(d)
	cleanWords(d)
	return d, nil
}

// parseRequest checks the request and starts the facts: who the user is
// (and whether by email), the target, and what the pasted error said.
func parseRequest(req Request) (f *OrgFacts, byEmail bool, err error) {
	f = &OrgFacts{}
	user, target := strings.TrimSpace(req.User), strings.TrimSpace(req.Target)
	if strings.TrimSpace(req.IdpError) != "" {
		info, perr := ParseIdpError(req.IdpError)
		if perr != nil && target == "" {
			return nil, false, perr
		}
		f.IdpError = &info
		if target == "" {
			target = info.Target
		}
		if user == "" {
			user = info.UserHint
		}
	}
	if user == "" {
		return nil, false, &InputError{Reason: "name the user: an email or an Atlassian account id"}
	}
	if target == "" {
		return nil, false, &InputError{Reason: "say what the email should become: give the target email or paste the IdP's error"}
	}
	if err := address.Valid(target); err != nil {
		return nil, false, &InputError{Reason: "target: " + err.Error()}
	}
	byEmail = strings.Contains(user, "@")
	switch {
	case byEmail:
		if err := address.Valid(user); err != nil {
			return nil, false, &InputError{Reason: "user: " + err.Error()}
		}
	case !accountIDPattern.MatchString(user):
		return nil, false, &InputError{Reason: fmt.Sprintf("user: %s is neither an email nor an Atlassian account id", address.Quote(user))}
	}
	f.Query, f.Target = user, target
	return f, byEmail, nil
}

// SchemaVersion is the version of the diagnosis JSON (contract §2).
const SchemaVersion = 2

// JSON is the diagnosis as contract §2 prints it, for the org it is about:
// the schema version, the org, the user (null when not-found), target,
// verdict, findings, evidence, what could not be read, and the plan.
func (d *Diagnosis) JSON(org steps.OrgRef) ([]byte, error) {
	type finding struct {
		Code      steps.FindingCode `json:"code"`
		AccountID string            `json:"accountId"`
		Detail    string            `json:"detail"`
	}
	type step struct {
		ID          steps.StepID `json:"id"`
		Kind        steps.Kind   `json:"kind"`
		Title       string       `json:"title"`
		Destructive bool         `json:"destructive"`
	}
	out := struct {
		SchemaVersion int           `json:"schemaVersion"`
		Org           steps.OrgRef  `json:"org"`
		User          *UserRef      `json:"user"`
		Target        string        `json:"target"`
		Verdict       steps.Verdict `json:"verdict"`
		Findings      []finding     `json:"findings"`
		Evidence      []Evidence    `json:"evidence"`
		Incomplete    []Unread      `json:"incomplete"`
		Plan          []step        `json:"plan"`
	}{SchemaVersion: SchemaVersion, Org: org, User: d.User, Target: d.Target, Verdict: d.Verdict,
		Findings: []finding{}, Evidence: d.Evidence, Incomplete: d.Incomplete, Plan: []step{}}
	if out.Evidence == nil {
		out.Evidence = []Evidence{}
	}
	if out.Incomplete == nil {
		out.Incomplete = []Unread{}
	}
	for _, f := range d.Findings {
		out.Findings = append(out.Findings, finding{f.Code, f.AccountID, f.Detail})
	}
	for _, s := range d.Plan {
		out.Plan = append(out.Plan, step{s.ID, s.Kind, s.Title, s.Destructive})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // details quote names and addresses: keep them readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
