package bulk

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/internal/csvout"
)

// JSON is the plan as contract §3 prints it, indented. Lists are [] and
// never null, so scripts can iterate without a check: PlanBulk builds rows
// that way, and the top-level fields are guarded here for a plan built by hand.
func (p *Plan) JSON() ([]byte, error) {
	out := *p
	if out.Prerequisites == nil {
		out.Prerequisites = []Prerequisite{}
	}
	if out.Rows == nil {
		out.Rows = []Row{}
	}
	if out.Summary == nil {
		out.Summary = map[RowStatus]int{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // names and emails may hold & < >; keep them readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// bulkCSVHeader is the --csv header: the JSON row flattened, lists joined
// by ";" (a character no address or product key contains).
var bulkCSVHeader = []string{
	"line", "current_email", "target_email", "account_id", "status",
	"holder_account_id", "holder_email", "holder_name", "holder_product_access", "holder_provisioned",
	"path",
}

// CSV writes one line per target row, in the order of the target list.
// Empty cells stand for JSON's nulls. Cells that a spreadsheet would run as
// a formula (a target list's "=HYPERLINK(...)" echoed back, a holder's name
// starting with "=") are escaped by csvout.
func (p *Plan) CSV(w io.Writer) error {
	cw := csvout.NewWriter(w)
	if err := cw.Write(bulkCSVHeader); err != nil {
		return err
	}
	rec := make([]string, len(bulkCSVHeader))
	for _, r := range p.Rows {
		clear(rec)
		rec[0], rec[1], rec[2], rec[4] = strconv.Itoa(r.Line), r.CurrentEmail, r.TargetEmail, string(r.Status)
		if r.AccountID != nil {
			rec[3] = *r.AccountID
		}
		if h := r.Holder; h != nil {
			rec[5], rec[6], rec[7] = h.AccountID, h.Email, h.Name
			rec[8], rec[9] = strings.Join(h.ProductAccess, ";"), strconv.FormatBool(h.Provisioned)
		}
		path := make([]string, len(r.Path))
		for i, v := range r.Path {
			path[i] = string(v)
		}
		rec[10] = strings.Join(path, ";")
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}
