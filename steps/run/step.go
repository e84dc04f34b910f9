package run

import (
	"context"
	"errors"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
)

// Step carries out one plan step id (e.g. "park-holder"). The executor
// drives it: Check right before acting, Execute, then Verify. A step counts
// as done only once Verify passes.
type Step interface {
	// Calls lists the HTTP calls the step would make, for --dry-run. It must
	// do no I/O: dry-run promises that nothing is sent.
	Calls(s steps.PlanStep) []steps.Call
	// Check re-reads the org right before acting. It is also what makes a
	// resumed run safe: a change that already landed (even one whose answer
	// was lost) must read as AlreadyDone.
	Check(ctx context.Context, env *Env, s steps.PlanStep) (Precondition, error)
	// Execute makes the change. Every mutating HTTP call goes through
	// env.Mutate so the journal holds its intent before it is sent.
	Execute(ctx context.Context, env *Env, s steps.PlanStep) error
	// Verify reads the org back and confirms the change (it may poll with
	// env.Poll for provisioning lag).
	Verify(ctx context.Context, env *Env, s steps.PlanStep) error
}

// PreState is what Check found.
type PreState int

const (
	// Ready: the change is still to be made.
	Ready PreState = iota
	// AlreadyDone: the change is already in the org (a resumed run, or an
	// operator who did it by hand); the step is skipped.
	AlreadyDone
	// Blocked: the org is not in a state where the step may run; the run
	// stops with the reason.
	Blocked
)

func (p PreState) String() string {
	switch p {
	case Ready:
		return "ready"
	case AlreadyDone:
		return "already done"
	case Blocked:
		return "blocked"
	}
	return "unknown"
}

// Precondition is Check's answer. Reason is shown to the operator and
// journaled, so it is a plain sentence.
type Precondition struct {
	State  PreState
	Reason string
}

// Registry maps a plan step id to the Step that carries it out.
type Registry map[steps.StepID]Step

// IdP is the simulated identity provider of the demo and of tests. It is nil
// against a live org, where IdP steps are the operator's to do.
type IdP interface {
	Provision(ctx context.Context, externalID string) (IdpReport, error)
	RemoveFromGroups(ctx context.Context, externalID string) (IdpReport, error)
	AddToGroups(ctx context.Context, externalID string) (IdpReport, error)
	Delete(ctx context.Context, externalID string) (IdpReport, error)
}

// IdpUserFinder is what a simulated IdP may also offer: the externalId of
// its user with an address, for a user who has no SCIM record here yet (so
// Atlassian cannot show the externalId).
type IdpUserFinder interface {
	FindUser(ctx context.Context, email string) (externalID string, err error)
}

// IdpReport is what the IdP's provisioning log would show for one action.
type IdpReport struct {
	Action   string   `json:"action"`
	Status   int      `json:"status"`
	Code     string   `json:"code,omitempty"`
	Message  string   `json:"message,omitempty"`
	ScimBody string   `json:"scimBody,omitempty"`
	Log      []string `json:"log,omitempty"`
}

// ErrOperatorAction matches (errors.Is) every *OperatorActionError.
var ErrOperatorAction = errors.New("waiting for the operator")

// OperatorActionError is returned by an IdP step against a live org: the
// tool cannot reach the IdP, so the operator must act there. The executor
// stops the run as waiting-operator; resume verifies the step later.
type OperatorActionError struct {
	Instructions string
}

// ResumeHint ends every instruction to the operator: what to do once it
// is done, on the command line.
const ResumeHint = "Then run `syncdoctor resume`: it checks the change and goes on."

// WithoutResumeHint is instructions without ResumeHint, for a screen that
// verifies the step itself when the operator says it is done.
func WithoutResumeHint(instructions string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(instructions), ResumeHint))
}

func (e *OperatorActionError) Error() string {
	return "waiting for the operator: " + e.Instructions
}

// Is makes errors.Is(err, ErrOperatorAction) hold.
func (e *OperatorActionError) Is(target error) bool { return target == ErrOperatorAction }

// HandoffError is returned by a hand-off step: someone the tool cannot act
// for (Who) must act. The run stops, waiting for them; nothing is changed.
type HandoffError struct {
	Who          string
	Instructions string
}

func (e *HandoffError) Error() string { return "waiting for " + e.Who + ": " + e.Instructions }

// Is makes errors.Is(err, ErrOperatorAction) hold: a hand-off waits for a
// person as an IdP step does.
func (e *HandoffError) Is(target error) bool { return target == ErrOperatorAction }

// Unverifiable is implemented by a Step whose doing no API can show (telling
// a person something). Done, it is recorded as done by the operator's word,
// never as verified.
type Unverifiable interface{ Unverifiable() }
