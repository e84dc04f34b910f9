package diagnose

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/fixtures/simorg"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/testorgs"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
)

// End to end: Diagnose against the simulator over real HTTP, one small
// snapshot (contract §1) per case.

type simOrg struct {
	sim  *fixtures.Simulator
	snap *fixtures.Snapshot
	c    *client.Client
}

// startSim serves the snapshot; keyed names the directories the client gets
// a SCIM key for (all of them when nil).
func startSim(t *testing.T, snapshot string, keyed []string) *simOrg {
	t.Helper()
	snap, err := fixtures.Parse([]byte(snapshot), t.Name()+".json")
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	sim, err := fixtures.NewSimulator(snap, fixtures.Options{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := fixtures.Start(sim, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close() })
	var dirs []client.DirectoryKey
	for _, d := range snap.Directories {
		if keyed == nil || slices.Contains(keyed, d.ID) {
			dirs = append(dirs, client.DirectoryKey{ID: d.ID, Key: client.Secret(sim.ScimKey())})
		}
	}
	c, err := client.New(client.Config{BaseURL: run.URL, OrgID: snap.Org.ID, OrgKey: client.Secret(sim.OrgKey()), Directories: dirs})
	if err != nil {
		t.Fatal(err)
	}
	return &simOrg{sim: sim, snap: snap, c: c}
}

// hints are what a simulated org knows beyond the APIs, as the CLI passes them.
func (o *simOrg) hints() steps.Hints { return simorg.Hints(o.snap) }

// diagnose runs Diagnose and checks what every diagnosis must hold: progress
// saw every check, in order; findings cite real evidence; the JSON is the
// contract's object.
func (o *simOrg) diagnose(t *testing.T, req Request) *Diagnosis {
	t.Helper()
	var seen []Evidence
	d, err := Diagnose(context.Background(), o.c, req, o.hints(), func(e Evidence) { seen = append(seen, e) })
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if !slices.Equal(seen, d.Evidence) {
		t.Errorf("progress saw %d checks, the diagnosis has %d", len(seen), len(d.Evidence))
	}
	for _, e := range d.Evidence {
		if e.Call == "" || e.Answer == "" {
			t.Errorf("empty evidence %+v", e)
		}
		if strings.Contains(e.Call+e.Answer, o.sim.OrgKey()) || strings.Contains(e.Call+e.Answer, o.sim.ScimKey()) {
			t.Errorf("a key shows in the evidence: %+v", e)
		}
	}
	for _, f := range d.Findings {
		for _, i := range f.Evidence {
			if i < 0 || i >= len(d.Evidence) {
				t.Errorf("%s cites evidence %d of %d", f.Code, i, len(d.Evidence))
			}
		}
	}
	data, err := d.JSON(steps.OrgRef{ID: "org-sim", Name: "Acme", Mode: steps.ModeSimulated})
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || len(top) != 9 {
		t.Errorf("JSON is not the contract's object (%v):\n%s", err, data)
	}
	return d
}

func expectCase(t *testing.T, d *Diagnosis, verdict steps.Verdict, findings []steps.FindingCode, plan []steps.StepID) {
	t.Helper()
	if d.Verdict != verdict {
		t.Errorf("verdict = %s, want %s; findings %v", d.Verdict, verdict, codes(d.Findings))
		for _, e := range d.Evidence {
			t.Logf("  %s -> %s", e.Call, e.Answer)
		}
	}
	for _, c := range findings {
		if !slices.Contains(codes(d.Findings), c) {
			t.Errorf("no %s finding in %v", c, codes(d.Findings))
		}
	}
	if plan != nil && !slices.Equal(steps.IDs(d.Plan), plan) {
		t.Errorf("plan = %v, want %v", steps.IDs(d.Plan), plan)
	}
}

// The target and the user come only from what the IdP's log shows after a
// failed provision on demand, for each kind of IdP.
func TestSimEmailTakenFromIdpLog(t *testing.T) {
	for _, idp := range []steps.IdpKind{steps.IdpEntra, steps.IdpOkta, steps.IdpGoogle, steps.IdpOneLogin, steps.IdpOther} {
		t.Run(string(idp), func(t *testing.T) {
			o := startSim(t, testorgs.EmailTaken(idp), nil)
			res, err := o.sim.IdP().Provision(context.Background(), "obj-yuki")
			if err != nil || !res.Failed() || res.Status != 409 {
				t.Fatalf("provision on demand: %+v, %v; want a 409", res, err)
			}
			paste := res.Code + "\n" + res.Message + "\n" + strings.Join(res.Log, "\n") + "\n" + res.ScimBody
			d := o.diagnose(t, Request{User: "yuki.tanaka@acme.com", IdpError: paste})
			if d.Target != "yuki.t@acme.com" || d.User == nil || d.User.AccountID != "712020:yuki" {
				t.Fatalf("target %q user %+v", d.Target, d.User)
			}
			// Jane is a different, current person: asked of the IdP, never changed.
			expectCase(t, d, steps.VerdictEmailTaken,
				[]steps.FindingCode{steps.VerdictEmailTaken.Code(), steps.FindingHolderProvisioned, steps.FindingHolderProductAccess, steps.FindingHolderOtherPerson},
				[]steps.StepID{steps.StepCheckHolder, steps.StepProvisionHolder, steps.StepHandoffSharedAddress, steps.StepProvisionUser, steps.StepVerifyUser})
			wantParams(t, step(t, d.Plan, steps.StepProvisionUser), map[string]string{
				steps.ParamExternalID: "obj-yuki", steps.ParamDirectoryID: "d-1", steps.ParamScimUserID: "s-yuki", steps.ParamIdp: string(idp)})
			wantParams(t, step(t, d.Plan, steps.StepProvisionHolder), map[string]string{steps.ParamAccountID: "712020:jane", steps.ParamExternalID: "obj-jane", steps.ParamIdp: string(idp)})

			// Where the log names the user, the paste alone is enough.
			if info, _ := ParseIdpError(paste); info.UserHint != "" {
				d2 := o.diagnose(t, Request{IdpError: paste})
				if d2.User == nil || d2.User.AccountID != "712020:yuki" || d2.Verdict != steps.VerdictEmailTaken {
					t.Errorf("from the paste alone: user %+v verdict %s", d2.User, d2.Verdict)
				}
			} else if idp == steps.IdpEntra || idp == steps.IdpOkta {
				t.Errorf("the %s log names no user: %q", idp, paste)
			}
		})
	}
}

func TestSimDuplicateByNameUserByAccountID(t *testing.T) {
	o := startSim(t, `{
  "org": {"id": "org-sim", "name": "Acme"},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com", "accountStatus": "inactive", "productAccess": ["confluence"], "groups": ["g-eng"]},
    {"accountId": "712020:dup", "name": "Yuki Tanaka", "email": "yuki.t@acme.com"}
  ],
  "groups": [{"id": "g-eng", "name": "engineering"}],
  "directories": [{
    "id": "d-entra", "name": "Entra", "idp": "entra",
    "users": [{"id": "s-new", "externalId": "obj-yuki", "userName": "yuki.t@acme.com", "displayName": "YUKI  TANAKA", "active": true,
      "emails": [{"value": "yuki.t@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:dup"}],
    "idpUsers": [{"externalId": "obj-yuki", "userPrincipalName": "yuki.t@acme.com", "scimEmail": "yuki.t@acme.com", "groups": []}]
  }]
}`, nil)
	d := o.diagnose(t, Request{User: "712020:yuki", Target: "yuki.t@acme.com"})
	expectCase(t, d, steps.VerdictDuplicateAccount,
		[]steps.FindingCode{steps.VerdictDuplicateAccount.Code(), steps.FindingAccountInactive, steps.FindingHolderProvisioned},
		[]steps.StepID{steps.StepRecordMemberships, steps.StepIdpRemoveGroups, steps.StepUnlinkDuplicate, steps.StepParkDuplicate,
			steps.StepSetOldEmail, steps.StepIdpAddGroups, steps.StepProvisionUser, steps.StepVerifyUser, steps.StepRestoreMemberships})
	if d.User == nil || d.User.Email != "yuki.tanaka@acme.com" {
		t.Errorf("user %+v", d.User)
	}
	if fd := findingFor(d.Findings, steps.VerdictDuplicateAccount.Code()); fd == nil || fd.AccountID != "712020:dup" {
		t.Errorf("duplicate finding %+v", fd)
	}
	if u := d.Facts.User; u == nil || len(u.Groups) != 1 || u.Groups[0].Name != "engineering" {
		t.Errorf("the user's groups were not read: %+v", u)
	}
	wantParams(t, step(t, d.Plan, steps.StepProvisionUser), map[string]string{steps.ParamExternalID: "obj-yuki", steps.ParamIdp: string(steps.IdpEntra), steps.ParamAccountID: "712020:yuki"})
}

// twoDirectories: Yuki's old link sits in d-okta, the duplicate's in
// d-entra, both with externalId ext-1.
const twoDirectories = `{
  "org": {"id": "org-sim", "name": "Acme"},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com"},
    {"accountId": "712020:dup", "name": "Y. Tanaka", "email": "yuki.t@acme.com"}
  ],
  "directories": [
    {"id": "d-okta", "name": "Okta", "idp": "okta",
     "users": [{"id": "s-old", "externalId": "ext-1", "userName": "yuki.tanaka@acme.com", "displayName": "Yuki Tanaka", "active": true,
       "emails": [{"value": "yuki.tanaka@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:yuki"}]},
    {"id": "d-entra", "name": "Entra", "idp": "entra",
     "users": [{"id": "s-new", "externalId": "ext-1", "userName": "yuki.t@acme.com", "displayName": "Y. Tanaka", "active": true,
       "emails": [{"value": "yuki.t@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:dup"}]}
  ]
}`

func TestSimDuplicateByExternalIDInTwoDirectories(t *testing.T) {
	o := startSim(t, twoDirectories, nil)
	d := o.diagnose(t, Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
	expectCase(t, d, steps.VerdictDuplicateAccount, []steps.FindingCode{steps.VerdictDuplicateAccount.Code()},
		[]steps.StepID{steps.StepRecordMemberships, steps.StepIdpRemoveGroups, steps.StepUnlinkDuplicate, steps.StepParkDuplicate, steps.StepUnlinkOld,
			steps.StepSetOldEmail, steps.StepIdpAddGroups, steps.StepProvisionUser, steps.StepVerifyUser, steps.StepRestoreMemberships})
	wantParams(t, step(t, d.Plan, steps.StepProvisionUser), map[string]string{
		steps.ParamDirectoryID: "d-entra", steps.ParamExternalID: "ext-1", steps.ParamIdp: string(steps.IdpEntra), steps.ParamOtherDirectoryIDs: "d-okta"})
}

// With the key of d-entra only, the old link in d-okta cannot be read: the
// holder could be Yuki's duplicate or another person. Nothing is done on a
// guess: the plan asks for d-okta's key, and incomplete says why.
func TestSimTwoDirectoriesOneKey(t *testing.T) {
	o := startSim(t, twoDirectories, []string{"d-entra"})
	d := o.diagnose(t, Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
	if got := steps.IDs(d.Plan); !slices.Equal(got, []steps.StepID{steps.StepHandoffMissingKeys}) {
		t.Fatalf("plan %v, want only the hand-off for the missing key", got)
	}
	if len(d.Incomplete) != 1 || d.Incomplete[0].DirectoryID != "d-okta" || !strings.Contains(d.Incomplete[0].Reason, "no SCIM key") {
		t.Errorf("incomplete %+v, want d-okta without a key", d.Incomplete)
	}
	h := d.Plan[0]
	if h.Params.DirectoryIDs != "d-okta" || !strings.Contains(h.Detail, "ATLASSIAN_SCIM_DIRECTORY_ID_2=d-okta") {
		t.Errorf("hand-off %+v does not say what to give", h)
	}
	data, _ := d.JSON(steps.OrgRef{})
	if !strings.Contains(string(data), `"directoryId": "d-okta"`) {
		t.Errorf("incomplete not in the JSON:\n%s", data)
	}
}

func TestSimHolderInAnotherOrg(t *testing.T) {
	o := startSim(t, testorgs.OtherOrg, nil)

	// The target's domain is another org's: listed as superseded, a hand-off.
	d := o.diagnose(t, Request{User: "yuki.tanaka@acme.com", Target: "Yuki@Partner.io"})
	expectCase(t, d, steps.VerdictTargetDomainUnclaimed,
		[]steps.FindingCode{steps.VerdictTargetDomainUnclaimed.Code(), steps.FindingTargetDomainOtherOrg, steps.FindingHolderOtherOrg},
		[]steps.StepID{steps.StepHandoffTargetDomain})
	if !slices.ContainsFunc(d.Facts.Domains, func(dm client.Domain) bool { return dm.Name == "partner.io" && dm.ClaimStatus == "superseded" }) {
		t.Errorf("another org's domain is not seen as superseded: %+v", d.Facts.Domains)
	}

	// On a verified domain, an account this org does not manage: "Available
	// to claim", not another org's.
	d = o.diagnose(t, Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
	expectCase(t, d, steps.VerdictEmailTaken, []steps.FindingCode{steps.VerdictEmailTaken.Code(), steps.FindingHolderClaimable, steps.FindingHolderInactive},
		[]steps.StepID{steps.StepCheckHolder, steps.StepClaimHolder, steps.StepParkHolder, steps.StepProvisionUser, steps.StepVerifyUser})
}

func TestSimOtherVerdicts(t *testing.T) {
	o := startSim(t, `{
  "org": {"id": "org-sim", "name": "Acme"},
  "setup": {"samlSso": "enforced"},
  "domains": [{"name": "acme.com", "status": "verified"}, {"name": "acme-labs.com", "status": "unverified"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com", "socialLogin": "google"},
    {"accountId": "712020:lab", "name": "Lab User", "email": "lab@acme-labs.com", "claimStatus": "unmanaged"},
    {"accountId": "712020:bo", "name": "Bo Li", "email": "Bo.Li@acme.com"}
  ],
  "directories": [{"id": "d-entra", "name": "Entra", "idp": "entra",
    "users": [{"id": "s-yuki", "externalId": "obj", "userName": "ytanaka@acme.onmicrosoft.com", "displayName": "Yuki Tanaka", "active": true,
      "emails": [{"value": "yuki.tanaka@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:yuki"}]}]
}`, nil)

	t.Run("not found by email", func(t *testing.T) {
		d := o.diagnose(t, Request{User: "nobody@acme.com", Target: "x@acme.com"})
		expectCase(t, d, steps.VerdictNotFound, []steps.FindingCode{steps.VerdictNotFound.Code()}, []steps.StepID{})
		data, _ := d.JSON(steps.OrgRef{})
		if !strings.Contains(string(data), `"user": null`) {
			t.Errorf("not-found JSON:\n%s", data)
		}
	})
	t.Run("not found by account id", func(t *testing.T) {
		expectCase(t, o.diagnose(t, Request{User: "712020:nobody", Target: "x@acme.com"}), steps.VerdictNotFound, nil, []steps.StepID{})
	})
	t.Run("no blocker, with the SAML and social-login warnings", func(t *testing.T) {
		d := o.diagnose(t, Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
		expectCase(t, d, steps.VerdictNoBlocker, []steps.FindingCode{steps.VerdictNoBlocker.Code(), steps.FindingSamlScimMismatch, steps.FindingSocialLogin},
			[]steps.StepID{steps.StepSocialLoginNotice, steps.StepAlignSamlAttribute, steps.StepProvisionUser, steps.StepVerifyUser})
		wantParams(t, step(t, d.Plan, steps.StepAlignSamlAttribute), map[string]string{steps.ParamIdp: string(steps.IdpEntra), steps.ParamScimUserName: "ytanaka@acme.onmicrosoft.com"})
	})
	t.Run("account unmanaged", func(t *testing.T) {
		d := o.diagnose(t, Request{User: "lab@acme-labs.com", Target: "lab@acme.com"})
		expectCase(t, d, steps.VerdictAccountUnmanaged, []steps.FindingCode{steps.VerdictAccountUnmanaged.Code(), steps.FindingScimRecordMissing},
			[]steps.StepID{steps.StepClaimDomain, steps.StepClaimAccount, steps.StepSetEmailFirst, steps.StepProvisionUser, steps.StepVerifyUser})
	})
	t.Run("emails differing only in case; no SCIM record", func(t *testing.T) {
		d := o.diagnose(t, Request{User: "BO.LI@ACME.COM", Target: "bo.li@acme.com"})
		expectCase(t, d, steps.VerdictNoBlocker, []steps.FindingCode{steps.FindingTargetEqualsCurrent, steps.FindingScimRecordMissing}, nil)
		if d.User == nil || d.User.AccountID != "712020:bo" {
			t.Errorf("user %+v", d.User)
		}
	})
	t.Run("holder email differs from the target only in case", func(t *testing.T) {
		d := o.diagnose(t, Request{User: "yuki.tanaka@acme.com", Target: "bo.li@ACME.com"})
		expectCase(t, d, steps.VerdictEmailTaken, []steps.FindingCode{steps.VerdictEmailTaken.Code()}, nil)
		if fd := findingFor(d.Findings, steps.VerdictEmailTaken.Code()); fd == nil || fd.AccountID != "712020:bo" {
			t.Errorf("email-taken finding %+v", fd)
		}
	})
}

func TestSimGoogleWorkspace(t *testing.T) {
	o := startSim(t, `{
  "org": {"id": "org-sim", "name": "Acme"},
  "setup": {"googleWorkspace": true},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [{"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com"}],
  "directories": [{"id": "d-google", "name": "Google", "idp": "google",
    "users": [{"id": "s-yuki", "externalId": "g-1", "userName": "yuki.tanaka@acme.com", "displayName": "Yuki Tanaka", "active": true,
      "emails": [{"value": "yuki.tanaka@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:yuki"}]}]
}`, nil)
	d := o.diagnose(t, Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
	expectCase(t, d, steps.VerdictIdpOwned, []steps.FindingCode{steps.VerdictIdpOwned.Code()}, []steps.StepID{steps.StepGooglePrimaryEmail, steps.StepVerifyUser})
}

// A directory this tool has no SCIM key for: its records are noted as
// unread, and the diagnosis goes on.
func TestSimDirectoryWithoutKey(t *testing.T) {
	o := startSim(t, testorgs.EmailTaken(steps.IdpEntra), []string{})
	d := o.diagnose(t, Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
	expectCase(t, d, steps.VerdictEmailTaken, []steps.FindingCode{steps.VerdictEmailTaken.Code(), steps.FindingHolderProvisioned}, nil)
	u := d.Facts.User
	if u == nil || len(u.Scim) == 0 || u.Scim[0].Unread != UnreadNoKey || u.Scim[0].User != nil {
		t.Errorf("user's SCIM records %+v, want one unread for want of a key", u)
	}
}
