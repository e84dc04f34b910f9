package bulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
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

// CSVError is a target list that cannot be read at all. It is one
// line, "FILE:LINE: reason", so the operator can open the file at that line.
type CSVError struct {
	File string
	Line int
	Msg  string
}

func (e *CSVError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ReadTargets reads a target list: a header naming the columns
// current_email and target_email (in either order, any case, spaces around
// them ignored), then one row per change. UTF-8 with or without a BOM, LF or
// CRLF. Blank lines are skipped (spreadsheets leave them at the end).
//
// Only a file that cannot be read as such a list is an error (*TargetsCSVError);
// a row whose address is malformed is returned as it is, for the plan to
// report as invalid next to the rows that are fine. Values are trimmed of
// surrounding spaces, which spreadsheets add and no address contains.
// source names the file in errors.
func ReadTargets(r io.Reader, source string) ([]Target, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &CSVError{File: source, Line: 1, Msg: "read: " + err.Error()}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// encoding/csv does not check the encoding; a bad byte would otherwise
	// end up inside an address and be reported as a confusing invalid row.
	if !utf8.Valid(data) {
		return nil, &CSVError{File: source, Line: invalidUTF8Line(data), Msg: "not valid UTF-8 (save the file as CSV UTF-8)"}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // column counts are checked below, with a clearer message
	header, err := readRecord(cr, source)
	if err == io.EOF {
		return nil, &CSVError{File: source, Line: 1, Msg: "empty file: want the header " + colCurrentEmail + "," + colTargetEmail}
	}
	if err != nil {
		return nil, err
	}
	cur, tgt, err := headerColumns(header)
	if err != nil {
		line, _ := cr.FieldPos(0)
		return nil, &CSVError{File: source, Line: line, Msg: err.Error()}
	}
	var rows []Target
	for {
		rec, err := readRecord(cr, source)
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != 2 {
			return nil, &CSVError{File: source, Line: line, Msg: fmt.Sprintf("want 2 columns (%s,%s), got %d", colCurrentEmail, colTargetEmail, len(rec))}
		}
		rows = append(rows, Target{Line: line, Current: strings.TrimSpace(rec[cur]), Target: strings.TrimSpace(rec[tgt])})
	}
}

// readRecord returns the next record that is not blank; a line of only
// spaces counts as blank, as an empty line does for encoding/csv.
func readRecord(cr *csv.Reader, source string) ([]string, error) {
	for {
		rec, err := cr.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &CSVError{File: source, Line: pe.Line, Msg: pe.Err.Error()}
			}
			return nil, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		return rec, nil
	}
}

// headerColumns finds the two columns by name.
func headerColumns(header []string) (cur, tgt int, err error) {
	if len(header) == 2 {
		a, b := strings.ToLower(strings.TrimSpace(header[0])), strings.ToLower(strings.TrimSpace(header[1]))
		switch {
		case a == colCurrentEmail && b == colTargetEmail:
			return 0, 1, nil
		case a == colTargetEmail && b == colCurrentEmail:
			return 1, 0, nil
		}
	}
	return 0, 0, fmt.Errorf("header %q: want %s,%s", strings.Join(header, ","), colCurrentEmail, colTargetEmail)
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
