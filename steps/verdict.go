package steps

// Verdict is the one-word answer of a diagnosis (contract §2).
type Verdict string

// Verdicts of contract §2, in the order they are tested.
const (
	VerdictNotFound              Verdict = "not-found"
	VerdictTargetDomainUnclaimed Verdict = "target-domain-unclaimed"
	VerdictAccountUnmanaged      Verdict = "account-unmanaged"
	VerdictDuplicateAccount      Verdict = "duplicate-account"
	VerdictEmailTaken            Verdict = "email-taken"
	VerdictScimRecordConflict    Verdict = "scim-record-conflict"
	VerdictIdpOwned              Verdict = "idp-owned"
	VerdictNoBlocker             Verdict = "no-blocker"
)

// Verdicts are the verdicts in the order they are tested.
func Verdicts() []Verdict {
	return []Verdict{VerdictNotFound, VerdictTargetDomainUnclaimed, VerdictAccountUnmanaged, VerdictDuplicateAccount,
		VerdictEmailTaken, VerdictScimRecordConflict, VerdictIdpOwned, VerdictNoBlocker}
}

// Code is the finding a verdict lists first: the verdict's own code.
func (v Verdict) Code() FindingCode { return FindingCode(v) }

// FindingCode names one fact of a diagnosis (contract §2). A verdict's own
// finding carries the verdict as its code.
type FindingCode string

// Finding codes beside the verdicts (contract §2).
const (
	FindingHolderProductAccess FindingCode = "holder-has-product-access"
	FindingHolderProvisioned   FindingCode = "holder-provisioned"
	FindingHolderOtherOrg      FindingCode = "holder-in-other-org"
	FindingHolderInactive      FindingCode = "holder-inactive"
	FindingAccountInactive     FindingCode = "account-inactive"
	FindingSocialLogin         FindingCode = "social-login"
	FindingSamlScimMismatch    FindingCode = "saml-scim-mismatch"
	FindingScimRecordMissing   FindingCode = "scim-record-missing"
	FindingTargetEqualsCurrent FindingCode = "target-equals-current"
	// FindingAccountDeactivatedByIdp: the user's account is not active and
	// its linked SCIM user is active=false: only the IdP reactivates it.
	FindingAccountDeactivatedByIdp FindingCode = "account-deactivated-by-idp"
	// FindingHolderOtherPerson: the holder is active, provisioned and not
	// the user's duplicate: a different, current person. No plan changes it.
	FindingHolderOtherPerson FindingCode = "holder-other-person"
	// FindingTargetDomainOtherOrg: another org has verified the target's
	// domain; only that org can release it.
	FindingTargetDomainOtherOrg FindingCode = "target-domain-other-org"
	// FindingTargetDomainLookalike: the target's domain is unlisted and a
	// couple of keystrokes from a verified one: most likely a typo.
	FindingTargetDomainLookalike FindingCode = "target-domain-lookalike"
	// FindingHolderClaimable: the holder is unmanaged on a domain verified
	// here ("Available to claim"): claimed first, then this org can change it.
	FindingHolderClaimable FindingCode = "holder-claimable"
	// FindingHolderPendingDeletion: the holder is deleted, within the 14-day
	// grace period: its email stays taken until the deletion is cancelled,
	// the account parked, and deleted again.
	FindingHolderPendingDeletion FindingCode = "holder-pending-deletion"
	// FindingSamlJitRevert: SAML JIT, and the user logs in by SAML: an email
	// set by an admin alone is undone at the next login.
	FindingSamlJitRevert FindingCode = "saml-jit-revert"
	// FindingScimUnlinked: the IdP pushed a change Atlassian could not take
	// (an unverified domain) and unlinked the account, dropping its synced
	// groups.
	FindingScimUnlinked FindingCode = "scim-unlinked"
)
