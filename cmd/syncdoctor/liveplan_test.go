package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
	"github.com/syncdoctor/syncdoctor/steps"
)

// Contract §2 "Plans" on a live org, through `syncdoctor simulate` behind a
// logging proxy: every mutating call the run makes was listed by its dry
// run, and none is made twice. The test plays the operator in the IdP with
// the simulator's /_idp endpoints whenever the run stops for them.

// callLog records the calls that pass the proxy.
type callLog struct {
	mu    sync.Mutex
	calls []string // "METHOD path body"
}

func (l *callLog) add(c string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, c)
}

func (l *callLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.calls)
}

// loggingProxy forwards to target and logs every request that reaches it.
func loggingProxy(t *testing.T, target string) (string, *callLog) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	log := &callLog{}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := ""
		if r.Body != nil {
			data, _ := readAllAndRestore(r)
			body = data
		}
		log.add(r.Method + " " + r.URL.Path + " " + body)
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, log
}

// reads are the POSTs that read: searches and link look-ups.
func isRead(method, path string) bool {
	if method == http.MethodGet {
		return true
	}
	return method == http.MethodPost && (strings.HasSuffix(path, "/search") || strings.HasSuffix(path, "/get-scim-links-for-email"))
}

// listed reports whether a made call matches one the dry run listed:
// same method, same path, a {name} segment standing for any one segment.
func listed(plan []planStepJSON, method, path string) bool {
	for _, s := range plan {
		for _, c := range s.Calls {
			if c.Method != method {
				continue
			}
			a, b := strings.Split(c.Path, "/"), strings.Split(path, "/")
			if len(a) != len(b) {
				continue
			}
			ok := true
			for i := range a {
				if a[i] != b[i] && !strings.HasPrefix(a[i], "{") {
					ok = false
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

type planStepJSON struct {
	ID      steps.StepID `json:"id"`
	Kind    steps.Kind   `json:"kind"`
	Outcome string       `json:"outcome"`
	Calls   []steps.Call `json:"calls"`
}

func TestLiveRunMakesOnlyListedCalls(t *testing.T) {
	for _, sc := range fixtures.Scenarios() {
		if sc.Fix != "fixed" {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			demo := sc.Org()
			base := startSimulate(t, snapshotArgs(sc)...)
			proxy, log := loggingProxy(t, base)
			env := map[string]string{
				"ATLASSIAN_API_URL": proxy, "ATLASSIAN_ORG_ID": demo.Org.ID, "ATLASSIAN_ORG_API_KEY": fixtures.DefaultOrgKey,
			}
			for i, d := range demo.Directories {
				dirVar, keyVar := client.SCIMEnvNames(i + 1)
				env[dirVar], env[keyVar] = d.ID, fixtures.DefaultScimKey
			}
			jpath := filepath.Join(t.TempDir(), "journal.jsonl")
			args := []string{"fix", "--journal", jpath, "--user", sc.User, "--target", sc.Target, "--json"}
			code, out, stderr := runCLI(t, env, append(args, "--dry-run")...)
			if code != exitOK {
				t.Fatalf("dry run exit %d: %s", code, stderr)
			}
			var dry struct{ Plan []planStepJSON }
			if err := json.Unmarshal([]byte(out), &dry); err != nil || len(dry.Plan) == 0 {
				t.Fatalf("dry run JSON %v:\n%s", err, out)
			}
			if slices.ContainsFunc(dry.Plan, func(s planStepJSON) bool { return s.Kind == steps.KindConsole }) {
				t.Skip("a console step: only the simulated org's own console can play it (covered in steps/fixes)")
			}
			if got := log.all(); slices.ContainsFunc(got, func(c string) bool { m, p, _ := splitCall(c); return !isRead(m, p) }) {
				t.Fatalf("the dry run changed the org: %v", got)
			}

			code, out, stderr = runCLI(t, env, append(args, "--yes")...)
			for round := 0; code == exitWaiting && round < 10; round++ {
				playOperator(t, base, out, idpUserOf(demo, sc.Target))
				code, out, stderr = runCLI(t, env, "resume", "--journal", jpath, "--yes", "--json")
			}
			if code != exitOK {
				t.Fatalf("the run ended with exit %d: %s\n%s", code, stderr, out)
			}
			var res struct {
				Fixed bool
				Plan  []planStepJSON
			}
			if err := json.Unmarshal([]byte(out), &res); err != nil || !res.Fixed {
				t.Fatalf("not fixed (%v):\n%s", err, out)
			}

			seen := map[string]bool{}
			for _, c := range log.all() {
				m, p, body := splitCall(c)
				if isRead(m, p) || strings.HasPrefix(p, "/_") {
					continue
				}
				if !listed(dry.Plan, m, p) {
					t.Errorf("%s %s was not listed by the dry run", m, p)
				}
				if key := m + " " + p + " " + body; seen[key] {
					t.Errorf("%s %s %s was made twice", m, p, body)
				} else {
					seen[key] = true
				}
			}
		})
	}
}

// playOperator does what a waiting run asks of a person on the simulated
// org: the IdP and console steps, through the simulator's test endpoints.
func playOperator(t *testing.T, base, resultJSON, userExt string) {
	t.Helper()
	var res struct{ Plan []planStepJSON }
	if err := json.Unmarshal([]byte(resultJSON), &res); err != nil {
		t.Fatalf("result JSON: %v\n%s", err, resultJSON)
	}
	for _, s := range res.Plan {
		if s.Outcome != "waiting" {
			continue
		}
		played := false
		for _, c := range s.Calls {
			if c.Method == steps.MethodPerson {
				played = true // telling someone: the resume is the operator's word
				continue
			}
			if c.Method != steps.MethodIdP {
				continue
			}
			if ext := cmp.Or(externalIDIn(c.Path), userExt); ext != "" {
				endpoint := "/_idp/provision"
				switch {
				case strings.Contains(c.Path, ": unassign "):
					// Unassigned, the IdP deletes the SCIM user; assigned
					// again, it provisions the user anew.
					if code, body := send(t, http.MethodPost, base+"/_idp/delete", fixtures.DefaultOrgKey, `{"externalId":"`+ext+`"}`); code >= 300 {
						t.Fatalf("/_idp/delete %s: %d %s", ext, code, body)
					}
				case strings.Contains(c.Path, ": remove "):
					endpoint = "/_idp/groups/remove"
				case strings.Contains(c.Path, ": add "):
					endpoint = "/_idp/groups/add"
				}
				if code, body := send(t, http.MethodPost, base+endpoint, fixtures.DefaultOrgKey, `{"externalId":"`+ext+`"}`); code >= 300 {
					t.Fatalf("%s %s: %d %s", endpoint, ext, code, body)
				}
				played = true
			}
		}
		if !played {
			t.Fatalf("nothing to play for the waiting step %s: %+v", s.ID, s.Calls)
		}
	}
}

// idpUserOf is the IdP user that carries an address, "" when none does.
func idpUserOf(snap *fixtures.Snapshot, email string) string {
	for _, d := range snap.Directories {
		for _, u := range d.IdpUsers {
			if strings.EqualFold(u.ScimEmail, email) || strings.EqualFold(u.UserPrincipalName, email) {
				return u.ExternalID
			}
		}
	}
	return ""
}

// externalIDIn reads "(externalId X)" out of an IdP call's description.
func externalIDIn(path string) string {
	_, rest, ok := strings.Cut(path, "(externalId ")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, ")")
	return id
}

func splitCall(c string) (method, path, body string) {
	method, rest, _ := strings.Cut(c, " ")
	path, body, _ = strings.Cut(rest, " ")
	return method, path, body
}

// readAllAndRestore reads a request's body and puts it back for the proxy.
func readAllAndRestore(r *http.Request) (string, error) {
	data, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(data))
	return string(data), err
}
