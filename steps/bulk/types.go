package bulk

// Bulk planning (contract §3): a list of wanted email changes checked
// against the org before anything changes. The types below are the JSON of
// the contract; bulk_plan.go reads the org and fills them.

// Plan is the result of PlanBulk.
type Plan struct {
	Setup         OrgSetup       `json:"setup"`
	Prerequisites []Prerequisite `json:"prerequisites"`
	Rows          []Row          `json:"rows"`
	// Summary counts the rows of each status that occurs; a status no row
	// has is left out, as in the contract's example ({"ready": 1}).
	Summary map[RowStatus]int `json:"summary"`
	// Notes say what the plan could not check and assumed instead. Only a
	// plan made from a managed-accounts export has them (PlanFromExport);
	// the field is left out of a plan read from the org.
	Notes []Note `json:"notes,omitempty"`
}

// Note is one thing a plan could not check: a code and a sentence that
// says what was assumed and where to check it.
type Note struct {
	Code   NoteCode `json:"code"`
	Detail string   `json:"detail"`
}

// NoteCode names what a plan could not check.
type NoteCode string

const (
	// NoteDomainsUnchecked: which domains the org verified. A domain counts
	// as verified when a managed account in the export is on it; others are
	// listed as domain-unchecked prerequisites, and no row is
	// domain-unclaimed or flagged as a lookalike domain.
	NoteDomainsUnchecked NoteCode = "domains-not-checked"
	// NoteProvisioningUnchecked: which accounts SCIM provisioning or Google
	// Workspace links. Every path is the one of an unlinked account, and no
	// holder shows as provisioned.
	NoteProvisioningUnchecked NoteCode = "provisioning-not-checked"
	// NoteAccountsFromExport: no-account means no account in the export;
	// an account the org does not manage is not in a managed-accounts
	// export, so it may exist all the same.
	NoteAccountsFromExport NoteCode = "accounts-from-export"
	// NoteSetupAssumed: the org's SSO and provisioning setup; the plan
	// assumed none (no --setup given).
	NoteSetupAssumed NoteCode = "setup-assumed"
	// NoteClaimAssumed: the export has no Claimed column; every account in
	// it was taken as managed by the org.
	NoteClaimAssumed NoteCode = "claim-assumed"
	// NoteNoAccountIDs: the export has no account id column; accounts are
	// told apart by email and every accountId is null.
	NoteNoAccountIDs NoteCode = "no-account-ids"
)

// Prerequisite is something to do in the org before the switch, for one
// domain (domain.md, bulk prerequisites). Codes are the Prereq* constants.
type Prerequisite struct {
	Code   string `json:"code"`
	Domain string `json:"domain"`
}

// Prerequisite codes, in the order they are listed.
const (
	// PrereqDomainUnclaimed: a target domain this org has not verified;
	// no email can move onto it (contract §3).
	PrereqDomainUnclaimed = "domain-unclaimed"
	// PrereqSourceDomainUnclaimed: a current email's domain this org has
	// not verified, so the accounts on it are not managed from here
	// (domain.md prerequisite 1: both domains claimed by the same org).
	PrereqSourceDomainUnclaimed = "source-domain-unclaimed"
	// PrereqTargetEmailsTaken: other accounts hold target emails on this
	// domain; move them to placeholders first (domain.md prerequisite 2).
	PrereqTargetEmailsTaken = "target-emails-taken"
	// PrereqDomainUnchecked: a domain of the list whose verification the
	// plan could not see (a plan made from an export): check it under
	// Domains in admin.atlassian.com before the switch.
	PrereqDomainUnchecked = "domain-unchecked"
)

// Row is one target row with its verdict. AccountID is nil when no
// account has the current email; Holder is set only for RowConflict; Path
// is never nil (an empty list when the account is unknown).
type Row struct {
	Line         int         `json:"line"`
	CurrentEmail string      `json:"currentEmail"`
	TargetEmail  string      `json:"targetEmail"`
	AccountID    *string     `json:"accountId"`
	Status       RowStatus   `json:"status"`
	Holder       *Holder     `json:"holder"`
	Path         []EmailPath `json:"path"`
	// Flags are what the operator must know about the row before applying
	// it (beside the contract's fields; never null).
	Flags []Flag `json:"flags"`
}

// Flag is one warning on a row: a code and a sentence.
type Flag struct {
	Code   FlagCode `json:"code"`
	Detail string   `json:"detail"`
}

// FlagCode names a row warning.
type FlagCode string

const (
	// FlagSocialLogin: the account signs in with Google or Microsoft: its
	// next social login puts the old email back unless it changes there too.
	FlagSocialLogin FlagCode = "social-login"
	// FlagHolderProductAccess: the conflict's holder has product access;
	// accounts cannot be merged, so its work stays with it under the
	// placeholder.
	FlagHolderProductAccess FlagCode = "holder-product-access"
	// FlagTargetLookalike: the target's domain is not the org's but a
	// keystroke or two from a verified one: most likely a typo.
	FlagTargetLookalike FlagCode = "target-domain-lookalike"
)

// Holder is the other account that already holds a row's target email:
// what the operator needs to decide whether it can be moved aside (product
// access cannot be merged; a provisioned account is locked by its IdP).
type Holder struct {
	AccountID     string   `json:"accountId"`
	Email         string   `json:"email"`
	Name          string   `json:"name"`
	ProductAccess []string `json:"productAccess"`
	Provisioned   bool     `json:"provisioned"`
}

// RowStatus is a row's verdict; the first that holds, in this order.
type RowStatus string

const (
	RowInvalid         RowStatus = "invalid"          // not an email address
	RowUnchanged       RowStatus = "unchanged"        // current equals target, case aside
	RowDuplicateTarget RowStatus = "duplicate-target" // another row wants the same target
	RowNoAccount       RowStatus = "no-account"       // no account has the current email
	RowUnmanaged       RowStatus = "unmanaged"        // this org does not manage the account
	RowDomainUnclaimed RowStatus = "domain-unclaimed" // target domain not verified here
	RowConflict        RowStatus = "conflict"         // another account holds the target
	RowReady           RowStatus = "ready"            // nothing in Atlassian blocks it
)

// EmailPath is one way an account's email is changed, listed in a row's
// path in the order of the constants.
type EmailPath string

const (
	ViaSetEmail           EmailPath = "set-email"            // the user-management API (PUT /users/{id}/manage/email)
	ViaIdpSamlAttribute   EmailPath = "idp-saml-attribute"   // the IdP attribute sent at SAML login
	ViaIdpScimAttribute   EmailPath = "idp-scim-attribute"   // the IdP attribute provisioning syncs
	ViaGooglePrimaryEmail EmailPath = "google-primary-email" // the user's primary email in Google Workspace
)
