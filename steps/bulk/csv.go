package bulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/syncdoctor/syncdoctor/steps/internal/address"
)

// Column names of TARGETS.csv (contract §3).
const (
	colCurrentEmail = "current_email"
	colTargetEmail  = "target_email"
)

// Target is one wanted email change of a bulk target list. Line is the
// row's line number in the CSV (the header is line 1), so every report can
// point the operator back at the spreadsheet line to fix.
type Target struct {
	Line    int
	Current string
	Target  string
}

// CSVError is a CSV file that cannot be read at all: a target list or a
// managed-accounts export. It is one line, "FILE:LINE: reason", so the
// operator can open the file at that line.
type CSVError struct {
	File string
	Line int
	Msg  string
}

func (e *CSVError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ReadTargets reads a target list: a header that names the columns
// current_email and target_email, then one row per change.
//
// Tolerated, since spreadsheets produce them: a BOM, LF or CRLF line ends,
// quoted fields, blank lines (skipped, line numbers kept), header names in
// any case with spaces around them, the two columns in any order among
// other columns (whose cells are ignored), and empty cells past the header's
// last column. Values are trimmed of surrounding spaces, which no address
// contains.
//
// Refused, as a *CSVError naming the file and line: bytes that are not
// UTF-8, a missing header (a near-miss such as "curent_email" or "Target
// Email" is named with the column it probably means), a header that names
// a column twice, a row with fewer cells than the header or with a value
// past its last column, and broken quoting.
//
// A malformed address is not an error: the row is returned as it is, for
// the plan to report as invalid next to the rows that are fine. A cell
// that starts with ' (as csvout escapes formulas) is not unescaped either:
// no address starts with one, so such a row is simply invalid. source
// names the file in errors.
func ReadTargets(r io.Reader, source string) ([]Target, error) {
	t, err := openTable(r, source)
	if err != nil {
		return nil, err
	}
	header, line, err := t.header()
	if err == io.EOF {
		return nil, t.errorf(1, "empty file: want the header %s,%s", colCurrentEmail, colTargetEmail)
	}
	if err != nil {
		return nil, err
	}
	cur, tgt, err := targetColumns(header)
	if err != nil {
		return nil, t.errorf(line, "%s", err)
	}
	var rows []Target
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, Target{Line: line, Current: strings.TrimSpace(rec[cur]), Target: strings.TrimSpace(rec[tgt])})
	}
}

// targetColumns finds the two columns of a target list by name.
func targetColumns(header []string) (cur, tgt int, err error) {
	cols, err := findColumns(header, func(cell string) string {
		if n := strings.ToLower(strings.TrimSpace(cell)); n == colCurrentEmail || n == colTargetEmail {
			return n
		}
		return ""
	})
	if err != nil {
		return 0, 0, err
	}
	cur, hasCur := cols[colCurrentEmail]
	tgt, hasTgt := cols[colTargetEmail]
	if hasCur && hasTgt {
		return cur, tgt, nil
	}
	var missing []string
	for _, name := range []string{colCurrentEmail, colTargetEmail} {
		if _, ok := cols[name]; ok {
			continue
		}
		if cell, ok := nearMiss(header, name); ok {
			return 0, 0, fmt.Errorf("header column %s: did you mean %s?", address.Quote(cell), name)
		}
		missing = append(missing, name)
	}
	if len(cols) == 0 && strings.Contains(strings.Join(header, ""), "@") {
		return 0, 0, fmt.Errorf("no header: the first line %s holds addresses; put the header %s,%s above it",
			address.Quote(strings.Join(header, ",")), colCurrentEmail, colTargetEmail)
	}
	if len(missing) == 2 {
		return 0, 0, fmt.Errorf("header %s: want columns named %s and %s", address.Quote(strings.Join(header, ",")), colCurrentEmail, colTargetEmail)
	}
	return 0, 0, fmt.Errorf("header %s: no column named %s", address.Quote(strings.Join(header, ",")), missing[0])
}

// findColumns maps each header cell to the name a reader knows it by
// (name returns "" for a column it ignores) and refuses a name given twice:
// which of the two holds the data would be a guess.
func findColumns(header []string, name func(cell string) string) (map[string]int, error) {
	cols := map[string]int{}
	for i, cell := range header {
		n := name(cell)
		if n == "" {
			continue
		}
		if j, dup := cols[n]; dup {
			return nil, fmt.Errorf("header names %s twice (columns %d and %d): keep one", n, j+1, i+1)
		}
		cols[n] = i
	}
	return cols, nil
}

// nearMiss finds a header cell that is probably a misspelling of want: the
// same once case, spaces and hyphens are set aside ("Target Email",
// "target-email"), or at most two keystrokes from it ("curent_email").
func nearMiss(header []string, want string) (cell string, ok bool) {
	for _, c := range header {
		n := strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '.' {
				return '_'
			}
			return r
		}, strings.ToLower(strings.TrimSpace(c)))
		if n == "" {
			continue
		}
		if _, close := address.Lookalike(n, []string{want}); close || n == want {
			return c, true
		}
	}
	return "", false
}

// table reads a CSV file a person saved from a spreadsheet, header first.
// Every error it returns is a *CSVError.
type table struct {
	source string
	cr     *csv.Reader
	width  int // cells in the header
}

// openTable takes the whole file: it is checked for UTF-8 before any
// record is read, because encoding/csv does not check the encoding and a
// bad byte would otherwise end up inside an address and be reported as a
// confusing invalid row.
func openTable(r io.Reader, source string) (*table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &CSVError{File: source, Line: 1, Msg: "read: " + err.Error()}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, &CSVError{File: source, Line: invalidUTF8Line(data), Msg: "not valid UTF-8 (save the file as CSV UTF-8)"}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // widths are checked against the header, with a clearer message
	return &table{source: source, cr: cr}, nil
}

// header reads the first record that is not blank; io.EOF when there is none.
func (t *table) header() (rec []string, line int, err error) {
	rec, line, err = t.record()
	t.width = len(rec)
	return rec, line, err
}

// next reads the next row that is not blank, with its line number, and
// checks it against the header's width: a row short of it has lost a
// cell (a value would land in the wrong column), a value past its last
// column belongs to no column. Empty cells past the end are padding that
// spreadsheets add, and are dropped. io.EOF at the end.
func (t *table) next() (rec []string, line int, err error) {
	rec, line, err = t.record()
	if err != nil {
		return nil, 0, err
	}
	if len(rec) < t.width {
		return nil, 0, t.errorf(line, "want %d cells as in the header, got %d", t.width, len(rec))
	}
	for i := t.width; i < len(rec); i++ {
		if strings.TrimSpace(rec[i]) != "" {
			return nil, 0, t.errorf(line, "value %s past the header's %d columns", address.Quote(rec[i]), t.width)
		}
	}
	return rec[:t.width], line, nil
}

// record returns the next record that is not blank; a line of only spaces
// counts as blank, as an empty line does for encoding/csv.
func (t *table) record() ([]string, int, error) {
	for {
		rec, err := t.cr.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, 0, t.errorf(pe.Line, "%s", pe.Err)
			}
			return nil, 0, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		line, _ := t.cr.FieldPos(0)
		return rec, line, nil
	}
}

func (t *table) errorf(line int, format string, args ...any) error {
	return &CSVError{File: t.source, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// invalidUTF8Line is the line of the first byte that is not UTF-8.
func invalidUTF8Line(data []byte) int {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return line
		}
		if data[i] == '\n' {
			line++
		}
		i += size
	}
	return line
}
