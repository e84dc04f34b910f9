package bulk

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"

	"github.com/syncdoctor/syncdoctor/client"
)

// bulkAcme is an org with one account for every row status (setup 3 style:
// some accounts provisioned).
func bulkAcme() *bulkFakeOrg {
	return &bulkFakeOrg{
		domains: map[string]string{"acme.com": "verified", "newco.com": "verified", "acme-labs.com": "unverified"},
		users: []client.User{
			bulkUser("a-ann", "ann@acme.com", "Ann"),
			bulkSynced(bulkUser("a-bob", "bob@acme.com", "Bob")),
			bulkUser("a-cat", "cat@acme.com", "Cat"),
			bulkSynced(bulkUser("h-cat", "Cat@NewCo.com", "Cat (new)", "jira-software", "confluence")),
			bulkUnmanaged(bulkUser("a-dan", "dan@partner.io", "Dan")),
			bulkUser("a-eve", "eve@acme-labs.com", "Eve"),
			bulkUser("a-fay", "fay@acme.com", "Fay"),
			bulkUser("a-gus", "gus@acme.com", "Gus"),
			bulkUser("a-hal", "hal@acme.com", "Hal"),
			bulkUser("a-ivy", "ivy@acme.com", "Ivy"),
			bulkUser("a-jay", "jay@acme.com", "Jay"),
			bulkUser("h-kim", "kim@newco.com", "Kim"),
		},
	}
}

func bulkRows(pairs ...string) []Target {
	rows := make([]Target, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		rows = append(rows, Target{Line: len(rows) + 2, Current: pairs[i], Target: pairs[i+1]})
	}
	return rows
}

func planBulk(t *testing.T, f *bulkFakeOrg, setup OrgSetup, rows []Target) *Plan {
	t.Helper()
	p, err := PlanRows(context.Background(), f.start(t), rows, Options{Setup: setup})
	if err != nil {
		t.Fatalf("PlanBulk: %v", err)
	}
	if len(p.Rows) != len(rows) {
		t.Fatalf("%d rows planned, want %d", len(p.Rows), len(rows))
	}
	return p
}

func bulkAccount(r Row) string {
	if r.AccountID == nil {
		return ""
	}
	return *r.AccountID
}

func TestBulkStatuses(t *testing.T) {
	set := []EmailPath{ViaSetEmail}
	idp := []EmailPath{ViaIdpSamlAttribute, ViaIdpScimAttribute}
	tests := []struct {
		current, target string
		status          RowStatus
		account         string
		path            []EmailPath
	}{
		{"ann@acme.com", "ann@newco.com", RowReady, "a-ann", set},
		{"bob@acme.com", "bob@newco.com", RowReady, "a-bob", idp},
		{"cat@acme.com", "cat@newco.com", RowConflict, "a-cat", set},
		{"dan@partner.io", "dan@newco.com", RowUnmanaged, "a-dan", set},
		{"eve@acme-labs.com", "eve@newco.com", RowUnmanaged, "a-eve", set}, // managed claim, but not on a domain verified here
		{"fay@acme.com", "fay@acme-labs.com", RowDomainUnclaimed, "a-fay", set},
		{"nobody@acme.com", "nobody@newco.com", RowNoAccount, "", []EmailPath{}},
		{"gus@acme.com", "GUS@Acme.com", RowUnchanged, "a-gus", set},
		{"not-an-email", "x@newco.com", RowInvalid, "", []EmailPath{}},
		{"hal@acme.com", "hal@", RowInvalid, "a-hal", set}, // the account is known, so its path is given
		{"ivy@acme.com", "team@newco.com", RowDuplicateTarget, "a-ivy", set},
		{"jay@acme.com", "Team@NewCo.com", RowDuplicateTarget, "a-jay", set},
		{"nobody2@acme.com", "kim@newco.com", RowNoAccount, "", []EmailPath{}}, // no-account comes before conflict
	}
	var pairs []string
	for _, tt := range tests {
		pairs = append(pairs, tt.current, tt.target)
	}
	p := planBulk(t, bulkAcme(), SetupSamlScim, bulkRows(pairs...))
	for i, tt := range tests {
		r := p.Rows[i]
		if r.Line != i+2 || r.CurrentEmail != tt.current || r.TargetEmail != tt.target {
			t.Errorf("row %d echoes %d %q %q", i, r.Line, r.CurrentEmail, r.TargetEmail)
		}
		if r.Status != tt.status || bulkAccount(r) != tt.account || !reflect.DeepEqual(r.Path, tt.path) {
			t.Errorf("%s -> %s: status %s account %q path %v; want %s %q %v",
				tt.current, tt.target, r.Status, bulkAccount(r), r.Path, tt.status, tt.account, tt.path)
		}
		if (r.Holder != nil) != (tt.status == RowConflict) {
			t.Errorf("%s: holder %+v with status %s", tt.current, r.Holder, r.Status)
		}
	}
	wantHolder := &Holder{AccountID: "h-cat", Email: "Cat@NewCo.com", Name: "Cat (new)",
		ProductAccess: []string{"jira-software", "confluence"}, Provisioned: true}
	if h := p.Rows[2].Holder; !reflect.DeepEqual(h, wantHolder) {
		t.Errorf("holder %+v\nwant   %+v", h, wantHolder)
	}
	wantSummary := map[RowStatus]int{RowReady: 2, RowConflict: 1, RowUnmanaged: 2, RowDomainUnclaimed: 1,
		RowNoAccount: 2, RowUnchanged: 1, RowInvalid: 2, RowDuplicateTarget: 2}
	if !reflect.DeepEqual(p.Summary, wantSummary) {
		t.Errorf("summary %v\nwant    %v", p.Summary, wantSummary)
	}
	wantPre := []Prerequisite{
		{PrereqDomainUnclaimed, "acme-labs.com"},
		{PrereqSourceDomainUnclaimed, "acme-labs.com"},
		{PrereqSourceDomainUnclaimed, "partner.io"},
		{PrereqTargetEmailsTaken, "newco.com"},
	}
	if !reflect.DeepEqual(p.Prerequisites, wantPre) {
		t.Errorf("prerequisites %v\nwant          %v", p.Prerequisites, wantPre)
	}
}

