package bulk

import (
	"github.com/syncdoctor/syncdoctor/steps"
)

// OrgSetup is how the org signs users in and provisions them, which decides
// how emails change in bulk (domain.md, "Bulk email change", setups 1-4).
type OrgSetup string

const (
	SetupNone            OrgSetup = "none"             // 1: no SAML SSO, no SCIM provisioning
	SetupSamlJit         OrgSetup = "saml-jit"         // 2: SAML SSO, accounts made at login
	SetupSamlScim        OrgSetup = "saml-scim"        // 3: SAML SSO and SCIM provisioning
	SetupGoogleWorkspace OrgSetup = "google-workspace" // 4: the Google Workspace integration
)

// valid reports whether s is one of the four setups.
func (s OrgSetup) valid() bool {
	switch s {
	case SetupNone, SetupSamlJit, SetupSamlScim, SetupGoogleWorkspace:
		return true
	}
	return false
}

// DetectSetup picks the setup from what is known (contract §1 notes):
// the Google Workspace integration wins; SAML SSO on is saml-scim when SCIM
// directories are configured and saml-jit when none are; anything else is
// none. No Atlassian API shows whether SAML is on, so h.SamlSso may be
// unknown (nil): with SCIM directories that counts as saml-scim, because an
// IdP that provisions users nearly always signs them in too, and naming the
// SAML attribute needlessly costs a look in the IdP while leaving it out
// makes the email flip between old and new. Unknown SAML without
// directories is none: nothing then points at an IdP.
func DetectSetup(h steps.Hints, scimDirectories int) OrgSetup {
	switch {
	case h.GoogleWorkspace != nil && *h.GoogleWorkspace:
		return SetupGoogleWorkspace
	case h.SamlSso == nil && scimDirectories > 0:
		return SetupSamlScim
	case h.SamlSso != nil && *h.SamlSso && scimDirectories > 0:
		return SetupSamlScim
	case h.SamlSso != nil && *h.SamlSso:
		return SetupSamlJit
	}
	return SetupNone
}

// accountLock is what, besides the org, owns an account's email.
type accountLock int

const (
	lockNone   accountLock = iota // the org's admins (set-email works)
	lockScim                      // a SCIM directory links the account
	lockGoogle                    // the Google Workspace integration links it
)

// emailPath is how one account's email changes for the setup: the table of
// contract §3. The cells it marks "cannot happen" (a provisioned account in
// setups none and saml-jit) do happen on a live org whose SCIM directory is
// not configured here, or that provisions without SAML; a locked account's
// email then still changes only in its IdP, so the path follows the lock:
// the SCIM attribute, and in every setup but none the SAML one too.
func emailPath(setup OrgSetup, lock accountLock) []EmailPath {
	switch {
	case lock == lockGoogle:
		return []EmailPath{ViaGooglePrimaryEmail}
	case lock == lockScim && setup == SetupNone:
		return []EmailPath{ViaIdpScimAttribute}
	case lock == lockScim:
		return []EmailPath{ViaIdpSamlAttribute, ViaIdpScimAttribute}
	case setup == SetupSamlJit:
		// JIT updates the email only at the user's next SAML login, which
		// may be far off: change it in the org now as well (domain.md).
		return []EmailPath{ViaSetEmail, ViaIdpSamlAttribute}
	}
	return []EmailPath{ViaSetEmail}
}
