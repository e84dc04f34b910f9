package run

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/journal"
)

// A fake org for the executor's tests: account emails, group memberships
// per IdP user, and the IdP's own memory of those groups. It counts every
// change applied, so a test can prove none happened twice, and logs each
// with the journal sequence number of its intent, so a crash test can
// rebuild the org as it stood at any point of the journal.

type mutation struct {
	Seq    int64 // the intent record it was sent under
	Kind   string
	Target string
	Value  string
}

func (m mutation) key() string { return m.Kind + ":" + m.Target + ":" + m.Value }

type fakeOrg struct {
	mu        sync.Mutex
	emails    map[string]string   // account id → email
	groups    map[string][]string // IdP external id → org groups
	idpGroups map[string][]string // the IdP's own memory, restored by AddToGroups
	applied   map[string]int
	log       []mutation
	checks    int
	lag       int            // reads that still show the old email after a change
	stale     map[string]int // account → stale reads left
	old       map[string]string
	seqNow    func() int64 // the journal's last sequence number
}

func newFakeOrg() *fakeOrg {
	o := &fakeOrg{seqNow: func() int64 { return 0 }}
	o.reset()
	return o
}

// reset puts the org back in its first state, keeping seqNow.
func (o *fakeOrg) reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.emails = map[string]string{
		"acc-old": "yuki@old.example",
		"acc-new": "yuki@acme.com",
		"acc-x":   "someone@acme.com",
	}
	o.groups = map[string][]string{"ext-yuki": {"eng-all", "design"}}
	o.idpGroups = map[string][]string{"ext-yuki": {"eng-all", "design"}}
	o.applied, o.log, o.checks = map[string]int{}, nil, 0
	o.stale, o.old = map[string]int{}, map[string]string{}
}

// state is what the crash test compares: the org, not the bookkeeping.
func (o *fakeOrg) state() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := ""
	for _, k := range slices.Sorted(maps.Keys(o.emails)) {
		s += fmt.Sprintf("%s=%s;", k, o.emails[k])
	}
	for _, k := range slices.Sorted(maps.Keys(o.groups)) {
		s += fmt.Sprintf("%s=%v;", k, o.groups[k])
	}
	return s
}

func (o *fakeOrg) apply(m mutation) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.applied[m.key()]++
	o.log = append(o.log, m)
	switch m.Kind {
	case "set-email":
		o.old[m.Target], o.stale[m.Target] = o.emails[m.Target], o.lag
		o.emails[m.Target] = m.Value
	case "remove-groups":
		o.groups[m.Target] = nil
	case "add-groups":
		o.groups[m.Target] = slices.Clone(o.idpGroups[m.Target])
	}
}

func (o *fakeOrg) email(acc string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stale[acc] > 0 {
		o.stale[acc]--
		return o.old[acc]
	}
	return o.emails[acc]
}

func (o *fakeOrg) holder(email string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	for acc, e := range o.emails {
		if e == email {
			return acc
		}
	}
	return ""
}

func (o *fakeOrg) groupsOf(ext string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.groups[ext])
}

func (o *fakeOrg) countCheck() {
	o.mu.Lock()
	o.checks++
	o.mu.Unlock()
}

// The fake org is also the simulated IdP.
func (o *fakeOrg) Provision(ctx context.Context, ext string) (IdpReport, error) {
	return IdpReport{Action: "provision", Status: 200}, nil
}

func (o *fakeOrg) RemoveFromGroups(ctx context.Context, ext string) (IdpReport, error) {
	o.apply(mutation{Seq: o.seqNow(), Kind: "remove-groups", Target: ext})
	return IdpReport{Action: "groups-remove", Status: 204}, nil
}

func (o *fakeOrg) AddToGroups(ctx context.Context, ext string) (IdpReport, error) {
	o.apply(mutation{Seq: o.seqNow(), Kind: "add-groups", Target: ext})
	return IdpReport{Action: "groups-add", Status: 204}, nil
}

func (o *fakeOrg) Delete(ctx context.Context, ext string) (IdpReport, error) {
	return IdpReport{Action: "delete", Status: 204}, nil
}

// recordGroups (a check step) records the user's groups as a fact.
type recordGroups struct{ org *fakeOrg }

func (a recordGroups) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{{Method: "POST", Path: "/v2/orgs/o/directories/-/groups/search", Note: "read the groups"}}
}

func (a recordGroups) Check(ctx context.Context, env *Env, s steps.PlanStep) (Precondition, error) {
	a.org.countCheck()
	if env.Facts.Has(journal.FactMemberships) {
		return Precondition{State: AlreadyDone, Reason: "memberships already recorded"}, nil
	}
	return Precondition{State: Ready}, nil
}