func TestBulkHolderWithoutProductAccess(t *testing.T) {
	p := planBulk(t, bulkAcme(), SetupNone, bulkRows("ann@acme.com", "kim@newco.com"))
	want := &Holder{AccountID: "h-kim", Email: "kim@newco.com", Name: "Kim", ProductAccess: []string{}}
	if r := p.Rows[0]; r.Status != RowConflict || !reflect.DeepEqual(r.Holder, want) {
		t.Errorf("row %+v holder %+v", r, r.Holder)
	}
}

func TestBulkDuplicateTargets(t *testing.T) {
	p := planBulk(t, bulkAcme(), SetupNone, bulkRows(
		"ann@acme.com", "shared@newco.com",
		"bob@acme.com", "other@newco.com",
		"cat@acme.com", "SHARED@newco.com",
		"nobody@acme.com", "Shared@NewCo.com", // counts although it has no account
		"not-an-email", "other@newco.com", // invalid itself, but still wants other@
		"fay@acme.com", "bad@",
		"gus@acme.com", "bad@", // invalid targets are not compared
	))
	want := []RowStatus{RowDuplicateTarget, RowDuplicateTarget, RowDuplicateTarget, RowDuplicateTarget, RowInvalid, RowInvalid, RowInvalid}
	for i, r := range p.Rows {
		if r.Status != want[i] {
			t.Errorf("line %d (%s -> %s): %s, want %s", r.Line, r.CurrentEmail, r.TargetEmail, r.Status, want[i])
		}
	}
}

func TestBulkCaseInsensitive(t *testing.T) {
	p := planBulk(t, bulkAcme(), SetupNone, bulkRows(
		"ANN@Acme.COM", "ann@NEWCO.com", // found whatever the case; domains compared folded
		"Cat@Acme.com", "cat@newco.com", // held as Cat@NewCo.com
		"Gus@acme.com", "gus@ACME.com",
	))
	want := []RowStatus{RowReady, RowConflict, RowUnchanged}
	for i, r := range p.Rows {
		if r.Status != want[i] {
			t.Errorf("%s -> %s: %s, want %s", r.CurrentEmail, r.TargetEmail, r.Status, want[i])
		}
	}
	if got := bulkAccount(p.Rows[0]); got != "a-ann" {
		t.Errorf("account %q", got)
	}
	if p.Rows[0].CurrentEmail != "ANN@Acme.COM" {
		t.Errorf("the row's own spelling is kept: %q", p.Rows[0].CurrentEmail)
	}
}

