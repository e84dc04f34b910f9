package fixes

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"
)

// The situations beyond the two articles (contract §2), each diagnosed and
// fixed end to end on the simulator over real HTTP, then checked on the
// exported snapshot with the contract's end-state rule.

// yukiEntra is Yuki's linked SCIM user in d-entra, and the IdP user behind
// it that now carries the target; the SCIM group eng-all syncs g-eng.
const yukiEntra = `"users": [{"id": "s-yuki", "externalId": "obj-yuki", "userName": "yuki.tanaka@acme.com", "displayName": "Yuki Tanaka", "active": true,
        "emails": [{"value": "yuki.tanaka@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:yuki"}%s],
     "groups": [{"id": "sg-eng", "displayName": "eng-all", "members": ["s-yuki"], "orgGroupId": "g-eng"}],
     "idpUsers": [{"externalId": "obj-yuki", "userPrincipalName": "yuki.t@acme.com", "scimEmail": "yuki.t@acme.com", "samlNameId": "yuki.t@acme.com", "groups": ["eng-all"]}]`

// situationOrg is an Entra org with Yuki provisioned, and what each case adds.
func situationOrg(accounts, records string) string {
	return `{
  "org": {"id": "org-sim", "name": "Acme"},
  "domains": [{"name": "acme.com", "status": "verified"}, {"name": "acme-labs.com", "status": "unverified"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com", "productAccess": ["jira-software"], "groups": ["g-eng", "g-local"]}` + accounts + `
  ],
  "groups": [{"id": "g-eng", "name": "eng-all", "externalSynced": true}, {"id": "g-local", "name": "project-phoenix"}],
  "directories": [{"id": "d-entra", "name": "Entra", "idp": "entra",
     ` + strings.Replace(yukiEntra, "%s", records, 1) + `}]
}`
}

