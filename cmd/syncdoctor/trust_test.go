package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/client/redact/redacttest"
	"github.com/syncdoctor/syncdoctor/fixtures"
)

// liveEnv points the CLI at base as a live org: the demo org's id, and the
// simulator's default keys for the org and every directory.
func liveEnv(base string) map[string]string {
	demo := fixtures.Demo()
	env := map[string]string{client.EnvAPIURL: base, client.EnvOrgID: demo.Org.ID, client.EnvOrgAPIKey: fixtures.DefaultOrgKey}
	for i, d := range demo.Directories {
		dirVar, keyVar := client.SCIMEnvNames(i + 1)
		env[dirVar], env[keyVar] = d.ID, fixtures.DefaultScimKey
	}
	return env
}

var simKeys = []string{fixtures.DefaultOrgKey, fixtures.DefaultScimKey}

// echoEverything writes, in a body of the given status, the request's
// Authorization header in every spelling a hostile server may use.
func echoEverything(w http.ResponseWriter, r *http.Request, status int) {
	echoes := redacttest.Echoes(r.Header.Get("Authorization"))
	names := make([]string, 0, len(echoes))
	for n := range echoes {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s=%s ", n, echoes[n])
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"errors":[{"code":"ADMIN-%d","title":"you sent %s","detail":"%s"}]}`, status, b.String(), b.String())
}

// hostileProxy passes reads to the simulator at base, and answers every
// change with an error that echoes the key; echoed counts those answers.
func hostileProxy(t *testing.T, base string, status int) (string, *atomic.Int64) {
	t.Helper()
	rp := httputil.NewSingleHostReverseProxy(mustURL(t, base))
	var echoed atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		read := r.Method == http.MethodGet || strings.HasSuffix(r.URL.Path, "/search") ||
			strings.Contains(r.URL.Path, "/get-scim-links") || strings.HasPrefix(r.URL.Path, "/_")
		if read {
			rp.ServeHTTP(w, r)
			return
		}
		echoed.Add(1)
		echoEverything(w, r, status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &echoed
}

// TestHostileServerLeaksNoKey: a server that echoes the Authorization
// header (base64, Basic user:key, URL-encoded, hex, split by JSON escapes)
// in the answers to changes, or to every call, gets no key onto stdout,
// stderr, the journal, the ticket note or the debug log.
func TestHostileServerLeaksNoKey(t *testing.T) {
	t.Parallel()
	base := startSimulate(t)
	for _, status := range []int{401, 500} {
		url, echoed := hostileProxy(t, base, status)
		dir := t.TempDir()
		jpath, note := filepath.Join(dir, "journal.jsonl"), filepath.Join(dir, "note.md")
		code, out, stderr := runCLI(t, liveEnv(url), "fix", "--debug", "--journal", jpath, "--note", note,
			"--user", "zofia.kaminska@acme.com", "--target", "zofia.lewandowska@acme.com", "--yes")
		if code != exitFailed || echoed.Load() == 0 {
			t.Fatalf("%d: exit %d after %d echoed changes, want 1 after at least one\n%s\n%s", status, code, echoed.Load(), out, stderr)
		}
		for what, text := range map[string]string{"stdout": out, "stderr": stderr, "journal": readFile(t, jpath), "note": readFile(t, note)} {
			if l := redacttest.Leak(text, simKeys...); l != "" {
				t.Errorf("%d: %s shows %s", status, what, l)
			}
		}
		if status == 500 && !strings.Contains(readFile(t, jpath), "[redacted]") {
			t.Errorf("%d: the journal holds no redacted echo: the test did not reach it", status)
		}
		jout := runOK(t, nil, "journal", "--journal", jpath, "--json")
		if l := redacttest.Leak(jout, simKeys...); l != "" {
			t.Errorf("%d: journal --json shows %s", status, l)
		}
	}

	// Every call refused: diagnosis fails, and says so without a key.
	all := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { echoEverything(w, r, 401) }))
	defer all.Close()
	code, out, stderr := runCLI(t, liveEnv(all.URL), "diagnose", "--debug", "--user", "a@acme.com", "--target", "b@acme.com", "--json")
	if code != exitFailed {
		t.Fatalf("diagnose against a refusing server: exit %d\n%s", code, stderr)
	}
	if l := redacttest.Leak(out+stderr, simKeys...); l != "" {
		t.Errorf("diagnose shows %s:\n%s", l, stderr)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(data)
}

// runOK runs the CLI and fails the test unless it exits 0.
func runOK(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, out, stderr := runCLI(t, env, args...)
	if code != exitOK {
		t.Fatalf("%v: exit %d\n%s", args, code, stderr)
	}
	return out
}

// An API URL with a query, a fragment or credentials is refused as bad
// input, and the message repeats none of it.
func TestAPIURLWithSecretsIsRefusedWithoutEcho(t *testing.T) {
	t.Parallel()
	for _, url := range []string{
		"https://api.atlassian.com/?api_key=SEKRIT-in-query",
		"https://api.atlassian.com/#SEKRIT-in-fragment",
		"https://admin:SEKRIT-password@api.atlassian.com",
		"https://admin:SEKRIT-password@bad host/?k=SEKRIT",
		"http://remote.example/SEKRIT-in-path",
	} {
		env := liveEnv(url)
		code, out, stderr := runCLI(t, env, "diagnose", "--user", "a@acme.com", "--target", "b@acme.com")
		if code != exitBadInput || !strings.Contains(stderr, client.EnvAPIURL) {
			t.Errorf("%s: exit %d, stderr %q; want 2 naming %s", url, code, stderr, client.EnvAPIURL)
		}
		if strings.Contains(out+stderr, "SEKRIT") {
			t.Errorf("%s: the message repeats it: %q", url, stderr)
		}
	}
}

// TestMissingJournalIsBadInput: a journal named that does not exist is bad
// input (exit 2), for resume and for journal alike.
func TestMissingJournalIsBadInput(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.jsonl")
	_, targets := writeBulkFiles(t, t.TempDir(), 1)
	for _, args := range [][]string{
		{"resume", "--journal", missing, "--yes"},
		{"resume", "--journal", missing, "--dry-run", "--run", "abc"},
		{"journal", "--journal", missing},
		{"journal", "--journal", missing, "--json"},
		{"journal", "--journal", missing, "abc"},
		{"bulk", "verify", "--targets", targets, "--journal", missing},
	} {
		code, _, stderr := runCLI(t, nil, args...)
		if code != exitBadInput || !strings.Contains(stderr, missing+" does not exist") {
			t.Errorf("%v: exit %d, stderr %q; want 2 saying the journal does not exist", args, code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, nil, "resume", "--journal", t.TempDir(), "--yes"); code != exitBadInput || !strings.Contains(stderr, "is a folder") {
		t.Errorf("resume --journal FOLDER: exit %d, %q", code, stderr)
	}
}

// nothingServer counts requests and answers none usefully: a command that
// checks its input first never calls it.
func nothingServer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// entries lists what a folder holds, recursively.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, _ os.DirEntry, _ error) error {
		if p != dir {
			out = append(out, strings.TrimPrefix(p, dir+string(filepath.Separator)))
		}
		return nil
	})
	return out
}

// TestOutputsAreCheckedFirst: every file a command will write (--note,
// --out-snapshot, --worksheet) is checked before the org is read or
// changed: a folder, a missing folder or a file in a folder that is a file
// is bad input (exit 2), with no call made and nothing left behind.
func TestOutputsAreCheckedFirst(t *testing.T) {
	t.Parallel()
	url, calls := nothingServer(t)
	env := liveEnv(url)
	dir := t.TempDir()
	folder := filepath.Join(dir, "a-folder")
	aFile := filepath.Join(dir, "a-file")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(aFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	snap, targets := writeBulkFiles(t, t.TempDir(), 2)
	jpath := filepath.Join(work, "journal.jsonl")
	fix := []string{"fix", "--journal", jpath, "--user", "zofia.kaminska@acme.com", "--target", "zofia.lewandowska@acme.com", "--yes"}
	for name, c := range map[string]struct {
		env  map[string]string
		args []string
		want string
	}{
		"note is a folder":         {env, append(fix, "--note", folder), "--note " + folder + ": is a folder"},
		"note's folder is missing": {env, append(fix, "--note", filepath.Join(dir, "missing", "n.md")), "its folder " + filepath.Join(dir, "missing") + " does not exist"},
		"note under a file":        {env, append(fix, "--note", filepath.Join(aFile, "n.md")), aFile + " is not a folder"},
		"out-snapshot is a folder": {nil, []string{"fix", "--snapshot", snap, "--journal", jpath, "--user", "p0@acme.com", "--target", "x@acme.io", "--yes", "--out-snapshot", folder}, "--out-snapshot " + folder + ": is a folder"},
		"worksheet is a folder":    {nil, []string{"bulk", "apply", "--snapshot", snap, "--targets", targets, "--journal", jpath, "--yes", "--worksheet", folder}, "--worksheet " + folder + ": is a folder"},
		"bulk out-snapshot":        {nil, []string{"bulk", "apply", "--snapshot", snap, "--targets", targets, "--journal", jpath, "--yes", "--out-snapshot", filepath.Join(dir, "no", "o.json")}, "does not exist"},
		"resume note":              {env, []string{"resume", "--journal", jpath, "--yes", "--note", folder}, "is a folder"},
	} {
		code, _, stderr := runCLI(t, c.env, c.args...)
		if code != exitBadInput || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one line with %q", name, code, stderr, c.want)
		}
	}
	if calls.Load() != 0 {
		t.Errorf("%d calls reached the org before the outputs were checked", calls.Load())
	}
	if left := entries(t, work); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// A run on a live org has no simulated state to write out: resume says so
// before it reads the org.
func TestResumeOutSnapshotOfALiveRunIsBadInput(t *testing.T) {
	t.Parallel()
	base := startSimulate(t)
	env := liveEnv(base)
	jpath := filepath.Join(t.TempDir(), "journal.jsonl")
	code, _, stderr := runCLI(t, env, "fix", "--journal", jpath, "--user", "chinedu.okonkwo@acme.com", "--target", "chinedu.okonkwo@acme.io", "--yes")
	if code != exitWaiting {
		t.Fatalf("fix: exit %d (%s), want 3", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "after.json")
	code, _, stderr = runCLI(t, env, "resume", "--journal", jpath, "--yes", "--out-snapshot", out)
	if code != exitBadInput || !strings.Contains(stderr, "live org") {
		t.Errorf("resume --out-snapshot of a live run: exit %d, %q", code, stderr)
	}
}

// TestOrgIDThatLeavesTheFolderIsRefused: a snapshot whose org id could name
// a file outside the state folder is refused where it is loaded, with its
// file and line (exit 2), and nothing is written anywhere.
func TestOrgIDThatLeavesTheFolderIsRefused(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"../../etc", "a/b", `a\u0000b`, strings.Repeat("x", 300), ".."} {
		dir := t.TempDir()
		snap := filepath.Join(dir, "org.json")
		doc := strings.Replace(bulkOrgJSON(1), `"id": "org-bulk"`, `"id": "`+id+`"`, 1)
		if err := os.WriteFile(snap, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		work := t.TempDir()
		code, _, stderr := runCLI(t, nil, "fix", "--snapshot", snap, "--journal", filepath.Join(work, "j.jsonl"),
			"--user", "p0@acme.com", "--target", "p0@acme.io", "--yes")
		if code != exitBadInput || !strings.Contains(stderr, snap+":2: org.id: ") {
			t.Errorf("org id %.20q: exit %d, stderr %q; want 2 with %s:2: org.id", id, code, stderr, snap)
		}
		if left := entries(t, work); len(left) != 0 {
			t.Errorf("org id %.20q: left behind %v", id, left)
		}
	}
}

// An existing journal others may read is made 0600 by the next run, which
// says so.
func TestRunTightensAReadableJournal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	snap, _ := writeBulkFiles(t, dir, 1)
	jpath := filepath.Join(dir, "journal.jsonl")
	args := []string{"fix", "--snapshot", snap, "--journal", jpath, "--user", "p0@acme.com", "--target", "p0@acme.io", "--yes"}
	runCLI(t, nil, args...)
	if err := os.Chmod(jpath, 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ := runCLI(t, nil, args...)
	fi, err := os.Stat(jpath)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("journal mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	if !strings.Contains(out, "was readable by others (mode 0644); it is now 0600") {
		t.Errorf("the run did not say it tightened the journal:\n%s", out)
	}
}

// apiCallLine matches one --debug record of an API call.
var apiCallLine = regexp.MustCompile(`level=DEBUG msg="api call" method=(GET|POST|PUT|PATCH|DELETE) path=/\S+ (query=\S+ )?status=\d{3} duration=\S+ attempt=\d+ api=\S+`)

// TestDebugLogsEveryCall: --debug (or SYNCDOCTOR_DEBUG=1) logs each API
// call to stderr with method, path, status, duration and attempt; without
// it nothing is logged.
func TestDebugLogsEveryCall(t *testing.T) {
	t.Parallel()
	args := []string{"diagnose", "--user", "tkobayashi@acme.com", "--target", "takeshi.kobayashi@acme.com", "--json"}
	for name, c := range map[string]struct {
		env  map[string]string
		args []string
	}{
		"--debug":            {nil, append([]string{"--debug"}, args...)},
		"--debug after":      {nil, append(slices.Clone(args), "--debug")},
		"SYNCDOCTOR_DEBUG=1": {map[string]string{EnvDebug: "1"}, args},
	} {
		code, out, stderr := runCLI(t, c.env, c.args...)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		lines := apiCallLine.FindAllString(stderr, -1)
		if len(lines) < 3 || !strings.Contains(stderr, "path=/admin/v2/orgs/8f3c2d10-demo/directories/-/users/search status=200") {
			t.Errorf("%s: %d API call lines in stderr:\n%s", name, len(lines), stderr)
		}
		if strings.Contains(out, "api call") || !json.Valid([]byte(out)) {
			t.Errorf("%s: the log reached stdout:\n%s", name, out)
		}
		if l := redacttest.Leak(stderr, simKeys...); l != "" {
			t.Errorf("%s: the log shows %s", name, l)
		}
	}
	if _, _, stderr := runCLI(t, map[string]string{EnvDebug: "0"}, args...); stderr != "" {
		t.Errorf("without --debug stderr is %q", stderr)
	}
}

// TestRateLimitWaitIsTold: a wait before a retry is told on stderr as it
// starts, without --debug, so a rate limit does not look like a hang.
func TestRateLimitWaitIsTold(t *testing.T) {
	t.Parallel()
	base := startSimulate(t)
	rp := httputil.NewSingleHostReverseProxy(mustURL(t, base))
	var first atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if first.CompareAndSwap(false, true) {
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"code":429,"message":"Too Many Requests"}`))
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer srv.Close()
	code, _, stderr := runCLI(t, liveEnv(srv.URL), "diagnose", "--user", "tkobayashi@acme.com", "--target", "takeshi.kobayashi@acme.com", "--json")
	if code != exitOK || stderr != "rate-limited: retrying in 1 s (Retry-After)\n" {
		t.Errorf("exit %d, stderr %q; want the wait told in one line", code, stderr)
	}
}

