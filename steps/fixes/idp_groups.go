package fixes

import (
	"context"
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

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
