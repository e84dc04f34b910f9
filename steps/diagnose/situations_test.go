package diagnose

import (
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"

	"github.com/syncdoctor/syncdoctor/client"
)

// The situations beyond the two source articles (contract §2): each
// verdict and finding, and the plan it gets, on hand-built facts.

func withTargetRecords(f *OrgFacts, recs ...ScimRecord) *OrgFacts {
	f.TargetRecords = recs
	f.TargetRecordsEv = []int{9}
	return f
}

func pendingDeletion(a *AccountFacts) { a.AccountStatus, a.Status = "inactive", "for_deletion" }

// samlJIT makes the facts an org with SAML SSO and no directory; loggedIn
// are the accounts that logged in through SAML (nil: unknown).
func samlJIT(f *OrgFacts, loggedIn map[string]bool) *OrgFacts {
	f.Hints.SamlSso = ptr(true)
	f.Directories, f.ScimDirectories = []client.Directory{}, nil
	f.Hints.SamlLoggedIn = loggedIn
	return f
}

func withDomain(f *OrgFacts, name, status string) *OrgFacts {
	f.Domains = append(f.Domains, client.Domain{Name: name, ClaimStatus: status})
	return f
}

func TestSituations(t *testing.T) {
	entraYuki := linked("d-entra", "s-yuki", "obj-yuki", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka")
	stale := scimRec("d-entra", "s-stale", "", "obj-old", "yuki.t@acme.com", "yuki.t@acme.com", "Old Hire")
	unlinkedYuki := scimRec("d-entra", "s-yuki", "", "obj-yuki", "yuki@acme-labs.com", "yuki@acme-labs.com", "yuki  TANAKA")
	tests := []struct {
		name     string
		facts    func() *OrgFacts
		verdict  steps.Verdict
		findings []steps.FindingCode
		plan     []steps.StepID
	}{
		{
			name:     "a stale record, linked to no account, holds the target",
			facts:    func() *OrgFacts { return withTargetRecords(baseFacts(yuki(entraYuki), nil, "yuki.t@acme.com"), stale) },
			verdict:  steps.VerdictScimRecordConflict,
			findings: []steps.FindingCode{steps.VerdictScimRecordConflict.Code()},
			plan:     []steps.StepID{steps.StepRecordStaleRecord, steps.StepDeleteStaleRecord, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			name: "a stale record linked to another account carries the target as its userName: unlinked before it goes",
			facts: func() *OrgFacts {
				r := scimRec("d-entra", "s-old", "712020:old", "obj-old", "yuki.t@acme.com", "old.hire@acme.com", "Old Hire")
				return withTargetRecords(baseFacts(yuki(entraYuki), nil, "yuki.t@acme.com"), r)
			},
			verdict:  steps.VerdictScimRecordConflict,
			findings: []steps.FindingCode{steps.VerdictScimRecordConflict.Code()},
			plan:     []steps.StepID{steps.StepRecordStaleRecord, steps.StepUnlinkStaleRecord, steps.StepDeleteStaleRecord, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			name: "a record in a directory that does not write the user is no conflict",
			facts: func() *OrgFacts {
				r := scimRec("d-okta", "s-stale", "", "obj-old", "yuki.t@acme.com", "yuki.t@acme.com", "Old Hire")
				return withTargetRecords(baseFacts(yuki(entraYuki), nil, "yuki.t@acme.com"), r)
			},
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code()},
			plan:     []steps.StepID{steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			name: "the user's own record carrying the target is no conflict",
			facts: func() *OrgFacts {
				r := scimRec("d-entra", "s-yuki", "712020:yuki", "obj-yuki", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki Tanaka")
				return withTargetRecords(baseFacts(yuki(entraYuki), nil, "yuki.t@acme.com"), r)
			},
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code()},
			plan:     []steps.StepID{steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			name: "an unmanaged holder on a verified domain is claimed, then parked",
			facts: func() *OrgFacts {
				return baseFacts(yuki(entraYuki), jane("yuki.t@acme.com", unmanagedAcct), "yuki.t@acme.com")
			},
			verdict:  steps.VerdictEmailTaken,
			findings: []steps.FindingCode{steps.VerdictEmailTaken.Code(), steps.FindingHolderClaimable},
			plan:     []steps.StepID{steps.StepCheckHolder, steps.StepClaimHolder, steps.StepParkHolder, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			name: "a holder pending deletion: cancelled, parked, deleted again",
			facts: func() *OrgFacts {
				return baseFacts(yuki(entraYuki), jane("yuki.t@acme.com", pendingDeletion), "yuki.t@acme.com")
			},
			verdict:  steps.VerdictEmailTaken,
			findings: []steps.FindingCode{steps.VerdictEmailTaken.Code(), steps.FindingHolderPendingDeletion, steps.FindingHolderInactive},
			plan: []steps.StepID{steps.StepCheckHolder, steps.StepCancelHolderDeletion, steps.StepParkHolder, steps.StepDeleteHolder,
				steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			name: "SAML JIT, the user logs in by SAML: the email set here and the SAML attribute beside it",
			facts: func() *OrgFacts {
				return samlJIT(baseFacts(yuki(), nil, "yuki.t@acme.com"), map[string]bool{"712020:yuki": true})
			},
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code(), steps.FindingSamlJitRevert, steps.FindingScimRecordMissing},
			plan:     []steps.StepID{steps.StepSetEmail, steps.StepIdpSamlAttribute, steps.StepVerifyEmail},
		},
		{
			name:     "SAML JIT, the user never logged in by SAML: the email set here alone",
			facts:    func() *OrgFacts { return samlJIT(baseFacts(yuki(), nil, "yuki.t@acme.com"), map[string]bool{}) },
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code(), steps.FindingScimRecordMissing},
			plan:     []steps.StepID{steps.StepSetEmail, steps.StepVerifyEmail},
		},
		{
			name:     "SAML JIT, logins unknown (a live org): warned",
			facts:    func() *OrgFacts { return samlJIT(baseFacts(yuki(), nil, "yuki.t@acme.com"), nil) },
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code(), steps.FindingSamlJitRevert, steps.FindingScimRecordMissing},
			plan:     []steps.StepID{steps.StepSetEmail, steps.StepIdpSamlAttribute, steps.StepVerifyEmail},
		},
		{
			name: "unlinked by a push to an unverified domain: verified, then relinked",
			facts: func() *OrgFacts {
				f := withDomain(baseFacts(yuki(), nil, "yuki@acme-labs.com"), "acme-labs.com", "unverified")
				return withTargetRecords(f, unlinkedYuki)
			},
			verdict:  steps.VerdictTargetDomainUnclaimed,
			findings: []steps.FindingCode{steps.VerdictTargetDomainUnclaimed.Code(), steps.FindingScimUnlinked, steps.FindingScimRecordMissing},
			plan: []steps.StepID{steps.StepClaimDomain, steps.StepRecordMemberships, steps.StepSetEmailFirst, steps.StepIdpReassignUser,
				steps.StepVerifyUser, steps.StepRestoreMemberships},
		},
		{
			name: "unlinked by a push to an unlisted domain: handed off",
			facts: func() *OrgFacts {
				r := scimRec("d-entra", "s-yuki", "", "obj-yuki", "yuki@gmail.com", "yuki@gmail.com", "Yuki Tanaka")
				return withTargetRecords(baseFacts(yuki(), nil, "yuki@gmail.com"), r)
			},
			verdict:  steps.VerdictTargetDomainUnclaimed,
			findings: []steps.FindingCode{steps.VerdictTargetDomainUnclaimed.Code(), steps.FindingScimUnlinked, steps.FindingScimRecordMissing},
			plan:     []steps.StepID{steps.StepHandoffTargetDomain},
		},
		{
			name: "unlinked, the IdP's address reverted since: relinked",
			facts: func() *OrgFacts {
				return baseFacts(yuki(ownRecord("d-entra", "s-yuki", "obj-yuki", "Yuki Tanaka")), nil, "yuki.tanaka@acme.com")
			},
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code(), steps.FindingScimUnlinked, steps.FindingTargetEqualsCurrent},
			plan:     []steps.StepID{steps.StepRecordMemberships, steps.StepIdpReassignUser, steps.StepVerifyUser, steps.StepRestoreMemberships},
		},
		{
			name: "deactivated by the IdP: reactivated there, never by the lifecycle API",
			facts: func() *OrgFacts {
				u := yuki(deactivated, entraYuki)
				u.Scim[0].User.Active = ptr(false)
				return baseFacts(u, nil, "yuki.t@acme.com")
			},
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code(), steps.FindingAccountInactive, steps.FindingAccountDeactivatedByIdp},
			plan:     []steps.StepID{steps.StepProvisionUser, steps.StepVerifyUser},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diagnosed(tt.facts())
			if d.Verdict != tt.verdict {
				t.Errorf("verdict = %s, want %s", d.Verdict, tt.verdict)
			}
			if got := codes(d.Findings); !slices.Equal(got, tt.findings) {
				t.Errorf("findings = %v, want %v", got, tt.findings)
			}
			if got := steps.IDs(d.Plan); !slices.Equal(got, tt.plan) {
				t.Errorf("plan = %v, want %v", got, tt.plan)
			}
			for _, s := range d.Plan {
				checkStepShape(t, s)
			}
			for _, fd := range d.Findings {
				if len(fd.Evidence) == 0 && fd.Code != steps.FindingTargetEqualsCurrent && fd.Code != steps.FindingScimRecordMissing {
					t.Errorf("finding %s names no evidence", fd.Code)
				}
			}
		})
	}
}