func (a recordGroups) Execute(ctx context.Context, env *Env, s steps.PlanStep) error {
	ext := s.Params.ExternalID
	return env.Facts.Set(journal.FactMemberships, []journal.MembershipFact{{AccountID: s.Params.AccountID, ExternalID: ext, Groups: a.org.groupsOf(ext)}})
}

func (a recordGroups) Verify(ctx context.Context, env *Env, s steps.PlanStep) error {
	if !env.Facts.Has(journal.FactMemberships) {
		return errors.New("memberships not recorded")
	}
	return nil
}

// idpGroups removes (remove=true) or restores the user's groups in the IdP.
type idpGroups struct {
	org    *fakeOrg
	remove bool
}

func (a idpGroups) Calls(s steps.PlanStep) []steps.Call {
	if a.remove {
		return []steps.Call{{Method: "IDP", Path: "remove from groups", Note: "in the IdP"}}
	}
	return []steps.Call{{Method: "IDP", Path: "add to groups", Note: "in the IdP"}}
}

func (a idpGroups) recorded(env *Env) []string {
	var ms []journal.MembershipFact
	if ok, _ := env.Facts.Get(journal.FactMemberships, &ms); !ok || len(ms) == 0 {
		return nil
	}
	return ms[0].Groups
}

func (a idpGroups) done(env *Env, s steps.PlanStep) bool {
	have := a.org.groupsOf(s.Params.ExternalID)
	if a.remove {
		return len(have) == 0
	}
	return slices.Equal(have, a.recorded(env))
}

func (a idpGroups) Check(ctx context.Context, env *Env, s steps.PlanStep) (Precondition, error) {
	a.org.countCheck()
	if !a.remove && a.recorded(env) == nil {
		return Precondition{State: Blocked, Reason: "no recorded memberships to restore"}, nil
	}
	if a.done(env, s) {
		return Precondition{State: AlreadyDone}, nil
	}
	return Precondition{State: Ready}, nil
}

func (a idpGroups) Execute(ctx context.Context, env *Env, s steps.PlanStep) error {
	ext := s.Params.ExternalID
	if env.IdP == nil {
		verb := "add the user back to"
		if a.remove {
			verb = "remove the user from"
		}
		return &OperatorActionError{Instructions: "in the IdP, " + verb + " every group of " + ext}
	}
	call := a.Calls(s)[0]
	return env.Mutate(ctx, s.ID, call, a.org.groupsOf(ext), func(ctx context.Context) error {
		var err error
		if a.remove {
			_, err = env.IdP.RemoveFromGroups(ctx, ext)
		} else {
			_, err = env.IdP.AddToGroups(ctx, ext)
		}
		return err
	})
}

func (a idpGroups) Verify(ctx context.Context, env *Env, s steps.PlanStep) error {
	if !a.done(env, s) {
		return fmt.Errorf("groups of %s are %v", s.Params.ExternalID, a.org.groupsOf(s.Params.ExternalID))
	}
	if !a.remove {
		return env.Facts.Set(journal.FactMembershipsRestored, true)
	}
	return nil
}

// setEmail changes an account's email through the API.
type setEmail struct {
	org *fakeOrg
	// sendErr, when set, is what the call answers (after or instead of
	// applying the change, per applyThenErr).
	sendErr      error
	applyThenErr bool
	verifyErr    error
}

func (a *setEmail) Calls(s steps.PlanStep) []steps.Call {
	return []steps.Call{{Method: "PUT", Path: "/users/" + s.Params.AccountID + "/manage/email", Body: `{"email":"` + s.Params.Email + `"}`}}
}

func (a *setEmail) Check(ctx context.Context, env *Env, s steps.PlanStep) (Precondition, error) {
	a.org.countCheck()
	acc, want := s.Params.AccountID, s.Params.Email
	if a.org.email(acc) == want {
		return Precondition{State: AlreadyDone, Reason: acc + " already has " + want}, nil
	}
	if h := a.org.holder(want); h != "" {
		return Precondition{State: Blocked, Reason: want + " is held by " + h}, nil
	}
	return Precondition{State: Ready}, nil
}

func (a *setEmail) Execute(ctx context.Context, env *Env, s steps.PlanStep) error {
	acc, want := s.Params.AccountID, s.Params.Email
	before := map[string]string{"email": a.org.email(acc)}
	return env.Mutate(ctx, s.ID, a.Calls(s)[0], before, func(ctx context.Context) error {
		if a.sendErr != nil && !a.applyThenErr {
			return a.sendErr
		}
		a.org.apply(mutation{Seq: a.org.seqNow(), Kind: "set-email", Target: acc, Value: want})
		return a.sendErr
	})
}