// TestBulkPaths checks the table of contract §3 for every setup, with an
// account of each kind: not linked, linked by SCIM, linked by Google.
func TestBulkPaths(t *testing.T) {
	org := func() *bulkFakeOrg {
		return &bulkFakeOrg{
			domains: map[string]string{"acme.com": "verified", "newco.com": "verified"},
			users: []client.User{
				bulkUser("a-plain", "plain@acme.com", "Plain"),
				bulkSynced(bulkUser("a-scim", "scim@acme.com", "Scim")),
				bulkSynced(bulkUser("a-google", "google@acme.com", "Google")),
				bulkUser("a-gnosync", "gnosync@acme.com", "Google, not shown as synced"),
			},
			google: map[string]bool{"a-google": true, "a-gnosync": true},
		}
	}
	rows := bulkRows("plain@acme.com", "plain@newco.com", "scim@acme.com", "scim@newco.com",
		"google@acme.com", "google@newco.com", "gnosync@acme.com", "gnosync@newco.com")
	set, saml, scim, goog := ViaSetEmail, ViaIdpSamlAttribute, ViaIdpScimAttribute, ViaGooglePrimaryEmail
	tests := []struct {
		setup OrgSetup
		want  [][]EmailPath // plain, scim, google, google not shown as synced
		privs int
	}{
		{SetupNone, [][]EmailPath{{set}, {scim}, {scim}, {set}}, 0},
		{SetupSamlJit, [][]EmailPath{{set, saml}, {saml, scim}, {saml, scim}, {set, saml}}, 0},
		{SetupSamlScim, [][]EmailPath{{set}, {saml, scim}, {saml, scim}, {set}}, 0},
		{SetupGoogleWorkspace, [][]EmailPath{{set}, {saml, scim}, {goog}, {goog}}, 4},
	}
	for _, tt := range tests {
		t.Run(string(tt.setup), func(t *testing.T) {
			f := org()
			p := planBulk(t, f, tt.setup, rows)
			for i, r := range p.Rows {
				if r.Status != RowReady || !reflect.DeepEqual(r.Path, tt.want[i]) {
					t.Errorf("%s: %s %v, want ready %v", r.CurrentEmail, r.Status, r.Path, tt.want[i])
				}
			}
			if got := f.count("privileges"); got != tt.privs {
				t.Errorf("%d privilege checks, want %d", got, tt.privs)
			}
		})
	}
}

func TestBulkPathTable(t *testing.T) {
	set, saml, scim, goog := ViaSetEmail, ViaIdpSamlAttribute, ViaIdpScimAttribute, ViaGooglePrimaryEmail
	want := map[OrgSetup][3][]EmailPath{ // lockNone, lockScim, lockGoogle
		SetupNone:            {{set}, {scim}, {goog}},
		SetupSamlJit:         {{set, saml}, {saml, scim}, {goog}},
		SetupSamlScim:        {{set}, {saml, scim}, {goog}},
		SetupGoogleWorkspace: {{set}, {saml, scim}, {goog}},
	}
	for setup, paths := range want {
		for lock, w := range paths {
			if got := emailPath(setup, accountLock(lock)); !reflect.DeepEqual(got, w) {
				t.Errorf("%s lock %d: %v, want %v", setup, lock, got, w)
			}
		}
	}
}

func TestBulkDetectSetup(t *testing.T) {
	on, off := true, false
	tests := []struct {
		saml   *bool
		dirs   int
		google *bool
		want   OrgSetup
	}{
		{nil, 0, nil, SetupNone},
		{&off, 0, &off, SetupNone},
		{&off, 1, nil, SetupNone}, // SCIM without SAML is none of setups 2-4
		{&on, 0, nil, SetupSamlJit},
		{&on, 2, nil, SetupSamlScim},
		{nil, 1, nil, SetupSamlScim}, // unknown SAML with directories: assumed on
		{&on, 1, &on, SetupGoogleWorkspace},
		{nil, 0, &on, SetupGoogleWorkspace},
	}
	for _, tt := range tests {
		if got := DetectSetup(steps.Hints{SamlSso: tt.saml, GoogleWorkspace: tt.google}, tt.dirs); got != tt.want {
			t.Errorf("DetectSetup(saml %v, %d dirs, google %v) = %s, want %s", ptrStr(tt.saml), tt.dirs, ptrStr(tt.google), got, tt.want)
		}
	}
}

func ptrStr(b *bool) string {
	if b == nil {
		return "unknown"
	}
	if *b {
		return "on"
	}
	return "off"
}

