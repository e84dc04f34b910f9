package fixes

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/diagnose"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/testorgs"
	"github.com/syncdoctor/syncdoctor/steps/journal"
	"github.com/syncdoctor/syncdoctor/steps/run"

	"github.com/syncdoctor/syncdoctor/fixtures"
)

// End to end: diagnose a case on a simulated org, run the whole plan with
// every confirmation answered yes, the simulated IdP and admin console, then
// check the org through its snapshot.

func TestFixEveryDemoScenario(t *testing.T) {
	for _, sc := range fixtures.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			o := fxStart(t, sc.Org(), fixtures.Options{})
			d := o.fxDiagnose(t, diagnose.Request{User: sc.User, Target: sc.Target, IdpError: sc.IdpError})
			if string(d.Verdict) != sc.Verdict {
				t.Fatalf("verdict %s, want %s", d.Verdict, sc.Verdict)
			}
			before := o.state()
			if sc.Fix == fixtures.FixNothing {
				if len(d.Plan) != 0 {
					t.Fatalf("plan %v, want none", steps.IDs(d.Plan))
				}
				return
			}
			x := o.executor(t, false)
			res, err := x.Start(context.Background(), fxHeader(d))
			if err != nil {
				t.Fatal(err)
			}
			r := journalRun(t, x)
			switch sc.Fix {
			case fixtures.FixHandoff:
				if res.Status != journal.StatusWaitingOperator || waitingKind(res) != steps.KindHandoff || res.Fixed {
					t.Fatalf("run %s, want it stopped at a hand-off: %s\n%s", res.Status, res.Reason, r.Timeline(nil))
				}
				if !strings.Contains(res.Reason, "Nothing is changed here") && !strings.Contains(res.Reason, "does not manage") {
					t.Errorf("the hand-off does not say who must act and that nothing changes: %s", res.Reason)
				}
			default:
				if res.Status != journal.StatusCompleted || !res.Fixed {
					t.Fatalf("run %s (fixed %v): %s\n%s", res.Status, res.Fixed, res.Reason, r.Timeline(nil))
				}
				checkFixed(t, o, x, d, before)
			}
			checkEndState(t, before, o.state(), d, r)
			if sc.Fix == fixtures.FixHandoff && len(o.changeLog()) != 0 && !onlyAskedTheIdP(o.changeLog()) {
				t.Errorf("a hand-off changed the org: %v", o.changeLog())
			}
		})
	}
}

// waitingKind is the kind of the step a run waits at.
func waitingKind(res *run.Result) steps.Kind {
	for _, st := range res.Steps {
		if st.Status == journal.StepWaiting {
			return st.Kind
		}
	}
	return ""
}

// onlyAskedTheIdP: the only changes are provisioning runs on demand, which
// change nothing when the IdP says what Atlassian holds already.
func onlyAskedTheIdP(changes []string) bool {
	for _, c := range changes {
		if !strings.HasPrefix(c, "IDP provision ") {
			return false
		}
	}
	return true
}

