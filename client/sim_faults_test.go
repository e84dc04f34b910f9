package client_test

// The client against a misbehaving simulated org: rate limits, 5xx answers,
// dropped connections, and changes that fail before or after they are
// applied. Every fault is seeded or counted, so each run sends the same
// requests and gets the same answers; no test waits for real (Config.Sleep
// records the waits) and none asserts on elapsed time.

import (
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
)

// letTimePass makes the client's waits stand for the time they name: when
// the client sleeps, the simulator's rate-limit windows start again, as
// they would have after the wait the 429 asked for.
func letTimePass(env *simEnv, rl fixtures.RateLimit) {
	env.mu.Lock()
	env.onSleep = func(time.Duration) { env.sim.SetRateLimit(rl) }
	env.mu.Unlock()
}

func tooMany(env *simEnv) []exchange {
	var out []exchange
	for _, e := range env.rec.exchanges("", "") {
		if e.Status == http.StatusTooManyRequests {
			out = append(out, e)
		}
	}
	return out
}

func TestSimRateLimitRetryAfter(t *testing.T) {
	rl := fixtures.RateLimit{PerMinute: 2, SendRetryAfter: true}
	env := newSimEnv(t, envOpts{sim: fixtures.Options{RateLimit: rl}})
	letTimePass(env, rl)

	for i := range 5 {
		if u, err := env.c.GetUser(ctx(t), idYuki); err != nil || u.AccountID != idYuki {
			t.Fatalf("read %d: %+v, %v", i+1, u, err)
		}
	}
	// Requests 3 and 5 of the org key's windows of 2 were refused once each.
	if n := env.rec.count("GET", "/users/"+idYuki); n != 7 {
		t.Errorf("%d GETs for 5 reads, want 7 (two 429s retried)", n)
	}
	// The SCIM key has a window of its own.
	s := env.scim(dirEntra)
	for i := range 3 {
		if u, err := s.FindUserByExternalID(ctx(t), "obj-yuki"); err != nil || u == nil {
			t.Fatalf("SCIM read %d: %+v, %v", i+1, u, err)
		}
	}
	// A change refused with 429 was not applied, so it is sent again, once.
	// (The SCIM key's wait restarted every window, the org key's too.)
	for range 2 { // use up the org key's window
		if _, err := env.c.GetUser(ctx(t), idYuki); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.c.SetEmail(ctx(t), idKenjiW, "kenji.w@newco.com"); err != nil {
		t.Fatalf("set email through a 429: %v", err)
	}
	puts := env.rec.exchanges("PUT", "/manage/email")
	if len(puts) != 2 || puts[0].Status != 429 || puts[1].Status != 204 {
		t.Errorf("PUTs: %d, want a 429 then a 204", len(puts))
	}
	if a := env.account(idKenjiW); a.Email != "kenji.w@newco.com" {
		t.Errorf("email %s after the retried change", a.Email)
	}

	refused := tooMany(env)
	waits := env.sleeps()
	if len(refused) != 4 || len(waits) != len(refused) {
		t.Fatalf("%d 429s and %d waits, want 4 of each", len(refused), len(waits))
	}
	for i, e := range refused {
		secs, err := strconv.Atoi(e.Header.Get("Retry-After"))
		if err != nil || secs < 1 || secs > 60 {
			t.Fatalf("429 %d: Retry-After %q", i+1, e.Header.Get("Retry-After"))
		}
		if want := time.Duration(secs) * time.Second; waits[i] != want {
			t.Errorf("wait %d was %v, the 429 asked for %v", i+1, waits[i], want)
		}
	}
	if rate := env.c.LastRateLimit(); rate.Limit != 2 || rate.Reset.IsZero() {
		t.Errorf("LastRateLimit %+v", rate)
	}
}

func TestSimRateLimitUntilReset(t *testing.T) {
	// No Retry-After (Atlassian documents none): the client waits until
	// X-RateLimit-Reset, plus a second for its whole-second precision.
	rl := fixtures.RateLimit{PerMinute: 3}
	env := newSimEnv(t, envOpts{sim: fixtures.Options{RateLimit: rl},
		configure: func(cfg *client.Config) { cfg.MaxWait = 2 * time.Minute }})
	var (
		mu      sync.Mutex
		sleptAt []time.Time
	)
	env.onSleep = func(time.Duration) {
		mu.Lock()
		sleptAt = append(sleptAt, time.Now())
		mu.Unlock()
		env.sim.SetRateLimit(rl)
	}
	for i := range 7 {
		if _, err := env.c.Privileges(ctx(t), idKenjiW, client.PrivilegeEmailSet); err != nil {
			t.Fatalf("read %d: %v", i+1, err)
		}
	}
	refused, waits := tooMany(env), env.sleeps()
	if len(refused) != 2 || len(waits) != 2 || len(sleptAt) != 2 {
		t.Fatalf("%d 429s, %d waits, want 2 (reads 4 and 7)", len(refused), len(waits))
	}
	for i, e := range refused {
		if v := e.Header.Get("Retry-After"); v != "" {
			t.Fatalf("Retry-After %q sent while switched off", v)
		}
		reset, err := time.Parse(time.RFC3339, e.Header.Get("X-RateLimit-Reset"))
		if err != nil {
			t.Fatalf("X-RateLimit-Reset %q: %v", e.Header.Get("X-RateLimit-Reset"), err)
		}
		// The client read its clock after the answer left the simulator and
		// before it slept: its wait lies between these bounds.
		lo := reset.Add(time.Second).Sub(sleptAt[i])
		hi := reset.Add(time.Second).Sub(e.Done)
		if waits[i] < lo || waits[i] > hi || waits[i] <= 0 {
			t.Errorf("wait %d: %v, want until the reset (%v) plus 1s: between %v and %v", i+1, waits[i], reset, lo, hi)
		}
	}
}

func TestSimRateLimitGivesUp(t *testing.T) {
	t.Run("retries run out", func(t *testing.T) {
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // time stands still: the window never ends
		env := newSimEnv(t, envOpts{
			sim:       fixtures.Options{RateLimit: fixtures.RateLimit{PerMinute: 1, SendRetryAfter: true}, Clock: func() time.Time { return now }},
			configure: func(cfg *client.Config) { cfg.MaxRetries = 3 },
		})
		if _, err := env.c.GetUser(ctx(t), idLee); err != nil {
			t.Fatal(err)
		}
		_, err := env.c.GetUser(ctx(t), idLee)
		rle := asErr[*client.RateLimitError](t, err)
		if rle.Attempts != 4 || rle.RetryAfter != time.Minute || rle.Limit != 1 || rle.Remaining != 0 || !rle.Reset.Equal(now.Add(time.Minute)) {
			t.Errorf("got %+v, want 4 attempts, 1m, limit 1, remaining 0, reset %v", rle, now.Add(time.Minute))
		}
		if w := env.sleeps(); !slices.Equal(w, []time.Duration{time.Minute, time.Minute, time.Minute}) {
			t.Errorf("waits %v, want three of 1m", w)
		}
		if n := env.rec.count("GET", "/users/"+idLee); n != 5 {
			t.Errorf("%d requests, want 5", n)
		}
	})
	t.Run("asked to wait longer than MaxWait", func(t *testing.T) {
		env := newSimEnv(t, envOpts{
			sim:       fixtures.Options{RateLimit: fixtures.RateLimit{PerMinute: 1}},
			configure: func(cfg *client.Config) { cfg.MaxWait = 10 * time.Second },
		})
		if _, err := env.c.GetUser(ctx(t), idLee); err != nil {
			t.Fatal(err)
		}
		before := env.sim.Snapshot()
		err := env.c.SetEmail(ctx(t), idKenjiW, "kenji.w@newco.com")
		rle := asErr[*client.RateLimitError](t, err)
		var ue *client.UncertainError
		if rle.Attempts != 1 || rle.RetryAfter <= 10*time.Second || errors.As(err, &ue) {
			t.Errorf("got %+v (%v), want 1 attempt, a wait above MaxWait, not uncertain (a 429 is never applied)", rle, err)
		}
		if len(env.sleeps()) != 0 {
			t.Errorf("waited %v", env.sleeps())
		}
		if !reflect.DeepEqual(before, env.sim.Snapshot()) {
			t.Error("the rate-limited change was applied")
		}
	})
}

// reads makes every kind of read the client has and checks a little of
// each answer; under faults they must all still succeed.
func reads(t *testing.T, env *simEnv) {
	t.Helper()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	for _, id := range []string{idYuki, idKenji, idKenjiW, idLee, idMaria, idPat, idOld, idGina} {
		u, err := env.c.GetUser(ctx(t), id)
		must("get user", err)
		if u.AccountID != id {
			t.Fatalf("GetUser(%s) = %s", id, u.AccountID)
		}
	}
	if users := collect(t, env.c.SearchUsers(ctx(t), client.UserSearch{Limit: 2})); len(users) != 8 {
		t.Fatalf("search: %d users", len(users))
	}
	byMail, err := env.c.UsersByEmail(ctx(t), "lee@acme.com", "gina@acme.com")
	must("users by email", err)
	if len(byMail) != 2 {
		t.Fatalf("by email: %d", len(byMail))
	}
	if ds := collect(t, env.c.Domains(ctx(t))); len(ds) != 4 { // partner.io (another org's) as superseded
		t.Fatalf("domains: %d", len(ds))
	}
	if gs := collect(t, env.c.SearchGroups(ctx(t), client.GroupSearch{Limit: 1})); len(gs) != 2 {
		t.Fatalf("groups: %d", len(gs))
	}
	p, err := env.c.Privileges(ctx(t), idYuki, client.PrivilegeEmailSet)
	must("privileges", err)
	if p[client.PrivilegeEmailSet].Allowed {
		t.Fatal("Yuki's email.set allowed")
	}
	prof, err := env.c.Profile(ctx(t), idLee)
	must("profile", err)
	if prof.Email != "lee@acme.com" {
		t.Fatalf("profile %+v", prof)
	}
	links, err := env.c.ScimLinks(ctx(t), idYuki)
	must("links", err)
	byEmail, err := env.c.ScimLinksForEmail(ctx(t), "gina@acme.com")
	must("links for email", err)
	if len(links) != 1 || len(byEmail) != 1 {
		t.Fatalf("links %v, for email %v", links, byEmail)
	}
	s := env.scim(dirEntra)
	u, err := s.User(ctx(t), "su-kenji")
	must("SCIM user", err)
	f, err := s.FindUserByUserName(ctx(t), "yuki.tanaka@acme.com")
	must("SCIM find", err)
	if u.ID != "su-kenji" || f == nil || f.ID != "su-yuki" {
		t.Fatalf("SCIM user %+v, found %+v", u, f)
	}
	if us := collect(t, s.Users(ctx(t))); len(us) != 2 {
		t.Fatalf("SCIM users: %d", len(us))
	}
	if gs := collect(t, s.Groups(ctx(t))); len(gs) != 1 {
		t.Fatalf("SCIM groups: %d", len(gs))
	}
	g, err := s.FindGroupByName(ctx(t), "eng-all")
	must("SCIM group", err)
	if g == nil {
		t.Fatal("no eng-all")
	}
}

func TestSimServerErrorsOnReads(t *testing.T) {
	env := newSimEnv(t, envOpts{
		sim:       fixtures.Options{Faults: fixtures.Faults{ErrorRate: 0.4, Seed: 11}},
		configure: func(cfg *client.Config) { cfg.MaxRetries = 12 },
	})
	start := env.sim.Snapshot()
	reads(t, env)
	statuses := map[int]int{}
	for _, e := range env.rec.exchanges("", "") {
		statuses[e.Status]++
	}
	if statuses[500] == 0 || statuses[503] == 0 {
		t.Fatalf("answers by status %v: the seed gives no 500 or no 503", statuses)
	}
	if n := len(env.sleeps()); n != statuses[500]+statuses[503] {
		t.Errorf("%d waits for %d 5xx answers", n, statuses[500]+statuses[503])
	}
	if !reflect.DeepEqual(start, env.sim.Snapshot()) {
		t.Error("reads changed the org")
	}
	t.Logf("answers by status: %v", statuses)

	// Every answer a 5xx: a read fails with the API's error after its
	// retries, a change at once and as uncertain.
	env.sim.SetFaults(fixtures.Faults{ErrorRate: 1, Seed: 11})
	env.rec.reset()
	_, err := env.c.Profile(ctx(t), idLee)
	if me := asErr[*client.ManageError](t, err); me.HTTPStatus < 500 {
		t.Errorf("read under 100%% errors: %v", err)
	}
	if n := env.rec.count("GET", "/manage/profile"); n != 13 {
		t.Errorf("%d attempts, want 13 (MaxRetries 12)", n)
	}
	err = env.c.SetEmail(ctx(t), idKenjiW, "kenji.w@newco.com")
	ue := asErr[*client.UncertainError](t, err)
	if me := asErr[*client.ManageError](t, err); me.HTTPStatus < 500 || ue.Method != "PUT" {
		t.Errorf("change under 100%% errors: %v", err)
	}
	if n := env.rec.count("PUT", "/manage/email"); n != 1 {
		t.Errorf("a change answered 5xx was sent %d times, want once", n)
	}
	if !reflect.DeepEqual(start, env.sim.Snapshot()) {
		t.Error("a change refused by a fault was applied")
	}
}

func TestSimDroppedConnectionsOnReads(t *testing.T) {
	env := newSimEnv(t, envOpts{
		sim:       fixtures.Options{Faults: fixtures.Faults{DropRate: 0.3, Seed: 5}},
		configure: func(cfg *client.Config) { cfg.MaxRetries = 12 },
	})
	reads(t, env)
	drops := 0
	for _, e := range env.rec.exchanges("", "") {
		if e.Dropped {
			drops++
		}
	}
	if drops == 0 {
		t.Fatal("the seed dropped no connection")
	}
	if n := len(env.sleeps()); n != drops {
		t.Errorf("%d waits for %d dropped connections", n, drops)
	}
	t.Logf("%d of %d connections dropped", drops, len(env.rec.exchanges("", "")))

	// A change whose connection drops may have been made: uncertain, not retried.
	env.sim.SetFaults(fixtures.Faults{DropRate: 1})
	env.rec.reset()
	_, err := env.scim(dirEntra).PatchUser(ctx(t), "su-yuki", patchEmails("yuki.tanaka@newco.com"))
	if ue := asErr[*client.UncertainError](t, err); ue.Method != "PATCH" {
		t.Errorf("got %+v", ue)
	}
	if n := env.rec.count("PATCH", "/Users/su-yuki"); n != 1 {
		t.Errorf("a dropped change was sent %d times, want once", n)
	}
}

// mutation is one kind of change, how to see it in the org, and how the
// simulator numbers it.
type mutation struct {
	name         string
	method, path string // the request, to count it
	call         func(t *testing.T, env *simEnv) error
	applied      func(env *simEnv) bool // the change is in the org's state
	applications func(env *simEnv) int  // for creations: how many times it is there
	cause        func(t *testing.T, err error)
}

func scimCause(t *testing.T, err error) {
	if se := asErr[*client.ScimError](t, err); se.HTTPStatus != 500 {
		t.Errorf("cause %+v, want the SCIM 500", se)
	}
}

func orgCause(t *testing.T, err error) {
	if oe := asErr[*client.OrgError](t, err); oe.HTTPStatus != 500 || oe.Code() != "ADMIN-500-1" {
		t.Errorf("cause %+v, want ADMIN-500-1", oe)
	}
}

func mutations() []mutation {
	yes := true
	nina := client.ScimUser{ExternalID: "obj-nina", UserName: "nina.new@acme.com", Active: &yes,
		Emails: []client.ScimEmail{{Value: "nina.new@acme.com", Type: "work", Primary: true}}}
	return []mutation{
		{
			name: "SetEmail", method: "PUT", path: "/users/" + idKenjiW + "/manage/email",
			call:    func(t *testing.T, env *simEnv) error { return env.c.SetEmail(ctx(t), idKenjiW, "kenji.w@newco.com") },
			applied: func(env *simEnv) bool { return env.account(idKenjiW).Email == "kenji.w@newco.com" },
			cause: func(t *testing.T, err error) {
				if me := asErr[*client.ManageError](t, err); me.HTTPStatus != 500 {
					t.Errorf("cause %+v, want the 500", me)
				}
			},
		},
		{
			name: "DeleteAccount", method: "POST", path: "/users/" + idLee + "/manage/lifecycle/delete",
			call:    func(t *testing.T, env *simEnv) error { return env.c.DeleteAccount(ctx(t), idLee) },
			applied: func(env *simEnv) bool { return env.account(idLee).Status == fixtures.UserStatusForDeletion },
			cause: func(t *testing.T, err error) {
				if me := asErr[*client.ManageError](t, err); me.HTTPStatus != 500 {
					t.Errorf("cause %+v, want the 500", me)
				}
			},
		},
		{
			name: "EnableAccount", method: "POST", path: "/users/" + idOld + "/manage/lifecycle/enable",
			call:    func(t *testing.T, env *simEnv) error { return env.c.EnableAccount(ctx(t), idOld) },
			applied: func(env *simEnv) bool { return env.account(idOld).AccountStatus == fixtures.StatusActive },
			cause: func(t *testing.T, err error) {
				if me := asErr[*client.ManageError](t, err); me.HTTPStatus != 500 {
					t.Errorf("cause %+v, want the 500", me)
				}
			},
		},
		{
			name: "DisableAccount", method: "POST", path: "/users/" + idKenjiW + "/manage/lifecycle/disable",
			call:    func(t *testing.T, env *simEnv) error { return env.c.DisableAccount(ctx(t), idKenjiW, "") },
			applied: func(env *simEnv) bool { return env.account(idKenjiW).AccountStatus == fixtures.StatusInactive },
			cause: func(t *testing.T, err error) {
				if me := asErr[*client.ManageError](t, err); me.HTTPStatus != 500 {
					t.Errorf("cause %+v, want the 500", me)
				}
			},
		},
		{
			name: "PatchUser", method: "PATCH", path: "/Users/su-yuki",
			call: func(t *testing.T, env *simEnv) error {
				_, err := env.scim(dirEntra).PatchUser(ctx(t), "su-yuki", patchEmails("yuki.tanaka@newco.com"))
				return err
			},
			applied: func(env *simEnv) bool { return env.account(idYuki).Email == "yuki.tanaka@newco.com" },
			cause:   scimCause,
		},
		{
			name: "DeleteProvisioningRecord", method: "DELETE", path: "/user/" + idYuki + "/onlyDeleteUserInDB",
			call: func(t *testing.T, env *simEnv) error { return env.c.DeleteProvisioningRecord(ctx(t), idYuki) },
			applied: func(env *simEnv) bool {
				_, ok := env.scimUser(dirEntra, "su-yuki")
				return !ok
			},
			cause: orgCause,
		},
		{
			name: "CreateUser", method: "POST", path: "/scim/directory/d-entra/Users",
			call: func(t *testing.T, env *simEnv) error {
				_, err := env.scim(dirEntra).CreateUser(ctx(t), nina)
				return err
			},
			applications: func(env *simEnv) int {
				snap := env.sim.Snapshot()
				users, accounts := 0, 0
				for _, d := range snap.Directories {
					for _, u := range d.Users {
						if u.ExternalID == "obj-nina" {
							users++
						}
					}
				}
				for _, a := range snap.Accounts {
					if a.Email == "nina.new@acme.com" {
						accounts++
					}
				}
				if users != accounts {
					return -1 // a SCIM user without its account, or the reverse
				}
				return users
			},
			cause: scimCause,
		},
		{
			name: "ReplaceUser", method: "PUT", path: "/Users/su-kenji",
			call: func(t *testing.T, env *simEnv) error {
				u := client.ScimUser{ExternalID: "obj-kenji", UserName: "kenji.watanabe@acme.com", DisplayName: "Kenji Renamed", Active: &yes,
					Emails: []client.ScimEmail{{Value: "kenji.watanabe@acme.com", Type: "work", Primary: true}}}
				_, err := env.scim(dirEntra).ReplaceUser(ctx(t), "su-kenji", u)
				return err
			},
			applied: func(env *simEnv) bool { return env.account(idKenji).Name == "Kenji Renamed" },
			cause:   scimCause,
		},
		{
			name: "DeleteUser", method: "DELETE", path: "/Users/su-kenji",
			call: func(t *testing.T, env *simEnv) error { return env.scim(dirEntra).DeleteUser(ctx(t), "su-kenji") },
			applied: func(env *simEnv) bool {
				_, ok := env.scimUser(dirEntra, "su-kenji")
				return !ok
			},
			cause: scimCause,
		},
		{
			name: "PatchGroupMembers", method: "PATCH", path: "/Groups/sg-eng",
			call: func(t *testing.T, env *simEnv) error {
				return env.scim(dirEntra).PatchGroupMembers(ctx(t), "sg-eng", nil, []string{"su-kenji"})
			},
			applied: func(env *simEnv) bool { return !slices.Contains(env.scimGroupMembers(dirEntra, "sg-eng"), "su-kenji") },
			cause:   scimCause,
		},
		{
			name: "UnlinkScimUser", method: "PATCH", path: "/scimUserId/su-kenji/unlink",
			call: func(t *testing.T, env *simEnv) error { return env.c.UnlinkScimUser(ctx(t), dirEntra, "su-kenji") },
			applied: func(env *simEnv) bool {
				u, _ := env.scimUser(dirEntra, "su-kenji")
				return u.AtlassianAccountID == nil
			},
			cause: orgCause,
		},
		{
			name: "AddGroupMember", method: "POST", path: "/groups/g-admins/memberships",
			call: func(t *testing.T, env *simEnv) error {
				return env.c.AddGroupMember(ctx(t), simUserDir, "g-admins", idKenjiW)
			},
			applied: func(env *simEnv) bool { return slices.Contains(env.account(idKenjiW).Groups, "g-admins") },
			cause:   orgCause,
		},
		{
			name: "RemoveGroupMember", method: "DELETE", path: "/groups/g-admins/memberships/" + idLee,
			call: func(t *testing.T, env *simEnv) error {
				return env.c.RemoveGroupMember(ctx(t), simUserDir, "g-admins", idLee)
			},
			applied: func(env *simEnv) bool { return !slices.Contains(env.account(idLee).Groups, "g-admins") },
			cause:   orgCause,
		},
	}
}

func (m mutation) times(env *simEnv) int {
	if m.applications != nil {
		return m.applications(env)
	}
	if m.applied(env) {
		return 1
	}
	return 0
}

func TestSimMutationFailsBeforeApply(t *testing.T) {
	for _, m := range mutations() {
		t.Run(m.name, func(t *testing.T) {
			env := newSimEnv(t, envOpts{sim: fixtures.Options{Faults: fixtures.Faults{FailMutation: 1}}})
			start := env.sim.Snapshot()
			err := m.call(t, env)
			ue := asErr[*client.UncertainError](t, err)
			if ue.Method != m.method {
				t.Errorf("uncertain %+v, want method %s", ue, m.method)
			}
			m.cause(t, err)
			if n := env.rec.count(m.method, m.path); n != 1 {
				t.Errorf("sent %d times, want once", n)
			}
			if !reflect.DeepEqual(start, env.sim.Snapshot()) || m.times(env) != 0 {
				t.Fatal("the failed change was applied")
			}
			// Re-read, see it is not done, do it again: applied once.
			if err := m.call(t, env); err != nil {
				t.Fatalf("second try: %v", err)
			}
			if n := m.times(env); n != 1 {
				t.Errorf("applied %d times after the second try", n)
			}
		})
	}
}

func TestSimMutationFailsAfterApply(t *testing.T) {
	for _, m := range mutations() {
		t.Run(m.name, func(t *testing.T) {
			env := newSimEnv(t, envOpts{sim: fixtures.Options{Faults: fixtures.Faults{FailMutation: 1, FailMutationAfterApply: true}}})
			err := m.call(t, env)
			ue := asErr[*client.UncertainError](t, err)
			if ue.Method != m.method {
				t.Errorf("uncertain %+v, want method %s", ue, m.method)
			}
			var (
				oe *client.OrgError
				me *client.ManageError
				se *client.ScimError
			)
			if errors.As(err, &oe) || errors.As(err, &me) || errors.As(err, &se) {
				t.Errorf("no answer came, yet the error carries one: %v", err)
			}
			sent := env.rec.exchanges(m.method, m.path)
			if len(sent) != 1 || !sent[0].Dropped {
				t.Errorf("sent %d times (dropped %v), want once, dropped", len(sent), len(sent) == 1 && sent[0].Dropped)
			}
			if n := m.times(env); n != 1 {
				t.Errorf("applied %d times, want exactly once", n)
			}
		})
	}
	t.Run("re-read shows the change", func(t *testing.T) {
		env := newSimEnv(t, envOpts{sim: fixtures.Options{Faults: fixtures.Faults{FailMutation: 2, FailMutationAfterApply: true}}})
		if err := env.c.AddGroupMember(ctx(t), simUserDir, "g-admins", idKenjiW); err != nil { // mutation 1 succeeds
			t.Fatal(err)
		}
		err := env.c.SetEmail(ctx(t), idKenjiW, "kenji.w@newco.com")
		asErr[*client.UncertainError](t, err)
		p, err := env.c.Profile(ctx(t), idKenjiW)
		if err != nil || p.Email != "kenji.w@newco.com" {
			t.Errorf("profile after the uncertain change: %+v, %v", p, err)
		}
	})
}