// TestBulkReadsOrgOnce: every email is asked for once, in batches the API
// accepts, and the domains once, however many rows there are.
func TestBulkReadsOrgOnce(t *testing.T) {
	f := &bulkFakeOrg{domains: map[string]string{"acme.com": "verified", "newco.com": "verified"}}
	var pairs []string
	for i := range 250 {
		n := strings.Repeat("u", 1+i%3) + string(rune('a'+i%26)) + "." + strconv.Itoa(i)
		f.users = append(f.users, bulkUser("id-"+strconv.Itoa(i), n+"@acme.com", n))
		pairs = append(pairs, n+"@acme.com", n+"@newco.com")
	}
	pairs = append(pairs, pairs[0], pairs[1]) // a repeated row is looked up once
	p := planBulk(t, f, SetupSamlScim, bulkRows(pairs...))
	if got := p.Summary[RowDuplicateTarget]; got != 2 {
		t.Errorf("%d duplicate-target rows, want 2", got)
	}
	if got := p.Summary[RowReady]; got != 249 {
		t.Errorf("%d ready rows, want 249", got)
	}
	if got := f.count("domains"); got != 1 {
		t.Errorf("%d domain reads, want 1", got)
	}
	if got := f.count("privileges"); got != 0 {
		t.Errorf("%d privilege checks, want 0 outside Google Workspace", got)
	}
	asked := slices.Clone(f.searchEmails)
	slices.Sort(asked)
	if len(asked) != 500 || len(slices.Compact(asked)) != 500 {
		t.Errorf("asked for %d emails (%d distinct), want 500 once each", len(f.searchEmails), len(slices.Compact(asked)))
	}
	if got := f.count("search"); got > 10 {
		t.Errorf("%d search calls for 500 emails", got)
	}
}

func TestBulkNothingToLookUp(t *testing.T) {
	f := bulkAcme()
	p := planBulk(t, f, SetupNone, bulkRows("x", "y"))
	if p.Rows[0].Status != RowInvalid || f.count("search")+f.count("domains") != 0 {
		t.Errorf("status %s after %v calls", p.Rows[0].Status, f.calls)
	}
}

func TestBulkErrors(t *testing.T) {
	rows := bulkRows("ann@acme.com", "ann@newco.com")
	tests := []struct {
		name     string
		setup    OrgSetup
		breakOrg func(f *bulkFakeOrg)
		want     string
	}{
		{"unknown setup", "sso", func(*bulkFakeOrg) {}, `unknown setup "sso"`},
		{"search refused", SetupNone, func(f *bulkFakeOrg) { f.fail = map[string]int{"search": 403} }, "look up 2 accounts by email"},
		{"domains refused", SetupNone, func(f *bulkFakeOrg) { f.fail = map[string]int{"domains": 403} }, "read the org's domains"},
		{"privilege refused", SetupGoogleWorkspace, func(f *bulkFakeOrg) { f.fail = map[string]int{"privileges": 404} }, "find Google-Workspace-linked accounts: read privileges of a-ann"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := bulkAcme()
			tt.breakOrg(f)
			p, err := PlanRows(context.Background(), f.start(t), rows, Options{Setup: tt.setup})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("plan %v, error %v; want an error with %q", p, err, tt.want)
			}
			t.Log(err)
		})
	}
}

func TestBulkCanceled(t *testing.T) {
	f := bulkAcme()
	c := f.start(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := PlanRows(ctx, c, bulkRows("ann@acme.com", "ann@newco.com"), Options{Setup: SetupGoogleWorkspace}); err == nil {
		t.Error("a canceled plan returned no error")
	}
}

// Each row says what the operator must know before applying it.
func TestBulkFlags(t *testing.T) {
	f := bulkAcme()
	rows := bulkRows(
		"ann@acme.com", "ann@newco.com", // signs in with Google
		"cat@acme.com", "cat@newco.com", // its holder has product access
		"fay@acme.com", "fay@newco.cmo", // a lookalike of newco.com
		"gus@acme.com", "gus@elsewhere.org", // unlisted, and near nothing
		"not-an-address", "x@newco.com", // invalid: nothing to flag
	)
	p, err := PlanRows(context.Background(), f.start(t), rows, Options{Setup: SetupSamlScim,
		Hints: steps.Hints{SocialLogin: map[string]string{"a-ann": "google"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]FlagCode{{FlagSocialLogin}, {FlagHolderProductAccess}, {FlagTargetLookalike}, {}, {}}
	for i, r := range p.Rows {
		var got []FlagCode
		for _, fl := range r.Flags {
			got = append(got, fl.Code)
			if fl.Detail == "" {
				t.Errorf("line %d: flag %s says nothing", r.Line, fl.Code)
			}
		}
		if !slices.Equal(got, want[i]) && !(len(got) == 0 && len(want[i]) == 0) {
			t.Errorf("line %d: flags %v, want %v", r.Line, got, want[i])
		}
		if r.Flags == nil {
			t.Errorf("line %d: flags are nil, want []", r.Line)
		}
	}
	if d := p.Rows[2].Flags[0].Detail; !strings.Contains(d, "newco.com") {
		t.Errorf("the lookalike does not name the domain meant: %s", d)
	}
}
