package bulk

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
	"github.com/syncdoctor/syncdoctor/steps/internal/wording"

	"github.com/syncdoctor/syncdoctor/client"
)

// Options are what a bulk plan knows beside the org's APIs: its setup, and
// the hints no API shows (social logins).
type Options struct {
	Setup OrgSetup
	Hints steps.Hints
}

// PlanRows checks every target row against the org and says, per row,
// whether its change can go ahead and how (contract §3), with the warnings
// an operator needs before applying it. It changes nothing. The org is read
// in as few calls as the API allows: account searches of a hundred emails
// each over every current and target email (several in flight at once), the
// domain list once, and, only for the Google Workspace setup (where no other
// field tells a Google-linked account), one privilege check per managed
// account (also several at once). Its memory grows with the rows, not with
// the org.
func PlanRows(ctx context.Context, c *client.Client, rows []Target, opts Options) (*Plan, error) {
	setup := opts.Setup
	if !setup.valid() {
		return nil, fmt.Errorf("bulk plan: unknown setup %q (want none, saml-jit, saml-scim or google-workspace)", setup)
	}
	addrs := parseRowAddrs(rows)
	org, err := readBulkOrg(ctx, c, addrs, setup)
	if err != nil {
		return nil, err
	}
	return planWith(rows, addrs, org, opts), nil
}

// planWith judges every row against what is known of the org, whether read
// through its APIs or from an export, and gathers the prerequisites.
func planWith(rows []Target, addrs []rowAddrs, org orgView, opts Options) *Plan {
	setup := opts.Setup
	wanted := make(map[string]int, len(rows)) // target -> rows that want it
	for _, a := range addrs {
		if a.targetOK {
			wanted[a.target]++
		}
	}
	p := &Plan{Setup: setup, Prerequisites: []Prerequisite{}, Rows: make([]Row, len(rows)), Summary: map[RowStatus]int{}}
	prereqs := map[Prerequisite]bool{}
	for i, r := range rows {
		row, held := judgeRow(r, addrs[i], wanted, org, setup)
		row.Flags = rowFlags(row, addrs[i], org, opts.Hints)
		p.Rows[i] = row
		p.Summary[row.Status]++
		if row.Status == RowInvalid || row.Status == RowUnchanged {
			continue // asks for no change, so needs nothing of the org
		}
		a := addrs[i]
		switch org.domain(a.targetDomain) {
		case domainUnverified:
			prereqs[Prerequisite{PrereqDomainUnclaimed, a.targetDomain}] = true
		case domainUnknown:
			prereqs[Prerequisite{PrereqDomainUnchecked, a.targetDomain}] = true
		}
		switch org.domain(a.currentDomain) {
		case domainUnverified:
			prereqs[Prerequisite{PrereqSourceDomainUnclaimed, a.currentDomain}] = true
		case domainUnknown:
			prereqs[Prerequisite{PrereqDomainUnchecked, a.currentDomain}] = true
		}
		if held {
			prereqs[Prerequisite{PrereqTargetEmailsTaken, a.targetDomain}] = true
		}
	}
	for pr := range prereqs {
		p.Prerequisites = append(p.Prerequisites, pr)
	}
	slices.SortFunc(p.Prerequisites, func(a, b Prerequisite) int {
		return cmp.Or(cmp.Compare(prereqRank(a.Code), prereqRank(b.Code)), strings.Compare(a.Domain, b.Domain))
	})
	return p
}