// checkFixed checks the org after a completed fix: the user's account has
// the target and is linked, the holder or duplicate is parked, every
// recorded membership is back, no account was lost or made, and every
// journaled change was made exactly once.
func checkFixed(t *testing.T, o *fxOrg, x *run.Executor, d *diagnose.Diagnosis, before *fixtures.Snapshot) {
	t.Helper()
	after := o.state()
	u := fxAccount(after, d.User.AccountID)
	if u == nil || !strings.EqualFold(u.Email, d.Target) {
		t.Fatalf("the user's account is %+v, want the email %s", u, d.Target)
	}
	if slices.Contains(steps.IDs(d.Plan), steps.StepVerifyUser) && len(fxLinks(after, u.AccountID)) == 0 {
		t.Errorf("the user's account %s is not linked", u.AccountID)
	}
	if h := d.Facts.Holder; h != nil && (d.Verdict == steps.VerdictEmailTaken || d.Verdict == steps.VerdictDuplicateAccount) {
		ha := fxAccount(after, h.AccountID)
		parked := ha != nil && address.IsPlaceholderOf(ha.Email, d.Target)
		moved := ha != nil && !parked && slices.Contains(steps.IDs(d.Plan), steps.StepProvisionHolder) && !strings.EqualFold(ha.Email, d.Target)
		if !parked && !moved {
			t.Errorf("the holder %s is %+v, want it parked on a placeholder of %s (or moved by its own IdP record)", h.AccountID, ha, d.Target)
		}
	}
	if len(after.Accounts) != len(before.Accounts) {
		t.Errorf("%d accounts before the fix, %d after", len(before.Accounts), len(after.Accounts))
	}
	for _, a := range before.Accounts {
		if b := fxAccount(after, a.AccountID); b == nil || (b.AccountStatus == fixtures.StatusClosed) != (a.AccountStatus == fixtures.StatusClosed) {
			t.Errorf("account %s was lost or closed: %+v", a.AccountID, b)
		}
	}
	run := journalRun(t, x)
	for _, r := range recorded(t, run) {
		if r.Role == roleHolder {
			continue
		}
		for _, g := range r.OrgGroups {
			if strings.HasPrefix(g.Via, viaDirPrefix) {
				if _, noted := run.Facts[factNotRestored]; !noted {
					t.Errorf("%s cannot come back and the run does not say so", g.Name)
				}
				continue
			}
			if !slices.Contains(u.Groups, g.ID) {
				t.Errorf("recorded membership %s (%s) of %s is not on the user's account: %v", g.Name, g.Via, r.AccountID, u.Groups)
			}
		}
	}
	if recorded(t, run) != nil && d.Verdict == steps.VerdictDuplicateAccount {
		if _, ok := run.Facts[journal.FactMembershipsRestored]; !ok {
			t.Error("memberships-restored was not journaled")
		}
	}
	// Each change journaled once, made once.
	if n, changes := intentCount(run), o.changeLog(); n != len(changes) {
		t.Errorf("%d intents journaled, %d changes made: %v", n, len(changes), changes)
	}
}

// Tricky cases beyond the demo, as small snapshots.
func TestFixTrickyCases(t *testing.T) {
	cases := []struct {
		name, snapshot, user, target string
		verdict                      steps.Verdict
		plan                         []steps.StepID
	}{
		{
			name: "holder with product access, a leaver still provisioned", snapshot: testorgs.EmailTakenByLeaver(steps.IdpEntra),
			user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com", verdict: steps.VerdictEmailTaken,
			plan: []steps.StepID{steps.StepCheckHolder, steps.StepRecordHolderMemberships, steps.StepUnlinkHolder, steps.StepParkHolder, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			name: "duplicate with the old account still linked in another directory", snapshot: twoDirectoriesSnapshot,
			user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com", verdict: steps.VerdictDuplicateAccount,
			plan: []steps.StepID{steps.StepRecordMemberships, steps.StepIdpRemoveGroups, steps.StepUnlinkDuplicate, steps.StepParkDuplicate, steps.StepUnlinkOld,
				steps.StepSetOldEmail, steps.StepIdpAddGroups, steps.StepProvisionUser, steps.StepVerifyUser, steps.StepRestoreMemberships},
		},
		{
			name: "duplicate matched by display name", snapshot: byNameSnapshot,
			user: "712020:yuki", target: "yuki.t@acme.com", verdict: steps.VerdictDuplicateAccount,
			plan: []steps.StepID{steps.StepRecordMemberships, steps.StepIdpRemoveGroups, steps.StepUnlinkDuplicate, steps.StepParkDuplicate,
				steps.StepSetOldEmail, steps.StepIdpAddGroups, steps.StepProvisionUser, steps.StepVerifyUser, steps.StepRestoreMemberships},
		},
		{
			name: "placeholder already taken", snapshot: placeholderTakenSnapshot,
			user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com", verdict: steps.VerdictEmailTaken,
			plan: []steps.StepID{steps.StepCheckHolder, steps.StepParkHolder, steps.StepProvisionUser, steps.StepVerifyUser},
		},
		{
			name: "okta, two IdP groups", snapshot: testorgs.EmailTakenByLeaver(steps.IdpOkta),
			user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com", verdict: steps.VerdictEmailTaken,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := fxStartJSON(t, tc.snapshot)
			d := o.fxDiagnose(t, diagnose.Request{User: tc.user, Target: tc.target})
			if d.Verdict != tc.verdict || (tc.plan != nil && !slices.Equal(steps.IDs(d.Plan), tc.plan)) {
				t.Fatalf("verdict %s plan %v", d.Verdict, steps.IDs(d.Plan))
			}
			before := o.state()
			x := o.executor(t, false)
			res, err := x.Start(context.Background(), fxHeader(d))
			if err != nil || res.Status != journal.StatusCompleted {
				t.Fatalf("run %+v %v\n%s", res, err, journalRun(t, x).Timeline(nil))
			}
			checkFixed(t, o, x, d, before)
		})
	}
}