func TestSituationPlanDetails(t *testing.T) {
	entraYuki := linked("d-entra", "s-yuki", "obj-yuki", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka")

	t.Run("the stale record's steps name it; the destructive ones are marked", func(t *testing.T) {
		r := scimRec("d-entra", "s-old", "712020:old", "obj-old", "yuki.t@acme.com", "old.hire@acme.com", "Old Hire")
		d := diagnosed(withTargetRecords(baseFacts(yuki(entraYuki), nil, "yuki.t@acme.com"), r))
		for _, id := range []steps.StepID{steps.StepRecordStaleRecord, steps.StepUnlinkStaleRecord, steps.StepDeleteStaleRecord} {
			s := step(t, d.Plan, id)
			wantParams(t, s, map[string]string{"directoryId": "d-entra", "scimUserId": "s-old", "email": "yuki.t@acme.com", "accountId": "712020:old"})
			if s.Destructive != (id != steps.StepRecordStaleRecord) {
				t.Errorf("%s destructive = %v", id, s.Destructive)
			}
		}
		if fd := findingFor(d.Findings, steps.VerdictScimRecordConflict.Code()); fd == nil || !strings.Contains(fd.Detail, "s-old") || !slices.Contains(fd.Evidence, 9) {
			t.Errorf("the finding does not name the record and its evidence: %+v", fd)
		}
	})

	t.Run("deactivated by the IdP: provisioning reactivates, verification wants it active", func(t *testing.T) {
		u := yuki(deactivated, entraYuki)
		u.Scim[0].User.Active = ptr(false)
		d := diagnosed(baseFacts(u, nil, "yuki.t@acme.com"))
		for _, id := range []steps.StepID{steps.StepProvisionUser, steps.StepVerifyUser} {
			wantParams(t, step(t, d.Plan, id), map[string]string{"reactivate": "true"})
		}
		if s := step(t, d.Plan, steps.StepProvisionUser); !strings.Contains(s.Detail, "never Atlassian's lifecycle API") {
			t.Errorf("provision-user does not say reactivation is the IdP's: %s", s.Detail)
		}
	})

	t.Run("the SAML attribute is named for the IdP, or for each when it is unknown", func(t *testing.T) {
		f := samlJIT(baseFacts(yuki(), nil, "yuki.t@acme.com"), nil)
		s := step(t, diagnosed(f).Plan, steps.StepIdpSamlAttribute)
		for _, want := range []string{"Microsoft Entra ID", "Okta", "NameID"} {
			if !strings.Contains(s.Params.SamlAttribute, want) {
				t.Errorf("samlAttribute lacks %q: %s", want, s.Params.SamlAttribute)
			}
		}
		f = samlJIT(baseFacts(yuki(), nil, "yuki.t@acme.com"), nil)
		f.IdpError = &IdpErrorInfo{IdP: steps.IdpOkta}
		s = step(t, diagnosed(f).Plan, steps.StepIdpSamlAttribute)
		if !strings.Contains(s.Params.SamlAttribute, "username format") || strings.Contains(s.Params.SamlAttribute, "Entra") {
			t.Errorf("an Okta org's attribute: %s", s.Params.SamlAttribute)
		}
	})

	t.Run("an unlisted domain's hand-off says how to relink after reverting", func(t *testing.T) {
		r := scimRec("d-entra", "s-yuki", "", "obj-yuki", "yuki@gmail.com", "yuki@gmail.com", "Yuki Tanaka")
		d := diagnosed(withTargetRecords(baseFacts(yuki(), nil, "yuki@gmail.com"), r))
		if s := step(t, d.Plan, steps.StepHandoffTargetDomain); !strings.Contains(s.Detail, "back to yuki.tanaka@acme.com") {
			t.Errorf("hand-off: %s", s.Detail)
		}
	})
}
