package run

import "context"

// Console is the simulated admin side of a demo or test run: what an org
// admin does in admin.atlassian.com (verify a domain, claim an account) and
// what an IdP admin does to the SAML mapping. It is nil against a live org,
// where those steps are the operator's to do and the tool waits for them.
type Console interface {
	// VerifyDomain verifies (claims) a domain for this org, as Settings >
	// Domains > Verify does.
	VerifyDomain(ctx context.Context, domain string) error
	// ClaimAccount makes an account managed by this org, as Directory >
	// Managed accounts does once its domain is verified.
	ClaimAccount(ctx context.Context, accountID string) error
	// AlignSamlAttribute maps the IdP user's SAML NameID and SCIM userName
	// to the attribute its SCIM email comes from, and pushes the user.
	AlignSamlAttribute(ctx context.Context, externalID string) (IdpReport, error)
}
