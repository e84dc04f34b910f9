package steps

// Kind says who carries a step out (contract §2, "Plans").
type Kind string

const (
	// KindAPI steps change the org through Atlassian's admin or SCIM APIs.
	KindAPI Kind = "api"
	// KindConsole steps are done by a person in admin.atlassian.com (on a
	// simulated org, the simulated console does them); the tool verifies
	// them through the API. They make no Atlassian API call that changes
	// the org.
	KindConsole Kind = "console"
	// KindIdP steps happen in the identity provider: the operator does them
	// (or, on a simulated org, the simulated IdP), then the tool verifies.
	// They make no Atlassian API call that changes the org.
	KindIdP Kind = "idp"
	// KindCheck steps change nothing: they read the org and confirm a fact.
	KindCheck Kind = "check"
	// KindHandoff steps stop the run: someone the tool cannot act for must
	// act (another org's admin, the IdP's admin, whoever holds a key). They
	// change nothing.
	KindHandoff Kind = "handoff"
)

// Changes reports whether steps of this kind change the org (through the
// API, the console or the IdP): those ask first.
func (k Kind) Changes() bool { return k == KindAPI || k == KindConsole || k == KindIdP }

// ByPerson reports whether a person carries steps of this kind out when
// the org is live.
func (k Kind) ByPerson() bool { return k == KindConsole || k == KindIdP || k == KindHandoff }

// PlanStep is one step of a fix plan as diagnosis proposes it and the
// journal stores it. The JSON of the first four fields is contract §2.
// Params carry what the step acts on (account ids, emails, directory ids),
// fixed when the plan is made so that a resumed run acts on the same things.
type PlanStep struct {
	ID          StepID `json:"id"`
	Kind        Kind   `json:"kind"`
	Title       string `json:"title"`
	Destructive bool   `json:"destructive"`
	Detail      string `json:"detail,omitempty"`
	Params      Params `json:"params,omitzero"`
}

// Call is one HTTP call a step would make, listed by --dry-run.
type Call struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Body   string `json:"body,omitempty"`
	Note   string `json:"note,omitempty"`
}

// IDs lists the step ids of a plan, in order.
func IDs(plan []PlanStep) []StepID {
	out := make([]StepID, 0, len(plan))
	for _, s := range plan {
		out = append(out, s.ID)
	}
	return out
}

// Accounts lists, once each, the accounts a plan's steps act on: what a
// screen that shows the org must read again once the plan has run.
func Accounts(plan []PlanStep) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range plan {
		for _, id := range []string{s.Params.AccountID, s.Params.DuplicateAccountID, s.Params.HolderAccountID} {
			if id != "" && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}