// The old account is linked in Okta, which the person left; Entra made a
// duplicate with the same externalId. The duplicate has a local group.
const twoDirectoriesSnapshot = `{
  "org": {"id": "org-sim", "name": "Acme"},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com", "productAccess": ["confluence"], "groups": ["g-phoenix", "g-okta-eng"]},
    {"accountId": "712020:dup", "name": "Y. Tanaka", "email": "yuki.t@acme.com", "productAccess": ["jira-software"], "groups": ["g-eng", "g-dup-local"]}
  ],
  "groups": [
    {"id": "g-eng", "name": "eng-all", "externalSynced": true},
    {"id": "g-okta-eng", "name": "okta-eng", "externalSynced": true},
    {"id": "g-phoenix", "name": "project-phoenix"},
    {"id": "g-dup-local", "name": "new-starters"}
  ],
  "directories": [
    {"id": "d-okta", "name": "Okta", "idp": "okta",
     "users": [{"id": "s-old", "externalId": "ext-1", "userName": "yuki.tanaka@acme.com", "displayName": "Yuki Tanaka", "active": true,
       "emails": [{"value": "yuki.tanaka@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:yuki"}],
     "groups": [{"id": "sg-okta", "displayName": "okta-eng", "members": ["s-old"], "orgGroupId": "g-okta-eng"}]},
    {"id": "d-entra", "name": "Entra", "idp": "entra",
     "users": [{"id": "s-new", "externalId": "ext-1", "userName": "yuki.t@acme.com", "displayName": "Y. Tanaka", "active": true,
       "emails": [{"value": "yuki.t@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:dup"}],
     "groups": [{"id": "sg-eng", "displayName": "eng-all", "members": ["s-new"], "orgGroupId": "g-eng"}],
     "idpUsers": [{"externalId": "ext-1", "userPrincipalName": "yuki.t@acme.com", "scimEmail": "yuki.t@acme.com", "samlNameId": "yuki.t@acme.com",
       "displayName": "Yuki Tanaka", "groups": ["eng-all"]}]}
  ]
}`

// The old account is linked to nothing (deleted in the IdP and recreated);
// the duplicate's SCIM user carries the user's name.
const byNameSnapshot = `{
  "org": {"id": "org-sim", "name": "Acme"},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com", "accountStatus": "inactive", "productAccess": ["confluence"], "groups": ["g-phoenix"]},
    {"accountId": "712020:dup", "name": "Yuki Tanaka", "email": "yuki.t@acme.com", "groups": ["g-eng"]}
  ],
  "groups": [{"id": "g-eng", "name": "engineering", "externalSynced": true}, {"id": "g-phoenix", "name": "project-phoenix"}],
  "directories": [{
    "id": "d-entra", "name": "Entra", "idp": "entra",
    "users": [{"id": "s-new", "externalId": "obj-new", "userName": "yuki.t@acme.com", "displayName": "YUKI  TANAKA", "active": true,
      "emails": [{"value": "yuki.t@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:dup"}],
    "groups": [{"id": "sg-eng", "displayName": "engineering", "members": ["s-new"], "orgGroupId": "g-eng"}],
    "idpUsers": [{"externalId": "obj-new", "userPrincipalName": "yuki.t@acme.com", "scimEmail": "yuki.t@acme.com", "displayName": "Yuki Tanaka", "groups": ["engineering"]}]
  }]
}`

