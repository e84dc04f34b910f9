package steps

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/client"
)

// diagnosed classifies hand-built facts and plans them, as Diagnose does.
func diagnosed(f *OrgFacts) *Diagnosis {
	d := &Diagnosis{Target: f.Target, Facts: *f}
	d.Verdict, d.Findings = Classify(f)
	d.Plan = PlanFor(d)
	return d
}

func stepIDs(plan []PlanStep) []string {
	out := make([]string, 0, len(plan))
	for _, s := range plan {
		out = append(out, s.ID)
	}
	return out
}

func step(t *testing.T, plan []PlanStep, id string) PlanStep {
	t.Helper()
	for _, s := range plan {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no step %s in %v", id, stepIDs(plan))
	return PlanStep{}
}

// wantParams checks that p holds every key of want with its value.
func wantParams(t *testing.T, s PlanStep, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got, ok := s.Params[k]; !ok || got != v {
			t.Errorf("%s: params[%s] = %q (present %v), want %q; params %v", s.ID, k, got, ok, v, s.Params)
		}
	}
	for k, v := range s.Params {
		if v == "" {
			t.Errorf("%s: params[%s] is empty: absent is how unknown is said", s.ID, k)
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
		ids   []string
	}{
		{"not found", func() *OrgFacts { return baseFacts(nil, nil, "x@acme.com") }, []string{}},
		{
			"email taken, holder locked",
			func() *OrgFacts {
				return baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com",
					linked("d-entra", "s-jane", "obj-jane", "yuki.t@acme.com", "yuki.t@acme.com", "Jane Roe")), "yuki.t@acme.com")
			},
			[]string{StepCheckHolder, StepRecordHolderMemberships, StepUnlinkHolder, StepParkHolder, StepProvisionUser, StepVerifyUser},
		},
		{
			"email taken, holder not provisioned",
			func() *OrgFacts { return baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com"), "yuki.t@acme.com") },
			[]string{StepCheckHolder, StepParkHolder, StepProvisionUser, StepVerifyUser},
		},
		{
			"email taken, holder in another org",
			func() *OrgFacts {
				return baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com", unmanagedAcct, products("confluence")), "yuki.t@acme.com")
			},
			[]string{StepGuidanceOtherOrg},
		},
		{
			"duplicate, old account unlinked",
			func() *OrgFacts {
				h := newAcct("712020:dup", "Yuki Tanaka", "yuki.t@acme.com",
					linked("d-entra", "s-new", "obj-yuki", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki Tanaka"))
				return baseFacts(yuki(), h, "yuki.t@acme.com")
			},
			[]string{StepRecordMemberships, StepIdpRemoveGroups, StepUnlinkDuplicate, StepParkDuplicate,
				StepSetOldEmail, StepIdpAddGroups, StepProvisionUser, StepVerifyUser, StepRestoreMemberships},
		},
		{
			"duplicate, old account still linked in a second directory",
			func() *OrgFacts {
				u := yuki(linked("d-okta", "s-old", "ext-1", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka"))
				h := newAcct("712020:dup", "Yuki T", "yuki.t@acme.com",
					linked("d-entra", "s-new", "ext-1", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki T"))
				return baseFacts(u, h, "yuki.t@acme.com")
			},
			[]string{StepRecordMemberships, StepIdpRemoveGroups, StepUnlinkDuplicate, StepParkDuplicate, StepUnlinkOld,
				StepSetOldEmail, StepIdpAddGroups, StepProvisionUser, StepVerifyUser, StepRestoreMemberships},
		},
		{
			"target domain unclaimed",
			func() *OrgFacts { return baseFacts(yuki(yukiEntra), nil, "yuki@newco.com") },
			[]string{StepClaimDomain, StepProvisionUser, StepVerifyUser},
		},
		{
			"account unmanaged",
			func() *OrgFacts { return baseFacts(yuki(unmanagedAcct), nil, "yuki.t@acme.com") },
			[]string{StepClaimAccount, StepProvisionUser, StepVerifyUser},
		},
		{
			"idp owned",
			func() *OrgFacts { return baseFacts(yuki(emailSet(client.ReasonGoogle)), nil, "yuki.t@acme.com") },
			[]string{StepGooglePrimaryEmail, StepVerifyUser},
		},
		{
			"no blocker",
			func() *OrgFacts { return baseFacts(yuki(yukiEntra), nil, "yuki.t@acme.com") },
			[]string{StepProvisionUser, StepVerifyUser},
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
			[]string{StepCheckHolder, StepParkHolder, StepSocialLoginNotice, StepAlignSamlAttribute, StepProvisionUser, StepVerifyUser},
		},
		{
			"warnings in an idp-owned plan go before the Google change",
			func() *OrgFacts {
				f := baseFacts(yuki(emailSet(client.ReasonGoogle)), nil, "yuki.t@acme.com")
				f.Hints.SocialLogin = map[string]string{"712020:yuki": "microsoft"}
				return f
			},
			[]string{StepSocialLoginNotice, StepGooglePrimaryEmail, StepVerifyUser},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diagnosed(tt.facts())
			if got := stepIDs(d.Plan); !slices.Equal(got, tt.ids) {
				t.Fatalf("plan = %v, want %v (verdict %s)", got, tt.ids, d.Verdict)
			}
			if d.Plan == nil {
				t.Fatal("plan is nil, want []")
			}
			for _, s := range d.Plan {
				if s.Title == "" || strings.HasSuffix(s.Title, ".") || strings.Contains(s.Title, "\n") {
					t.Errorf("%s: title %q is not a short imperative line", s.ID, s.Title)
				}
				if len(s.Params) == 0 {
					t.Errorf("%s: no params", s.ID)
				}
				wantDestructive := map[string]bool{StepUnlinkHolder: true, StepParkHolder: true, StepUnlinkDuplicate: true,
					StepParkDuplicate: true, StepUnlinkOld: true, StepSetOldEmail: true}[s.ID]
				if s.Destructive != wantDestructive {
					t.Errorf("%s: destructive = %v, want %v", s.ID, s.Destructive, wantDestructive)
				}
				wantKind := map[string]Kind{
					StepUnlinkHolder: KindAPI, StepParkHolder: KindAPI, StepUnlinkDuplicate: KindAPI, StepParkDuplicate: KindAPI,
					StepUnlinkOld: KindAPI, StepSetOldEmail: KindAPI, StepRestoreMemberships: KindAPI,
					StepProvisionUser: KindIdP, StepIdpRemoveGroups: KindIdP, StepIdpAddGroups: KindIdP,
					StepGooglePrimaryEmail: KindIdP, StepAlignSamlAttribute: KindIdP,
				}[s.ID]
				if wantKind == "" {
					wantKind = KindCheck
				}
				if s.Kind != wantKind {
					t.Errorf("%s: kind = %s, want %s", s.ID, s.Kind, wantKind)
				}
			}
		})
	}
}

func TestPlanEmailTakenParams(t *testing.T) {
	f := baseFacts(yuki(yukiEntra), jane("Yuki.T@acme.com",
		linked("d-entra", "s-jane", "obj-jane", "yuki.t@acme.com", "yuki.t@acme.com", "Jane Roe")), "yuki.t@acme.com")
	d := diagnosed(f)
	holder := map[string]string{ParamAccountID: "712020:jane", ParamEmail: "Yuki.T@acme.com", ParamName: "Jane Roe"}
	wantParams(t, step(t, d.Plan, StepCheckHolder), holder)
	wantParams(t, step(t, d.Plan, StepUnlinkHolder), holder)
	wantParams(t, step(t, d.Plan, StepRecordHolderMemberships), map[string]string{ParamAccountID: "712020:jane", ParamDirectoryID: "d-entra", ParamScimUserID: "s-jane"})
	park := step(t, d.Plan, StepParkHolder)
	wantParams(t, park, map[string]string{ParamAccountID: "712020:jane", ParamPlaceholder: "Yuki.T_duplicate@acme.com"})
	if !strings.Contains(park.Title, "Yuki.T_duplicate@acme.com") || !strings.Contains(park.Title, "Jane Roe") {
		t.Errorf("park title %q", park.Title)
	}
	wantParams(t, step(t, d.Plan, StepProvisionUser), map[string]string{
		ParamAccountID: "712020:yuki", ParamEmail: "yuki.tanaka@acme.com", ParamTarget: "yuki.t@acme.com",
		ParamExternalID: "obj-yuki", ParamDirectoryID: "d-entra", ParamScimUserID: "s-yuki", ParamIdp: IdpEntra,
	})
	if s := step(t, d.Plan, StepProvisionUser); !strings.Contains(s.Title, "Microsoft Entra ID") {
		t.Errorf("provision title %q does not name the IdP", s.Title)
	}
	wantParams(t, step(t, d.Plan, StepVerifyUser), map[string]string{
		ParamAccountID: "712020:yuki", ParamTarget: "yuki.t@acme.com", ParamDirectoryID: "d-entra", ParamExternalID: "obj-yuki",
	})
}

func TestPlanOtherOrgGuidance(t *testing.T) {
	d := diagnosed(baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com", forbiddenAcct), "yuki.t@acme.com"))
	s := step(t, d.Plan, StepGuidanceOtherOrg)
	wantParams(t, s, map[string]string{ParamAccountID: "712020:jane", ParamDomain: "acme.com", ParamTarget: "yuki.t@acme.com"})
	if !strings.Contains(s.Detail, "rename") || !strings.Contains(s.Detail, "release") {
		t.Errorf("guidance detail %q", s.Detail)
	}
}

func TestPlanDuplicateParams(t *testing.T) {
	h := newAcct("712020:dup", "Yuki Tanaka", "yuki.t@acme.com",
		linked("d-entra", "s-new", "obj-yuki", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki Tanaka"))
	h.Scim[0].User.Groups = []client.ScimMember{{Value: "sg-1", Display: "eng-all"}, {Value: "sg-2", Display: "tokyo"}}
	d := diagnosed(baseFacts(yuki(deactivated), h, "yuki.t@acme.com"))
	if d.Verdict != VerdictDuplicateAccount {
		t.Fatalf("verdict %s", d.Verdict)
	}
	person := map[string]string{ParamAccountID: "712020:yuki", ParamExternalID: "obj-yuki", ParamDirectoryID: "d-entra",
		ParamIdp: IdpEntra, ParamGroups: "eng-all,tokyo"}
	wantParams(t, step(t, d.Plan, StepIdpRemoveGroups), person)
	wantParams(t, step(t, d.Plan, StepIdpAddGroups), person)
	wantParams(t, step(t, d.Plan, StepRecordMemberships), map[string]string{
		ParamAccountID: "712020:yuki", ParamDuplicateAccountID: "712020:dup", ParamDuplicateEmail: "yuki.t@acme.com",
		ParamDirectoryID: "d-entra", ParamScimUserID: "s-new", ParamExternalID: "obj-yuki",
	})
	wantParams(t, step(t, d.Plan, StepUnlinkDuplicate), map[string]string{ParamAccountID: "712020:dup", ParamEmail: "yuki.t@acme.com"})
	wantParams(t, step(t, d.Plan, StepParkDuplicate), map[string]string{ParamAccountID: "712020:dup", ParamPlaceholder: "yuki.t_duplicate@acme.com"})
	wantParams(t, step(t, d.Plan, StepSetOldEmail), map[string]string{ParamAccountID: "712020:yuki", ParamEmail: "yuki.tanaka@acme.com", ParamTarget: "yuki.t@acme.com"})
	prov := step(t, d.Plan, StepProvisionUser)
	wantParams(t, prov, map[string]string{ParamAccountID: "712020:yuki", ParamExternalID: "obj-yuki", ParamDirectoryID: "d-entra", ParamIdp: IdpEntra})
	if _, ok := prov.Params[ParamScimUserID]; ok {
		t.Errorf("duplicate provision step names the SCIM user that unlink-duplicate deletes: %v", prov.Params)
	}
	wantParams(t, step(t, d.Plan, StepRestoreMemberships), map[string]string{ParamAccountID: "712020:yuki", ParamDuplicateAccountID: "712020:dup"})
}

func TestPlanTwoDirectories(t *testing.T) {
	u := yuki(linked("d-okta", "s-old", "ext-1", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka"))
	h := newAcct("712020:dup", "Yuki T", "yuki.t@acme.com", linked("d-entra", "s-new", "ext-1", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki T"))
	d := diagnosed(baseFacts(u, h, "yuki.t@acme.com"))
	prov := step(t, d.Plan, StepProvisionUser)
	wantParams(t, prov, map[string]string{ParamDirectoryID: "d-entra", ParamIdp: IdpEntra, ParamOtherDirectoryIDs: "d-okta"})
	if !strings.Contains(prov.Detail, "d-okta") {
		t.Errorf("provision detail does not mention the other directory: %q", prov.Detail)
	}
	wantParams(t, step(t, d.Plan, StepUnlinkOld), map[string]string{ParamAccountID: "712020:yuki"})
}

func TestPlanOtherVerdictParams(t *testing.T) {
	d := diagnosed(baseFacts(yuki(yukiEntra), nil, "yuki@newco.com"))
	s := step(t, d.Plan, StepClaimDomain)
	wantParams(t, s, map[string]string{ParamDomain: "newco.com", ParamTarget: "yuki@newco.com"})
	if !strings.Contains(s.Detail, "another org") {
		t.Errorf("claim-domain detail for an unlisted domain: %q", s.Detail)
	}

	d = diagnosed(baseFacts(newAcct("a1", "Bo Li", "bo@acme-old.com"), nil, "bo@acme.com"))
	wantParams(t, step(t, d.Plan, StepClaimAccount), map[string]string{
		ParamAccountID: "a1", ParamEmail: "bo@acme-old.com", ParamDomain: "acme-old.com", ParamDomainVerified: "false",
	})

	d = diagnosed(baseFacts(yuki(emailSet(client.ReasonGoogle)), nil, "yuki.t@acme.com"))
	wantParams(t, step(t, d.Plan, StepGooglePrimaryEmail), map[string]string{
		ParamAccountID: "712020:yuki", ParamTarget: "yuki.t@acme.com", ParamIdp: IdpGoogle,
	})
}

func TestPlanWarningParams(t *testing.T) {
	for _, tt := range []struct {
		idp, saml, scim string
	}{
		{IdpEntra, "Unique User Identifier", `mail mapped to emails[type eq "work"].value`},
		{IdpOkta, "username format", "primary email"},
		{IdpOneLogin, "NameID", `emails[type eq "work"].value`},
		{"", "NameID", `emails[type eq "work"].value`},
	} {
		t.Run("idp "+tt.idp, func(t *testing.T) {
			f := baseFacts(yuki(linked("d-x", "s-yuki", "obj", "ytanaka@corp.local", "yuki.tanaka@acme.com", "Yuki Tanaka")), nil, "yuki.t@acme.com")
			f.Hints.SamlSso = ptr(true)
			f.Hints.DirectoryIdp = map[string]string{"d-x": tt.idp}
			f.Hints.SocialLogin = map[string]string{"712020:yuki": "google"}
			d := diagnosed(f)
			s := step(t, d.Plan, StepAlignSamlAttribute)
			if !strings.Contains(s.Params[ParamSamlAttribute], tt.saml) || !strings.Contains(s.Params[ParamScimAttribute], tt.scim) {
				t.Errorf("attributes %q / %q, want %q / %q", s.Params[ParamSamlAttribute], s.Params[ParamScimAttribute], tt.saml, tt.scim)
			}
			wantParams(t, s, map[string]string{ParamDirectoryID: "d-x", ParamScimUserName: "ytanaka@corp.local",
				ParamScimEmail: "yuki.tanaka@acme.com", ParamTarget: "yuki.t@acme.com"})
			wantParams(t, step(t, d.Plan, StepSocialLoginNotice), map[string]string{ParamAccountID: "712020:yuki", ParamProvider: "google"})
		})
	}

	// Both the user and the holder sign in socially: one notice names both.
	f := baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com"), "yuki.t@acme.com")
	f.Hints.SocialLogin = map[string]string{"712020:yuki": "google", "712020:jane": "microsoft"}
	d := diagnosed(f)
	wantParams(t, step(t, d.Plan, StepSocialLoginNotice), map[string]string{
		ParamAccountID: "712020:yuki", ParamProvider: "google", ParamHolderAccountID: "712020:jane", ParamHolderProvider: "microsoft",
	})
}

func TestPlanIdpFromPastedError(t *testing.T) {
	// No hint names the directory's IdP: the pasted error's wording does.
	f := baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com"), "yuki.t@acme.com")
	f.Hints.DirectoryIdp = nil
	f.IdpError = &IdpErrorInfo{Target: "yuki.t@acme.com", IdP: IdpOkta}
	d := diagnosed(f)
	wantParams(t, step(t, d.Plan, StepProvisionUser), map[string]string{ParamIdp: IdpOkta})

	f.IdpError = nil
	d = diagnosed(f)
	if k, ok := step(t, d.Plan, StepProvisionUser).Params[ParamIdp]; ok {
		t.Errorf("idp = %q with nothing saying which IdP, want it absent", k)
	}
}

func TestPlanIdsStableAndUnique(t *testing.T) {
	h := newAcct("712020:dup", "Yuki Tanaka", "yuki.t@acme.com", linked("d-entra", "s-new", "o", "x@acme.onmicrosoft.com", "yuki.t@acme.com", "Yuki Tanaka"))
	f := baseFacts(yuki(), h, "yuki.t@acme.com")
	f.Hints.SamlSso = ptr(true)
	f.Hints.SocialLogin = map[string]string{"712020:yuki": "google", "712020:dup": "google"}
	a, b := diagnosed(f), diagnosed(f)
	seen := map[string]bool{}
	for i, s := range a.Plan {
		if seen[s.ID] {
			t.Errorf("step id %s repeats", s.ID)
		}
		seen[s.ID] = true
		if s.ID != b.Plan[i].ID || s.Title != b.Plan[i].Title || !maps.Equal(s.Params, b.Plan[i].Params) {
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
		if got := PlaceholderEmail(tt.in, tt.n); got != tt.want {
			t.Errorf("PlaceholderEmail(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if err := ValidEmail(PlaceholderEmail(tt.in, tt.n)); err != nil {
			t.Errorf("placeholder is not a valid address: %v", err)
		}
	}
}
