package search

import "github.com/syncdoctor/syncdoctor/client"

// Export lists what the index holds, accounts and groups in first-seen
// order: what the warm-start cache saves.
func (ix *Index) Export() (accounts []client.User, groups []client.Group) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	accounts = make([]client.User, 0, len(ix.accounts))
	groups = make([]client.Group, 0, len(ix.groups))
	for i := range ix.hot {
		switch EntryKind(ix.hot[i].kind) {
		case EntryAccount:
			accounts = append(accounts, ix.user(int32(i)))
		case EntryGroup:
			groups = append(groups, ix.groupList[ix.cold[i].g0])
		}
	}
	return accounts, groups
}
