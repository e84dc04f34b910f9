package bulk

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func readExportFile(t *testing.T, path string) *Export {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex, err := ReadExport(f, path)
	if err != nil {
		t.Fatalf("ReadExport: %v", err)
	}
	return ex
}

// The fixture is laid out as the domain export documents it (api-facts
// §5), saved with a BOM and CRLF, with a blank line and an account that
// hides its email.
func TestReadExportFixture(t *testing.T) {
	ex := readExportFile(t, "testdata/managed-accounts.csv")
	if !ex.HasAccountIDs || !ex.HasClaimed || ex.Source != "testdata/managed-accounts.csv" {
		t.Errorf("export %+v", ex)
	}
	byEmail := map[string]ExportAccount{}
	for _, a := range ex.Accounts {
		byEmail[a.Email] = a
	}
	if len(ex.Accounts) != 10 {
		t.Fatalf("%d accounts, want 10 (the one without an email skipped): %+v", len(ex.Accounts), ex.Accounts)
	}
	want := map[string]ExportAccount{
		"ann@acme.com":   {Line: 2, AccountID: "712020:a-ann", Email: "ann@acme.com", Name: "Lee, Ann", Status: "active", LastActive: "2026-11-20", Claimed: true, Products: []string{"jira"}},
		"Cat@NewCo.com":  {Line: 5, AccountID: "712020:h-cat", Email: "Cat@NewCo.com", Name: "Cat (new)", Status: "active", LastActive: "2026-10-30", Claimed: true, Products: []string{"jira", "confluence"}},
		"dan@partner.io": {Line: 6, AccountID: "712020:a-dan", Email: "dan@partner.io", Name: "Dan Ruiz", Status: "active", LastActive: "2026-09-01", Claimed: false},
		"fay@acme.com":   {Line: 7, AccountID: "712020:a-fay", Email: "fay@acme.com", Name: "Fay Adams", Status: "active", LastActive: "2026-11-19", Claimed: true, Products: []string{"jira-service-management"}},
		// Only a "Last seen in Jira" date: activity, not access.
		"kim@newco.com": {Line: 12, AccountID: "712020:h-kim", Email: "kim@newco.com", Name: "Kim Park", Status: "deactivated", LastActive: "2025-03-01", Claimed: true},
	}
	for email, w := range want {
		if got := byEmail[email]; !reflect.DeepEqual(got, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", email, got, w)
		}
	}
}

