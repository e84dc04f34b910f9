package search

import "github.com/syncdoctor/syncdoctor/client"

// Export lists what the index holds, accounts and groups in first-seen
// order: what the warm-start cache saves.
func (ix *Index) Export() (accounts []client.User, groups []client.Group) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	accounts = make([]client.User, 0, len(ix.accounts))
	groups = make([]client.Group, 0, len(ix.groups))
	for i := range ix.cold {
		switch e := ix.cold[i].entry; e.Kind {
		case EntryAccount:
			accounts = append(accounts, e.Account)
		case EntryGroup:
			groups = append(groups, e.Group)
		}
	}
	return accounts, groups
}
