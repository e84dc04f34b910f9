package bulk

import (
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/client"
)

// PlanFromExport plans the target rows against a managed-accounts export
// instead of the org: offline, with no key and no call to Atlassian. Rows
// get the statuses and flags PlanRows gives wherever the export can tell
// (invalid, unchanged, duplicate-target, no-account, unmanaged for an
// account the export marks unclaimed, conflict with the holder's product
// access, ready). What an export cannot tell is not guessed but said, in
// the plan's Notes: which domains the org verified (domains with no
// managed account in the export are listed as domain-unchecked
// prerequisites, and no row is domain-unclaimed), which accounts
// provisioning links (paths are those of unlinked accounts), and the org's
// setup (none unless opts.Setup names one).
func PlanFromExport(rows []Target, ex *Export, opts Options) (*Plan, error) {
	setupGiven := opts.Setup != ""
	if !setupGiven {
		opts.Setup = SetupNone
	}
	if !opts.Setup.valid() {
		return nil, fmt.Errorf("bulk plan: unknown setup %q (want none, saml-jit, saml-scim or google-workspace)", opts.Setup)
	}
	p := planWith(rows, parseRowAddrs(rows), newExportOrg(ex), opts)
	p.Notes = exportNotes(ex, opts.Setup, setupGiven)
	return p, nil
}

// exportOrg is the org as an export shows it.
type exportOrg struct {
	users    map[string]client.User // by lower-cased email
	verified map[string]bool        // domains of managed accounts
}

// newExportOrg turns the export's accounts into the accounts PlanRows
// would read. A managed account shows that the org verified its domain
// (an org manages exactly the accounts on its verified domains), so those
// domains count as verified; every other domain is unknown.
func newExportOrg(ex *Export) *exportOrg {
	o := &exportOrg{users: make(map[string]client.User, len(ex.Accounts)), verified: map[string]bool{}}
	for _, a := range ex.Accounts {
		u := client.User{AccountID: a.AccountID, Email: a.Email, Name: a.Name, Status: a.Status, ClaimStatus: "unmanaged"}
		if a.Claimed {
			u.ClaimStatus = "managed"
			if _, domain, ok := strings.Cut(strings.ToLower(a.Email), "@"); ok {
				o.verified[domain] = true
			}
		}
		for _, p := range a.Products {
			u.ProductAccess = append(u.ProductAccess, client.ProductAccess{Key: p})
		}
		o.users[strings.ToLower(a.Email)] = u
	}
	return o
}

func (o *exportOrg) account(email string) *client.User {
	if u, ok := o.users[email]; ok {
		return &u
	}
	return nil
}

// lock is always none: an export does not show provisioning or Google
// Workspace links (the provisioning-not-checked note says so).
func (o *exportOrg) lock(*client.User) accountLock { return lockNone }

func (o *exportOrg) domain(name string) domainState {
	if o.verified[name] {
		return domainVerified
	}
	return domainUnknown
}

// lookalike never flags: an export does not list the org's domains, so a
// new domain of a rebrand (acme.io beside acme.com) cannot be told from a
// typo, and flagging every row of a rebrand would bury the real ones. The
// domain-unchecked prerequisites list every domain to check instead.
func (o *exportOrg) lookalike(string) (string, bool) { return "", false }

// exportNotes say what a plan made from ex could not check.
func exportNotes(ex *Export, setup OrgSetup, setupGiven bool) []Note {
	notes := []Note{
		{NoteDomainsUnchecked, "The export does not show which domains this org verified: a domain counts as verified when a managed account in the export is on it. Check each domain-unchecked domain under Domains in admin.atlassian.com; no row is marked domain-unclaimed."},
		{NoteAccountsFromExport, "Accounts are those of the export: no-account means none in the export. An account this org does not manage is not in a managed-accounts export, so it may exist all the same."},
		{NoteProvisioningUnchecked, "The export does not show which accounts SCIM provisioning or Google Workspace links: every path is that of an unlinked account, and no holder shows as provisioned. A linked account's email changes in its IdP instead."},
	}
	if !setupGiven {
		notes = append(notes, Note{NoteSetupAssumed, fmt.Sprintf("The export does not show the org's SSO and provisioning setup: the plan assumes %s. Give --setup saml-jit, saml-scim or google-workspace if the org has one.", setup)})
	}
	if !ex.HasClaimed {
		notes = append(notes, Note{NoteClaimAssumed, "The export has no Claimed column: every account in it is taken as managed by this org, as a managed-accounts export lists only those."})
	}
	if !ex.HasAccountIDs {
		notes = append(notes, Note{NoteNoAccountIDs, "The export has no account id column (Atlassian ID): accounts are told apart by email, and no row names its account id."})
	}
	return notes
}
