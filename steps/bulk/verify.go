package bulk

import (
	"context"
	"fmt"
	"slices"

	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"
	"github.com/syncdoctor/syncdoctor/steps/safetext"

	"github.com/syncdoctor/syncdoctor/client"
)

// Bulk verify (contract §4b): where each row of a target list stands now,
// read through the API.

// VerifyStatus is where one row stands.
type VerifyStatus string

const (
	VerifyDone    VerifyStatus = "done"    // the account has its target
	VerifyPending VerifyStatus = "pending" // waiting for the IdP (its attribute, or a login)
	VerifyFailed  VerifyStatus = "failed"  // neither: see why
)

// VerifyRow is one row of the target list and where it stands.
type VerifyRow struct {
	Line         int          `json:"line"`
	CurrentEmail string       `json:"currentEmail"`
	TargetEmail  string       `json:"targetEmail"`
	AccountID    *string      `json:"accountId"`
	Status       VerifyStatus `json:"status"`
	Why          string       `json:"why,omitempty"`
}

// VerifyReport is every row, and how many stand where.
type VerifyReport struct {
	Rows    []VerifyRow          `json:"rows"`
	Summary map[VerifyStatus]int `json:"summary"`
}

// Verify reads the org and says, per row, whether its account has its
// target. known maps a row's line to the account a bulk apply changed for
// it (from the journal), so that a row is matched to its account even once
// the account no longer has the row's current email; rows it lacks are
// matched by their addresses.
func Verify(ctx context.Context, c *client.Client, rows []Target, opts Options, known map[int]string) (*VerifyReport, error) {
	addrs := parseRowAddrs(rows)
	org, err := readBulkOrg(ctx, c, addrs, opts.Setup)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, id := range known {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	byID, err := readAccounts(ctx, c, ids)
	if err != nil {
		return nil, err
	}
	wanted := map[string]int{}
	for _, a := range addrs {
		if a.targetOK && a.current != a.target {
			wanted[a.target]++
		}
	}
	rep := &VerifyReport{Rows: make([]VerifyRow, len(rows)), Summary: map[VerifyStatus]int{}}
	for i, r := range rows {
		v := VerifyRow{Line: r.Line, CurrentEmail: r.Current, TargetEmail: r.Target}
		v.Status, v.Why, v.AccountID = verifyRow(addrs[i], org, byID, known[r.Line], opts.Setup, wanted)
		v.Why = safetext.Clean(v.Why)
		rep.Rows[i] = v
		rep.Summary[v.Status]++
	}
	return rep, nil
}

// verifyRow judges one row: by its known account, else by who holds its
// two addresses now.
func verifyRow(a rowAddrs, org *bulkOrg, byID map[string]client.User, knownID string, setup OrgSetup, wanted map[string]int) (VerifyStatus, string, *string) {
	if !a.currentOK || !a.targetOK {
		return VerifyFailed, "not an email address", nil
	}
	cur, tgt := org.users[a.current], org.users[a.target]
	hasTgt := tgt != nil
	acct, found := byID[knownID]
	if !found && cur != nil {
		acct, found = *cur, true
	}
	switch {
	case found && address.Same(acct.Email, a.target):
		return VerifyDone, "", &acct.AccountID
	case found:
		id := acct.AccountID
		if hasTgt && tgt.AccountID != id {
			return VerifyFailed, fmt.Sprintf("%s is held by %s", a.target, wording.AccountWithID(tgt.Name, tgt.Email, tgt.AccountID)), &id
		}
		if !address.Same(acct.Email, a.current) {
			return VerifyFailed, fmt.Sprintf("the account has %s, neither address of the row", acct.Email), &id
		}
		if why := blockedRow(a, &acct, org, wanted); why != "" {
			return VerifyFailed, why, &id
		}
		st, why := pendingOrFailed(emailPath(setup, org.lock(&acct)), setup)
		return st, why, &id
	case hasTgt:
		// The account that had the current address cannot be told apart
		// from any other holder of the target without the journal: the
		// target is held, and no account has the current address.
		return VerifyDone, fmt.Sprintf("held by %s (matched by address)", wording.AccountWithID(tgt.Name, tgt.Email, tgt.AccountID)), &tgt.AccountID
	}
	return VerifyFailed, "no account has either address", nil
}

// blockedRow says why a row's change cannot happen, even through the IdP:
// what made its plan status other than ready or conflict.
func blockedRow(a rowAddrs, u *client.User, org *bulkOrg, wanted map[string]int) string {
	switch {
	case wanted[a.target] > 1:
		return "another row of the list wants the same target (duplicate-target)"
	case !u.Managed() || !org.verified[a.currentDomain]:
		return "this org does not manage the account (unmanaged)"
	case !org.verified[a.targetDomain]:
		return fmt.Sprintf("%s is not verified for this org (domain-unclaimed)", a.targetDomain)
	}
	return ""
}

// pendingOrFailed is the status of a row whose account still has its
// current address: pending when its change is the IdP's to make.
func pendingOrFailed(path []EmailPath, setup OrgSetup) (VerifyStatus, string) {
	switch {
	case slices.Contains(path, ViaIdpScimAttribute):
		return VerifyPending, "the IdP's email attribute is not changed yet, or provisioning has not run since: see the worksheet"
	case slices.Contains(path, ViaGooglePrimaryEmail):
		return VerifyPending, "the Google Workspace primary email is not changed yet, or has not synced: see the worksheet"
	case setup == SetupSamlJit && slices.Contains(path, ViaIdpSamlAttribute):
		return VerifyPending, "the user has not logged in through SAML since the IdP's attribute changed, and the email was not set here"
	}
	return VerifyFailed, "the account still has its current email: its change was not made (run bulk apply, or resume it)"
}