func (a *setEmail) Verify(ctx context.Context, env *Env, s steps.PlanStep) error {
	if a.verifyErr != nil {
		return a.verifyErr
	}
	acc, want := s.Params.AccountID, s.Params.Email
	return env.Poll(ctx, time.Millisecond, 2*time.Second, func(ctx context.Context) error {
		if got := a.org.email(acc); got != want {
			return fmt.Errorf("%s still has %s", acc, got)
		}
		return nil
	})
}

// The duplicate-account fix of domain.md, on the fake org: record the
// groups, remove them in the IdP, move the duplicate aside, give the old
// account the target, restore the groups. set-email appears twice, with
// different params: steps are told apart by position, not id.
func fixPlan() []steps.PlanStep {
	return []steps.PlanStep{
		{ID: "record-groups", Kind: steps.KindCheck, Title: "Record the user's group memberships", Params: steps.Params{ExternalID: "ext-yuki", AccountID: "acc-old"}},
		{ID: "remove-groups", Kind: steps.KindIdP, Title: "Remove the user from the IdP groups", Params: steps.Params{ExternalID: "ext-yuki"}},
		{ID: "set-email", Kind: steps.KindAPI, Title: "Move the duplicate account aside", Destructive: true, Params: steps.Params{AccountID: "acc-new", Email: "yuki_duplicate@acme.com"}},
		{ID: "set-email", Kind: steps.KindAPI, Title: "Give the old account the target email", Params: steps.Params{AccountID: "acc-old", Email: "yuki@acme.com"}},
		{ID: "add-groups", Kind: steps.KindIdP, Title: "Put the user back in the IdP groups", Params: steps.Params{ExternalID: "ext-yuki"}},
	}
}

func fixHeader(runID string) journal.RunHeader {
	return journal.RunHeader{
		RunID: runID, Org: "8f3c2d10-demo", Mode: "demo",
		User: "yuki@old.example", UserAccountID: "acc-old", Target: "yuki@acme.com",
		Verdict: steps.VerdictDuplicateAccount, Plan: fixPlan(), Tool: "v0.0.0-test",
	}
}

// fakeClock starts at a fixed instant and moves one second per reading,
// so journal times are predictable.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness is one executor over a fake org and a journal in a temp dir.
type harness struct {
	org     *fakeOrg
	set     *setEmail
	j       *journal.Journal
	path    string
	clock   *fakeClock
	x       *Executor
	events  []Event
	confirm []steps.StepID // ids of the steps Confirm was asked about
}

// newHarness runs the fake plan on org, journaled at path (a new file when
// ""), with keys as the secrets the journal refuses.
func newHarness(t *testing.T, org *fakeOrg, path string, keys ...string) *harness {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "state", "journal.jsonl")
	}
	j, err := journal.Open(path, journal.NewSecrets(keys...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	org.seqNow = func() int64 { return j.LastSeq() }
	h := &harness{org: org, set: &setEmail{org: org}, j: j, path: path, clock: newFakeClock()}
	h.x = &Executor{
		Env: &Env{IdP: org, Journal: j, Clock: h.clock.Now},
		Registry: Registry{
			"record-groups": recordGroups{org},
			"remove-groups": idpGroups{org: org, remove: true},
			"set-email":     h.set,
			"add-groups":    idpGroups{org: org},
		},
		Confirm: func(ctx context.Context, s steps.PlanStep) (bool, error) {
			h.confirm = append(h.confirm, s.ID)
			return true, nil
		},
		Observer: func(ev Event) { h.events = append(h.events, ev) },
	}
	return h
}

func (h *harness) eventKinds() []string {
	var ks []string
	for _, ev := range h.events {
		if ev.Index > 0 {
			ks = append(ks, fmt.Sprintf("%d:%s", ev.Index, ev.Kind))
		} else {
			ks = append(ks, string(ev.Kind))
		}
	}
	return ks
}

func readOnlyRun(t *testing.T, path string) *journal.RunLog {
	t.Helper()
	runs, err := journal.ReadRuns(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Fatalf("journal holds %d runs, want 1", len(runs))
	}
	return runs[0]
}

func recordTypes(r *journal.RunLog) []string {
	var ts []string
	for _, rec := range r.Records {
		s := string(rec.Type)
		if rec.Index > 0 {
			s = fmt.Sprintf("%d:%s", rec.Index, s)
		}
		if rec.Status != "" {
			s += "=" + rec.Status
		}
		ts = append(ts, s)
	}
	return ts
}
