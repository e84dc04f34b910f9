package bulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// targetSeeds cover what ReadTargets tolerates and refuses.
var targetSeeds = []string{
	"current_email,target_email\na@old.com,a@new.com\n",
	"\ufeffcurrent_email,target_email\r\na@old.com,a@new.com\r\n",
	"current_email,target_email\n\n  \n\"a@old.com\",\" a@new.com \"\n\n",
	"name,Target_Email,dept,CURRENT_EMAIL\nAnn,a@new.com,Sales,a@old.com\n",
	"current_email,target_email\na@old.com,team@new.com\nb@old.com,Team@NEW.com\n",
	"current_email,target_email\na@old.com,a@new.com,,\n",
	"current_email,target_email\n\"a@old\r\n.com\",a@new.com\n",
	"current_email,target_email\n'=a@old.com,=1+1\n",
	"a@old.com,a@new.com\n",
	"curent_email,Target Email\n",
	"target-email,current_email\n",
	"current_email,target_email,current_email\n",
	"current_email,target_email\nb\xff@old.com,b@new.com\n",
	"current_email,target_email\na@old.com\n",
	"current_email,target_email\na@old.com,a@new.com,x\n",
	"current_email,target_email\na@old.com,a\"b@new.com\n",
	"",
}

// FuzzReadTargets checks that any input either reads as rows or is refused
// with one "FILE:LINE: reason" line, and that rows read back the same once
// written out again.
func FuzzReadTargets(f *testing.F) {
	for _, s := range targetSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := ReadTargets(strings.NewReader(in), "f.csv")
		if err != nil {
			checkCSVError(t, err, in)
			return
		}
		last := 1
		for _, r := range rows {
			if r.Line <= last {
				t.Fatalf("line %d after line %d", r.Line, last)
			}
			last = r.Line
			if r.Current != strings.TrimSpace(r.Current) || r.Target != strings.TrimSpace(r.Target) {
				t.Fatalf("untrimmed row %+v", r)
			}
		}
		checkTargetsRoundTrip(t, rows)
	})
}

// checkCSVError: a refusal is a *CSVError on one line, naming the file and
// a line of the input.
func checkCSVError(t *testing.T, err error, in string) {
	t.Helper()
	var ce *CSVError
	if !errors.As(err, &ce) {
		t.Fatalf("error %T %v is not a *CSVError", err, err)
	}
	lines := strings.Count(in, "\n") + 1
	if ce.File != "f.csv" || ce.Line < 1 || ce.Line > lines {
		t.Fatalf("error %q: line %d of %d", err, ce.Line, lines)
	}
	if msg := err.Error(); strings.ContainsAny(msg, "\r\n") || !strings.HasPrefix(msg, "f.csv:") {
		t.Fatalf("error is not one FILE:LINE line: %q", msg)
	}
}

// checkTargetsRoundTrip writes rows as a plain target list and reads them
// back. Cells holding a carriage return are left out: encoding/csv reads a
// quoted CRLF back as LF, which is its rule, not ours.
func checkTargetsRoundTrip(t *testing.T, rows []Target) {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{colCurrentEmail, colTargetEmail})
	var want []Target
	for _, r := range rows {
		if strings.ContainsRune(r.Current+r.Target, '\r') || r.Current == "" && r.Target == "" {
			continue // a row of two empty cells writes as a blank-looking ","
		}
		_ = w.Write([]string{r.Current, r.Target})
		want = append(want, Target{Current: r.Current, Target: r.Target})
	}
	w.Flush()
	again, err := ReadTargets(&buf, "again.csv")
	if err != nil {
		t.Fatalf("rows written back do not read: %v\n%q", err, buf.String())
	}
	for i := range again {
		again[i].Line = 0
	}
	if !reflect.DeepEqual(again, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", again, want)
	}
}

// FuzzReadExport checks the export reader as FuzzReadTargets does the
// target list's, and that any export it accepts plans without trouble.
func FuzzReadExport(f *testing.F) {
	fixture, err := os.ReadFile("testdata/managed-accounts.csv")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(fixture),
		"email,User id,User name,User status,Jira - x,Last seen in Jira - x\nann@acme.com,712020:1,Ann,active,Yes,2026-01-01\n",
		"Name,Email,Claimed,JSM,JPD\nAnn,ann@acme.com,no,agent,\nBob,bob@acme.com,yes,,creator\n",
		"Atlassian ID,Email,Jira\n712020:1,ann@acme.com,yes\n712020:1,ANN@acme.com,\n",
		"Atlassian ID,Email\n712020:1,ann@acme.com\n712020:2,Ann@Acme.com\n",
		"Email,Email address\n",
		"Email,Claimed\nann@acme.com,maybe\n",
		"Email,Name\nann@acme.com\n",
		"712020:1,ann@acme.com\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ex, err := ReadExport(strings.NewReader(in), "f.csv")
		if err != nil {
			checkCSVError(t, err, in)
			return
		}
		seen := map[string]bool{}
		var rows []Target
		for _, a := range ex.Accounts {
			key := strings.ToLower(a.Email)
			if a.Email == "" || seen[key] {
				t.Fatalf("account %+v: empty or repeated email", a)
			}
			seen[key] = true
			if !slices.IsSortedFunc(a.Products, func(x, y string) int { return productRank(x) - productRank(y) }) || len(slices.Compact(slices.Clone(a.Products))) != len(a.Products) {
				t.Fatalf("products %v: out of order or repeated", a.Products)
			}
			rows = append(rows, Target{Line: a.Line, Current: a.Email, Target: "new." + a.Email})
		}
		p, err := PlanFromExport(rows, ex, Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range p.Summary {
			n += c
		}
		if n != len(rows) || len(p.Rows) != len(rows) {
			t.Fatalf("%d rows planned, summary counts %d, want %d", len(p.Rows), n, len(rows))
		}
	})
}
