package address

import (
	"context"
	"fmt"

	"github.com/syncdoctor/syncdoctor/client"
)

// HolderOf reads the account holding email (addresses compare
// case-insensitively), nil when none does: what the fix steps and the bulk
// applier ask before and after they move an address.
func HolderOf(ctx context.Context, c *client.Client, email string) (*client.User, error) {
	users, err := c.UsersByEmail(ctx, email)
	if err != nil {
		return nil, fmt.Errorf("looking up who holds %s: %w", email, err)
	}
	for i := range users {
		if Same(users[i].Email, email) {
			return &users[i], nil
		}
	}
	return nil, nil
}
