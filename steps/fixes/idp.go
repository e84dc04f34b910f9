package fixes

import (
	"context"
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/client"
)

// The idp steps: provision-user, idp-remove-groups, idp-add-groups,
// google-primary-email, align-saml-attribute. On a simulated org the
// simulated IdP (env.IdP) or admin console (env.Console) does them, each
// call journaled like any change; against a live org Execute returns an
// *OperatorActionError saying what to do in the IdP, and a resumed run
// verifies it. Their Check reads the org, so a change the operator already
// made reads as done.

// IdpFailedError is an IdP action whose push Atlassian refused (a 409
// uniqueness, say): the IdP's log message, code and the SCIM answer.
type IdpFailedError struct {
	IdP    string // the IdP's name for people
	Report run.IdpReport
}

func (e *IdpFailedError) Error() string {
	msg := e.Report.Message
	if msg == "" {
		msg = fmt.Sprintf("failed with HTTP %d", e.Report.Status)
	}
	s := e.IdP + ": " + msg
	if e.Report.Code != "" {
		s += " (error code " + e.Report.Code + ")"
	}
	if e.Report.ScimBody != "" {
		s += "; Atlassian answered: " + strings.Join(strings.Fields(e.Report.ScimBody), " ")
	}
	return s
}

// idpLabel names the step's IdP for people.
func idpLabel(s steps.PlanStep) string { return wording.IdpName(s.Params.Idp) }

func idpCall(what string) steps.Call {
	return steps.Call{Method: steps.MethodIdP, Path: what, Note: "in the IdP: you do it for a live org, then `syncdoctor resume`; a simulated org's IdP does it itself"}
}

func adminCall(what string) steps.Call {
	return steps.Call{Method: steps.MethodAdmin, Path: what, Note: "in admin.atlassian.com: you do it for a live org, then `syncdoctor resume`; a simulated org's console does it itself"}
}

// runIdp makes one (simulated) IdP or console action through env.Mutate and
// journals what its log showed. The report is journaled before the
// outcome, so that a run killed in between still knows on resume that the
// IdP acted. A push Atlassian refused fails the step.
func runIdp(ctx context.Context, env *run.Env, s steps.PlanStep, idp string, call steps.Call, before any, act func(ctx context.Context) (run.IdpReport, error)) error {
	return env.Mutate(ctx, s.ID, call, before, func(ctx context.Context) error {
		rep, err := act(ctx)
		if err != nil {
			return err
		}
		if err := setFact(env, factIdpReport+string(s.ID), rep); err != nil {
			return err
		}
		if rep.Status >= 300 {
			return &IdpFailedError{IdP: idp, Report: rep}
		}
		return nil
	})
}

// idpSucceeded reports whether this run's (simulated) IdP already did the
// step: its journaled report says so.
func idpSucceeded(env *run.Env, s steps.PlanStep) bool {
	var rep run.IdpReport
	ok, err := getFact(env, factIdpReport+string(s.ID), &rep)
	return ok && err == nil && rep.Status > 0 && rep.Status < 300
}

// externalIDOf finds the IdP's id of the person: the plan's, else that of
// a SCIM user linking the account (in dir when given), else what a
// simulated IdP says for one of the addresses.
func externalIDOf(ctx context.Context, env *run.Env, s steps.PlanStep, links []client.ScimLink, emails ...string) (string, error) {
	if ext := s.Params.ExternalID; ext != "" {
		return ext, nil
	}
	dir := s.Params.DirectoryID
	for _, l := range links {
		if dir != "" && l.DirectoryID != dir {
			continue
		}
		su, _, err := readScimUser(ctx, env, l.DirectoryID, l.ScimUserID)
		if err != nil {
			return "", err
		}
		if su != nil && su.ExternalID != "" {
			return su.ExternalID, nil
		}
	}
	if f, ok := env.IdP.(run.IdpUserFinder); ok {
		for _, e := range emails {
			if e == "" {
				continue
			}
			if ext, err := f.FindUser(ctx, e); err == nil && ext != "" {
				return ext, nil
			}
		}
	}
	return "", nil
}