// The preferred placeholder is someone else's already: the next is used.
const placeholderTakenSnapshot = `{
  "org": {"id": "org-sim", "name": "Acme"},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com"},
    {"accountId": "712020:stray", "name": "Yuki T", "email": "yuki.t@acme.com", "productAccess": ["confluence"]},
    {"accountId": "712020:older", "name": "Old Stray", "email": "yuki.t_duplicate@acme.com"}
  ],
  "directories": [{"id": "d-entra", "name": "Entra", "idp": "entra",
    "users": [{"id": "s-yuki", "externalId": "obj-yuki", "userName": "yuki.tanaka@acme.com", "displayName": "Yuki Tanaka", "active": true,
      "emails": [{"value": "yuki.tanaka@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:yuki"}],
    "idpUsers": [{"externalId": "obj-yuki", "userPrincipalName": "yuki.tanaka@acme.com", "scimEmail": "yuki.t@acme.com", "groups": []}]}]
}`

// A holder in another org: the run stops with guidance and changes nothing.
func TestFixHolderInAnotherOrgStopsWithGuidance(t *testing.T) {
	o := fxStartJSON(t, testorgs.OtherOrg)
	d := o.fxDiagnose(t, diagnose.Request{User: "yuki.tanaka@acme.com", Target: "yuki@partner.io"})
	if !slices.Equal(steps.IDs(d.Plan), []steps.StepID{steps.StepHandoffTargetDomain}) {
		t.Fatalf("verdict %s plan %v", d.Verdict, steps.IDs(d.Plan))
	}
	before := o.stateJSON(t)
	x := o.executor(t, false)
	res, err := x.Start(context.Background(), fxHeader(d))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusWaitingOperator || res.Steps[0].Outcome != "waiting" || res.Fixed {
		t.Fatalf("run %s (%s): %s", res.Status, res.Steps[0].Outcome, res.Reason)
	}
	for _, want := range []string{"Another org has verified partner.io", "Nothing is changed here"} {
		if !strings.Contains(res.Reason, want) {
			t.Errorf("guidance lacks %q: %s", want, res.Reason)
		}
	}
	if o.stateJSON(t) != before || len(o.changeLog()) != 0 {
		t.Errorf("the org changed: %v", o.changeLog())
	}
}

// play does in the simulated IdP or admin console what the operator of a
// live org was asked to do for step s.
func play(t *testing.T, o *fxOrg, s steps.PlanStep) {
	t.Helper()
	ctx := context.Background()
	snap := o.state()
	extOf := func() string {
		if ext := s.Params.ExternalID; ext != "" {
			return ext
		}
		for _, l := range fxLinks(snap, s.Params.AccountID) {
			dir, id, _ := strings.Cut(l, "/")
			if su := fxScimUser(snap, dir, id); su != nil && (s.Params.DirectoryID == "" || s.Params.DirectoryID == dir) {
				return su.ExternalID
			}
		}
		ext, err := o.sim.IdP().FindUser(s.Params.Target)
		if err != nil {
			t.Fatal(err)
		}
		return ext
	}
	var res fixtures.IdpResult
	var err error
	switch s.ID {
	case steps.StepProvisionUser, steps.StepGooglePrimaryEmail, steps.StepProvisionHolder:
		res, err = o.sim.IdP().Provision(ctx, extOf())
	case steps.StepSocialLoginNotice:
		// Telling the owner: nothing any system shows; the resume is the word.
	case steps.StepIdpRemoveGroups:
		res, err = o.sim.IdP().RemoveFromGroups(ctx, extOf())
	case steps.StepIdpAddGroups, steps.StepRestoreMemberships:
		res, err = o.sim.IdP().AddToGroups(ctx, extOf())
	case steps.StepAlignSamlAttribute:
		su := fxScimUser(snap, s.Params.DirectoryID, s.Params.ScimUserID)
		res, err = o.sim.AlignSamlAttribute(su.ExternalID)
	case steps.StepClaimDomain:
		err = o.sim.VerifyDomain(s.Params.Domain)
	case steps.StepClaimAccount:
		err = o.sim.ClaimAccount(s.Params.AccountID)
	default:
		t.Fatalf("nothing to play for %s", s.ID)
	}
	if err != nil || res.Failed() {
		t.Fatalf("playing %s: %+v %v", s.ID, res, err)
	}
}

