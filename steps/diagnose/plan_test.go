package diagnose

import (
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"

	"github.com/syncdoctor/syncdoctor/client"
)

// diagnosed classifies hand-built facts and plans them, as Diagnose does.
func diagnosed(f *OrgFacts) *Diagnosis {
	d := &Diagnosis{Target: f.Target, Facts: *f}
	d.Verdict, d.Findings = Classify(f)
	d.Plan = PlanFor(d)
	return d
}

func step(t *testing.T, plan []steps.PlanStep, id steps.StepID) steps.PlanStep {
	t.Helper()
	for _, s := range plan {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no step %s in %v", id, steps.IDs(plan))
	return steps.PlanStep{}
}

// wantParams checks that p holds every key of want with its value.
func wantParams(t *testing.T, s steps.PlanStep, want map[string]string) {
	t.Helper()
	have := s.Params.Map()
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			t.Errorf("%s: params[%s] = %q (present %v), want %q; params %v", s.ID, k, got, ok, v, have)
		}
	}
}

var (
	yukiEntra = linked("d-entra", "s-yuki", "obj-yuki", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka")
)

func TestPlanShapes(t *testing.T) {
	tests := []struct {
		name  string
		facts func() *OrgFacts
		ids   []steps.StepID
	}{
		{"not found", func() *OrgFacts { return baseFacts(nil, nil, "x@acme.com") }, []steps.StepID{}},
		{
			"email taken, holder locked and deactivated (a former employee)",
			func() *OrgFacts {
				return baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com", deactivated,
					linked("d-entra", "s-jane", "obj-jane", "yuki.t@acme.com", "yuki.t@acme.com", "Jane Roe")), "yuki.t@acme.com")
			},
			[]steps.StepID{steps.StepCheckHolder, steps.StepRecordHolderMemberships, steps.StepUnlinkHolder, steps.StepParkHolder, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			"email taken by a different current person: never changed, provisioned from the IdP first",
			func() *OrgFacts {
				return baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com",
					linked("d-entra", "s-jane", "obj-jane", "yuki.t@acme.com", "yuki.t@acme.com", "Jane Roe")), "yuki.t@acme.com")
			},
			[]steps.StepID{steps.StepCheckHolder, steps.StepProvisionHolder, steps.StepHandoffSharedAddress, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			"email taken, holder not provisioned",
			func() *OrgFacts { return baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com"), "yuki.t@acme.com") },
			[]steps.StepID{steps.StepCheckHolder, steps.StepParkHolder, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			"email taken, holder unmanaged on a verified domain: claimed before it is parked",
			func() *OrgFacts {
				return baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com", unmanagedAcct, products("confluence")), "yuki.t@acme.com")
			},
			[]steps.StepID{steps.StepCheckHolder, steps.StepClaimHolder, steps.StepParkHolder, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			"duplicate, old account unlinked",
			func() *OrgFacts {
				h := newAcct("712020:dup", "Yuki Tanaka", "yuki.t@acme.com",
					linked("d-entra", "s-new", "obj-yuki", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki Tanaka"))
				return baseFacts(yuki(), h, "yuki.t@acme.com")
			},
			[]steps.StepID{steps.StepRecordMemberships, steps.StepIdpRemoveGroups, steps.StepUnlinkDuplicate, steps.StepParkDuplicate,
				steps.StepSetOldEmail, steps.StepIdpAddGroups, steps.StepProvisionUser, steps.StepVerifyUser, steps.StepRestoreMemberships},
		},
		{
			"duplicate, old account still linked in a second directory",
			func() *OrgFacts {
				u := yuki(linked("d-okta", "s-old", "ext-1", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka"))
				h := newAcct("712020:dup", "Yuki T", "yuki.t@acme.com",
					linked("d-entra", "s-new", "ext-1", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki T"))
				return baseFacts(u, h, "yuki.t@acme.com")
			},
			[]steps.StepID{steps.StepRecordMemberships, steps.StepIdpRemoveGroups, steps.StepUnlinkDuplicate, steps.StepParkDuplicate, steps.StepUnlinkOld,
				steps.StepSetOldEmail, steps.StepIdpAddGroups, steps.StepProvisionUser, steps.StepVerifyUser, steps.StepRestoreMemberships},
		},
		{
			"target domain not listed: a hand-off, no plan verifies it",
			func() *OrgFacts { return baseFacts(yuki(yukiEntra), nil, "yuki@newco.com") },
			[]steps.StepID{steps.StepHandoffTargetDomain},
		},
		{
			"target domain listed, not verified: the console verifies it",
			func() *OrgFacts {
				f := baseFacts(yuki(yukiEntra), nil, "yuki@acme-labs.com")
				f.Domains = append(f.Domains, client.Domain{Name: "acme-labs.com", ClaimStatus: "unverified"})
				return f
			},
			[]steps.StepID{steps.StepClaimDomain, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			"target domain verified by another org: a hand-off",
			func() *OrgFacts {
				f := baseFacts(yuki(yukiEntra), nil, "yuki@partner.io")
				f.Domains = append(f.Domains, client.Domain{Name: "partner.io", ClaimStatus: "superseded"})
				return f
			},
			[]steps.StepID{steps.StepHandoffTargetDomain},
		},
		{
			"account unmanaged on a verified domain: claimed, given the target, provisioned",
			func() *OrgFacts { return baseFacts(yuki(unmanagedAcct), nil, "yuki.t@acme.com") },
			[]steps.StepID{steps.StepClaimAccount, steps.StepSetEmailFirst, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			"account on a domain not listed here: a hand-off",
			func() *OrgFacts { return baseFacts(newAcct("a1", "Bo Li", "bo@gmail.example"), nil, "bo@acme.com") },
			[]steps.StepID{steps.StepHandoffAccountOtherOrg},
		},
		{
			"a directory that could not be read: nothing is done on a guess",
			func() *OrgFacts {
				f := baseFacts(yuki(yukiEntra), nil, "yuki.t@acme.com")
				f.Incomplete = []Unread{{DirectoryID: "d-okta", Reason: "no SCIM key for this directory"}}
				return f
			},
			[]steps.StepID{steps.StepHandoffMissingKeys},
		},
		{
			"the target is the current address: nothing to do",
			func() *OrgFacts { return baseFacts(yuki(yukiEntra), nil, "YUKI.TANAKA@acme.com") },
			[]steps.StepID{},
		},
		{
			"idp owned",
			func() *OrgFacts { return baseFacts(yuki(emailSet(client.ReasonGoogle)), nil, "yuki.t@acme.com") },
			[]steps.StepID{steps.StepGooglePrimaryEmail, steps.StepVerifyUser},
		},
		{
			"no blocker",
			func() *OrgFacts { return baseFacts(yuki(yukiEntra), nil, "yuki.t@acme.com") },
			[]steps.StepID{steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			"warnings go before the IdP push",
			func() *OrgFacts {
				f := baseFacts(yuki(linked("d-entra", "s-yuki", "obj", "yuki@acme.onmicrosoft.com", "yuki.tanaka@acme.com", "Yuki Tanaka")),
					jane("yuki.t@acme.com"), "yuki.t@acme.com")
				f.Hints.SamlSso = nil
				f.Hints.SocialLogin = map[string]string{"712020:yuki": "google"}
				return f
			},
			[]steps.StepID{steps.StepCheckHolder, steps.StepParkHolder, steps.StepSocialLoginNotice, steps.StepAlignSamlAttribute, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			"warnings in an idp-owned plan go before the Google change",
			func() *OrgFacts {
				f := baseFacts(yuki(emailSet(client.ReasonGoogle)), nil, "yuki.t@acme.com")
				f.Hints.SocialLogin = map[string]string{"712020:yuki": "microsoft"}
				return f
			},
			[]steps.StepID{steps.StepSocialLoginNotice, steps.StepGooglePrimaryEmail, steps.StepVerifyUser},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diagnosed(tt.facts())
			if got := steps.IDs(d.Plan); !slices.Equal(got, tt.ids) {
				t.Fatalf("plan = %v, want %v (verdict %s)", got, tt.ids, d.Verdict)
			}
			if d.Plan == nil {
				t.Fatal("plan is nil, want []")
			}
			for _, s := range d.Plan {
				checkStepShape(t, s)
			}
		})
	}
}

// wantDestructive and wantKind are each step's destructiveness and kind.
var (
	wantDestructive = map[steps.StepID]bool{steps.StepUnlinkHolder: true, steps.StepParkHolder: true, steps.StepUnlinkDuplicate: true,
		steps.StepParkDuplicate: true, steps.StepUnlinkOld: true, steps.StepSetOldEmail: true, steps.StepSetEmailFirst: true,
		steps.StepDeleteHolder: true, steps.StepUnlinkStaleRecord: true, steps.StepDeleteStaleRecord: true, steps.StepSetEmail: true}
	wantKind = map[steps.StepID]steps.Kind{
		steps.StepUnlinkHolder: steps.KindAPI, steps.StepParkHolder: steps.KindAPI, steps.StepUnlinkDuplicate: steps.KindAPI, steps.StepParkDuplicate: steps.KindAPI,
		steps.StepUnlinkOld: steps.KindAPI, steps.StepSetOldEmail: steps.KindAPI, steps.StepRestoreMemberships: steps.KindAPI,
		steps.StepProvisionUser: steps.KindIdP, steps.StepIdpRemoveGroups: steps.KindIdP, steps.StepIdpAddGroups: steps.KindIdP,
		steps.StepGooglePrimaryEmail: steps.KindIdP, steps.StepAlignSamlAttribute: steps.KindIdP,
		steps.StepSocialLoginNotice: steps.KindIdP, steps.StepProvisionHolder: steps.KindIdP, steps.StepSetEmailFirst: steps.KindAPI,
		steps.StepClaimDomain: steps.KindConsole, steps.StepClaimAccount: steps.KindConsole, steps.StepClaimHolder: steps.KindConsole,
		steps.StepHandoffHolderOtherOrg: steps.KindHandoff, steps.StepHandoffSharedAddress: steps.KindHandoff, steps.StepHandoffTargetDomain: steps.KindHandoff,
		steps.StepHandoffAccountOtherOrg: steps.KindHandoff, steps.StepHandoffMissingKeys: steps.KindHandoff,
		steps.StepCancelHolderDeletion: steps.KindAPI, steps.StepDeleteHolder: steps.KindAPI, steps.StepUnlinkStaleRecord: steps.KindAPI,
		steps.StepDeleteStaleRecord: steps.KindAPI, steps.StepSetEmail: steps.KindAPI,
		steps.StepIdpSamlAttribute: steps.KindIdP, steps.StepIdpReassignUser: steps.KindIdP,
	}
)

// checkStepShape: a short imperative title, params, and the kind and
// destructiveness of its id.
func checkStepShape(t *testing.T, s steps.PlanStep) {
	t.Helper()
	if s.Title == "" || strings.HasSuffix(s.Title, ".") || strings.Contains(s.Title, "\n") {
		t.Errorf("%s: title %q is not a short imperative line", s.ID, s.Title)
	}
	if len(s.Params.Map()) == 0 {
		t.Errorf("%s: no params", s.ID)
	}
	if s.Destructive != wantDestructive[s.ID] {
		t.Errorf("%s: destructive = %v, want %v", s.ID, s.Destructive, wantDestructive[s.ID])
	}
	kind := wantKind[s.ID]
	if kind == "" {
		kind = steps.KindCheck
	}
	if s.Kind != kind {
		t.Errorf("%s: kind = %s, want %s", s.ID, s.Kind, kind)
	}
}

func TestPlanEmailTakenParams(t *testing.T) {
	f := baseFacts(yuki(yukiEntra), jane("Yuki.T@acme.com", deactivated,
		linked("d-entra", "s-jane", "obj-jane", "yuki.t@acme.com", "yuki.t@acme.com", "Jane Roe")), "yuki.t@acme.com")
	d := diagnosed(f)
	holder := map[string]string{steps.ParamAccountID: "712020:jane", steps.ParamEmail: "Yuki.T@acme.com", steps.ParamName: "Jane Roe"}
	wantParams(t, step(t, d.Plan, steps.StepCheckHolder), holder)
	wantParams(t, step(t, d.Plan, steps.StepUnlinkHolder), holder)
	wantParams(t, step(t, d.Plan, steps.StepRecordHolderMemberships), map[string]string{steps.ParamAccountID: "712020:jane", steps.ParamDirectoryID: "d-entra", steps.ParamScimUserID: "s-jane"})
	park := step(t, d.Plan, steps.StepParkHolder)
	wantParams(t, park, map[string]string{steps.ParamAccountID: "712020:jane", steps.ParamPlaceholder: "Yuki.T_duplicate@acme.com"})
	if !strings.Contains(park.Title, "Yuki.T_duplicate@acme.com") || !strings.Contains(park.Title, "Jane Roe") {
		t.Errorf("park title %q", park.Title)
	}
	wantParams(t, step(t, d.Plan, steps.StepProvisionUser), map[string]string{
		steps.ParamAccountID: "712020:yuki", steps.ParamEmail: "yuki.tanaka@acme.com", steps.ParamTarget: "yuki.t@acme.com",
		steps.ParamExternalID: "obj-yuki", steps.ParamDirectoryID: "d-entra", steps.ParamScimUserID: "s-yuki", steps.ParamIdp: string(steps.IdpEntra),
	})
	if s := step(t, d.Plan, steps.StepProvisionUser); !strings.Contains(s.Title, "Microsoft Entra ID") {
		t.Errorf("provision title %q does not name the IdP", s.Title)
	}
	wantParams(t, step(t, d.Plan, steps.StepVerifyUser), map[string]string{
		steps.ParamAccountID: "712020:yuki", steps.ParamTarget: "yuki.t@acme.com", steps.ParamDirectoryID: "d-entra", steps.ParamExternalID: "obj-yuki",
	})
}

// A different current person is asked of the IdP, never changed.
func TestPlanHolderOtherPersonParams(t *testing.T) {
	d := diagnosed(baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com",
		linked("d-entra", "s-jane", "obj-jane", "yuki.t@acme.com", "yuki.t@acme.com", "Jane Roe")), "yuki.t@acme.com"))
	wantParams(t, step(t, d.Plan, steps.StepProvisionHolder), map[string]string{
		steps.ParamAccountID: "712020:jane", steps.ParamTarget: "yuki.t@acme.com", steps.ParamExternalID: "obj-jane",
		steps.ParamDirectoryID: "d-entra", steps.ParamIdp: string(steps.IdpEntra)})
	h := step(t, d.Plan, steps.StepHandoffSharedAddress)
	wantParams(t, h, map[string]string{steps.ParamAccountID: "712020:jane", steps.ParamTarget: "yuki.t@acme.com"})
	if !strings.Contains(h.Detail, "same address") {
		t.Errorf("hand-off detail %q", h.Detail)
	}
	for _, s := range d.Plan {
		if s.Destructive || (s.Kind == steps.KindAPI && s.Params.AccountID == "712020:jane") {
			t.Errorf("%s changes the holder: %+v", s.ID, s)
		}
	}
}

func TestPlanOtherOrgGuidance(t *testing.T) {
	d := diagnosed(baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com", forbiddenAcct), "yuki.t@acme.com"))
	s := step(t, d.Plan, steps.StepHandoffHolderOtherOrg)
	wantParams(t, s, map[string]string{steps.ParamAccountID: "712020:jane", steps.ParamDomain: "acme.com", steps.ParamTarget: "yuki.t@acme.com"})
	if !strings.Contains(s.Detail, "rename") || !strings.Contains(s.Detail, "release") {
		t.Errorf("guidance detail %q", s.Detail)
	}
}

func TestPlanDuplicateParams(t *testing.T) {
	h := newAcct("712020:dup", "Yuki Tanaka", "yuki.t@acme.com",
		linked("d-entra", "s-new", "obj-yuki", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki Tanaka"))
	h.Scim[0].User.Groups = []client.ScimMember{{Value: "sg-1", Display: "eng-all"}, {Value: "sg-2", Display: "tokyo"}}
	d := diagnosed(baseFacts(yuki(deactivated), h, "yuki.t@acme.com"))
	if d.Verdict != steps.VerdictDuplicateAccount {
		t.Fatalf("verdict %s", d.Verdict)
	}
	person := map[string]string{steps.ParamAccountID: "712020:yuki", steps.ParamExternalID: "obj-yuki", steps.ParamDirectoryID: "d-entra",
		steps.ParamIdp: string(steps.IdpEntra), steps.ParamGroups: "eng-all,tokyo"}
	wantParams(t, step(t, d.Plan, steps.StepIdpRemoveGroups), person)
	wantParams(t, step(t, d.Plan, steps.StepIdpAddGroups), person)
	wantParams(t, step(t, d.Plan, steps.StepRecordMemberships), map[string]string{
		steps.ParamAccountID: "712020:yuki", steps.ParamDuplicateAccountID: "712020:dup", steps.ParamDuplicateEmail: "yuki.t@acme.com",
		steps.ParamDirectoryID: "d-entra", steps.ParamScimUserID: "s-new", steps.ParamExternalID: "obj-yuki",
	})
	wantParams(t, step(t, d.Plan, steps.StepUnlinkDuplicate), map[string]string{steps.ParamAccountID: "712020:dup", steps.ParamEmail: "yuki.t@acme.com"})
	wantParams(t, step(t, d.Plan, steps.StepParkDuplicate), map[string]string{steps.ParamAccountID: "712020:dup", steps.ParamPlaceholder: "yuki.t_duplicate@acme.com"})
	wantParams(t, step(t, d.Plan, steps.StepSetOldEmail), map[string]string{steps.ParamAccountID: "712020:yuki", steps.ParamEmail: "yuki.tanaka@acme.com", steps.ParamTarget: "yuki.t@acme.com"})
	prov := step(t, d.Plan, steps.StepProvisionUser)
	wantParams(t, prov, map[string]string{steps.ParamAccountID: "712020:yuki", steps.ParamExternalID: "obj-yuki", steps.ParamDirectoryID: "d-entra", steps.ParamIdp: string(steps.IdpEntra)})
	if prov.Params.ScimUserID != "" {
		t.Errorf("duplicate provision step names the SCIM user that unlink-duplicate deletes: %v", prov.Params)
	}
	wantParams(t, step(t, d.Plan, steps.StepRestoreMemberships), map[string]string{steps.ParamAccountID: "712020:yuki", steps.ParamDuplicateAccountID: "712020:dup"})
}

func TestPlanTwoDirectories(t *testing.T) {
	u := yuki(linked("d-okta", "s-old", "ext-1", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka"))
	h := newAcct("712020:dup", "Yuki T", "yuki.t@acme.com", linked("d-entra", "s-new", "ext-1", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki T"))
	d := diagnosed(baseFacts(u, h, "yuki.t@acme.com"))
	prov := step(t, d.Plan, steps.StepProvisionUser)
	wantParams(t, prov, map[string]string{steps.ParamDirectoryID: "d-entra", steps.ParamIdp: string(steps.IdpEntra), steps.ParamOtherDirectoryIDs: "d-okta"})
	if !strings.Contains(prov.Detail, "d-okta") {
		t.Errorf("provision detail does not mention the other directory: %q", prov.Detail)
	}
	wantParams(t, step(t, d.Plan, steps.StepUnlinkOld), map[string]string{steps.ParamAccountID: "712020:yuki"})
}

func TestPlanOtherVerdictParams(t *testing.T) {
	f := baseFacts(yuki(yukiEntra), nil, "yuki@newco.com")
	f.Domains = append(f.Domains, client.Domain{Name: "newco.com", ClaimStatus: "unverified"})
	s := step(t, diagnosed(f).Plan, steps.StepClaimDomain)
	wantParams(t, s, map[string]string{steps.ParamDomain: "newco.com", steps.ParamTarget: "yuki@newco.com"})
	if s.Kind != steps.KindConsole || !strings.Contains(s.Detail, "Settings > Domains") {
		t.Errorf("claim-domain for a listed domain: %+v", s)
	}
	for _, c := range []struct{ target, reason, meant string }{
		{"yuki@acme.co", "lookalike", "acme.com"}, {"yuki@newco.com", "unlisted", ""},
	} {
		h := step(t, diagnosed(baseFacts(yuki(yukiEntra), nil, c.target)).Plan, steps.StepHandoffTargetDomain)
		if h.Params.Reason != c.reason || h.Params.Meant != c.meant {
			t.Errorf("%s: hand-off params %+v, want reason %s meant %q", c.target, h.Params, c.reason, c.meant)
		}
	}

	f = baseFacts(newAcct("a1", "Bo Li", "bo@acme-old.com"), nil, "bo@acme.com")
	f.Domains = append(f.Domains, client.Domain{Name: "acme-old.com", ClaimStatus: "unverified"})
	d := diagnosed(f)
	if got := steps.IDs(d.Plan); !slices.Equal(got, []steps.StepID{steps.StepClaimDomain, steps.StepClaimAccount, steps.StepSetEmailFirst, steps.StepProvisionUser, steps.StepVerifyUser}) {
		t.Errorf("plan for an account on a listed, unverified domain: %v", got)
	}
	wantParams(t, step(t, d.Plan, steps.StepClaimDomain), map[string]string{steps.ParamDomain: "acme-old.com"})
	claim := step(t, d.Plan, steps.StepClaimAccount)
	wantParams(t, claim, map[string]string{
		steps.ParamAccountID: "a1", steps.ParamEmail: "bo@acme-old.com", steps.ParamDomain: "acme-old.com",
	})
	if claim.Params.DomainVerified {
		t.Errorf("claim-account says acme-old.com is verified: %+v", claim.Params)
	}

	d = diagnosed(baseFacts(yuki(emailSet(client.ReasonGoogle)), nil, "yuki.t@acme.com"))
	wantParams(t, step(t, d.Plan, steps.StepGooglePrimaryEmail), map[string]string{
		steps.ParamAccountID: "712020:yuki", steps.ParamTarget: "yuki.t@acme.com", steps.ParamIdp: string(steps.IdpGoogle),
	})
}

func TestPlanWarningParams(t *testing.T) {
	for _, tt := range []struct {
		idp        steps.IdpKind
		saml, scim string
	}{
		{steps.IdpEntra, "Unique User Identifier", `mail mapped to emails[type eq "work"].value`},
		{steps.IdpOkta, "username format", "primary email"},
		{steps.IdpOneLogin, "NameID", `emails[type eq "work"].value`},
		{"", "NameID", `emails[type eq "work"].value`},
	} {
		t.Run("idp "+string(tt.idp), func(t *testing.T) {
			f := baseFacts(yuki(linked("d-x", "s-yuki", "obj", "ytanaka@corp.local", "yuki.tanaka@acme.com", "Yuki Tanaka")), nil, "yuki.t@acme.com")
			f.Hints.SamlSso = ptr(true)
			f.Hints.DirectoryIdp = map[string]steps.IdpKind{"d-x": tt.idp}
			f.Hints.SocialLogin = map[string]string{"712020:yuki": "google"}
			d := diagnosed(f)
			s := step(t, d.Plan, steps.StepAlignSamlAttribute)
			if !strings.Contains(s.Params.SamlAttribute, tt.saml) || !strings.Contains(s.Params.ScimAttribute, tt.scim) {
				t.Errorf("attributes %q / %q, want %q / %q", s.Params.SamlAttribute, s.Params.ScimAttribute, tt.saml, tt.scim)
			}
			wantParams(t, s, map[string]string{steps.ParamDirectoryID: "d-x", steps.ParamScimUserName: "ytanaka@corp.local",
				steps.ParamScimEmail: "yuki.tanaka@acme.com", steps.ParamTarget: "yuki.t@acme.com"})
			wantParams(t, step(t, d.Plan, steps.StepSocialLoginNotice), map[string]string{steps.ParamAccountID: "712020:yuki", steps.ParamProvider: "google"})
		})
	}

	// Both the user and the holder sign in socially: one notice names both.
	f := baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com"), "yuki.t@acme.com")
	f.Hints.SocialLogin = map[string]string{"712020:yuki": "google", "712020:jane": "microsoft"}
	d := diagnosed(f)
	wantParams(t, step(t, d.Plan, steps.StepSocialLoginNotice), map[string]string{
		steps.ParamAccountID: "712020:yuki", steps.ParamProvider: "google", steps.ParamHolderAccountID: "712020:jane", steps.ParamHolderProvider: "microsoft",
	})
}

func TestPlanIdpFromPastedError(t *testing.T) {
	// No hint names the directory's IdP: the pasted error's wording does.
	f := baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com"), "yuki.t@acme.com")
	f.Hints.DirectoryIdp = nil
	f.IdpError = &IdpErrorInfo{Target: "yuki.t@acme.com", IdP: steps.IdpOkta}
	d := diagnosed(f)
	wantParams(t, step(t, d.Plan, steps.StepProvisionUser), map[string]string{steps.ParamIdp: string(steps.IdpOkta)})

	f.IdpError = nil
	d = diagnosed(f)
	if k := step(t, d.Plan, steps.StepProvisionUser).Params.Idp; k != "" {
		t.Errorf("idp = %q with nothing saying which IdP, want it absent", k)
	}
}

func TestPlanIdsStableAndUnique(t *testing.T) {
	h := newAcct("712020:dup", "Yuki Tanaka", "yuki.t@acme.com", linked("d-entra", "s-new", "o", "x@acme.onmicrosoft.com", "yuki.t@acme.com", "Yuki Tanaka"))
	f := baseFacts(yuki(), h, "yuki.t@acme.com")
	f.Hints.SamlSso = ptr(true)
	f.Hints.SocialLogin = map[string]string{"712020:yuki": "google", "712020:dup": "google"}
	a, b := diagnosed(f), diagnosed(f)
	seen := map[steps.StepID]bool{}
	for i, s := range a.Plan {
		if seen[s.ID] {
			t.Errorf("step id %s repeats", s.ID)
		}
		seen[s.ID] = true
		if s.ID != b.Plan[i].ID || s.Title != b.Plan[i].Title || s.Params != b.Plan[i].Params {
			t.Errorf("plan differs between runs at %d: %+v vs %+v", i, s, b.Plan[i])
		}
	}
}

func TestPlaceholderEmail(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"jane@acme.com", 1, "jane_duplicate@acme.com"},
		{"jane@acme.com", 2, "jane_duplicate2@acme.com"},
		{"Jane.Roe+x@Sub.Acme.com", 3, "Jane.Roe+x_duplicate3@Sub.Acme.com"},
	} {
		if got := address.Placeholder(tt.in, tt.n); got != tt.want {
			t.Errorf("PlaceholderEmail(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if err := address.Valid(address.Placeholder(tt.in, tt.n)); err != nil {
			t.Errorf("placeholder is not a valid address: %v", err)
		}
	}
}
