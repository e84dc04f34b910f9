package fixes

import (
	"context"
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
	"github.com/syncdoctor/syncdoctor/steps/journal"
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

// resumeLine ends every operator instruction.
const resumeLine = "Then run `syncdoctor resume`: it checks the change and goes on."

// provisionInstructions says how to run provisioning for the user in its
// IdP, naming the attribute that must hold the target (domain.md).
func provisionInstructions(s steps.PlanStep, emailSetFirst bool) string {
	name, target := stepName(s), s.Params.Target
	var b strings.Builder
	switch s.Params.Idp {
	case steps.IdpEntra:
		fmt.Fprintf(&b, "In Microsoft Entra ID (Enterprise applications > your Atlassian Cloud app > Provisioning > Provision on demand), provision %s. "+
			"The user's mail attribute, mapped to emails[type eq \"work\"].value, must hold %s; with SAML SSO on, the claim used as the Unique User Identifier (Name ID) in the app's single sign-on settings must send the same address.", name, target)
	case steps.IdpOkta:
		fmt.Fprintf(&b, "In Okta (Applications > your Atlassian Cloud app > Assignments), push %s again: Push now, or remove and re-assign the user. "+
			"The user's primary email, mapped to the app's primary email, must be %s; with SAML SSO on, the app username format (Sign On settings) must give the same address.", name, target)
	case steps.IdpGoogle:
		fmt.Fprintf(&b, "In the Google Admin console (Directory > Users > %s > User information), the primary email must be %s; then provision the user again (or wait for the next sync) so that it reaches Atlassian.", name, target)
	case steps.IdpOneLogin:
		fmt.Fprintf(&b, "In OneLogin (Applications > your Atlassian Cloud app > Users), re-apply provisioning for %s. "+
			"The attribute mapped to emails[type eq \"work\"].value must hold %s, and the SAML NameID must send the same address.", name, target)
	default:
		fmt.Fprintf(&b, "In your identity provider's Atlassian Cloud app, provision %s again (provision on demand, or push the user). "+
			"The attribute mapped to emails[type eq \"work\"].value must hold %s, and the SAML NameID must send the same address.", name, target)
	}
	if ext := s.Params.ExternalID; ext != "" {
		fmt.Fprintf(&b, " The IdP knows the user by externalId %s.", ext)
	}
	if others := s.Params.OtherDirectoryIDs; others != "" {
		fmt.Fprintf(&b, " The user also has a record in directory %s: that IdP must carry %s too.", others, target)
	}
	if emailSetFirst {
		fmt.Fprintf(&b, " The account's email was already set to %s, so that provisioning links this account instead of creating a second one.", target)
	}
	return b.String() + " " + resumeLine
}

// actProvisionUser is provision-user: provisioning pushes the target to the
// user's account and links it.
type actProvisionUser struct{}

// presetsEmail: with no SCIM record of the user known, the account may be
// linked to none, and provisioning would then create a second account at
// the target; the account takes the target first so that it gets linked.
func presetsEmail(s steps.PlanStep) bool {
	return s.Params.ExternalID == "" && s.Params.ScimUserID == ""
}

func (actProvisionUser) Calls(s steps.PlanStep) []steps.Call {
	var calls []steps.Call
	if presetsEmail(s) {
		c := emailCall(s.Params.AccountID, s.Params.Target)
		c.Note = "only if no SCIM user links the account by then: so that provisioning links it instead of creating a second account"
		calls = append(calls, c)
	}
	what := fmt.Sprintf("%s: provision on demand for %s", idpLabel(s), stepName(s))
	if ext := s.Params.ExternalID; ext != "" {
		what += " (externalId " + ext + ")"
	}
	return append(calls, idpCall(what))
}

func (actProvisionUser) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID, steps.ParamTarget); why != "" {
		return blocked("%s", why), nil
	}
	id, target, dir := s.Params.AccountID, s.Params.Target, s.Params.DirectoryID
	u, pre, err := currentAccount(ctx, env, s)
	if u == nil {
		return pre, err
	}
	links, err := readLinks(ctx, env, id)
	if err != nil {
		return run.Precondition{}, err
	}
	if address.Same(u.Email, target) && linkIn(links, dir) && len(links) > 0 {
		return alreadyDone("%s already has %s and is linked (%s)", stepName(s), target, describeLinks(links)), nil
	}
	h, err := holderOf(ctx, env, target)
	if err != nil {
		return run.Precondition{}, err
	}
	if h != nil && h.AccountID != id {
		return blocked("%s is held by %s: provisioning would fail with 409 uniqueness; diagnose again", target, userSummary(h)), nil
	}
	st, listed, err := domainStatus(ctx, env, address.Domain(target))
	if err != nil {
		return run.Precondition{}, err
	}
	if st != "verified" {
		why := "is not listed for this org"
		if listed {
			why = "is " + st + " for this org"
		}
		return blocked("the domain %s of %s %s: provisioning would unlink the account and drop its synced groups; verify the domain first",
			address.Domain(target), target, why), nil
	}
	if !u.Managed() {
		return blocked("this org does not manage %s: provisioning never updates an account the org does not manage (it would create a second account); claim it first", userSummary(u)), nil
	}
	if len(links) == 0 && !address.Same(u.Email, target) {
		allowed, reason, err := emailSetAllowed(ctx, env, id)
		if err != nil {
			return run.Precondition{}, err
		}
		if !allowed {
			return blocked("no SCIM user links %s, so provisioning would create a second account at %s, and its email cannot be set first: %s",
				stepName(s), target, refusalSentence(reason)), nil
		}
		return ready("no SCIM user links %s yet: its email is set to %s first, so that provisioning links it instead of creating a second account", stepName(s), target), nil
	}
	return ready("%s (%s) is to get %s from %s", stepName(s), u.Email, target, idpLabel(s)), nil
}

