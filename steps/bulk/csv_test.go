package bulk

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestTargetsCSVParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Target
	}{
		{"plain", "current_email,target_email\na@old.com,a@new.com\nb@old.com,b@new.com\n",
			[]Target{{2, "a@old.com", "a@new.com"}, {3, "b@old.com", "b@new.com"}}},
		{"BOM", "\ufeffcurrent_email,target_email\na@old.com,a@new.com\n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"CRLF and no final newline", "current_email,target_email\r\na@old.com,a@new.com\r\nb@old.com,b@new.com",
			[]Target{{2, "a@old.com", "a@new.com"}, {3, "b@old.com", "b@new.com"}}},
		{"BOM and CRLF", "\ufeffcurrent_email,target_email\r\na@old.com,a@new.com\r\n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"trailing blank lines", "current_email,target_email\na@old.com,a@new.com\n\n\r\n  \n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"blank line inside keeps line numbers", "current_email,target_email\n\na@old.com,a@new.com\n",
			[]Target{{3, "a@old.com", "a@new.com"}}},
		{"blank lines before the header", "\n\r\ncurrent_email,target_email\na@old.com,a@new.com\n",
			[]Target{{4, "a@old.com", "a@new.com"}}},
		{"header case and spaces", " Current_Email , TARGET_EMAIL \na@old.com,a@new.com\n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"columns swapped by name", "target_email,current_email\na@new.com,a@old.com\n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"quoted and padded values", "current_email,target_email\n\" a@old.com \", a@new.com\n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"quoted header", "\"current_email\",\"target_email\"\n\"a@old.com\",\"a@new.com\"\n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"extra columns anywhere are ignored", "name,Target_Email,dept,CURRENT_EMAIL,note\nAnn,a@new.com,Sales,a@old.com,\"moved, 2026\"\n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"empty padding cells past the header", "current_email,target_email\na@old.com,a@new.com,,\nb@old.com,b@new.com, \n",
			[]Target{{2, "a@old.com", "a@new.com"}, {3, "b@old.com", "b@new.com"}}},
		{"quoted newline stays in the cell, line of the row's start", "current_email,target_email\n\"a@old\n.com\",a@new.com\nb@old.com,b@new.com\n",
			[]Target{{2, "a@old\n.com", "a@new.com"}, {4, "b@old.com", "b@new.com"}}},
		{"malformed addresses are rows", "current_email,target_email\nnot-an-email,\n",
			[]Target{{2, "not-an-email", ""}}},
		{"escaped formula is not unescaped", "current_email,target_email\n'=a@old.com,'+a@new.com\n",
			[]Target{{2, "'=a@old.com", "'+a@new.com"}}},
		{"same target twice, case aside: both rows kept", "current_email,target_email\na@old.com,team@new.com\nb@old.com,Team@NEW.com\n",
			[]Target{{2, "a@old.com", "team@new.com"}, {3, "b@old.com", "Team@NEW.com"}}},
		{"header only", "current_email,target_email\n", nil},
		{"non-ASCII", "current_email,target_email\nyūki@old.com,yūki@new.com\n",
			[]Target{{2, "yūki@old.com", "yūki@new.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadTargets(strings.NewReader(tt.in), "t.csv")
			if err != nil {
				t.Fatalf("ReadTargets: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestTargetsCSVErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // the whole one-line message
	}{
		{"empty file", "", "t.csv:1: empty file: want the header current_email,target_email"},
		{"BOM and blank lines only", "\ufeff\n\r\n", "t.csv:1: empty file: want the header current_email,target_email"},
		{"wrong header", "email,new_email\na@old.com,a@new.com\n", `t.csv:1: header "email,new_email": want columns named current_email and target_email`},
		{"header after blank line", "\ncurrent,target\n", `t.csv:2: header "current,target": want columns named current_email and target_email`},
		{"one column missing", "current_email,new\n", `t.csv:1: header "current_email,new": no column named target_email`},
		{"single column", "current_email\na@old.com\n", `t.csv:1: header "current_email": no column named target_email`},
		{"no header at all", "a@old.com,a@new.com\nb@old.com,b@new.com\n", `t.csv:1: no header: the first line "a@old.com,a@new.com" holds addresses; put the header current_email,target_email above it`},
		{"misspelled: a letter missing", "curent_email,target_email\n", `t.csv:1: header column "curent_email": did you mean current_email?`},
		{"misspelled: spaces", "current_email,Target Email\n", `t.csv:1: header column "Target Email": did you mean target_email?`},
		{"misspelled: hyphen", "target-email,current_email\n", `t.csv:1: header column "target-email": did you mean target_email?`},
		{"misspelled: letters swapped", "current_email,traget_email\n", `t.csv:1: header column "traget_email": did you mean target_email?`},
		{"misspelled: no separator", "currentemail,target_email\n", `t.csv:1: header column "currentemail": did you mean current_email?`},
		{"misspelled on line 3", "\n\n Current-Email ,target_email\n", `t.csv:3: header column " Current-Email ": did you mean current_email?`},
		{"column twice", "current_email,target_email,Current_Email\n", "t.csv:1: header names current_email twice (columns 1 and 3): keep one"},
		{"row with one column", "current_email,target_email\na@old.com,a@new.com\nb@old.com\n", "t.csv:3: want 2 cells as in the header, got 1"},
		{"row short of a wide header", "name,current_email,target_email,note\nAnn,a@old.com,a@new.com\n", "t.csv:2: want 4 cells as in the header, got 3"},
		{"row with a value past the header", "current_email,target_email\r\na@old.com,a@new.com,x\r\n", `t.csv:2: value "x" past the header's 2 columns`},
		{"invalid UTF-8", "current_email,target_email\na@old.com,a@new.com\nb\xff@old.com,b@new.com\n", "t.csv:3: not valid UTF-8 (save the file as CSV UTF-8)"},
		{"Latin-1 in header", "current_email,target_email\xe9\n", "t.csv:1: not valid UTF-8 (save the file as CSV UTF-8)"},
		{"Latin-1 after CRLF lines", "current_email,target_email\r\na@old.com,a@new.com\r\nJos\xe9@old.com,jose@new.com\r\n", "t.csv:3: not valid UTF-8 (save the file as CSV UTF-8)"},
		{"bare quote", "current_email,target_email\na@old.com,a\"b@new.com\n", `t.csv:2: bare " in non-quoted-field`},
		{"unterminated quote", "current_email,target_email\n\"a@old.com,a@new.com\n", `t.csv:2: extraneous or missing " in quoted-field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadTargets(strings.NewReader(tt.in), "t.csv")
			if err == nil {
				t.Fatalf("no error; rows %+v", rows)
			}
			if err.Error() != tt.want {
				t.Errorf("error %q\nwant  %q", err, tt.want)
			}
			var ce *CSVError
			if !errors.As(err, &ce) || ce.File != "t.csv" {
				t.Errorf("error %T does not name the file as a *CSVError", err)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error is more than one line: %q", err)
			}
		})
	}
}

func TestTargetsCSVReadError(t *testing.T) {
	_, err := ReadTargets(iotest.ErrReader(errors.New("disk gone")), "t.csv")
	if err == nil || err.Error() != "t.csv:1: read: disk gone" {
		t.Errorf("error %v", err)
	}
}

// The same target twice, differing only in case, is read as two rows and
// planned as duplicate-target on both: Atlassian compares emails
// case-insensitively, so the two rows want the same address.
func TestTargetsCSVSameTargetTwiceCaseAside(t *testing.T) {
	rows, err := ReadTargets(strings.NewReader("current_email,target_email\r\nann@acme.com,Ann.New@NewCo.com\r\nfay@acme.com,ann.new@newco.COM\r\ngus@acme.com,gus@newco.com\r\n"), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	p, err := PlanRows(context.Background(), bulkAcme().start(t), rows, Options{Setup: SetupNone})
	if err != nil {
		t.Fatal(err)
	}
	want := []RowStatus{RowDuplicateTarget, RowDuplicateTarget, RowReady}
	for i, r := range p.Rows {
		if r.Status != want[i] {
			t.Errorf("line %d: %s, want %s", r.Line, r.Status, want[i])
		}
	}
}

// Every CSV this package writes goes through csvout, which escapes formula
// cells: a plain encoding/csv writer here would skip the escaping.
func TestCSVIsWrittenThroughCsvout(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "csv.NewWriter(") {
			t.Errorf("%s writes CSV with encoding/csv: use csvout.NewWriter, which escapes formulas", name)
		}
	}
}
