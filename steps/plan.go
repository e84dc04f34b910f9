// Package steps is the domain: diagnosis of one user's failed email update,
// the fix plan for each verdict, the fix steps themselves (check, execute,
// verify), the executor and its journal, bulk planning and the search index.
// It knows nothing of the terminal; every read and change of the org goes
// through client/.
package steps

// Kind says who carries a step out.
type Kind string

const (
	// KindAPI steps change the org through Atlassian's admin or SCIM APIs.
	KindAPI Kind = "api"
	// KindIdP steps happen in the identity provider: the operator does them
	// (or, on a simulated org, the simulated IdP), then the tool verifies.
	KindIdP Kind = "idp"
	// KindCheck steps change nothing: they read the org and confirm a fact.
	KindCheck Kind = "check"
)

// Verdicts of contract §2, in the order they are tested.
const (
	VerdictNotFound              = "not-found"
	VerdictTargetDomainUnclaimed = "target-domain-unclaimed"
	VerdictAccountUnmanaged      = "account-unmanaged"
	VerdictDuplicateAccount      = "duplicate-account"
	VerdictEmailTaken            = "email-taken"
	VerdictIdpOwned              = "idp-owned"
	VerdictNoBlocker             = "no-blocker"
)

// Finding codes beside the verdicts (contract §2).
const (
	FindingHolderProductAccess = "holder-has-product-access"
	FindingHolderProvisioned   = "holder-provisioned"
	FindingHolderOtherOrg      = "holder-in-other-org"
	FindingHolderInactive      = "holder-inactive"
	FindingAccountInactive     = "account-inactive"
	FindingSocialLogin         = "social-login"
	FindingSamlScimMismatch    = "saml-scim-mismatch"
	FindingScimRecordMissing   = "scim-record-missing"
	FindingTargetEqualsCurrent = "target-equals-current"
)

// PlanStep is one step of a fix plan as diagnosis proposes it and the
// journal stores it. The JSON of the first four fields is contract §2.
// Params carry what the step acts on (account ids, emails, directory ids),
// fixed when the plan is made so that a resumed run acts on the same things.
type PlanStep struct {
	ID          string            `json:"id"`
	Kind        Kind              `json:"kind"`
	Title       string            `json:"title"`
	Destructive bool              `json:"destructive"`
	Detail      string            `json:"detail,omitempty"`
	Params      map[string]string `json:"params,omitempty"`
}

// Call is one HTTP call a step would make, listed by --dry-run.
type Call struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Body   string `json:"body,omitempty"`
	Note   string `json:"note,omitempty"`
}

// IDs lists the step ids of a plan, in order.
func IDs(plan []PlanStep) []string {
	out := make([]string, 0, len(plan))
	for _, s := range plan {
		out = append(out, s.ID)
	}
	return out
}
