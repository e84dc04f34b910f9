package client

import (
	"context"
	"fmt"
)

// The user-provisioning admin APIs (org key), api-facts.md §4. Their error
// bodies are undocumented; they are read by shape like the others.

func (c *Client) provRequest(op, method, path string, body any, safe bool) *request {
	return &request{op: op, method: method, path: path, body: body, api: APIProvisioning, key: c.orgKey, safe: safe}
}

// DeleteProvisioningRecord deletes the SCIM records of a managed account in
// every directory of the org, keeping the account: DELETE
// /admin/user-provisioning/v1/org/{orgId}/user/{aaid}/onlyDeleteUserInDB.
// Any 2xx counts as done (the status is undocumented).
func (c *Client) DeleteProvisioningRecord(ctx context.Context, accountID string) error {
	r := c.provRequest("delete the provisioning records of "+accountID, "DELETE",
		pathf("/admin/user-provisioning/v1/org/%s/user/%s/onlyDeleteUserInDB", c.orgID, accountID), nil, false)
	return c.call(ctx, r, nil)
}

type scimLinks struct {
	ScimLinks []ScimLink `json:"scimLinks"`
}

func (c *Client) readLinks(ctx context.Context, r *request) ([]ScimLink, error) {
	var out scimLinks
	if err := c.call(ctx, r, &out); err != nil {
		return nil, err
	}
	for i, l := range out.ScimLinks {
		if l.ScimUserID == "" || l.DirectoryID == "" {
			return nil, c.unexpected(r, 200, fmt.Sprintf("SCIM link %d has no scimUserId or directoryId", i+1))
		}
	}
	if out.ScimLinks == nil {
		out.ScimLinks = []ScimLink{}
	}
	return out.ScimLinks, nil
}

// ScimLinks lists the SCIM users linked to an account: GET
// /admin/user-provisioning/v1/org/{orgId}/user/{aaid}/get-scim-links.
func (c *Client) ScimLinks(ctx context.Context, accountID string) ([]ScimLink, error) {
	r := c.provRequest("read the SCIM links of "+accountID, "GET",
		pathf("/admin/user-provisioning/v1/org/%s/user/%s/get-scim-links", c.orgID, accountID), nil, true)
	return c.readLinks(ctx, r)
}

// ScimLinksForEmail lists the SCIM records holding an address, unlinked ones
// included: POST /admin/user-provisioning/v1/org/{orgId}/get-scim-links-for-email
// {"email"}. It reads only, so it is retried like a GET.
func (c *Client) ScimLinksForEmail(ctx context.Context, email string) ([]ScimLink, error) {
	r := c.provRequest("read the SCIM links for "+email, "POST",
		pathf("/admin/user-provisioning/v1/org/%s/get-scim-links-for-email", c.orgID),
		map[string]string{"email": email}, true)
	return c.readLinks(ctx, r)
}

// UnlinkScimUser unlinks a SCIM user from its account without deleting it:
// PATCH /admin/user-provisioning/v1/org/{orgId}/scimDirectoryId/{d}/scimUserId/{u}/unlink.
func (c *Client) UnlinkScimUser(ctx context.Context, directoryID, scimUserID string) error {
	r := c.provRequest(fmt.Sprintf("unlink SCIM user %s of directory %s", scimUserID, directoryID), "PATCH",
		pathf("/admin/user-provisioning/v1/org/%s/scimDirectoryId/%s/scimUserId/%s/unlink", c.orgID, directoryID, scimUserID), nil, false)
	return c.call(ctx, r, nil)
}