// TestJournalJSON: journal --json lists every run with what a script needs
// to pick one; journal RUN --json gives that run's steps and records.
func TestJournalJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	jpath := filepath.Join(dir, "journal.jsonl")
	if code, _, stderr := runCLI(t, nil, "fix", "--journal", jpath, "--user", "chinedu.okonkwo@acme.com", "--target", "chinedu.okonkwo@acme.io", "--yes"); code != exitOK {
		t.Fatalf("fix: exit %d: %s", code, stderr)
	}
	snap, targets := writeBulkFiles(t, dir, 2)
	runCLI(t, nil, "bulk", "apply", "--snapshot", snap, "--targets", targets, "--journal", jpath, "--yes")

	var list struct {
		SchemaVersion int    `json:"schemaVersion"`
		Journal       string `json:"journal"`
		Runs          []map[string]any
	}
	if err := json.Unmarshal([]byte(runOK(t, nil, "journal", "--journal", jpath, "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if list.SchemaVersion != 1 || list.Journal != jpath || len(list.Runs) != 2 {
		t.Fatalf("list: version %d, journal %s, %d runs", list.SchemaVersion, list.Journal, len(list.Runs))
	}
	fix, bulk := list.Runs[0], list.Runs[1]
	for _, key := range []string{"id", "started", "mode", "org", "user", "userAccountId", "target", "verdict", "status", "statusWords",
		"reason", "dismissed", "unfinished", "fixed", "planSteps", "stepsFinished", "tool", "bulk"} {
		if _, ok := fix[key]; !ok {
			t.Errorf("a listed run lacks %q: %v", key, fix)
		}
	}
	if fix["mode"] != "demo" || fix["org"] != "8f3c2d10-demo" || fix["user"] != "chinedu.okonkwo@acme.com" || fix["verdict"] != "no-blocker" ||
		fix["status"] != "completed" || fix["statusWords"] != "completed" || fix["fixed"] != true || fix["dismissed"] != false || fix["bulk"] != nil {
		t.Errorf("fix run listed as %v", fix)
	}
	b, _ := bulk["bulk"].(map[string]any)
	if bulk["mode"] != "simulated" || b == nil || b["targets"] == nil || b["worksheet"] == nil || bulk["planSteps"] == float64(0) {
		t.Errorf("bulk run listed as %v", bulk)
	}

	id := fix["id"].(string)
	var one struct {
		Run struct {
			ID    string `json:"id"`
			Steps []struct {
				Index                         int
				ID, Kind, Status, StatusWords string
			} `json:"steps"`
			Pending []int64           `json:"pending"`
			Torn    *json.RawMessage  `json:"torn"`
			Records []json.RawMessage `json:"records"`
		} `json:"run"`
	}
	out := runOK(t, nil, "journal", "--journal", jpath, id[:8], "--json")
	if err := json.Unmarshal([]byte(out), &one); err != nil {
		t.Fatal(err)
	}
	r := one.Run
	if r.ID != id || len(r.Steps) == 0 || r.Steps[0].Index != 1 || r.Steps[0].Status != "done" || r.Steps[0].StatusWords != "done" ||
		r.Pending == nil || len(r.Pending) != 0 || r.Torn != nil || len(r.Records) < 4 {
		t.Errorf("one run: %s", out)
	}
	if code, _, _ := runCLI(t, nil, "journal", "--journal", jpath, id, "--json", "--note"); code != exitBadInput {
		t.Errorf("--json with --note: exit %d, want 2", code)
	}
}

// TestDiagnoseJSONHasEveryContractField pins contract §2's fields, on each
// kind of org: schemaVersion 2; org with its id, name and mode; user;
// target; verdict; findings with code, accountId and detail; evidence with
// call and answer; incomplete with directoryId and reason (a directory
// whose SCIM key was not given); plan with id, kind, title, destructive.
func TestDiagnoseJSONHasEveryContractField(t *testing.T) {
	t.Parallel()
	base := startSimulate(t)
	live := liveEnv(base)
	// Without any SCIM key, the directories cannot be read: incomplete
	// names them.
	partial := maps.Clone(live)
	firstDir := fixtures.Demo().Directories[0].ID
	for n := 1; n <= len(fixtures.Demo().Directories); n++ {
		d, k := client.SCIMEnvNames(n)
		delete(partial, d)
		delete(partial, k)
	}
	snap := filepath.Join(t.TempDir(), "demo.json")
	data, err := fixtures.Demo().MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(snap, data, 0o600); err != nil {
		t.Fatal(err)
	}
	user := []string{"diagnose", "--user", "tkobayashi@acme.com", "--target", "takeshi.kobayashi@acme.com", "--json"}
	for _, c := range []struct {
		mode string
		env  map[string]string
		args []string
		// incomplete: the directory the diagnosis could not read, or ""
		incomplete string
	}{
		{"demo", nil, user, ""},
		{"simulated", nil, append([]string{"--snapshot", snap}, user...), ""},
		{"live", live, user, ""},
		{"live", partial, user, firstDir},
	} {
		out := runOK(t, c.env, c.args...)
		checkDiagnosisJSON(t, c.mode, c.incomplete, out)
	}
}

func checkDiagnosisJSON(t *testing.T, mode, incomplete, out string) {
	t.Helper()
	var d struct {
		SchemaVersion *int `json:"schemaVersion"`
		Org           *struct{ ID, Name, Mode *string }
		User          *struct{ AccountID, Email, Name *string }
		Target        *string
		Verdict       *string
		Findings      []struct{ Code, AccountID, Detail *string }
		Evidence      []struct{ Call, Answer *string }
		Incomplete    []struct{ DirectoryID, Reason *string }
		Plan          []struct {
			ID, Kind, Title *string
			Destructive     *bool
		}
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("%s: %v\n%s", mode, err, out)
	}
	fail := func(what string) { t.Errorf("%s (incomplete %q): %s\n%s", mode, incomplete, what, out) }
	var raw map[string]json.RawMessage
	_ = json.Unmarshal([]byte(out), &raw)
	for _, key := range []string{"schemaVersion", "org", "user", "target", "verdict", "findings", "evidence", "incomplete", "plan"} {
		if _, ok := raw[key]; !ok {
			fail("no " + key)
		}
	}
	switch {
	case d.SchemaVersion == nil || *d.SchemaVersion != 2:
		fail("schemaVersion is not 2")
	case d.Org == nil || d.Org.ID == nil || *d.Org.ID != "8f3c2d10-demo" || d.Org.Name == nil || d.Org.Mode == nil || *d.Org.Mode != mode:
		fail("org is not {id, name, mode " + mode + "}")
	case d.User == nil || d.User.AccountID == nil || d.User.Email == nil || d.User.Name == nil:
		fail("user lacks accountId, email or name")
	case d.Target == nil || *d.Target != "takeshi.kobayashi@acme.com" || d.Verdict == nil || *d.Verdict == "":
		fail("target or verdict")
	case len(d.Findings) == 0 || d.Findings[0].Code == nil || d.Findings[0].AccountID == nil || d.Findings[0].Detail == nil:
		fail("findings lack code, accountId or detail")
	case len(d.Evidence) == 0 || d.Evidence[0].Call == nil || d.Evidence[0].Answer == nil:
		fail("evidence lacks call or answer")
	case len(d.Plan) == 0 || d.Plan[0].ID == nil || d.Plan[0].Kind == nil || d.Plan[0].Title == nil || d.Plan[0].Destructive == nil:
		fail("plan lacks id, kind, title or destructive")
	case incomplete == "" && (d.Incomplete == nil || len(d.Incomplete) != 0):
		fail("incomplete is not an empty list")
	case incomplete != "" && (len(d.Incomplete) == 0 || d.Incomplete[0].DirectoryID == nil || *d.Incomplete[0].DirectoryID != incomplete || d.Incomplete[0].Reason == nil):
		fail("incomplete does not name directory " + incomplete)
	case incomplete != "" && *d.Plan[len(d.Plan)-1].Kind != "handoff":
		fail("a diagnosis that could not read a directory must end at a handoff")
	}
}