// resumeLine ends every operator instruction (run.ResumeHint: the wizard
// takes it off, as it verifies on enter).
const resumeLine = run.ResumeHint

// domainStatus is the claim status of a domain in the org's list, and
// whether it is listed at all.
func domainStatus(ctx context.Context, env *run.Env, name string) (string, bool, error) {
	for d, err := range env.Client.Domains(ctx) {
		if err != nil {
			return "", false, fmt.Errorf("reading the org's domains: %w", err)
		}
		if strings.EqualFold(d.Name, name) {
			return d.ClaimStatus, true, nil
		}
	}
	return "", false, nil
}

// actGooglePrimaryEmail is google-primary-email: the Google Workspace
// primary email becomes the target and flows to the linked account.
type actGooglePrimaryEmail struct{}

func (actGooglePrimaryEmail) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{idpCall(fmt.Sprintf("Google Workspace: change the primary email of %s to %s (Admin console > Directory > Users)", stepName(s), s.Params.Target))}
}

func (actGooglePrimaryEmail) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamTarget); why != "" {
		return blocked("%s", why), nil
	}
	target := s.Params.Target
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	if address.Same(u.Email, target) {
		return alreadyDone("%s already has %s", stepName(s), target), nil
	}
	h, err := holderOf(ctx, env, target)
	if err != nil {
		return run.Precondition{}, err
	}
	if h != nil {
		return blocked("%s is held by %s: the Google sync would fail; diagnose again", target, userSummary(h)), nil
	}
	return ready("%s (%s) is to get %s from Google Workspace", stepName(s), u.Email, target), nil
}

func googleInstructions(s steps.PlanStep) string {
	return fmt.Sprintf("In the Google Admin console (admin.google.com > Directory > Users > %s > User information), change the primary email to %s. "+
		"The Google Workspace integration owns the account's email, so Atlassian takes it from there at the next sync (an admin cannot set it in Atlassian). %s",
		stepName(s), s.Params.Target, resumeLine)
}

func (actGooglePrimaryEmail) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.IdP == nil {
		return &run.OperatorActionError{Instructions: googleInstructions(s)}
	}
	id, target := s.Params.AccountID, s.Params.Target
	u, err := mustReadAccount(ctx, env, id)
	if err != nil {
		return err
	}
	links, err := readLinks(ctx, env, id)
	if err != nil {
		return err
	}
	ext, err := externalIDOf(ctx, env, s, links, target, u.Email)
	if err != nil {
		return err
	}
	if ext == "" {
		return &run.OperatorActionError{Instructions: googleInstructions(s)}
	}
	before := map[string]any{"accountId": id, "email": u.Email, "scimLinks": links}
	call := idpCall(fmt.Sprintf("Google Workspace: sync %s with the primary email %s (externalId %s)", stepName(s), target, ext))
	return runIdp(ctx, env, s, "Google Workspace", call, before, func(ctx context.Context) (run.IdpReport, error) {
		return env.IdP.Provision(ctx, ext)
	})
}

func (actGooglePrimaryEmail) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return waitEmail(ctx, env, s.Params.AccountID, s.Params.Target)
}

// actAlignSaml is align-saml-attribute: the SAML attribute and the SCIM
// email attribute map to the same IdP attribute, the one holding the target.
// It shows in Atlassian as the SCIM user's userName equal to its email.
type actAlignSaml struct{}

func (actAlignSaml) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{idpCall(fmt.Sprintf("%s: map %s and %s to the attribute holding %s, then provision %s",
		idpLabel(s), wording.Or(s.Params.SamlAttribute, "the SAML NameID"), wording.Or(s.Params.ScimAttribute, "the SCIM email attribute"), s.Params.Target, stepName(s)))}
}