// runLive runs a plan as against a live org (no IdP, no console): each time
// the run waits for the operator, the simulator plays the operator and the
// run is resumed, until it completes. It returns the instructions given,
// per step id.
func runLive(t *testing.T, o *fxOrg, d *diagnose.Diagnosis) (map[steps.StepID]string, *run.Executor) {
	t.Helper()
	x := o.executor(t, true)
	said := map[steps.StepID]string{}
	res, err := x.Start(context.Background(), fxHeader(d))
	for i := 0; ; i++ {
		if err != nil {
			t.Fatal(err)
		}
		if res.Status == journal.StatusCompleted {
			return said, x
		}
		if res.Status != journal.StatusWaitingOperator || i > len(d.Plan) {
			t.Fatalf("run %s: %s\n%s", res.Status, res.Reason, journalRun(t, x).Timeline(nil))
		}
		last := res.Steps[len(res.Steps)-1]
		for _, st := range res.Steps {
			if st.Status == journal.StepWaiting {
				last = st
			}
		}
		if last.Status != journal.StepWaiting || !strings.Contains(last.Reason, "syncdoctor resume") {
			t.Fatalf("waiting step %+v", last)
		}
		said[last.ID] = last.Reason
		// Resuming before the operator acted keeps waiting, and changes nothing.
		n := len(o.changeLog())
		if again, err := x.Resume(context.Background(), journalRun(t, x)); err != nil || again.Status != journal.StatusWaitingOperator || len(o.changeLog()) != n {
			t.Fatalf("resume before the operator acted: %+v %v", again, err)
		}
		play(t, o, d.Plan[last.Index-1])
		res, err = x.Resume(context.Background(), journalRun(t, x))
	}
}

