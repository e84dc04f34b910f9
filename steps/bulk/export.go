package bulk

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps/internal/address"
)

// Export is a managed-accounts export of admin.atlassian.com (api-facts §5:
// Directory > Managed accounts > Export, or Domains > Export accounts): the
// org as a spreadsheet, enough to plan a bulk change offline, with no API
// key and no call to Atlassian.
type Export struct {
	Source   string // the file, for messages
	Accounts []ExportAccount
	// HasAccountIDs and HasClaimed say whether the export had those
	// columns: without them, accounts are told apart by email and all taken
	// as managed, and the plan says so.
	HasAccountIDs bool
	HasClaimed    bool
}

// ExportAccount is one account of an export. Cells are trimmed; Status is
// lower-cased. Claimed is true when the export has no Claimed column (a
// managed-accounts export lists only managed accounts).
type ExportAccount struct {
	Line       int
	AccountID  string // "" when the export has no id column
	Email      string
	Name       string
	Status     string // active, deactivated, suspended, ... as exported; "" when absent
	LastActive string
	Claimed    bool
	// Products are the products the account has access to, in the order
	// of exportProducts: a product column with a non-empty cell.
	Products []string
}

// The columns ReadExport knows, by the name it reads them under.
const (
	exColEmail      = "email"
	exColID         = "account id"
	exColName       = "name"
	exColStatus     = "status"
	exColClaimed    = "claimed"
	exColLastActive = "last active"
)

// exportColumnNames maps a header cell, normalized by exportHeaderKey, to
// the column it is. Atlassian does not publish the exact headers; these
// are the ones its documentation and exports in the wild use.
var exportColumnNames = map[string]string{
	"email": exColEmail, "email address": exColEmail, "e mail": exColEmail,
	"atlassian id": exColID, "account id": exColID, "user id": exColID, "aaid": exColID,
	"name": exColName, "user name": exColName, "display name": exColName, "full name": exColName,
	"status": exColStatus, "user status": exColStatus, "account status": exColStatus,
	"claimed":     exColClaimed,
	"last active": exColLastActive,
}

// exportProducts are the products an export has columns for, each with
// the words that name it in a header, the longer names first so that
// "Jira Service Management" is not taken for Jira.
var exportProducts = []exportProduct{
	{"jira-service-management", []string{"jira service management", "jsm"}},
	{"jira-product-discovery", []string{"jira product discovery", "jpd"}},
	{"jira", []string{"jira"}},
	{"confluence", []string{"confluence"}},
	{"bitbucket", []string{"bitbucket"}},
	{"opsgenie", []string{"opsgenie"}},
	{"statuspage", []string{"statuspage"}},
	{"trello", []string{"trello"}},
}

type exportProduct struct {
	key   string   // the product's key in a plan's productAccess
	names []string // lower-cased words that name it in a header
}

// exportLayout is where ReadExport finds each column.
type exportLayout struct {
	cols     map[string]int // known columns by exCol* name
	products map[int]string // product columns: index -> product key
}

// ReadExport reads a managed-accounts export. Header names are matched
// case-insensitively, with spaces, hyphens and underscores alike; other
// columns are ignored. It needs an email column (Email, Email address);
// it reads, when present, the account id (Atlassian ID, Account ID, User
// id), the name (Name, User name), the status (Status, User status),
// Claimed (yes/no, true/false), Last active, and every product column (a
// name containing Jira, Confluence, Bitbucket, Opsgenie, Statuspage,
// Trello, JPD or JSM, but not a "Last ..." date column): a cell there that
// is not empty, "no", "false", "0", "-" or "none" is access to the product.
//
// The file is read as ReadTargets reads a target list (BOM, CRLF, quoting,
// blank lines), with the same refusals as a *CSVError "FILE:LINE: reason":
// bytes that are not UTF-8, no email column, a known column named twice, a
// row short of the header, a Claimed cell that is not yes or no, and one
// email on two rows with different account ids. A row with an empty email
// (an account that hides it) is skipped: no target can match it.
func ReadExport(r io.Reader, source string) (*Export, error) {
	t, err := openTable(r, source)
	if err != nil {
		return nil, err
	}
	header, line, err := t.header()
	if err == io.EOF {
		return nil, t.errorf(1, "empty file: want a managed-accounts export with an Email column")
	}
	if err != nil {
		return nil, err
	}
	lay, err := exportColumns(header)
	if err != nil {
		return nil, t.errorf(line, "%s", err)
	}
	_, hasID := lay.cols[exColID]
	_, hasClaimed := lay.cols[exColClaimed]
	ex := &Export{Source: source, HasAccountIDs: hasID, HasClaimed: hasClaimed}
	byEmail := map[string]int{} // lower-cased email -> index in ex.Accounts
	for {
		rec, line, err := t.next()
		if err == io.EOF {
			return ex, nil
		}
		if err != nil {
			return nil, err
		}
		acct, err := lay.account(rec, line)
		if err != nil {
			return nil, t.errorf(line, "%s", err)
		}
		if acct.Email == "" {
			continue
		}
		if err := ex.add(acct, byEmail); err != nil {
			return nil, t.errorf(line, "%s", err)
		}
	}
}