func (actProvisionUser) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	id, target := s.Params.AccountID, s.Params.Target
	u, err := mustReadAccount(ctx, env, id)
	if err != nil {
		return err
	}
	links, err := readLinks(ctx, env, id)
	if err != nil {
		return err
	}
	preset := false
	if len(links) == 0 && !address.Same(u.Email, target) {
		if err := setEmailMutation(ctx, env, s, id, u.Email, target); err != nil {
			return err
		}
		preset = true
	}
	if env.IdP == nil {
		return &run.OperatorActionError{Instructions: provisionInstructions(s, preset)}
	}
	ext, err := externalIDOf(ctx, env, s, links, target, u.Email)
	if err != nil {
		return err
	}
	if ext == "" {
		return &run.OperatorActionError{Instructions: "The IdP user of " + stepName(s) + " is not known here (no SCIM record names it). " + provisionInstructions(s, preset)}
	}
	before := map[string]any{"accountId": id, "email": target, "scimLinks": links}
	if !preset {
		before["email"] = u.Email
	}
	call := idpCall(fmt.Sprintf("%s: provision on demand for %s (externalId %s)", idpLabel(s), stepName(s), ext))
	return runIdp(ctx, env, s, idpLabel(s), call, before, func(ctx context.Context) (run.IdpReport, error) {
		return env.IdP.Provision(ctx, ext)
	})
}

func (actProvisionUser) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return settle(ctx, env, func(ctx context.Context) error {
		return hasTargetAndLink(ctx, env, s.Params.AccountID, s.Params.Target, s.Params.DirectoryID, "")
	})
}

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

// actIdpGroups is idp-remove-groups (remove) and idp-add-groups: the person
// out of, then back in, every IdP group, so that deleting the provisioning
// record strands no synced membership.
type actIdpGroups struct{ remove bool }