func TestFixLiveWaitsForTheOperatorThenResumes(t *testing.T) {
	cases := []struct {
		name, snapshot, user, target string
		want                         map[steps.StepID][]string // step id -> what its instructions must name
	}{
		{name: "entra, nothing blocks", user: "chinedu.okonkwo@acme.com", target: "chinedu.okonkwo@acme.io",
			want: map[steps.StepID][]string{steps.StepProvisionUser: {"Microsoft Entra ID", "Provision on demand", `emails[type eq "work"].value`, "Unique User Identifier", "chinedu.okonkwo@acme.io"}}},
		{name: "okta, holder a leaver still provisioned", snapshot: testorgs.EmailTakenByLeaver(steps.IdpOkta), user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com",
			want: map[steps.StepID][]string{steps.StepProvisionUser: {"Okta", "Push now", "primary email", "username format"}}},
		{name: "onelogin", snapshot: testorgs.EmailTakenByLeaver(steps.IdpOneLogin), user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com",
			want: map[steps.StepID][]string{steps.StepProvisionUser: {"OneLogin", "NameID", `emails[type eq "work"].value`}}},
		{name: "google workspace", user: "isabela.magalhaes@acme.com", target: "isabela.costa@acme.com",
			want: map[steps.StepID][]string{steps.StepGooglePrimaryEmail: {"Google Admin console", "primary email", "isabela.costa@acme.com"}}},
		{name: "domain to verify", user: "mateus.araujo@acme.com", target: "mateus.araujo@acme-labs.com",
			want: map[steps.StepID][]string{steps.StepClaimDomain: {"admin.atlassian.com", "Settings > Domains", "acme-labs.com"}, steps.StepProvisionUser: {"Provision on demand"}}},
		{name: "account to claim, no SCIM record", user: "jussi.nieminen@acme-labs.com", target: "jussi.nieminen@acme.com",
			want: map[steps.StepID][]string{steps.StepClaimDomain: {"Settings > Domains", "verify acme-labs.com"}, steps.StepClaimAccount: {"Managed accounts"},
				steps.StepProvisionUser: {"jussi.nieminen@acme.com"}}},
		{name: "a colleague renamed in the IdP holds it", snapshot: testorgs.EmailTakenByRenamed(steps.IdpEntra), user: "yuki.tanaka@acme.com", target: "yuki.t@acme.com",
			want: map[steps.StepID][]string{steps.StepProvisionHolder: {"Microsoft Entra ID", "Jane Roe", "Change nothing else"}, steps.StepProvisionUser: {"Provision on demand"}}},
		{name: "SAML and SCIM attributes differ", user: "m.wisniewski@acme.com", target: "marek.wisniewski@acme.com",
			want: map[steps.StepID][]string{steps.StepAlignSamlAttribute: {"Unique User Identifier (Name ID)", `emails[type eq "work"].value`, "marek.wisniewski@acme.com"}}},
		{name: "duplicate", user: "tkobayashi@acme.com", target: "takeshi.kobayashi@acme.com",
			want: map[steps.StepID][]string{
				steps.StepIdpRemoveGroups: {"Microsoft Entra ID", "remove Takeshi Kobayashi from", "dynamic group"},
				steps.StepIdpAddGroups:    {"add Takeshi Kobayashi back"},
				steps.StepProvisionUser:   {"Provision on demand"},
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var o *fxOrg
			if tc.snapshot == "" {
				o = fxStart(t, nil, fixtures.Options{})
			} else {
				o = fxStartJSON(t, tc.snapshot)
			}
			d := o.fxDiagnose(t, diagnose.Request{User: tc.user, Target: tc.target})
			before := o.state()
			said, x := runLive(t, o, d)
			for id, words := range tc.want {
				for _, w := range words {
					if !strings.Contains(said[id], w) {
						t.Errorf("%s instructions lack %q: %s", id, w, said[id])
					}
				}
			}
			checkFixed(t, o, x, d, before)
		})
	}
}

// crashSnapshot is the duplicate plan with every kind of change: IdP
// groups out, the duplicate unlinked and parked, the old account unlinked
// and given the target, IdP groups back, provisioning, a local group added.
const crashSnapshot = twoDirectoriesSnapshot

