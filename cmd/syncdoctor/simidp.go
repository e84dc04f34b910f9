package main

import (
	"context"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps"
)

// simulatedIdP lets fix steps act through the simulated IdP, the stand-in
// for the manual IdP steps in demo and test runs. steps cannot import
// fixtures (the domain knows no simulator), so the wiring adapts it here.
type simulatedIdP struct{ idp *fixtures.IdP }

func report(r fixtures.IdpResult, err error) (steps.IdpReport, error) {
	return steps.IdpReport{Action: r.Action, Status: r.Status, Code: r.Code, Message: r.Message, ScimBody: r.ScimBody, Log: r.Log}, err
}

func (s simulatedIdP) Provision(ctx context.Context, externalID string) (steps.IdpReport, error) {
	return report(s.idp.Provision(ctx, externalID))
}

func (s simulatedIdP) RemoveFromGroups(ctx context.Context, externalID string) (steps.IdpReport, error) {
	return report(s.idp.RemoveFromGroups(ctx, externalID))
}

func (s simulatedIdP) AddToGroups(ctx context.Context, externalID string) (steps.IdpReport, error) {
	return report(s.idp.AddToGroups(ctx, externalID))
}

func (s simulatedIdP) Delete(ctx context.Context, externalID string) (steps.IdpReport, error) {
	return report(s.idp.Delete(ctx, externalID))
}

// simulatedConsole stands in for what an admin does by hand in
// admin.atlassian.com (verify a domain, claim an account) and in the IdP's
// SAML settings, on a simulated org only.
type simulatedConsole struct{ sim *fixtures.Simulator }

func (s simulatedConsole) VerifyDomain(_ context.Context, domain string) error {
	return s.sim.VerifyDomain(domain)
}

func (s simulatedConsole) ClaimAccount(_ context.Context, accountID string) error {
	return s.sim.ClaimAccount(accountID)
}

func (s simulatedConsole) AlignSamlAttribute(_ context.Context, externalID string) (steps.IdpReport, error) {
	return report(s.sim.AlignSamlAttribute(externalID))
}

// FindUser names the IdP user (externalId) whose address is email, for a
// user the org has no SCIM record of yet.
func (s simulatedIdP) FindUser(_ context.Context, email string) (string, error) {
	return s.idp.FindUser(email)
}