// judgeRow gives one row its status, account, holder and path; held says
// whether another account holds the row's target, whatever the status.
func judgeRow(r Target, a rowAddrs, wanted map[string]int, org orgView, setup OrgSetup) (row Row, held bool) {
	row = Row{Line: r.Line, CurrentEmail: r.Current, TargetEmail: r.Target, Path: []EmailPath{}}
	var acct, holder *client.User
	if a.currentOK {
		acct = org.account(a.current)
	}
	found := acct != nil
	if found {
		if acct.AccountID != "" { // an export may have no id column
			id := acct.AccountID // the row's own: the org read is dropped after planning
			row.AccountID = &id
		}
		row.Path = emailPath(setup, org.lock(acct))
	}
	if a.targetOK {
		holder = org.account(a.target)
		held = holder != nil && (!found || !sameAccount(holder, acct))
	}
	switch {
	case !a.currentOK || !a.targetOK:
		row.Status = RowInvalid
	case a.current == a.target:
		row.Status, held = RowUnchanged, false
	case wanted[a.target] > 1:
		row.Status = RowDuplicateTarget
	case !found:
		row.Status = RowNoAccount
	case !acct.Managed() || org.domain(a.currentDomain) == domainUnverified:
		row.Status = RowUnmanaged
	case org.domain(a.targetDomain) == domainUnverified:
		row.Status = RowDomainUnclaimed
	case held:
		row.Status = RowConflict
		row.Holder = newBulkHolder(holder)
	default:
		row.Status = RowReady
	}
	return row, held
}

// rowFlags are the warnings on a row that asks for a change.
func rowFlags(row Row, a rowAddrs, org orgView, h steps.Hints) []Flag {
	flags := []Flag{}
	if row.Status == RowInvalid || row.Status == RowUnchanged {
		return flags
	}
	if row.AccountID != nil {
		if prov := h.SocialLogin[*row.AccountID]; prov != "" {
			name := wording.SocialName(prov)
			flags = append(flags, Flag{FlagSocialLogin, fmt.Sprintf("%s signs in with %s: the next %s login puts the old email back unless the address changes at %s too.",
				row.CurrentEmail, name, name, name)})
		}
	}
	if hd := row.Holder; hd != nil && len(hd.ProductAccess) > 0 {
		flags = append(flags, Flag{FlagHolderProductAccess, fmt.Sprintf("%s, which holds the target, has product access (%s): accounts cannot be merged: if it is moved aside, its work stays with it under the placeholder.",
			wording.Account(hd.Name, hd.Email, hd.AccountID), strings.Join(hd.ProductAccess, ", "))})
	}
	if a.targetOK {
		if meant, ok := org.lookalike(a.targetDomain); ok {
			flags = append(flags, Flag{FlagTargetLookalike, fmt.Sprintf("%s is not one of this org's domains but is a keystroke or two from %s: probably a typo in the list.",
				a.targetDomain, meant)})
		}
	}
	return cleanFlags(flags)
}

func newBulkHolder(u *client.User) *Holder {
	h := &Holder{AccountID: u.AccountID, Email: u.Email, Name: u.Name, ProductAccess: make([]string, 0, len(u.ProductAccess)), Provisioned: u.Synced()}
	for _, pa := range u.ProductAccess {
		h.ProductAccess = append(h.ProductAccess, pa.Key)
	}
	return cleanHolder(h)
}

func prereqRank(code string) int {
	return slices.Index([]string{PrereqDomainUnclaimed, PrereqSourceDomainUnclaimed, PrereqTargetEmailsTaken, PrereqDomainUnchecked}, code)
}

// rowAddrs is a row's two addresses, checked and folded to lower case,
// since Atlassian compares emails case-insensitively.
type rowAddrs struct {
	currentOK, targetOK         bool
	current, target             string
	currentDomain, targetDomain string
}

func parseRowAddrs(rows []Target) []rowAddrs {
	out := make([]rowAddrs, len(rows))
	for i, r := range rows {
		a := &out[i]
		if a.currentOK = address.Valid(r.Current) == nil; a.currentOK {
			a.current, a.currentDomain = strings.ToLower(r.Current), address.Domain(r.Current)
		}
		if a.targetOK = address.Valid(r.Target) == nil; a.targetOK {
			a.target, a.targetDomain = strings.ToLower(r.Target), address.Domain(r.Target)
		}
	}
	return out
}
