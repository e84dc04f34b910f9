package bulk

import (
	"strings"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
)

// orgView is what judging a row needs to know of the org. Two sources give
// it: the org's APIs (bulkOrg) and a managed-accounts export (exportOrg),
// which cannot tell everything the APIs can; domainState says so where it
// matters, so the export's gaps show in the plan instead of being guessed.
type orgView interface {
	// account is the account holding email (lower-cased), nil when none.
	account(email string) *client.User
	// lock is what, besides the org, owns the account's email.
	lock(u *client.User) accountLock
	// domain says whether the org verified a lower-cased domain.
	domain(name string) domainState
	// lookalike is the verified domain a target domain is probably a typo
	// of, when the domain is not the org's.
	lookalike(domain string) (meant string, ok bool)
}

// domainState is what a plan knows of a domain's verification.
type domainState int

const (
	domainUnverified domainState = iota // not verified by this org (or not listed at all)
	domainVerified                      // verified by this org
	domainUnknown                       // the source cannot tell (an export)
)

// sameAccount tells whether two accounts are one. An export may have no
// account ids: its accounts are then told apart by email, which Atlassian
// keeps unique.
func sameAccount(a, b *client.User) bool {
	if a.AccountID == "" || b.AccountID == "" {
		return strings.EqualFold(a.Email, b.Email)
	}
	return a.AccountID == b.AccountID
}

// The org read through its APIs knows every domain's state and every
// account's lock.

func (o *bulkOrg) account(email string) *client.User { return o.users[email] }

func (o *bulkOrg) domain(name string) domainState {
	if o.verified[name] {
		return domainVerified
	}
	return domainUnverified
}

// lookalike looks only at domains not listed for the org: a listed one,
// even unverified, is the org's own and no typo.
func (o *bulkOrg) lookalike(domain string) (string, bool) {
	if o.listed[domain] {
		return "", false
	}
	return address.Lookalike(domain, o.verifiedNames())
}