// fixOnce runs the duplicate plan on a fresh org, stopping the first
// session after the stop-th change (0: never), then resumes until done. It
// returns the final org, the changes made, in order, and how many sessions
// it took.
func fixOnce(t *testing.T, stop int, faults fixtures.Faults) (string, []string, int) {
	t.Helper()
	o := fxStart(t, fxParse(t, crashSnapshot), fixtures.Options{Faults: faults})
	d := o.fxDiagnose(t, diagnose.Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
	if d.Verdict != steps.VerdictDuplicateAccount {
		t.Fatalf("verdict %s", d.Verdict)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o.mu.Lock()
	o.after = func(n int) {
		if n == stop {
			cancel()
		}
	}
	o.mu.Unlock()
	x := o.executor(t, false)
	res, err := x.Start(ctx, fxHeader(d))
	if err != nil {
		t.Fatal(err)
	}
	sessions := 1
	for ; res.Status != journal.StatusCompleted; sessions++ {
		if sessions > 3 {
			t.Fatalf("still %s after %d sessions: %s\n%s", res.Status, sessions, res.Reason, journalRun(t, x).Timeline(nil))
		}
		if res, err = x.Resume(context.Background(), journalRun(t, x)); err != nil {
			t.Fatal(err)
		}
	}
	return o.stateJSON(t), o.changeLog(), sessions
}

func TestFixDuplicateStopAfterEachChangeThenResume(t *testing.T) {
	want, changes, sessions := fixOnce(t, 0, fixtures.Faults{})
	if sessions != 1 {
		t.Fatalf("an uninterrupted run took %d sessions", sessions)
	}
	if len(changes) != 8 {
		t.Fatalf("an uninterrupted run made %d changes, want 8: %v", len(changes), changes)
	}
	for stop := 1; stop <= len(changes); stop++ {
		t.Run(fmt.Sprintf("stopped after change %d (%s)", stop, changes[stop-1]), func(t *testing.T) {
			t.Parallel()
			got, made, sessions := fixOnce(t, stop, fixtures.Faults{})
			if sessions < 2 {
				t.Errorf("the run was not interrupted")
			}
			if got != want {
				t.Errorf("the org differs from an uninterrupted run's")
			}
			if !slices.Equal(made, changes) {
				t.Errorf("changes made:\n%v\nwant, as uninterrupted:\n%v", made, changes)
			}
		})
	}
}

// The simulator fails the n-th change of Atlassian's APIs: answered 500
// before it is applied (the run stops, resume makes it), or applied and
// then the connection dropped (the run reads the org back and goes on).
func TestFixDuplicateFailedChangeThenResume(t *testing.T) {
	want, changes, _ := fixOnce(t, 0, fixtures.Faults{})
	api := 0
	for _, c := range changes {
		if !strings.HasPrefix(c, "IDP ") && !strings.HasPrefix(c, "ADMIN ") {
			api++
		}
	}
	for n := 1; n <= api; n++ {
		for _, afterApply := range []bool{false, true} {
			t.Run(fmt.Sprintf("change %d, applied %v", n, afterApply), func(t *testing.T) {
				t.Parallel()
				got, made, sessions := fixOnce(t, 0, fixtures.Faults{FailMutation: n, FailMutationAfterApply: afterApply})
				// Applied: the run reads the org back and goes on. Not
				// applied: the run stops, and the resume makes the change.
				if wantSessions := map[bool]int{true: 1, false: 2}[afterApply]; sessions != wantSessions {
					t.Errorf("%d sessions, want %d", sessions, wantSessions)
				}
				if got != want {
					t.Errorf("the org differs from an uninterrupted run's")
				}
				if !slices.Equal(made, changes) {
					t.Errorf("changes made:\n%v\nwant:\n%v", made, changes)
				}
			})
		}
	}
}

// The two-directory case with the key of one directory only: the old link
// in d-okta cannot be read, so the plan is a hand-off for its key, and the
// run changes nothing. With both keys the duplicate is fixed (the tricky
// cases above).
func TestFixTwoDirectoriesOneKeyChangesNothing(t *testing.T) {
	o := fxStartJSON(t, twoDirectoriesSnapshot)
	c, err := client.New(client.Config{BaseURL: o.url, OrgID: "org-sim", OrgKey: client.Secret(o.sim.OrgKey()),
		Directories: []client.DirectoryKey{{ID: "d-entra", Key: client.Secret(o.sim.ScimKey())}}})
	if err != nil {
		t.Fatal(err)
	}
	o.c = c
	d := o.fxDiagnose(t, diagnose.Request{User: "yuki.tanaka@acme.com", Target: "yuki.t@acme.com"})
	if !slices.Equal(steps.IDs(d.Plan), []steps.StepID{steps.StepHandoffMissingKeys}) {
		t.Fatalf("plan %v, want the hand-off for d-okta's key", steps.IDs(d.Plan))
	}
	before := o.state()
	x := o.executor(t, false)
	res, err := x.Start(context.Background(), fxHeader(d))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != journal.StatusWaitingOperator || res.Fixed || !strings.Contains(res.Reason, "ATLASSIAN_SCIM_DIRECTORY_ID_2=d-okta") {
		t.Fatalf("run %s: %s", res.Status, res.Reason)
	}
	if len(o.changeLog()) != 0 {
		t.Errorf("changes: %v", o.changeLog())
	}
	checkEndState(t, before, o.state(), d, journalRun(t, x))
}