// expectedGroups are the SCIM groups the person is to be back in: the
// recorded ones, else the plan's.
func expectedGroups(env *run.Env, s steps.PlanStep) []string {
	var recs []membershipRecord
	if ok, err := getFact(env, journal.FactMemberships, &recs); ok && err == nil {
		for _, r := range recs {
			if r.Role == roleScimUser && (s.Params.ExternalID == "" || r.ExternalID == s.Params.ExternalID) {
				return r.Groups
			}
		}
	}
	return splitList(s.Params.Groups)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (a actIdpGroups) what(s steps.PlanStep) string {
	groups := strings.Join(splitList(s.Params.Groups), ", ")
	if groups == "" {
		groups = "every group assigned to the Atlassian Cloud app"
	}
	if a.remove {
		return fmt.Sprintf("%s: remove %s from %s (dynamic groups: exclude from the scope)", idpLabel(s), stepName(s), groups)
	}
	return fmt.Sprintf("%s: add %s back to %s (dynamic groups: take the exclusion out)", idpLabel(s), stepName(s), groups)
}

func (a actIdpGroups) Calls(s steps.PlanStep) []steps.Call { return []steps.Call{idpCall(a.what(s))} }

func (a actIdpGroups) Check(ctx context.Context, env *run.Env, s steps.PlanStep) (run.Precondition, error) {
	if why := missingParams(s, steps.ParamAccountID); why != "" {
		return blocked("%s", why), nil
	}
	if !a.remove && idpSucceeded(env, s) {
		return alreadyDone("the IdP put %s back in its groups earlier in this run", stepName(s)), nil
	}
	su, readable, err := findScimUser(ctx, env, s.Params.DirectoryID, s.Params.ExternalID)
	if err != nil {
		return run.Precondition{}, err
	}
	switch {
	case !readable:
		return ready("the SCIM record of %s cannot be read here, so its groups are not checked", stepName(s)), nil
	case a.remove && su == nil:
		return alreadyDone("no SCIM user has externalId %s in directory %s: it is in no group", s.Params.ExternalID, s.Params.DirectoryID), nil
	case a.remove && len(su.Groups) == 0:
		return alreadyDone("the SCIM user of %s is in no group", stepName(s)), nil
	case a.remove:
		return ready("the SCIM user of %s is in %s", stepName(s), strings.Join(scimGroupNames(su), ", ")), nil
	case su == nil:
		return ready("%s has no SCIM user now: the IdP puts it back in its groups and they are pushed when it is provisioned", stepName(s)), nil
	}
	if missing := missingNames(expectedGroups(env, s), scimGroupNames(su)); len(missing) > 0 {
		return ready("the SCIM user of %s is not in %s", stepName(s), strings.Join(missing, ", ")), nil
	}
	return alreadyDone("the SCIM user of %s is back in its groups", stepName(s)), nil
}

// missingNames are the names of want not in have (case aside).
func missingNames(want, have []string) []string {
	var out []string
	for _, w := range want {
		if !address.ContainsFold(have, w) {
			out = append(out, w)
		}
	}
	return out
}

func (a actIdpGroups) instructions(s steps.PlanStep) string {
	name := stepName(s)
	groups := strings.Join(splitList(s.Params.Groups), ", ")
	if groups == "" {
		groups = "every group assigned to the Atlassian Cloud app"
	} else {
		groups = "these groups: " + groups
	}
	verb, dyn, push := "remove "+name+" from "+groups, "For a dynamic group, exclude the user from its membership rule.", "so that the removal reaches Atlassian"
	if !a.remove {
		verb, dyn, push = "add "+name+" back to "+groups, "For a dynamic group, take the exclusion out of its membership rule.", "so that the groups reach Atlassian once the user is provisioned again"
	}
	var where string
	switch s.Params.Idp {
	case steps.IdpEntra:
		where = "In Microsoft Entra ID (Groups > the group > Members), " + verb + ". " + dyn + " Then run Provision on demand for the user (or wait for the next sync), " + push + "."
	case steps.IdpOkta:
		where = "In Okta (Directory > Groups > the group > People), " + verb + ". For a group assigned by a rule, change the rule. Then push the groups (the app's Push Groups tab), " + push + "."
	case steps.IdpGoogle:
		where = "In the Google Admin console (Directory > Groups > the group > Members), " + verb + ". Then let the next sync run, " + push + "."
	default:
		where = "In " + idpLabel(s) + ", " + verb + ". " + dyn + " Then push the user's groups again, " + push + "."
	}
	if ext := s.Params.ExternalID; ext != "" {
		where += " The IdP knows the user by externalId " + ext + "."
	}
	return where + " " + resumeLine
}

func (a actIdpGroups) Execute(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	ext := s.Params.ExternalID
	if env.IdP == nil || ext == "" {
		return &run.OperatorActionError{Instructions: a.instructions(s)}
	}
	before := map[string]any{"externalId": ext, "groups": expectedGroups(env, s)}
	return runIdp(ctx, env, s, idpLabel(s), idpCall(a.what(s)), before, func(ctx context.Context) (run.IdpReport, error) {
		if a.remove {
			return env.IdP.RemoveFromGroups(ctx, ext)
		}
		return env.IdP.AddToGroups(ctx, ext)
	})
}

func (a actIdpGroups) Verify(ctx context.Context, env *run.Env, s steps.PlanStep) error {
	return settle(ctx, env, func(ctx context.Context) error {
		su, readable, err := findScimUser(ctx, env, s.Params.DirectoryID, s.Params.ExternalID)
		switch {
		case err != nil:
			return err
		case !readable || su == nil:
			return nil // nothing Atlassian shows: restore-memberships checks the result
		case a.remove && len(su.Groups) > 0:
			return fmt.Errorf("the SCIM user of %s is still in %s", stepName(s), strings.Join(scimGroupNames(su), ", "))
		case !a.remove:
			if missing := missingNames(expectedGroups(env, s), scimGroupNames(su)); len(missing) > 0 {
				return fmt.Errorf("the SCIM user of %s is not back in %s", stepName(s), strings.Join(missing, ", "))
			}
		}
		return nil
	})
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