func TestReadExportHeaders(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want ExportAccount
		ids  bool
	}{
		{"users export", "email,User id,User name,User status,Jira - acme.atlassian.net,Last seen in Jira - acme.atlassian.net\nann@acme.com,712020:1,Ann,active,Yes,2026-01-01\n",
			ExportAccount{Line: 2, AccountID: "712020:1", Email: "ann@acme.com", Name: "Ann", Status: "active", Claimed: true, Products: []string{"jira"}}, true},
		{"snake case and extra spaces", " atlassian_id , EMAIL ,claimed\n712020:1,ann@acme.com,FALSE\n",
			ExportAccount{Line: 2, AccountID: "712020:1", Email: "ann@acme.com", Claimed: false}, true},
		{"email address and account id", "Account ID,Email address,Name,Status,Last active\n712020:1,ann@acme.com,Ann,Suspended,never\n",
			ExportAccount{Line: 2, AccountID: "712020:1", Email: "ann@acme.com", Name: "Ann", Status: "suspended", LastActive: "never", Claimed: true}, true},
		{"no id column", "Name,Email,Claimed\nAnn,ann@acme.com,true\n",
			ExportAccount{Line: 2, Email: "ann@acme.com", Name: "Ann", Claimed: true}, false},
		{"every product, short and long names", "Email,Trello,Statuspage,Opsgenie,Bitbucket,JPD,JSM,Confluence - x,Jira - x\nann@acme.com,yes,yes,yes,yes,yes,yes,yes,yes\n",
			ExportAccount{Line: 2, Email: "ann@acme.com", Claimed: true, Products: []string{"jira-service-management", "jira-product-discovery", "jira", "confluence", "bitbucket", "opsgenie", "statuspage", "trello"}}, false},
		{"long product names are not Jira", "Email,Jira Service Management - x,Jira Product Discovery - x\nann@acme.com,agent,creator\n",
			ExportAccount{Line: 2, Email: "ann@acme.com", Claimed: true, Products: []string{"jira-service-management", "jira-product-discovery"}}, false},
		{"a plain no is no access", "Email,Jira,Confluence,Trello,Bitbucket,Opsgenie\nann@acme.com,No,FALSE,-,none, \n",
			ExportAccount{Line: 2, Email: "ann@acme.com", Claimed: true}, false},
		{"two sites of one product", "Email,Jira - a.atlassian.net,Jira - b.atlassian.net\nann@acme.com,a.atlassian.net,b.atlassian.net\n",
			ExportAccount{Line: 2, Email: "ann@acme.com", Claimed: true, Products: []string{"jira"}}, false},
		{"padding past the header", "Email,Name\nann@acme.com,Ann,,\n",
			ExportAccount{Line: 2, Email: "ann@acme.com", Name: "Ann", Claimed: true}, false},
		{"empty claimed cell", "Email,Claimed\nann@acme.com,\n",
			ExportAccount{Line: 2, Email: "ann@acme.com", Claimed: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, err := ReadExport(strings.NewReader(tt.in), "e.csv")
			if err != nil {
				t.Fatalf("ReadExport: %v", err)
			}
			if len(ex.Accounts) != 1 || !reflect.DeepEqual(ex.Accounts[0], tt.want) {
				t.Errorf("got %+v\nwant %+v", ex.Accounts, tt.want)
			}
			if ex.HasAccountIDs != tt.ids {
				t.Errorf("HasAccountIDs %v, want %v", ex.HasAccountIDs, tt.ids)
			}
		})
	}
}

// An export listing an account on two rows (once per site) is one account
// with the products of both.
func TestReadExportMergesRepeatedAccount(t *testing.T) {
	ex, err := ReadExport(strings.NewReader("Atlassian ID,Email,Confluence,Jira\n712020:1,ann@acme.com,,yes\n712020:1,ANN@acme.com,yes,\n"), "e.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Accounts) != 1 || !slices.Equal(ex.Accounts[0].Products, []string{"jira", "confluence"}) {
		t.Errorf("accounts %+v", ex.Accounts)
	}
}

func TestReadExportErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty file", "\ufeff\r\n", "e.csv:1: empty file: want a managed-accounts export with an Email column"},
		{"no email column", "Atlassian ID,Name\n712020:1,Ann\n", `e.csv:1: header "Atlassian ID,Name": no email column (want Email or Email address)`},
		{"no header", "712020:1,Ann,ann@acme.com\n", `e.csv:1: no header: the first line "712020:1,Ann,ann@acme.com" holds addresses; the export's first line names its columns`},
		{"email column twice", "Email,Name,Email address\n", "e.csv:1: header names email twice (columns 1 and 3): keep one"},
		{"id column twice", "Atlassian ID,Email,User id\n", "e.csv:1: header names account id twice (columns 1 and 3): keep one"},
		{"row too short", "Email,Name,Status\r\nann@acme.com,Ann,active\r\nbob@acme.com,Bob\r\n", "e.csv:3: want 3 cells as in the header, got 2"},
		{"value past the header", "Email,Name\nann@acme.com,Ann,oops\n", `e.csv:2: value "oops" past the header's 2 columns`},
		{"bad claimed", "Email,Claimed\nann@acme.com,maybe\n", `e.csv:2: claimed "maybe": want yes or no`},
		{"one email, two ids", "Atlassian ID,Email\n712020:1,ann@acme.com\n\n712020:2,Ann@Acme.com\n", `e.csv:4: Ann@Acme.com is on line 2 too, with another account id ("712020:1", here "712020:2"): one email has one account`},
		{"not UTF-8", "Email,Name\nann@acme.com,Ren\xe9e\n", "e.csv:2: not valid UTF-8 (save the file as CSV UTF-8)"},
		{"broken quote", "Email,Name\nann@acme.com,\"Ann\n", `e.csv:2: extraneous or missing " in quoted-field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, err := ReadExport(strings.NewReader(tt.in), "e.csv")
			if err == nil {
				t.Fatalf("no error; export %+v", ex)
			}
			if err.Error() != tt.want {
				t.Errorf("error %q\nwant  %q", err, tt.want)
			}
			var ce *CSVError
			if !errors.As(err, &ce) || ce.File != "e.csv" || strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("want a one-line *CSVError naming the file, got %T %q", err, err)
			}
		})
	}
}

func exportTargets(t *testing.T) []Target {
	t.Helper()
	f, err := os.Open("testdata/export-targets.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadTargets(f, "export-targets.csv")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestPlanFromExport(t *testing.T) {
	p, err := PlanFromExport(exportTargets(t), readExportFile(t, "testdata/managed-accounts.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	set := []EmailPath{ViaSetEmail}
	want := []struct {
		status  RowStatus
		account string
		holder  string
		flags   []FlagCode
	}{
		{RowReady, "712020:a-ann", "", nil},
		{RowConflict, "712020:a-cat", "712020:h-cat", []FlagCode{FlagHolderProductAccess}},
		{RowReady, "712020:a-bob", "", nil}, // acme.io: unknown, not unclaimed
		{RowUnmanaged, "712020:a-dan", "", nil},
		{RowNoAccount, "", "", nil},
		{RowDuplicateTarget, "712020:a-fay", "", nil},
		{RowDuplicateTarget, "712020:a-gus", "", nil},
		{RowUnchanged, "712020:a-hal", "", nil},
		{RowInvalid, "", "", nil},
		{RowConflict, "712020:a-ivy", "712020:h-kim", nil}, // a holder without product access
	}
	if len(p.Rows) != len(want) {
		t.Fatalf("%d rows", len(p.Rows))
	}
	for i, w := range want {
		r := p.Rows[i]
		var flags []FlagCode
		for _, f := range r.Flags {
			flags = append(flags, f.Code)
		}
		if r.Status != w.status || bulkAccount(r) != w.account || !slices.Equal(flags, w.flags) {
			t.Errorf("line %d (%s): %s %q flags %v, want %s %q %v", r.Line, r.CurrentEmail, r.Status, bulkAccount(r), flags, w.status, w.account, w.flags)
		}
		holder := ""
		if r.Holder != nil {
			holder = r.Holder.AccountID
		}
		if holder != w.holder {
			t.Errorf("line %d: holder %q, want %q", r.Line, holder, w.holder)
		}
		if r.AccountID != nil && !slices.Equal(r.Path, set) {
			t.Errorf("line %d: path %v, want set-email (no provisioning seen)", r.Line, r.Path)
		}
	}
	if h := p.Rows[1].Holder; h.Name != "Cat (new)" || h.Email != "Cat@NewCo.com" || !slices.Equal(h.ProductAccess, []string{"jira", "confluence"}) || h.Provisioned {
		t.Errorf("holder %+v", h)
	}
	wantPre := []Prerequisite{{PrereqTargetEmailsTaken, "newco.com"}, {PrereqDomainUnchecked, "acme.io"}, {PrereqDomainUnchecked, "partner.io"}}
	if !reflect.DeepEqual(p.Prerequisites, wantPre) {
		t.Errorf("prerequisites %v\nwant %v", p.Prerequisites, wantPre)
	}
	if p.Setup != SetupNone {
		t.Errorf("setup %s, want none", p.Setup)
	}
	wantNotes := []NoteCode{NoteDomainsUnchecked, NoteAccountsFromExport, NoteProvisioningUnchecked, NoteSetupAssumed}
	if got := noteCodes(p); !slices.Equal(got, wantNotes) {
		t.Errorf("notes %v, want %v", got, wantNotes)
	}
	wantSum := map[RowStatus]int{RowReady: 2, RowConflict: 2, RowUnmanaged: 1, RowNoAccount: 1, RowDuplicateTarget: 2, RowUnchanged: 1, RowInvalid: 1}
	if !reflect.DeepEqual(p.Summary, wantSum) {
		t.Errorf("summary %v", p.Summary)
	}
}

func noteCodes(p *Plan) []NoteCode {
	var codes []NoteCode
	for _, n := range p.Notes {
		codes = append(codes, n.Code)
	}
	return codes
}

func TestPlanFromExportSetupGiven(t *testing.T) {
	p, err := PlanFromExport(exportTargets(t), readExportFile(t, "testdata/managed-accounts.csv"), Options{Setup: SetupSamlJit})
	if err != nil {
		t.Fatal(err)
	}
	if p.Setup != SetupSamlJit || slices.Contains(noteCodes(p), NoteSetupAssumed) {
		t.Errorf("setup %s, notes %v", p.Setup, noteCodes(p))
	}
	if !slices.Equal(p.Rows[0].Path, []EmailPath{ViaSetEmail, ViaIdpSamlAttribute}) {
		t.Errorf("path %v", p.Rows[0].Path)
	}
	if _, err := PlanFromExport(nil, &Export{}, Options{Setup: "okta"}); err == nil {
		t.Error("unknown setup accepted")
	}
}

// Without ids or a Claimed column, accounts are told apart by email (a
// conflict is still a conflict) and all taken as managed; the plan says so.
func TestPlanFromExportWithoutIDs(t *testing.T) {
	ex, err := ReadExport(strings.NewReader("Name,Email,Confluence\nAnn,ann@acme.com,\nAnn (new),ann@newco.com,yes\nBob,bob@acme.com,\n"), "e.csv")
	if err != nil {
		t.Fatal(err)
	}
	p, err := PlanFromExport(bulkRows("ann@acme.com", "ANN@newco.com", "bob@acme.com", "bob@newco.com", "ann@newco.com", "ann.new@newco.com"), ex, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []RowStatus{RowConflict, RowReady, RowReady}
	for i, r := range p.Rows {
		if r.Status != want[i] || r.AccountID != nil {
			t.Errorf("line %d: %s, account %v; want %s and no account id", r.Line, r.Status, r.AccountID, want[i])
		}
	}
	if h := p.Rows[0].Holder; h == nil || h.Email != "ann@newco.com" || h.AccountID != "" {
		t.Errorf("holder %+v", h)
	}
	codes := noteCodes(p)
	if !slices.Contains(codes, NoteClaimAssumed) || !slices.Contains(codes, NoteNoAccountIDs) {
		t.Errorf("notes %v", codes)
	}
	if len(p.Prerequisites) != 1 || p.Prerequisites[0] != (Prerequisite{PrereqTargetEmailsTaken, "newco.com"}) {
		t.Errorf("prerequisites %v: newco.com is verified (managed accounts on it)", p.Prerequisites)
	}
}

// A plan from an export prints its notes; one read from the org has none.
func TestPlanFromExportJSONNotes(t *testing.T) {
	p, err := PlanFromExport(bulkRows("ann@acme.com", "ann@newco.com"), readExportFile(t, "testdata/managed-accounts.csv"), Options{Setup: SetupNone})
	if err != nil {
		t.Fatal(err)
	}
	js, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"notes": [`, `"code": "domains-not-checked"`, `"code": "provisioning-not-checked"`, `"accountId": "712020:a-ann"`} {
		if !strings.Contains(string(js), s) {
			t.Errorf("JSON lacks %s:\n%s", s, js)
		}
	}
	if strings.Contains(string(js), "setup-assumed") {
		t.Errorf("--setup given, yet the setup is said to be assumed:\n%s", js)
	}
	live, _ := (&Plan{Setup: SetupNone}).JSON()
	if strings.Contains(string(live), "notes") {
		t.Errorf("a plan without notes prints them: %s", live)
	}
}
