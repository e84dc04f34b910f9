package client

import (
	"context"
	"encoding/json"
	"net/url"
)

// The user-management REST API (/users/{accountId}/manage, org key created
// without scopes), api-facts.md §2. Its errors are ManageErrors.

func (c *Client) manageRequest(op, method, path string, body any, safe bool) *request {
	return &request{op: op, method: method, path: path, body: body, api: APIManage, key: c.orgKey, safe: safe}
}

// Privileges asks what this key may do to an account: GET
// /users/{accountId}/manage?privileges=email.set (one parameter per
// privilege; none asks for all). Only the simple allowed/reason rules are
// returned; object-mutability answers (profile, profile.write) map JSON paths
// to rules and are left out rather than reported as "not allowed".
// A 403 with key "forbidden" means this org does not manage the account.
func (c *Client) Privileges(ctx context.Context, accountID string, privileges ...string) (map[string]Privilege, error) {
	r := c.manageRequest("read privileges of "+accountID, "GET", pathf("/users/%s/manage", accountID), nil, true)
	if len(privileges) > 0 {
		r.query = url.Values{"privileges": privileges}
	}
	var raw map[string]json.RawMessage
	if err := c.call(ctx, r, &raw); err != nil {
		return nil, err
	}
	out := make(map[string]Privilege, len(raw))
	for name, v := range raw {
		var probe struct {
			Allowed *bool      `json:"allowed"`
			Reason  *ReasonKey `json:"reason"`
		}
		if json.Unmarshal(v, &probe) != nil || probe.Allowed == nil {
			continue
		}
		out[name] = Privilege{Allowed: *probe.Allowed, Reason: probe.Reason}
	}
	return out, nil
}

// Profile reads an account's profile: GET /users/{accountId}/manage/profile
// ({"account":{…}}).
func (c *Client) Profile(ctx context.Context, accountID string) (Profile, error) {
	r := c.manageRequest("read profile of "+accountID, "GET", pathf("/users/%s/manage/profile", accountID), nil, true)
	var out struct {
		Account *Profile `json:"account"`
	}
	if err := c.call(ctx, r, &out); err != nil {
		return Profile{}, err
	}
	if out.Account == nil || out.Account.AccountID == "" {
		return Profile{}, c.unexpected(r, 200, "no account.account_id in the answer")
	}
	return *out.Account, nil
}

// SetEmail changes an account's email: PUT /users/{accountId}/manage/email
// {"email"}, 204. The target domain must be verified by the org; the change
// ends all the account's sessions. Refusals are ManageErrors
// (forbidden.action with the reason, forbidden.unclaimedDomain, …).
func (c *Client) SetEmail(ctx context.Context, accountID, email string) error {
	r := c.manageRequest("set email of "+accountID, "PUT", pathf("/users/%s/manage/email", accountID),
		map[string]string{"email": email}, false)
	return c.call(ctx, r, nil)
}

// The lifecycle API (POST /users/{accountId}/manage/lifecycle/…): managed
// accounts only. A refusal is a ManageError: 403 forbidden (not managed
// here) or forbidden.action with its reason (a SCIM directory or Google
// Workspace owns the account), 404 accountNotFound, and 409
// conflict.lifecycleErrors when the account is not eligible (its Codes say
// why, e.g. deleted and not cancelled, or deactivated by its IdP). Like
// every change, none is retried once it may have reached Atlassian: an
// answer lost on the way is an UncertainError, so re-read the account's
// status (User.Status) before trying again.

// DeleteAccount deletes a managed account: POST
// /users/{accountId}/manage/lifecycle/delete, 200 {"message"}. The account
// is deactivated at once, shows status for_deletion for a 14-day grace
// period, keeps its email until it is deleted for good, and can be brought
// back with CancelDeleteAccount until then.
func (c *Client) DeleteAccount(ctx context.Context, accountID string) error {
	r := c.manageRequest("delete account "+accountID, "POST", pathf("/users/%s/manage/lifecycle/delete", accountID), nil, false)
	return c.call(ctx, r, nil)
}

// CancelDeleteAccount cancels the scheduled deletion of an account within
// its grace period: POST /users/{accountId}/manage/lifecycle/cancel-delete,
// 200 {"message"}. Its email can be set again afterwards.
func (c *Client) CancelDeleteAccount(ctx context.Context, accountID string) error {
	r := c.manageRequest("cancel deletion of account "+accountID, "POST", pathf("/users/%s/manage/lifecycle/cancel-delete", accountID), nil, false)
	return c.call(ctx, r, nil)
}

// EnableAccount reactivates a deactivated account: POST
// /users/{accountId}/manage/lifecycle/enable, 204. A deleted account needs
// CancelDeleteAccount first; one its IdP deactivated through SCIM is
// reactivated in the IdP (409 conflict.lifecycleErrors).
func (c *Client) EnableAccount(ctx context.Context, accountID string) error {
	r := c.manageRequest("enable account "+accountID, "POST", pathf("/users/%s/manage/lifecycle/enable", accountID), nil, false)
	return c.call(ctx, r, nil)
}

// DisableAccount deactivates an account: POST
// /users/{accountId}/manage/lifecycle/disable {"message"}, 204. The message
// is what the user is shown; "" lets Atlassian use its default.
func (c *Client) DisableAccount(ctx context.Context, accountID, message string) error {
	body := map[string]string{}
	if message != "" {
		body["message"] = message
	}
	r := c.manageRequest("disable account "+accountID, "POST", pathf("/users/%s/manage/lifecycle/disable", accountID), body, false)
	return c.call(ctx, r, nil)
}
