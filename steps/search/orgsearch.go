package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/syncdoctor/syncdoctor/client"
)

// AskOrg asks the org API directly for what a query names, so that an
// account is found before the load reaches it: an exact address through
// the search's `emails`, an account id through `accountIds`, anything else
// through `searchTerm` (a name, or part of an email). At most limit
// accounts, with their groups and product access, in one round trip.
func AskOrg(ctx context.Context, c *client.Client, query string, limit int) ([]client.User, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return nil, nil
	}
	s := client.UserSearch{Limit: max(min(limit, 100), 1), Expand: []string{client.ExpandGroups, client.ExpandProductAccess}}
	switch {
	case strings.Contains(q, "@") && !strings.ContainsAny(q, " \t"):
		s.Emails = []string{q}
	case looksLikeAccountID(q):
		s.AccountIDs, s.Limit = []string{q}, 10
	default:
		s.SearchTerm = q
	}
	users, _, err := c.SearchUsersPage(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("ask the org for %q: %w", q, err)
	}
	return users, nil
}

// looksLikeAccountID: an Atlassian account id, "712020:uuid" or a legacy
// 24-hex id; nothing a name would be.
func looksLikeAccountID(q string) bool {
	if strings.ContainsAny(q, " \t@") {
		return false
	}
	if prefix, rest, ok := strings.Cut(q, ":"); ok {
		return prefix != "" && len(rest) >= 8
	}
	if len(q) != 24 {
		return false
	}
	for _, r := range q {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}
