package fixes

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/testorgs"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/fixtures"
)

// unitSnapshot: Yuki's IdP now sends yuki.t@acme.com, which Jane's
// provisioned account holds; a free managed account, an unmanaged one on an
// unverified domain, and an account on a placeholder already.
const unitSnapshot = `{
  "org": {"id": "org-unit", "name": "Acme"},
  "setup": {"samlSso": "enforced"},
  "domains": [{"name": "acme.com", "status": "verified"}, {"name": "acme-labs.com", "status": "unverified"}, {"name": "partner.io", "status": "other-org"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com", "productAccess": ["confluence"], "groups": ["g-eng", "g-local"]},
    {"accountId": "712020:jane", "name": "Jane Roe", "email": "yuki.t@acme.com", "productAccess": ["jira-software"], "groups": ["g-eng"]},
    {"accountId": "712020:free", "name": "Free Agent", "email": "free@acme.com"},
    {"accountId": "712020:lab", "name": "Lab User", "email": "lab@acme-labs.com", "claimStatus": "unmanaged", "groups": ["g-local"]},
    {"accountId": "712020:ext", "name": "Partner", "email": "pat@partner.io", "claimStatus": "unmanaged"}
  ],
  "groups": [{"id": "g-eng", "name": "engineering", "externalSynced": true}, {"id": "g-local", "name": "local-team"}],
  "directories": [{
    "id": "d-entra", "name": "Entra", "idp": "entra",
    "users": [
      {"id": "s-yuki", "externalId": "obj-yuki", "userName": "yuki.tanaka@acme.com", "displayName": "Yuki Tanaka", "active": true,
       "emails": [{"value": "yuki.tanaka@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:yuki"},
      {"id": "s-jane", "externalId": "obj-jane", "userName": "yuki.t@acme.com", "displayName": "Jane Roe", "active": true,
       "emails": [{"value": "yuki.t@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:jane"}
    ],
    "groups": [{"id": "sg-eng", "displayName": "engineering", "members": ["s-yuki", "s-jane"], "orgGroupId": "g-eng"}],
    "idpUsers": [
      {"externalId": "obj-yuki", "userPrincipalName": "yuki.tanaka@acme.com", "scimEmail": "yuki.t@acme.com", "samlNameId": "yuki.t@acme.com", "groups": ["engineering"]},
      {"externalId": "obj-jane", "userPrincipalName": "yuki.t@acme.com", "scimEmail": "yuki.t@acme.com", "groups": ["engineering"]},
      {"externalId": "obj-lab", "userPrincipalName": "lab@acme.com", "scimEmail": "lab@acme.com", "groups": []}
    ]
  }]
}`

var ctxBG = context.Background()

func unitOrg(t *testing.T) *fxOrg { return fxStartJSON(t, unitSnapshot) }

// ps is a plan step with params given as JSON name, value pairs.
func ps(id steps.StepID, kv ...string) steps.PlanStep {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			m[kv[i]] = kv[i+1]
		}
	}
	raw, _ := json.Marshal(m)
	var p steps.Params
	if err := json.Unmarshal(raw, &p); err != nil {
		panic(err)
	}
	return steps.PlanStep{ID: id, Params: p}
}

func janeStep(id steps.StepID) steps.PlanStep {
	return ps(id, steps.ParamAccountID, "712020:jane", steps.ParamEmail, "yuki.t@acme.com", steps.ParamName, "Jane Roe", steps.ParamPlaceholder, "yuki.t_duplicate@acme.com")
}

func yukiProvision(idp steps.IdpKind) steps.PlanStep {
	return ps(steps.StepProvisionUser, steps.ParamAccountID, "712020:yuki", steps.ParamEmail, "yuki.tanaka@acme.com", steps.ParamName, "Yuki Tanaka",
		steps.ParamTarget, "yuki.t@acme.com", steps.ParamExternalID, "obj-yuki", steps.ParamDirectoryID, "d-entra", steps.ParamIdp, string(idp), steps.ParamScimUserID, "s-yuki")
}

func mustOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func wantOperator(t *testing.T, err error, words ...string) string {
	t.Helper()
	var op *run.OperatorActionError
	if !errors.As(err, &op) || !errors.Is(err, run.ErrOperatorAction) {
		t.Fatalf("err = %v, want an *OperatorActionError", err)
	}
	for _, w := range words {
		if !strings.Contains(op.Instructions, w) {
			t.Errorf("instructions lack %q: %s", w, op.Instructions)
		}
	}
	return op.Instructions
}

func TestActionsCoverEveryStepID(t *testing.T) {
	reg := Registry()
	ids := []steps.StepID{steps.StepCheckHolder, steps.StepHandoffHolderOtherOrg, steps.StepRecordHolderMemberships, steps.StepUnlinkHolder, steps.StepParkHolder,
		steps.StepProvisionUser, steps.StepVerifyUser, steps.StepRecordMemberships, steps.StepIdpRemoveGroups, steps.StepUnlinkDuplicate, steps.StepParkDuplicate,
		steps.StepUnlinkOld, steps.StepSetOldEmail, steps.StepIdpAddGroups, steps.StepRestoreMemberships, steps.StepClaimDomain, steps.StepClaimAccount,
		steps.StepGooglePrimaryEmail, steps.StepSocialLoginNotice, steps.StepAlignSamlAttribute,
		steps.StepProvisionHolder, steps.StepHandoffSharedAddress, steps.StepSetEmailFirst, steps.StepHandoffTargetDomain,
		steps.StepHandoffAccountOtherOrg, steps.StepHandoffMissingKeys,
		steps.StepClaimHolder, steps.StepCancelHolderDeletion, steps.StepDeleteHolder, steps.StepRecordStaleRecord, steps.StepUnlinkStaleRecord,
		steps.StepDeleteStaleRecord, steps.StepSetEmail, steps.StepIdpSamlAttribute, steps.StepVerifyEmail, steps.StepIdpReassignUser}
	if len(reg) != len(ids) {
		t.Errorf("%d actions for %d step ids", len(reg), len(ids))
	}
	for _, id := range ids {
		if reg[id] == nil {
			t.Errorf("no action for %s", id)
		}
	}
}