func (actAlignSaml) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamDirectoryID, steps.ParamScimUserID); why != "" {
		return blocked("%s", why), nil
	}
	dir, sid := s.Params.DirectoryID, s.Params.ScimUserID
	su, readable, err := readScimUser(ctx, env, dir, sid)
	switch {
	case err != nil:
		return run.Precondition{}, err
	case !readable:
		return ready("the SCIM user %s cannot be read here (no key for directory %s)", sid, dir), nil
	case su == nil:
		return blocked("SCIM user %s no longer exists in directory %s: diagnose again", sid, dir), nil
	case address.Same(su.UserName, su.PrimaryEmail()):
		return alreadyDone("the SCIM user of %s has userName and email %s: both come from the same attribute", stepName(s), su.UserName), nil
	}
	return ready("the SCIM user of %s has userName %s but email %s", stepName(s), su.UserName, su.PrimaryEmail()), nil
}

func alignInstructions(s steps.PlanStep) string {
	saml := wording.Or(s.Params.SamlAttribute, "the attribute sent as the SAML NameID")
	scim := wording.Or(s.Params.ScimAttribute, `the attribute mapped to emails[type eq "work"].value`)
	where := "In " + idpLabel(s)
	switch s.Params.Idp {
	case steps.IdpEntra:
		where = "In Microsoft Entra ID (Enterprise applications > your Atlassian Cloud app: Single sign-on > Attributes & Claims, and Provisioning > Attribute mappings)"
	case steps.IdpOkta:
		where = "In Okta (your Atlassian Cloud app: Sign On settings, and the provisioning profile mappings)"
	case steps.IdpGoogle:
		where = "In the Google Admin console (Apps > your Atlassian Cloud SAML app: SAML attribute mapping and user provisioning)"
	case steps.IdpOneLogin:
		where = "In OneLogin (your Atlassian Cloud app: SSO NameID and the provisioning rules)"
	}
	return fmt.Sprintf("%s, make %s and %s (and the userName mapping) use the same user attribute: the one holding %s. "+
		"Now the SCIM user of %s has userName %s but email %s, and if SAML sends one and SCIM the other, the account email flips. "+
		"Then provision the user again. %s",
		where, saml, scim, s.Params.Target, stepName(s), s.Params.ScimUserName, s.Params.ScimEmail, resumeLine)
}

func (actAlignSaml) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	if env.Console == nil {
		return &run.OperatorActionError{Instructions: alignInstructions(s)}
	}
	dir, sid := s.Params.DirectoryID, s.Params.ScimUserID
	su, _, err := readScimUser(ctx, env, dir, sid)
	if err != nil {
		return err
	}
	ext := s.Params.ExternalID
	if su != nil && su.ExternalID != "" {
		ext = su.ExternalID
	}
	if ext == "" {
		return &run.OperatorActionError{Instructions: alignInstructions(s)}
	}
	before := map[string]any{"directoryId": dir, "scimUserId": sid, "userName": s.Params.ScimUserName, "email": s.Params.ScimEmail}
	if su != nil {
		before["userName"], before["email"] = su.UserName, su.PrimaryEmail()
	}
	call := idpCall(fmt.Sprintf("%s: map the SAML NameID and userName of %s to the attribute of its SCIM email, then provision it (externalId %s)", idpLabel(s), stepName(s), ext))
	return runIdp(ctx, env, s, idpLabel(s), call, before, func(ctx context.Context) (run.IdpReport, error) {
		return env.Console.AlignSamlAttribute(ctx, ext)
	})
}

func (actAlignSaml) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	dir, sid := s.Params.DirectoryID, s.Params.ScimUserID
	return settle(ctx, env, func(ctx context.Context) error {
		su, readable, err := readScimUser(ctx, env, dir, sid)
		switch {
		case err != nil:
			return err
		case !readable:
			return nil
		case su == nil:
			return run.StopPolling(fmt.Errorf("SCIM user %s no longer exists in directory %s", sid, dir))
		case !address.Same(su.UserName, su.PrimaryEmail()):
			return fmt.Errorf("the SCIM user of %s still has userName %s but email %s: after changing the mappings, provision the user once", stepName(s), su.UserName, su.PrimaryEmail())
		}
		return nil
	})
}
