package bulk

import (
	"errors"
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
		{"trailing blank lines", "current_email,target_email\na@old.com,a@new.com\n\n\r\n  \n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"blank line inside keeps line numbers", "current_email,target_email\n\na@old.com,a@new.com\n",
			[]Target{{3, "a@old.com", "a@new.com"}}},
		{"header case and spaces", " Current_Email , TARGET_EMAIL \na@old.com,a@new.com\n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"columns swapped by name", "target_email,current_email\na@new.com,a@old.com\n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"quoted and padded values", "current_email,target_email\n\" a@old.com \", a@new.com\n",
			[]Target{{2, "a@old.com", "a@new.com"}}},
		{"malformed addresses are rows", "current_email,target_email\nnot-an-email,\n",
			[]Target{{2, "not-an-email", ""}}},
		{"header only", "current_email,target_email\n", nil},
		{"non-ASCII", "current_email,target_email\nyūki@old.com,yūki@new.com\n",
			[]Target{{2, "yūki@old.com", "yūki@new.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadTargets(strings.NewReader(tt.in), "t.csv")
			if err != nil {
				t.Fatalf("ParseTargetsCSV: %v", err)
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
		{"wrong header", "email,new_email\na@old.com,a@new.com\n", `t.csv:1: header "email,new_email": want current_email,target_email`},
		{"header after blank line", "\ncurrent,target\n", `t.csv:2: header "current,target": want current_email,target_email`},
		{"header with three columns", "current_email,target_email,note\n", `t.csv:1: header "current_email,target_email,note": want current_email,target_email`},
		{"row with one column", "current_email,target_email\na@old.com,a@new.com\nb@old.com\n", "t.csv:3: want 2 columns (current_email,target_email), got 1"},
		{"row with three columns", "current_email,target_email\r\na@old.com,a@new.com,x\r\n", "t.csv:2: want 2 columns (current_email,target_email), got 3"},
		{"invalid UTF-8", "current_email,target_email\na@old.com,a@new.com\nb\xff@old.com,b@new.com\n", "t.csv:3: not valid UTF-8 (save the file as CSV UTF-8)"},
		{"Latin-1 in header", "current_email,target_email\xe9\n", "t.csv:1: not valid UTF-8 (save the file as CSV UTF-8)"},
		{"bare quote", "current_email,target_email\na@old.com,a\"b@new.com\n", `t.csv:2: bare " in non-quoted-field`},
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
				t.Errorf("error %T does not name the file as a *TargetsCSVError", err)
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