// Calls does no I/O (a nil Env would panic) and fills in the real ids.
func TestActionCallsNameRealIDs(t *testing.T) {
	o := fxStartJSON(t, twoDirectoriesSnapshot)
	d := o.fxDiagnose(t, diagnose.Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
	got := map[steps.StepID][]steps.Call{}
	for _, s := range d.Plan {
		got[s.ID] = Registry()[s.ID].Calls(s)
	}
	want := map[steps.StepID]struct{ method, path, body string }{
		steps.StepUnlinkDuplicate:    {"DELETE", "/admin/user-provisioning/v1/org/{orgId}/user/712020:dup/onlyDeleteUserInDB", ""},
		steps.StepParkDuplicate:      {"PUT", "/users/712020:dup/manage/email", `{"email":"yuki.t_duplicate@acme.com"}`},
		steps.StepUnlinkOld:          {"DELETE", "/admin/user-provisioning/v1/org/{orgId}/user/712020:yuki/onlyDeleteUserInDB", ""},
		steps.StepSetOldEmail:        {"PUT", "/users/712020:yuki/manage/email", `{"email":"yuki.t@acme.com"}`},
		steps.StepIdpRemoveGroups:    {steps.MethodIdP, "Microsoft Entra ID: remove Yuki Tanaka from eng-all", ""},
		steps.StepIdpAddGroups:       {steps.MethodIdP, "Microsoft Entra ID: add Yuki Tanaka back to eng-all", ""},
		steps.StepProvisionUser:      {steps.MethodIdP, "Microsoft Entra ID: provision on demand for Yuki Tanaka (externalId ext-1)", ""},
		steps.StepRestoreMemberships: {"POST", "/admin/v2/orgs/{orgId}/directories/{directoryId}/groups/{groupId}/memberships", `{"accountId":"712020:yuki"}`},
		steps.StepRecordMemberships:  {"POST", "/admin/v2/orgs/{orgId}/directories/-/groups/search", `{"accountIds":["712020:yuki","712020:dup"],"limit":100}`},
		steps.StepVerifyUser:         {"POST", "/admin/v2/orgs/{orgId}/directories/-/users/search", `{"accountIds":["712020:yuki"],"expand":["groups","productAccess"],"limit":10}`},
	}
	for id, w := range want {
		calls := got[id]
		if len(calls) == 0 {
			t.Errorf("%s lists no call", id)
			continue
		}
		c := calls[0]
		if c.Method != w.method || !strings.HasPrefix(c.Path, w.path) || c.Body != w.body {
			t.Errorf("%s: first call %+v, want %s %s %s", id, c, w.method, w.path, w.body)
		}
	}
	if n := got[steps.StepParkDuplicate][0].Note; !strings.Contains(n, "yuki.t_duplicate2@acme.com") {
		t.Errorf("park note %q", n)
	}
	// provision-user changes only through the IdP; setting the email first
	// is its own step, with its own call.
	c := actProvisionUser{}.Calls(ps(steps.StepProvisionUser, steps.ParamAccountID, "712020:kofi", steps.ParamTarget, "kofi.b@acme.com", steps.ParamName, "Kofi"))
	if slices.ContainsFunc(c, func(c steps.Call) bool { return c.Method == "PUT" }) || c[0].Method != steps.MethodIdP {
		t.Errorf("provision without a record: %+v", c)
	}
	c = actSetEmailFirst{}.Calls(ps(steps.StepSetEmailFirst, steps.ParamAccountID, "712020:kofi", steps.ParamTarget, "kofi.b@acme.com"))
	if !slices.ContainsFunc(c, func(c steps.Call) bool { return c.Method == "PUT" && c.Path == "/users/712020:kofi/manage/email" }) {
		t.Errorf("set-email-first: %+v", c)
	}
	for _, s := range []steps.PlanStep{
		ps(steps.StepClaimDomain, steps.ParamDomain, "acme-labs.com"),
		ps(steps.StepClaimAccount, steps.ParamAccountID, "712020:lab", steps.ParamDomain, "acme-labs.com", steps.ParamDomainVerified, "false"),
		ps(steps.StepGooglePrimaryEmail, steps.ParamAccountID, "712020:g", steps.ParamTarget, "g@acme.com"),
		ps(steps.StepAlignSamlAttribute, steps.ParamDirectoryID, "d", steps.ParamScimUserID, "s", steps.ParamTarget, "t@acme.com", steps.ParamIdp, string(steps.IdpOkta)),
		janeStep(steps.StepCheckHolder), janeStep(steps.StepHandoffHolderOtherOrg), janeStep(steps.StepRecordHolderMemberships),
	} {
		calls := Registry()[s.ID].Calls(s)
		if len(calls) == 0 {
			t.Errorf("%s lists no call", s.ID)
		}
		for _, c := range calls {
			if c.Method == "" || c.Path == "" {
				t.Errorf("%s: call %+v", s.ID, c)
			}
		}
	}
	// A console step lists the one change it makes.
	if c := (actClaimAccount{}).Calls(ps(steps.StepClaimAccount, steps.ParamAccountID, "712020:lab", steps.ParamEmail, "lab@acme-labs.com", steps.ParamDomain, "acme-labs.com")); len(c) != 2 ||
		c[0].Method != steps.MethodAdmin || !strings.Contains(c[0].Path, "claim lab@acme-labs.com") || c[1].Method != "POST" {
		t.Errorf("claim-account calls %+v", c)
	}
}

func TestCheckHolderAction(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	a := actCheckHolder{}
	s := janeStep(steps.StepCheckHolder)
	pre := mustCheck(t, a, env, s, run.Ready)
	for _, w := range []string{"product access (jira-software)", "ID-240", "provisioning links"} {
		if !strings.Contains(pre.Reason, w) {
			t.Errorf("reason lacks %q: %s", w, pre.Reason)
		}
	}
	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	var note string
	if ok, _ := env.Facts.Get(factNote+string(steps.StepCheckHolder), &note); !ok || !strings.Contains(note, "ID-240") {
		t.Errorf("warning not journaled: %q", note)
	}
	mustOK(t, "verify", a.Verify(ctxBG, env, s))

	// Someone else holds the address now.
	other := ps(steps.StepCheckHolder, steps.ParamAccountID, "712020:free", steps.ParamEmail, "yuki.t@acme.com")
	if pre := mustCheck(t, a, env, other, run.Blocked); !strings.Contains(pre.Reason, "Jane Roe") {
		t.Errorf("reason %s", pre.Reason)
	}
	// Parked already (a resumed run, or by hand).
	mustOK(t, "unlink", o.c.DeleteProvisioningRecord(ctxBG, "712020:jane"))
	mustOK(t, "park", o.c.SetEmail(ctxBG, "712020:jane", "yuki.t_duplicate3@acme.com"))
	mustCheck(t, a, env, s, run.AlreadyDone)
	// The holder moved to another address by hand: the org changed.
	mustOK(t, "move", o.c.SetEmail(ctxBG, "712020:jane", "jane@acme.com"))
	if pre := mustCheck(t, a, env, s, run.Blocked); !strings.Contains(pre.Reason, "no longer holds") {
		t.Errorf("reason %s", pre.Reason)
	}
}

func TestHandoffHolderOtherOrgAction(t *testing.T) {
	o := fxStartJSON(t, testorgs.OtherOrg)
	env := o.env(t, false)
	a := actHandoffHolderOtherOrg{}
	s := ps(steps.StepHandoffHolderOtherOrg, steps.ParamAccountID, "712020:free", steps.ParamEmail, "yuki.t@acme.com", steps.ParamTarget, "yuki.t@acme.com", steps.ParamDomain, "acme.com")
	pre := mustCheck(t, a, env, s, run.Ready)
	var ho *run.HandoffError
	if err := a.Execute(ctxBG, env, s); !errors.As(err, &ho) {
		t.Fatalf("execute: %v, want a hand-off", err)
	}
	for _, w := range []string{"Free Agent", "yuki.t+duplicated@acme.com", "remove the domain acme.com", "Directory > Managed accounts"} {
		if !strings.Contains(pre.Reason, w) || !strings.Contains(ho.Instructions, w) {
			t.Errorf("guidance lacks %q: %s / %s", w, pre.Reason, ho.Instructions)
		}
	}
	if err := a.Verify(ctxBG, env, s); err == nil {
		t.Error("verified while the address is still held")
	}
	free := ps(steps.StepHandoffHolderOtherOrg, steps.ParamTarget, "nobody@acme.com")
	mustCheck(t, a, env, free, run.AlreadyDone)
	mustOK(t, "verify", a.Verify(ctxBG, env, free))
	if len(o.changeLog()) != 0 {
		t.Errorf("changes: %v", o.changeLog())
	}
}

func TestUnlinkAction(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	a := actUnlink{}
	s := janeStep(steps.StepUnlinkHolder)
	if c := a.Calls(s); len(c) != 1 || c[0].Method != "DELETE" || !strings.Contains(c[0].Path, "/user/712020:jane/onlyDeleteUserInDB") {
		t.Errorf("calls %+v", c)
	}
	mustCheck(t, a, env, s, run.Ready)
	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	if l := fxLinks(o.state(), "712020:jane"); len(l) != 0 {
		t.Errorf("still linked: %v", l)
	}
	mustCheck(t, a, env, s, run.AlreadyDone)
	if got := o.changeLog(); len(got) != 1 {
		t.Errorf("changes %v", got)
	}

	// The plan's account no longer has the address it had.
	moved := ps(steps.StepUnlinkOld, steps.ParamAccountID, "712020:yuki", steps.ParamEmail, "yuki.old@acme.com")
	if pre := mustCheck(t, a, env, moved, run.Blocked); !strings.Contains(pre.Reason, "no longer has yuki.old@acme.com") {
		t.Errorf("reason %s", pre.Reason)
	}
	mustCheck(t, a, env, ps(steps.StepUnlinkOld, steps.ParamAccountID, "712020:gone"), run.Blocked)
	mustCheck(t, a, env, ps(steps.StepUnlinkOld), run.Blocked)
}

func TestParkAction(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	a := actPark{}
	s := janeStep(steps.StepParkHolder)
	// Still locked by provisioning.
	if pre := mustCheck(t, a, env, s, run.Blocked); !strings.Contains(pre.Reason, "externalDirectory.scim") {
		t.Errorf("reason %s", pre.Reason)
	}
	mustOK(t, "unlink", o.c.DeleteProvisioningRecord(ctxBG, "712020:jane"))
	// The preferred placeholder is taken by then: the next is used.
	mustOK(t, "take", o.c.SetEmail(ctxBG, "712020:free", "yuki.t_duplicate@acme.com"))
	mustCheck(t, a, env, s, run.Ready)
	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	var chosen string
	if ok, _ := env.Facts.Get(factPlaceholder+"712020:jane", &chosen); !ok || chosen != "yuki.t_duplicate2@acme.com" {
		t.Fatalf("placeholder %q", chosen)
	}
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	if j := fxAccount(o.state(), "712020:jane"); j.Email != "yuki.t_duplicate2@acme.com" {
		t.Errorf("jane is %s", j.Email)
	}
	mustCheck(t, a, env, s, run.AlreadyDone)

	// A resumed run uses the journaled placeholder; someone who took it
	// since blocks the step.
	o2 := unitOrg(t)
	env2 := o2.env(t, false)
	mustOK(t, "unlink", o2.c.DeleteProvisioningRecord(ctxBG, "712020:jane"))
	mustOK(t, "fact", env2.Facts.Set(factPlaceholder+"712020:jane", "yuki.t_duplicate7@acme.com"))
	mustCheck(t, a, env2, s, run.Ready)
	mustOK(t, "take", o2.c.SetEmail(ctxBG, "712020:free", "yuki.t_duplicate7@acme.com"))
	if pre := mustCheck(t, a, env2, s, run.Blocked); !strings.Contains(pre.Reason, "now taken by") {
		t.Errorf("reason %s", pre.Reason)
	}
	mustOK(t, "free", o2.c.SetEmail(ctxBG, "712020:free", "free@acme.com"))
	mustOK(t, "execute", a.Execute(ctxBG, env2, s))
	if j := fxAccount(o2.state(), "712020:jane"); j.Email != "yuki.t_duplicate7@acme.com" {
		t.Errorf("resumed run parked jane at %s", j.Email)
	}

	if !address.IsPlaceholderOf("Yuki.T_Duplicate12@ACME.com", "yuki.t@acme.com") || address.IsPlaceholderOf("yuki.t_duplicate1@acme.com", "yuki.t@acme.com") ||
		address.IsPlaceholderOf("yuki.t_duplicate@acme.io", "yuki.t@acme.com") || address.IsPlaceholderOf("yuki.t@acme.com", "yuki.t@acme.com") {
		t.Error("isPlaceholderOf")
	}
}

func TestSetOldEmailAction(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	a := actSetOldEmail{}
	// Someone holds the target.
	held := ps(steps.StepSetOldEmail, steps.ParamAccountID, "712020:free", steps.ParamEmail, "free@acme.com", steps.ParamTarget, "yuki.t@acme.com")
	if pre := mustCheck(t, a, env, held, run.Blocked); !strings.Contains(pre.Reason, "held by Jane Roe") {
		t.Errorf("reason %s", pre.Reason)
	}
	// Locked by provisioning.
	locked := ps(steps.StepSetOldEmail, steps.ParamAccountID, "712020:yuki", steps.ParamEmail, "yuki.tanaka@acme.com", steps.ParamTarget, "yuki.new@acme.com")
	if pre := mustCheck(t, a, env, locked, run.Blocked); !strings.Contains(pre.Reason, "SCIM") {
		t.Errorf("reason %s", pre.Reason)
	}
	s := ps(steps.StepSetOldEmail, steps.ParamAccountID, "712020:free", steps.ParamEmail, "free@acme.com", steps.ParamTarget, "Free.Agent@acme.com")
	if c := a.Calls(s); c[0].Body != `{"email":"Free.Agent@acme.com"}` {
		t.Errorf("calls %+v", c)
	}
	mustCheck(t, a, env, s, run.Ready)
	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	mustCheck(t, a, env, s, run.AlreadyDone)
	// The email changed since the diagnosis.
	stale := ps(steps.StepSetOldEmail, steps.ParamAccountID, "712020:free", steps.ParamEmail, "free@acme.com", steps.ParamTarget, "other@acme.com")
	mustCheck(t, a, env, stale, run.Blocked)
}

func TestProvisionUserAction(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	a := actProvisionUser{}
	s := yukiProvision(steps.IdpEntra)
	if pre := mustCheck(t, a, env, s, run.Blocked); !strings.Contains(pre.Reason, "409") {
		t.Errorf("reason %s", pre.Reason)
	}
	// Made anyway, the IdP's 409 fails the step with the IdP's words.
	err := a.Execute(ctxBG, env, s)
	var idpErr *IdpFailedError
	if !errors.As(err, &idpErr) || idpErr.Report.Status != 409 {
		t.Fatalf("err = %v, want the IdP's 409", err)
	}
	for _, w := range []string{"Failed to update user 'yuki.tanaka@acme.com' in AtlassianCloud", fixtures.EntraConflictCode, "with email[yuki.t@acme.com] already exists"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
	var rep run.IdpReport
	if ok, _ := env.Facts.Get(factIdpReport+string(steps.StepProvisionUser), &rep); !ok || rep.Status != 409 || len(rep.Log) == 0 {
		t.Errorf("IdP log not journaled: %+v", rep)
	}
	// Free the address, then provision.
	mustOK(t, "unlink", o.c.DeleteProvisioningRecord(ctxBG, "712020:jane"))
	mustOK(t, "park", o.c.SetEmail(ctxBG, "712020:jane", "yuki.t_duplicate@acme.com"))
	mustCheck(t, a, env, s, run.Ready)

	// Live: the operator is told what to do in Entra.
	live := o.env(t, true)
	wantOperator(t, a.Execute(ctxBG, live, s), "Provision on demand", `emails[type eq "work"].value`, "Unique User Identifier", "obj-yuki", "syncdoctor resume")
	if err := a.Verify(ctxBG, live, s); err == nil {
		t.Error("verified before the operator acted")
	}

	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	mustCheck(t, a, env, s, run.AlreadyDone)

	// A target on a domain not verified here; an account not managed here.
	mustCheck(t, a, env, ps(steps.StepProvisionUser, steps.ParamAccountID, "712020:free", steps.ParamTarget, "free@acme-labs.com"), run.Blocked)
	if pre := mustCheck(t, a, env, ps(steps.StepProvisionUser, steps.ParamAccountID, "712020:lab", steps.ParamTarget, "lab@acme.com"), run.Blocked); !strings.Contains(pre.Reason, "does not manage") {
		t.Errorf("reason %s", pre.Reason)
	}
}

// A user with no SCIM record: the account takes the target first, in its
// own step, so that provisioning links it instead of making a second
// account; provision-user alone refuses to make that second account.
func TestProvisionUserWithoutRecordSetsTheEmailFirst(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	mustOK(t, "claim", o.sim.VerifyDomain("acme-labs.com"))
	mustOK(t, "claim", o.sim.ClaimAccount("712020:lab"))
	a, first := actProvisionUser{}, actSetEmailFirst{}
	s := ps(steps.StepProvisionUser, steps.ParamAccountID, "712020:lab", steps.ParamEmail, "lab@acme-labs.com", steps.ParamName, "Lab User", steps.ParamTarget, "lab@acme.com")
	if pre := mustCheck(t, a, env, s, run.Blocked); !strings.Contains(pre.Reason, "second account") {
		t.Errorf("reason %s", pre.Reason)
	}
	set := s
	set.ID = steps.StepSetEmailFirst
	if pre := mustCheck(t, first, env, set, run.Ready); !strings.Contains(pre.Reason, "takes lab@acme.com before provisioning") {
		t.Errorf("reason %s", pre.Reason)
	}
	before := len(o.state().Accounts)
	mustOK(t, "set first", first.Execute(ctxBG, env, set))
	mustOK(t, "verify the email", first.Verify(ctxBG, env, set))
	mustCheck(t, first, env, set, run.AlreadyDone)
	mustCheck(t, a, env, s, run.Ready)
	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	after := o.state()
	if len(after.Accounts) != before || len(fxLinks(after, "712020:lab")) != 1 {
		t.Errorf("%d accounts (was %d), links %v", len(after.Accounts), before, fxLinks(after, "712020:lab"))
	}
	if got := o.changeLog(); !slices.Equal(got, []string{"PUT /users/712020:lab/manage/email", "IDP provision obj-lab"}) {
		t.Errorf("changes %v", got)
	}
}

func TestIdpGroupsActions(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	rm, add := actIdpGroups{remove: true}, actIdpGroups{}
	s := ps(steps.StepIdpRemoveGroups, steps.ParamAccountID, "712020:yuki", steps.ParamName, "Yuki Tanaka", steps.ParamExternalID, "obj-yuki",
		steps.ParamDirectoryID, "d-entra", steps.ParamIdp, string(steps.IdpEntra), steps.ParamGroups, "engineering")
	if pre := mustCheck(t, rm, env, s, run.Ready); !strings.Contains(pre.Reason, "engineering") {
		t.Errorf("reason %s", pre.Reason)
	}
	wantOperator(t, rm.Execute(ctxBG, o.env(t, true), s), "Microsoft Entra ID", "remove Yuki Tanaka from these groups: engineering", "dynamic group", "membership rule")
	mustOK(t, "execute", rm.Execute(ctxBG, env, s))
	mustOK(t, "verify", rm.Verify(ctxBG, env, s))
	mustCheck(t, rm, env, s, run.AlreadyDone)
	if u := fxAccount(o.state(), "712020:yuki"); slices.Contains(u.Groups, "g-eng") {
		t.Errorf("still in the synced group: %v", u.Groups)
	}

	s.ID = steps.StepIdpAddGroups
	if pre := mustCheck(t, add, env, s, run.Ready); !strings.Contains(pre.Reason, "not in engineering") {
		t.Errorf("reason %s", pre.Reason)
	}
	wantOperator(t, add.Execute(ctxBG, o.env(t, true), s), "add Yuki Tanaka back", "take the exclusion out")
	mustOK(t, "execute", add.Execute(ctxBG, env, s))
	mustOK(t, "verify", add.Verify(ctxBG, env, s))
	mustCheck(t, add, env, s, run.AlreadyDone)
	if u := fxAccount(o.state(), "712020:yuki"); !slices.Contains(u.Groups, "g-eng") {
		t.Errorf("not back in the synced group: %v", u.Groups)
	}
	okta := s
	okta.Params = ps("", steps.ParamName, "Yuki", steps.ParamIdp, string(string(steps.IdpOkta))).Params
	wantOperator(t, add.Execute(ctxBG, o.env(t, true), okta), "Okta", "Push Groups")
}

func TestRecordAndRestoreMemberships(t *testing.T) {
	o := fxStartJSON(t, twoDirectoriesSnapshot)
	env := o.env(t, false)
	rec, res := actRecordMemberships{}, actRestoreMemberships{}
	restore := ps(steps.StepRestoreMemberships, steps.ParamAccountID, "712020:yuki", steps.ParamName, "Yuki Tanaka", steps.ParamDuplicateAccountID, "712020:dup")
	if pre := mustCheck(t, res, env, restore, run.Blocked); !strings.Contains(pre.Reason, "nothing to restore") {
		t.Errorf("reason %s", pre.Reason)
	}
	s := ps(steps.StepRecordMemberships, steps.ParamAccountID, "712020:yuki", steps.ParamDuplicateAccountID, "712020:dup",
		steps.ParamDirectoryID, "d-entra", steps.ParamScimUserID, "s-new", steps.ParamExternalID, "ext-1")
	mustCheck(t, rec, env, s, run.Ready)
	mustOK(t, "record", rec.Execute(ctxBG, env, s))
	mustOK(t, "verify", rec.Verify(ctxBG, env, s))
	var recs []membershipRecord
	if ok, _ := env.Facts.Get(journal.FactMemberships, &recs); !ok || len(recs) != 3 {
		t.Fatalf("record %+v", recs)
	}
	via := map[string]string{}
	for _, r := range recs {
		for _, g := range r.OrgGroups {
			via[g.ID] = g.Via
		}
	}
	wantVia := map[string]string{"g-phoenix": viaOrg, "g-dup-local": viaOrg, "g-eng": viaIdP, "g-okta-eng": viaDirPrefix + "d-okta"}
	for id, v := range wantVia {
		if via[id] != v {
			t.Errorf("%s via %q, want %q", id, via[id], v)
		}
	}
	if r := recs[2]; r.Role != roleScimUser || r.ExternalID != "ext-1" || !slices.Equal(r.Groups, []string{"eng-all"}) {
		t.Errorf("SCIM record %+v", r)
	}
	// The note reads the same fact as MembershipFacts.
	var facts []journal.MembershipFact
	if _, err := env.Facts.Get(journal.FactMemberships, &facts); err != nil || len(facts) != 3 || facts[0].AccountID != "712020:yuki" {
		t.Errorf("as MembershipFacts: %+v %v", facts, err)
	}
	// Only the first record counts.
	mustCheck(t, rec, env, s, run.AlreadyDone)
	mustOK(t, "remove", o.c.RemoveGroupMember(ctxBG, o.groupDirectory(t, "g-phoenix"), "g-phoenix", "712020:yuki"))
	mustOK(t, "record again", rec.Execute(ctxBG, env, s))
	var again []membershipRecord
	_, _ = env.Facts.Get(journal.FactMemberships, &again)
	if len(again[0].OrgGroups) != 2 {
		t.Errorf("the record was overwritten: %+v", again[0])
	}

	// The old account lacks a local group of its own and the duplicate's,
	// and the synced group of the person's directory.
	pre := mustCheck(t, res, env, restore, run.Ready)
	for _, w := range []string{"project-phoenix", "new-starters", "eng-all"} {
		if !strings.Contains(pre.Reason, w) {
			t.Errorf("reason lacks %q: %s", w, pre.Reason)
		}
	}
	// Live, synced groups are the operator's to put back in the IdP.
	live := o.env(t, true)
	live.Facts = env.Facts
	wantOperator(t, res.Execute(ctxBG, live, restore), "eng-all", "synced from the identity provider")
	if u := fxAccount(o.state(), "712020:yuki"); !slices.Contains(u.Groups, "g-phoenix") || !slices.Contains(u.Groups, "g-dup-local") {
		t.Errorf("local groups not added: %v", u.Groups)
	}
	if err := res.Verify(ctxBG, env, restore); err == nil || !strings.Contains(err.Error(), "eng-all") {
		t.Errorf("verify = %v, want eng-all missing", err)
	}
	// Simulated: the IdP pushes the groups again. The person needs a SCIM
	// user for that: provision first.
	mustOK(t, "unlink", o.c.DeleteProvisioningRecord(ctxBG, "712020:dup"))
	mustOK(t, "park", o.c.SetEmail(ctxBG, "712020:dup", "yuki.t_duplicate@acme.com"))
	mustOK(t, "unlink old", o.c.DeleteProvisioningRecord(ctxBG, "712020:yuki"))
	mustOK(t, "set", o.c.SetEmail(ctxBG, "712020:yuki", "yuki.t@acme.com"))
	// The plan's IdP steps: out of the groups, back in, provisioned again.
	if _, err := o.sim.IdP().RemoveFromGroups(ctxBG, "ext-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.sim.IdP().AddToGroups(ctxBG, "ext-1"); err != nil {
		t.Fatal(err)
	}
	if r, err := o.sim.IdP().Provision(ctxBG, "ext-1"); err != nil || r.Failed() {
		t.Fatalf("provision %+v %v", r, err)
	}
	// The IdP brought eng-all back; the local groups came back above.
	if pre := mustCheck(t, res, env, restore, run.AlreadyDone); !strings.Contains(pre.Reason, "not restored here: okta-eng (synced from directory d-okta)") {
		t.Errorf("reason %s", pre.Reason)
	}
	mustOK(t, "verify", res.Verify(ctxBG, env, restore))
	if !env.Facts.Has(journal.FactMembershipsRestored) || !env.Facts.Has(factNotRestored) {
		t.Errorf("facts %v", env.Facts.Keys())
	}
	mustCheck(t, res, env, restore, run.AlreadyDone)
}

// A membership whose answer is lost is read back, not sent again.
func TestRestoreMembershipLostAnswerIsReadBack(t *testing.T) {
	o := fxStartJSON(t, twoDirectoriesSnapshot)
	env := o.env(t, false)
	s := ps(steps.StepRecordMemberships, steps.ParamAccountID, "712020:yuki", steps.ParamDuplicateAccountID, "712020:dup", steps.ParamDirectoryID, "d-entra", steps.ParamScimUserID, "s-new")
	mustOK(t, "record", actRecordMemberships{}.Execute(ctxBG, env, s))
	restore := ps(steps.StepRestoreMemberships, steps.ParamAccountID, "712020:yuki")
	o.sim.SetFaults(fixtures.Faults{FailMutation: 1, FailMutationAfterApply: true})
	// The local group comes back once; the synced eng-all is the IdP's to bring.
	wantOperator(t, actRestoreMemberships{}.Execute(ctxBG, env, restore), "eng-all", "synced from the identity provider")
	if u := fxAccount(o.state(), "712020:yuki"); !slices.Contains(u.Groups, "g-dup-local") {
		t.Errorf("groups %v", u.Groups)
	}
	want := []string{"POST /admin/v2/orgs/org-sim/directories/" + o.groupDirectory(t, "g-dup-local") + "/groups/g-dup-local/memberships"}
	if got := o.changeLog(); !slices.Equal(got, want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	// eng-all is the duplicate's SCIM user's until the fix moves it.
	if err := (actRestoreMemberships{}).Verify(ctxBG, env, restore); err == nil || !strings.Contains(err.Error(), "eng-all") {
		t.Errorf("verify = %v", err)
	}
}

func TestClaimDomainAction(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	a := actClaimDomain{}
	s := ps(steps.StepClaimDomain, steps.ParamDomain, "acme-labs.com", steps.ParamTarget, "x@acme-labs.com")
	mustCheck(t, a, env, s, run.Ready)
	wantOperator(t, a.Execute(ctxBG, o.env(t, true), s), "admin.atlassian.com", "Settings > Domains", "acme-labs.com", "DNS TXT")
	if err := a.Verify(ctxBG, env, s); err == nil {
		t.Error("verified an unverified domain")
	}
	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	mustCheck(t, a, env, s, run.AlreadyDone)
	// Another org's domain (listed as superseded) and an unlisted one are
	// never verified: the step is blocked before it asks.
	other := ps(steps.StepClaimDomain, steps.ParamDomain, "partner.io")
	if pre := mustCheck(t, a, env, other, run.Blocked); !strings.Contains(pre.Reason, "another org") {
		t.Errorf("reason %s", pre.Reason)
	}
	if pre := mustCheck(t, a, env, ps(steps.StepClaimDomain, steps.ParamDomain, "acme.co"), run.Blocked); !strings.Contains(pre.Reason, "not listed") {
		t.Errorf("reason %s", pre.Reason)
	}
	// The console itself refuses another org's domain all the same.
	if err := a.Execute(ctxBG, env, other); !errors.Is(err, fixtures.ErrOtherOrgDomain) {
		t.Errorf("err = %v", err)
	}
}

func TestClaimAccountAction(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	a := actClaimAccount{}
	s := ps(steps.StepClaimAccount, steps.ParamAccountID, "712020:lab", steps.ParamEmail, "lab@acme-labs.com", steps.ParamName, "Lab User",
		steps.ParamDomain, "acme-labs.com", steps.ParamDomainVerified, "false")
	// Claimed only on a verified domain: claim-domain comes first.
	if pre := mustCheck(t, a, env, s, run.Blocked); !strings.Contains(pre.Reason, "not verified") {
		t.Errorf("reason %s", pre.Reason)
	}
	mustOK(t, "verify the domain", o.sim.VerifyDomain("acme-labs.com"))
	mustCheck(t, a, env, s, run.Ready)
	wantOperator(t, a.Execute(ctxBG, o.env(t, true), s), "Claim accounts", "Directory > Managed accounts")
	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	mustCheck(t, a, env, s, run.AlreadyDone)
	if got := o.changeLog(); !slices.Equal(got, []string{"ADMIN claim 712020:lab"}) {
		t.Errorf("changes %v: the step makes its one change only", got)
	}
	// Another org's account is never claimed: blocked before it asks.
	if pre := mustCheck(t, a, env, ps(steps.StepClaimAccount, steps.ParamAccountID, "712020:ext", steps.ParamDomain, "partner.io"), run.Blocked); !strings.Contains(pre.Reason, "partner.io is not verified") {
		t.Errorf("reason %s", pre.Reason)
	}
}

const googleSnapshot = `{
  "org": {"id": "org-g", "name": "Acme"},
  "setup": {"googleWorkspace": true},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [{"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com"}],
  "directories": [{"id": "d-google", "name": "Google", "idp": "google",
    "users": [{"id": "s-yuki", "externalId": "g-1", "userName": "yuki.tanaka@acme.com", "displayName": "Yuki Tanaka", "active": true,
      "emails": [{"value": "yuki.tanaka@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:yuki"}],
    "idpUsers": [{"externalId": "g-1", "userPrincipalName": "yuki.t@acme.com", "scimEmail": "yuki.t@acme.com", "groups": []}]}]
}`

func TestGooglePrimaryEmailAction(t *testing.T) {
	o := fxStartJSON(t, googleSnapshot)
	env := o.env(t, false)
	a := actGooglePrimaryEmail{}
	s := ps(steps.StepGooglePrimaryEmail, steps.ParamAccountID, "712020:yuki", steps.ParamName, "Yuki Tanaka", steps.ParamTarget, "yuki.t@acme.com", steps.ParamDirectoryID, "d-google", steps.ParamIdp, string(steps.IdpGoogle))
	mustCheck(t, a, env, s, run.Ready)
	wantOperator(t, a.Execute(ctxBG, o.env(t, true), s), "Google Admin console", "primary email to yuki.t@acme.com")
	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	mustCheck(t, a, env, s, run.AlreadyDone)
}

const samlSnapshot = `{
  "org": {"id": "org-s", "name": "Acme"},
  "setup": {"samlSso": "enforced"},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [{"accountId": "712020:bo", "name": "Bo Li", "email": "b.li@acme.com"}],
  "directories": [{"id": "d-okta", "name": "Okta", "idp": "okta",
    "users": [{"id": "s-bo", "externalId": "o-bo", "userName": "bo.li@acme.com", "displayName": "Bo Li", "active": true,
      "emails": [{"value": "b.li@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:bo"}],
    "idpUsers": [{"externalId": "o-bo", "userPrincipalName": "bo.li@acme.com", "scimEmail": "bo.li@acme.com", "samlNameId": "b.li@acme.com", "groups": []}]}]
}`

func TestAlignSamlAttributeAction(t *testing.T) {
	o := fxStartJSON(t, samlSnapshot)
	d := o.fxDiagnose(t, diagnose.Request{User: "b.li@acme.com", Target: "bo.li@acme.com"})
	s := fxStep(t, d.Plan, steps.StepAlignSamlAttribute)
	env := o.env(t, false)
	a := actAlignSaml{}
	if pre := mustCheck(t, a, env, s, run.Ready); !strings.Contains(pre.Reason, "userName bo.li@acme.com but email b.li@acme.com") {
		t.Errorf("reason %s", pre.Reason)
	}
	wantOperator(t, a.Execute(ctxBG, o.env(t, true), s), "Okta", "username format", "primary email", "bo.li@acme.com")
	if err := a.Verify(ctxBG, env, s); err == nil {
		t.Error("verified before the mappings agree")
	}
	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	mustCheck(t, a, env, s, run.AlreadyDone)
	var rep run.IdpReport
	if ok, _ := env.Facts.Get(factIdpReport+string(steps.StepAlignSamlAttribute), &rep); !ok || !strings.Contains(strings.Join(rep.Log, "\n"), "NameID") {
		t.Errorf("report %+v", rep)
	}
	if u := o.state().Directories[0].IdpUsers[0]; u.SamlNameID != "bo.li@acme.com" {
		t.Errorf("IdP user %+v", u)
	}
}

func TestSocialLoginNoticeAction(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	a := actSocialLoginNotice{}
	s := ps(steps.StepSocialLoginNotice, steps.ParamAccountID, "712020:yuki", steps.ParamName, "Yuki Tanaka", steps.ParamEmail, "yuki.tanaka@acme.com",
		steps.ParamProvider, "google", steps.ParamHolderAccountID, "712020:jane", steps.ParamHolderProvider, "microsoft")
	pre := mustCheck(t, a, env, s, run.Ready)
	for _, w := range []string{"Google", "next Google login puts the old email back", "712020:jane", "Microsoft"} {
		if !strings.Contains(pre.Reason, w) {
			t.Errorf("notice lacks %q: %s", w, pre.Reason)
		}
	}
	mustOK(t, "execute", a.Execute(ctxBG, env, s))
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	mustCheck(t, a, env, s, run.AlreadyDone)
	if len(o.changeLog()) != 0 {
		t.Error("a notice changed the org")
	}
}

func TestVerifyUserAction(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	a := actVerifyUser{}
	s := ps(steps.StepVerifyUser, steps.ParamAccountID, "712020:yuki", steps.ParamTarget, "YUKI.TANAKA@acme.com", steps.ParamDirectoryID, "d-entra", steps.ParamExternalID, "obj-yuki")
	mustCheck(t, a, env, s, run.Ready)
	mustOK(t, "verify", a.Verify(ctxBG, env, s))
	for _, tc := range []struct {
		s    steps.PlanStep
		want string
	}{
		{ps(steps.StepVerifyUser, steps.ParamAccountID, "712020:yuki", steps.ParamTarget, "yuki.t@acme.com"), "not yuki.t@acme.com"},
		{ps(steps.StepVerifyUser, steps.ParamAccountID, "712020:free", steps.ParamTarget, "free@acme.com"), "no SCIM user links it"},
		{ps(steps.StepVerifyUser, steps.ParamAccountID, "712020:yuki", steps.ParamTarget, "yuki.tanaka@acme.com", steps.ParamDirectoryID, "d-okta"), "directory d-okta"},
		{ps(steps.StepVerifyUser, steps.ParamAccountID, "712020:yuki", steps.ParamTarget, "yuki.tanaka@acme.com", steps.ParamExternalID, "obj-other"), "obj-other"},
		{ps(steps.StepVerifyUser, steps.ParamAccountID, "712020:gone", steps.ParamTarget, "x@acme.com"), "no longer exists"},
	} {
		if err := a.Verify(ctxBG, env, tc.s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: verify = %v, want %q", tc.s.Params, err, tc.want)
		}
	}
	mustCheck(t, a, env, ps(steps.StepVerifyUser, steps.ParamAccountID, "712020:gone", steps.ParamTarget, "x@acme.com"), run.Blocked)
}

// Every action's Check stops the run, with a reason, when the plan's
// accounts or records are gone or its params are missing.
func TestChecksBlockOnAGoneOrIncompletePlan(t *testing.T) {
	o := unitOrg(t)
	env := o.env(t, false)
	cases := []steps.PlanStep{
		ps(steps.StepRecordMemberships, steps.ParamAccountID, "712020:gone"),
		ps(steps.StepRecordHolderMemberships),
		ps(steps.StepIdpRemoveGroups),
		ps(steps.StepIdpAddGroups),
		ps(steps.StepClaimDomain),
		ps(steps.StepClaimAccount, steps.ParamAccountID, "712020:gone"),
		ps(steps.StepGooglePrimaryEmail, steps.ParamAccountID, "712020:free", steps.ParamTarget, "yuki.t@acme.com"),
		ps(steps.StepGooglePrimaryEmail, steps.ParamAccountID, "712020:gone", steps.ParamTarget, "x@acme.com"),
		ps(steps.StepAlignSamlAttribute, steps.ParamDirectoryID, "d-entra", steps.ParamScimUserID, "s-gone"),
		ps(steps.StepAlignSamlAttribute),
		ps(steps.StepProvisionUser, steps.ParamAccountID, "712020:gone", steps.ParamTarget, "x@acme.com"),
		ps(steps.StepSetOldEmail, steps.ParamAccountID, "712020:gone", steps.ParamTarget, "x@acme.com"),
		ps(steps.StepParkDuplicate, steps.ParamAccountID, "712020:gone", steps.ParamEmail, "x@acme.com"),
		ps(steps.StepCheckHolder, steps.ParamEmail, "yuki.t@acme.com"),
		ps(steps.StepHandoffHolderOtherOrg),
	}
	for _, s := range cases {
		pre, err := Registry()[s.ID].Check(ctxBG, env, s)
		if err != nil || pre.State != run.Blocked || pre.Reason == "" {
			t.Errorf("%s %v: %s (%q) %v, want blocked with a reason", s.ID, s.Params, pre.State, pre.Reason, err)
		}
	}
	if len(o.changeLog()) != 0 {
		t.Errorf("a Check changed the org: %v", o.changeLog())
	}
}