// add appends an account, or merges it into the one already listed with
// its email (an export that lists an account once per site or group): the
// same email on two different account ids cannot be, since Atlassian keeps
// emails unique, and which one holds it would be a guess.
func (ex *Export) add(a ExportAccount, byEmail map[string]int) error {
	key := strings.ToLower(a.Email)
	i, seen := byEmail[key]
	if !seen {
		byEmail[key] = len(ex.Accounts)
		ex.Accounts = append(ex.Accounts, a)
		return nil
	}
	prev := &ex.Accounts[i]
	if prev.AccountID != a.AccountID {
		return fmt.Errorf("%s is on line %d too, with another account id (%s, here %s): one email has one account", a.Email, prev.Line, address.Quote(prev.AccountID), address.Quote(a.AccountID))
	}
	for _, p := range a.Products {
		if !slices.Contains(prev.Products, p) {
			prev.Products = append(prev.Products, p)
		}
	}
	slices.SortFunc(prev.Products, func(x, y string) int { return productRank(x) - productRank(y) })
	return nil
}

// exportColumns finds the columns of an export's header.
func exportColumns(header []string) (exportLayout, error) {
	cols, err := findColumns(header, func(cell string) string { return exportColumnNames[exportHeaderKey(cell)] })
	if err != nil {
		return exportLayout{}, err
	}
	lay := exportLayout{cols: cols, products: map[int]string{}}
	for i, cell := range header {
		if p := productOfColumn(cell); p != "" {
			lay.products[i] = p
		}
	}
	if _, ok := cols[exColEmail]; ok {
		return lay, nil
	}
	joined := strings.Join(header, ",")
	if len(cols) == 0 && strings.Contains(joined, "@") {
		return lay, fmt.Errorf("no header: the first line %s holds addresses; the export's first line names its columns", address.Quote(joined))
	}
	return lay, fmt.Errorf("header %s: no email column (want Email or Email address)", address.Quote(joined))
}

// exportHeaderKey normalizes a header cell: lower case, and spaces,
// hyphens and underscores all one space ("Atlassian_ID", "atlassian-id",
// " Atlassian  ID " are one name).
func exportHeaderKey(cell string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(cell), func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '\t'
	}), " ")
}

// productOfColumn is the product a column gives access to, "" for any
// other column. A "Last seen in Jira" or "Last active" date is activity,
// not access (access may have been removed since), so it does not count.
func productOfColumn(cell string) string {
	key := exportHeaderKey(cell)
	if strings.HasPrefix(key, "last ") {
		return ""
	}
	words := strings.FieldsFunc(key, func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	})
	for _, p := range exportProducts {
		for _, n := range p.names {
			// Short names (JSM, JPD) count as whole words only.
			if strings.Contains(n, " ") || len(n) > 3 {
				if strings.Contains(key, n) {
					return p.key
				}
			} else if slices.Contains(words, n) {
				return p.key
			}
		}
	}
	return ""
}

func productRank(key string) int {
	return slices.IndexFunc(exportProducts, func(p exportProduct) bool { return p.key == key })
}

// account reads one row.
func (lay exportLayout) account(rec []string, line int) (ExportAccount, error) {
	cell := func(col string) string {
		if i, ok := lay.cols[col]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	a := ExportAccount{
		Line: line, AccountID: cell(exColID), Email: cell(exColEmail), Name: cell(exColName),
		Status: strings.ToLower(cell(exColStatus)), LastActive: cell(exColLastActive), Claimed: true,
	}
	if _, ok := lay.cols[exColClaimed]; ok {
		claimed, err := parseClaimed(cell(exColClaimed))
		if err != nil {
			return a, err
		}
		a.Claimed = claimed
	}
	for i := range rec {
		p, ok := lay.products[i]
		if ok && hasAccess(rec[i]) && !slices.Contains(a.Products, p) {
			a.Products = append(a.Products, p)
		}
	}
	slices.SortFunc(a.Products, func(x, y string) int { return productRank(x) - productRank(y) })
	return a, nil
}

// parseClaimed reads a Claimed cell. An empty cell is an export that did
// not say: the account is taken as managed, as without the column.
func parseClaimed(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "yes", "y", "true", "1", "claimed", "managed":
		return true, nil
	case "no", "n", "false", "0", "unclaimed", "unmanaged":
		return false, nil
	}
	return false, fmt.Errorf("claimed %s: want yes or no", address.Quote(s))
}

// hasAccess reads a product cell: the sites or roles the account has
// there, or a yes; empty or a plain no is no access.
func hasAccess(cell string) bool {
	switch strings.ToLower(strings.TrimSpace(cell)) {
	case "", "no", "false", "0", "-", "none", "n/a":
		return false
	}
	return true
}
