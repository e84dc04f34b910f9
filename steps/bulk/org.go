package bulk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/syncdoctor/syncdoctor/client"
)

// privilegeWorkers bounds the privilege checks in flight: enough to plan a
// large Google Workspace org in reasonable time, few enough not to run into
// the org API's rate limit (the client backs off on 429 anyway).
const privilegeWorkers = 8

// bulkOrg is what a bulk plan needs to know of the org.
type bulkOrg struct {
	users    map[string]*client.User // accounts by lower-cased email
	verified map[string]bool         // lower-cased domains this org has verified
	listed   map[string]bool         // lower-cased domains listed for this org, in any state
	locks    map[string]accountLock  // by account id; read only for Google Workspace
}

// lock says what owns an account's email. Provisioning shows in the
// account itself (managementSource synced); the Google Workspace link shows
// only in the privilege check's restriction reason.
func (o *bulkOrg) lock(u *client.User) accountLock {
	if l, ok := o.locks[u.AccountID]; ok && l != lockNone {
		return l
	}
	if u.Synced() {
		return lockScim
	}
	return lockNone
}

func readBulkOrg(ctx context.Context, c *client.Client, addrs []rowAddrs, setup OrgSetup) (*bulkOrg, error) {
	org := &bulkOrg{verified: map[string]bool{}, listed: map[string]bool{}, locks: map[string]accountLock{}}
	// Every address is looked up once. Only a holder's product access is
	// read beyond the account itself (never its groups), and only targets
	// can have holders: the addresses that are no row's target are looked
	// up without it, which makes their answers a quarter smaller.
	targets := make([]string, 0, len(addrs))
	isTarget := make(map[string]bool, len(addrs))
	for _, a := range addrs {
		if a.target != "" && !isTarget[a.target] {
			isTarget[a.target] = true
			targets = append(targets, a.target)
		}
	}
	others := make([]string, 0, len(addrs))
	seen := make(map[string]bool, len(addrs))
	for _, a := range addrs {
		if a.current != "" && !isTarget[a.current] && !seen[a.current] {
			seen[a.current] = true
			others = append(others, a.current)
		}
	}
	if len(targets)+len(others) == 0 {
		return org, nil // every row is invalid: nothing to look up
	}
	holders, err := c.UsersByEmailExpand(ctx, targets, client.ExpandProductAccess)
	var accounts []client.User
	if err == nil {
		accounts, err = c.UsersByEmailExpand(ctx, others)
	}
	if err != nil {
		return nil, fmt.Errorf("look up %d accounts by email: %w", len(targets)+len(others), err)
	}
	org.users = make(map[string]*client.User, len(holders)+len(accounts))
	for _, users := range [2][]client.User{holders, accounts} {
		for i := range users {
			if u := &users[i]; u.Email != "" { // an account can hide its email; it then matches no row
				org.users[strings.ToLower(u.Email)] = u
			}
		}
	}
	for d, err := range c.Domains(ctx) {
		if err != nil {
			return nil, fmt.Errorf("read the org's domains: %w", err)
		}
		org.listed[strings.ToLower(d.Name)] = true
		if d.Verified() {
			org.verified[strings.ToLower(d.Name)] = true
		}
	}
	if setup == SetupGoogleWorkspace {
		if org.locks, err = emailLocks(ctx, c, managedRowAccounts(addrs, org)); err != nil {
			return nil, err
		}
	}
	return org, nil
}

// verifiedNames are the verified domains, sorted.
func (o *bulkOrg) verifiedNames() []string {
	names := make([]string, 0, len(o.verified))
	for d := range o.verified {
		names = append(names, d)
	}
	slices.Sort(names)
	return names
}

// managedRowAccounts lists, once each, the accounts of the rows that this
// org manages: the only ones whose privileges it may read.
func managedRowAccounts(addrs []rowAddrs, org *bulkOrg) []string {
	var ids []string
	seen := map[string]bool{}
	for _, a := range addrs {
		u, ok := org.users[a.current]
		if !ok || !u.Managed() || !org.verified[a.currentDomain] || seen[u.AccountID] {
			continue
		}
		seen[u.AccountID] = true
		ids = append(ids, u.AccountID)
	}
	return ids
}

// emailLocks asks, for each account, whether the org may set its email and
// if not, why. The first failure stops the rest: a plan built on a partial
// read would name the wrong path.
func emailLocks(ctx context.Context, c *client.Client, ids []string) (map[string]accountLock, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	locks := make([]accountLock, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(privilegeWorkers, len(ids)) {
		wg.Go(func() {
			for i := range next {
				privs, err := c.Privileges(ctx, ids[i], client.PrivilegeEmailSet)
				if err != nil {
					cancel(fmt.Errorf("find Google-Workspace-linked accounts: %w", err))
					continue
				}
				locks[i] = lockOf(privs[client.PrivilegeEmailSet])
			}
		})
	}
feed:
	for i := range ids {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	out := make(map[string]accountLock, len(ids))
	for i, id := range ids {
		out[id] = locks[i]
	}
	return out, nil
}

// lockOf reads the restriction reason of an email.set privilege.
func lockOf(p client.Privilege) accountLock {
	if p.Allowed || p.Reason == nil {
		return lockNone
	}
	switch p.Reason.Key {
	case client.ReasonGoogle:
		return lockGoogle
	case client.ReasonSCIM:
		return lockScim
	}
	return lockNone
}