func TestFixSituations(t *testing.T) {
	cases := []struct {
		name, snapshot, user, target string
		verdict                      steps.Verdict
		finding                      steps.FindingCode
		plan                         []steps.StepID
		after                        func(t *testing.T, o *fxOrg, before *fixtures.Snapshot, r *journal.RunLog)
	}{
		{
			name: "a stale record holds the target: journaled whole, deleted, provisioned",
			snapshot: situationOrg("", `,
        {"id": "s-stale", "externalId": "obj-gone", "userName": "yuki.t@acme.com", "displayName": "Yuki T (left 2024)", "active": false,
         "emails": [{"value": "yuki.t@acme.com", "type": "work", "primary": true}], "atlassianAccountId": null}`),
			user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com", verdict: steps.VerdictScimRecordConflict,
			plan: []steps.StepID{steps.StepRecordStaleRecord, steps.StepDeleteStaleRecord, steps.StepProvisionUser, steps.StepVerifyUser},
			after: func(t *testing.T, o *fxOrg, before *fixtures.Snapshot, r *journal.RunLog) {
				if fxScimUser(o.state(), "d-entra", "s-stale") != nil {
					t.Error("the stale record is still there")
				}
				kept, ok := r.Facts[factStaleRecord+"d-entra/s-stale"]
				if !ok || !strings.Contains(string(kept), `"obj-gone"`) || !strings.Contains(string(kept), "Yuki T (left 2024)") {
					t.Errorf("the journal does not keep the whole record: %s", kept)
				}
			},
		},
		{
			name: "a stale record linked to a former employee's account: unlinked first, so the account is not deactivated",
			snapshot: situationOrg(`,
    {"accountId": "712020:old", "name": "Old Hire", "email": "old.hire@acme.com", "accountStatus": "inactive"}`, `,
        {"id": "s-old", "externalId": "obj-old", "userName": "yuki.t@acme.com", "displayName": "Old Hire", "active": false,
         "emails": [{"value": "old.hire@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:old"}`),
			user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com", verdict: steps.VerdictScimRecordConflict,
			plan: []steps.StepID{steps.StepRecordStaleRecord, steps.StepUnlinkStaleRecord, steps.StepDeleteStaleRecord, steps.StepProvisionUser, steps.StepVerifyUser},
			after: func(t *testing.T, o *fxOrg, before *fixtures.Snapshot, r *journal.RunLog) {
				old := fxAccount(o.state(), "712020:old")
				if old == nil || old.Email != "old.hire@acme.com" || old.AccountStatus != fixtures.StatusInactive {
					t.Errorf("the former employee's account changed: %+v", old)
				}
			},
		},
		{
			name: "an unmanaged holder on a verified domain: claimed in the console, then parked",
			snapshot: situationOrg(`,
    {"accountId": "712020:free", "name": "Yuki T", "email": "yuki.t@acme.com", "claimStatus": "unmanaged"}`, ""),
			user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com", verdict: steps.VerdictEmailTaken, finding: steps.FindingHolderClaimable,
			plan: []steps.StepID{steps.StepCheckHolder, steps.StepClaimHolder, steps.StepParkHolder, steps.StepProvisionUser, steps.StepVerifyUser},
			after: func(t *testing.T, o *fxOrg, before *fixtures.Snapshot, r *journal.RunLog) {
				if h := fxAccount(o.state(), "712020:free"); h == nil || h.ClaimStatus != fixtures.ClaimManaged {
					t.Errorf("the holder was not claimed: %+v", h)
				}
			},
		},
		{
			name: "a holder pending deletion: cancelled, parked, deleted again",
			snapshot: situationOrg(`,
    {"accountId": "712020:gone", "name": "Yuki T", "email": "yuki.t@acme.com", "accountStatus": "inactive", "status": "for_deletion"}`, ""),
			user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com", verdict: steps.VerdictEmailTaken, finding: steps.FindingHolderPendingDeletion,
			plan: []steps.StepID{steps.StepCheckHolder, steps.StepCancelHolderDeletion, steps.StepParkHolder, steps.StepDeleteHolder,
				steps.StepProvisionUser, steps.StepVerifyUser},
			after: func(t *testing.T, o *fxOrg, before *fixtures.Snapshot, r *journal.RunLog) {
				h := fxAccount(o.state(), "712020:gone")
				if h == nil || h.Status != "for_deletion" || !address.IsPlaceholderOf(h.Email, "yuki.t@acme.com") {
					t.Errorf("the holder is not pending deletion on a placeholder: %+v", h)
				}
			},
		},
		{
			name: "deactivated by the IdP: reactivated there, never through the lifecycle API",
			snapshot: strings.Replace(strings.Replace(situationOrg("", ""), `"productAccess": ["jira-software"], "groups": ["g-eng", "g-local"]}`,
				`"productAccess": ["jira-software"], "groups": ["g-eng", "g-local"], "accountStatus": "inactive"}`, 1),
				`"displayName": "Yuki Tanaka", "active": true`, `"displayName": "Yuki Tanaka", "active": false`, 1),
			user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com", verdict: steps.VerdictNoBlocker, finding: steps.FindingAccountDeactivatedByIdp,
			plan: []steps.StepID{steps.StepProvisionUser, steps.StepVerifyUser},
			after: func(t *testing.T, o *fxOrg, before *fixtures.Snapshot, r *journal.RunLog) {
				if u := fxAccount(o.state(), "712020:yuki"); u == nil || u.AccountStatus != fixtures.StatusActive {
					t.Errorf("the account was not reactivated: %+v", u)
				}
				for _, c := range o.changeLog() {
					if strings.Contains(c, "lifecycle") {
						t.Errorf("the lifecycle API was called: %s", c)
					}
				}
			},
		},
		{
			name:     "unlinked by a push to an unverified domain: the domain verified, the account relinked, its groups back",
			snapshot: unlinkedSnapshot,
			user:     "yuki.tanaka@acme.com", target: "yuki@acme-labs.com", verdict: steps.VerdictTargetDomainUnclaimed, finding: steps.FindingScimUnlinked,
			plan: []steps.StepID{steps.StepClaimDomain, steps.StepRecordMemberships, steps.StepSetEmailFirst, steps.StepIdpReassignUser,
				steps.StepVerifyUser, steps.StepRestoreMemberships},
			after: func(t *testing.T, o *fxOrg, before *fixtures.Snapshot, r *journal.RunLog) {
				u := fxAccount(o.state(), "712020:yuki")
				if u == nil || !slices.Contains(u.Groups, "g-eng") || !slices.Contains(u.Groups, "g-local") {
					t.Errorf("the synced group is not back: %+v", u)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := fxStartJSON(t, tc.snapshot)
			d := o.fxDiagnose(t, diagnose.Request{User: tc.user, Target: tc.target})
			if d.Verdict != tc.verdict || !slices.Equal(steps.IDs(d.Plan), tc.plan) {
				t.Fatalf("verdict %s plan %v; findings %v", d.Verdict, steps.IDs(d.Plan), d.Findings)
			}
			if tc.finding != "" && !slices.ContainsFunc(d.Findings, func(f diagnose.Finding) bool { return f.Code == tc.finding }) {
				t.Errorf("no %s finding in %v", tc.finding, d.Findings)
			}
			before := o.state()
			x, r := runToFixed(t, o, d)
			checkFixed(t, o, x, d, before)
			checkEndState(t, before, o.state(), d, r)
			tc.after(t, o, before, r)
		})
	}
}

// Yuki's account was moved by the IdP to acme-labs.com, which the org lists
// but has not verified: the SCIM user took the address, the account was
// unlinked and lost its synced group.
const unlinkedSnapshot = `{
  "org": {"id": "org-sim", "name": "Acme"},
  "domains": [{"name": "acme.com", "status": "verified"}, {"name": "acme-labs.com", "status": "unverified"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com", "productAccess": ["jira-software"], "groups": ["g-local"]}
  ],
  "groups": [{"id": "g-eng", "name": "eng-all", "externalSynced": true}, {"id": "g-local", "name": "project-phoenix"}],
  "directories": [{"id": "d-entra", "name": "Entra", "idp": "entra",
    "users": [{"id": "s-yuki", "externalId": "obj-yuki", "userName": "yuki@acme-labs.com", "displayName": "Yuki Tanaka", "active": true,
      "emails": [{"value": "yuki@acme-labs.com", "type": "work", "primary": true}], "atlassianAccountId": null}],
    "groups": [{"id": "sg-eng", "displayName": "eng-all", "members": ["s-yuki"], "orgGroupId": "g-eng"}],
    "idpUsers": [{"externalId": "obj-yuki", "userPrincipalName": "yuki@acme-labs.com", "scimEmail": "yuki@acme-labs.com", "samlNameId": "yuki@acme-labs.com", "groups": ["eng-all"]}]}]
}`

// SAML JIT: no directory; Yuki logs in through SAML. The email is set here,
// the SAML attribute step recorded on the operator's word, and the run is
// fixed only by reading the email back.
func TestFixSamlJIT(t *testing.T) {
	o := fxStartJSON(t, `{
  "org": {"id": "org-sim", "name": "Acme"},
  "setup": {"samlSso": "enforced"},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com", "samlLoggedIn": true, "groups": ["g-local"]},
    {"accountId": "712020:bo", "name": "Bo Li", "email": "bo.li@acme.com"}
  ],
  "groups": [{"id": "g-local", "name": "project-phoenix"}]
}`)
	d := o.fxDiagnose(t, diagnose.Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
	want := []steps.StepID{steps.StepSetEmail, steps.StepIdpSamlAttribute, steps.StepVerifyEmail}
	if d.Verdict != steps.VerdictNoBlocker || !slices.Equal(steps.IDs(d.Plan), want) {
		t.Fatalf("verdict %s plan %v", d.Verdict, steps.IDs(d.Plan))
	}
	if !slices.ContainsFunc(d.Findings, func(f diagnose.Finding) bool { return f.Code == steps.FindingSamlJitRevert }) {
		t.Errorf("no saml-jit-revert in %v", d.Findings)
	}
	before := o.state()
	_, r := runToFixed(t, o, d)
	if got := r.Steps[1].Status; got != journal.StepOperator {
		t.Errorf("the SAML attribute step ended %q, want it on the operator's word", got)
	}
	if u := fxAccount(o.state(), "712020:yuki"); u == nil || u.Email != "yuki.t@acme.com" {
		t.Errorf("the email was not set: %+v", u)
	}
	checkEndState(t, before, o.state(), d, r)

	// Against a live org the SAML step waits for the operator, with the
	// attribute to change named.
	o = fxStartJSON(t, `{"org": {"id": "org-sim", "name": "Acme"}, "setup": {"samlSso": "enforced"},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [{"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com", "samlLoggedIn": true}]}`)
	d = o.fxDiagnose(t, diagnose.Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
	res, err := o.executor(t, true).Start(context.Background(), fxHeader(d))
	if err != nil || res.Status != journal.StatusWaitingOperator || !strings.Contains(res.Reason, "NameID") {
		t.Fatalf("live run %s: %s (%v)", res.Status, res.Reason, err)
	}
}

// The IdP's address reverted after the unlink: the plan relinks the account
// at its current email and brings the synced group back.
func TestFixRelinkAfterRevert(t *testing.T) {
	snap := strings.NewReplacer(`"userName": "yuki@acme-labs.com"`, `"userName": "yuki.tanaka@acme.com"`,
		`{"value": "yuki@acme-labs.com"`, `{"value": "yuki.tanaka@acme.com"`,
		`"userPrincipalName": "yuki@acme-labs.com", "scimEmail": "yuki@acme-labs.com", "samlNameId": "yuki@acme-labs.com"`,
		`"userPrincipalName": "yuki.tanaka@acme.com", "scimEmail": "yuki.tanaka@acme.com", "samlNameId": "yuki.tanaka@acme.com"`).Replace(unlinkedSnapshot)
	o := fxStartJSON(t, snap)
	d := o.fxDiagnose(t, diagnose.Request{User: "yuki.tanaka@acme.com", Target: "yuki.tanaka@acme.com"})
	want := []steps.StepID{steps.StepRecordMemberships, steps.StepIdpReassignUser, steps.StepVerifyUser, steps.StepRestoreMemberships}
	if !slices.Equal(steps.IDs(d.Plan), want) {
		t.Fatalf("verdict %s plan %v findings %v", d.Verdict, steps.IDs(d.Plan), d.Findings)
	}
	before := o.state()
	_, r := runToFixed(t, o, d)
	if u := fxAccount(o.state(), "712020:yuki"); u == nil || !slices.Contains(u.Groups, "g-eng") || len(fxLinks(o.state(), u.AccountID)) == 0 {
		t.Errorf("not relinked with its group: %+v", u)
	}
	checkEndState(t, before, o.state(), d, r)
}

// runToFixed runs the plan with every confirmation answered yes, the
// simulated IdP and console, and wants it completed and fixed.
func runToFixed(t *testing.T, o *fxOrg, d *diagnose.Diagnosis) (*run.Executor, *journal.RunLog) {
	t.Helper()
	x := o.executor(t, false)
	res, err := x.Start(context.Background(), fxHeader(d))
	r := journalRun(t, x)
	if err != nil || res.Status != journal.StatusCompleted || !res.Fixed {
		t.Fatalf("run %s (fixed %v) %v: %s\n%s", res.Status, res.Fixed, err, res.Reason, r.Timeline(nil))
	}
	return x, r
}
