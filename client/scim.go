package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
)

// The SCIM user-provisioning API of one directory (/scim/directory/{id},
// with that directory's key), api-facts.md §3. Atlassian filters only with a
// single eq on userName or externalId (Users) and displayName (Groups), and
// pages with startIndex/count of at most 100.

// scimPageSize is the largest page Atlassian serves (KB-FETCHALL).
const scimPageSize = 100

// SCIM is one SCIM directory, reached with its own key.
type SCIM struct {
	c   *Client
	dir string
	key Secret
}

// SCIM returns the API of a directory, or a *NoDirectoryKeyError when no key
// was configured for it.
func (c *Client) SCIM(directoryID string) (*SCIM, error) {
	key, ok := c.dirKey[directoryID]
	if !ok || key.IsZero() {
		return nil, &NoDirectoryKeyError{DirectoryID: directoryID}
	}
	return &SCIM{c: c, dir: directoryID, key: key}, nil
}

// DirectoryID is the directory this SCIM API belongs to.
func (s *SCIM) DirectoryID() string { return s.dir }

// String describes the directory without its key (fmt would print the
// unexported key field raw otherwise).
func (s *SCIM) String() string { return "client.SCIM{directory " + s.dir + "}" }

// Format makes every verb use String.
func (s *SCIM) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

func (s *SCIM) request(op, method, path string, body any, safe bool) *request {
	return &request{op: op + " in directory " + s.dir, method: method,
		path: pathf("/scim/directory/%s", s.dir) + path, body: body,
		api: APISCIM, directory: s.dir, key: s.key, safe: safe}
}

// eqFilter builds `attr eq "value"` with the value as a JSON string
// (RFC 7644 §3.4.2.2), so quotes and backslashes in it cannot end the
// string early. The whole filter is URL-encoded with the query.
func eqFilter(attr, value string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep <, >, & as they are: the server reads JSON, not HTML
	_ = enc.Encode(value)    // a string always encodes
	return attr + " eq " + strings.TrimSuffix(b.String(), "\n")
}

type listResponse[T any] struct {
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	ItemsPerPage int `json:"itemsPerPage"`
	Resources    []T `json:"Resources"`
}

// scimPages streams a listing with startIndex/count paging, one page at a
// time. It stops at totalResults, on an empty page, or (when the server
// gives no total) on a short page.
func scimPages[T any](ctx context.Context, s *SCIM, op, path string, check func(T) error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		start := 1
		for {
			r := s.request(op, "GET", path, nil, true)
			r.query = url.Values{"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(scimPageSize)}}
			var page listResponse[T]
			if err := s.c.call(ctx, r, &page); err != nil {
				yield(zero, err)
				return
			}
			for i, it := range page.Resources {
				if err := check(it); err != nil {
					yield(zero, s.c.unexpected(r, 200, fmt.Sprintf("resource %d of the page: %v", i+1, err)))
					return
				}
				if !yield(it, nil) {
					return
				}
			}
			n := len(page.Resources)
			switch {
			case n == 0,
				page.TotalResults > 0 && start-1+n >= page.TotalResults,
				page.TotalResults == 0 && n < scimPageSize:
				return
			}
			start += n
		}
	}
}

// findOne runs a filtered GET and returns the one resource that matches, nil
// when none does. It checks the answer itself, so a server that ignored the
// filter cannot hand back some other resource.
func findOne[T any](ctx context.Context, s *SCIM, op, path, filter string, check func(T) error, matches func(T) bool) (*T, error) {
	r := s.request(op, "GET", path, nil, true)
	r.query = url.Values{"filter": {filter}}
	var page listResponse[T]
	if err := s.c.call(ctx, r, &page); err != nil {
		return nil, err
	}
	var found []T
	for i, it := range page.Resources {
		if err := check(it); err != nil {
			return nil, s.c.unexpected(r, 200, fmt.Sprintf("resource %d: %v", i+1, err))
		}
		if matches(it) {
			found = append(found, it)
		}
	}
	switch {
	case len(found) == 1:
		return &found[0], nil
	case len(found) > 1:
		return nil, s.c.unexpected(r, 200, fmt.Sprintf("%d resources match %s, want at most one", len(found), filter))
	case len(page.Resources) > 0:
		return nil, s.c.unexpected(r, 200, fmt.Sprintf("%d resources returned for %s but none matches it", len(page.Resources), filter))
	}
	return nil, nil
}

func checkUser(u ScimUser) error {
	if u.ID == "" {
		return fmt.Errorf("SCIM user %q has no id", u.UserName)
	}
	return nil
}

func checkGroup(g ScimGroup) error {
	if g.ID == "" {
		return fmt.Errorf("SCIM group %q has no id", g.DisplayName)
	}
	return nil
}

// readUser decodes a single SCIM user answer and checks it.
func (s *SCIM) readUser(ctx context.Context, r *request) (ScimUser, error) {
	var u ScimUser
	if err := s.c.call(ctx, r, &u); err != nil {
		return ScimUser{}, err
	}
	if err := checkUser(u); err != nil {
		return ScimUser{}, s.c.badSuccess(r, 200, err.Error())
	}
	return u, nil
}

// User reads a SCIM user by its SCIM id (not the Atlassian account id).
func (s *SCIM) User(ctx context.Context, id string) (ScimUser, error) {
	return s.readUser(ctx, s.request("read SCIM user "+id, "GET", pathf("/Users/%s", id), nil, true))
}

// FindUserByUserName finds the SCIM user with this userName (compared
// case-insensitively, as SCIM defines userName); nil, nil when none.
func (s *SCIM) FindUserByUserName(ctx context.Context, userName string) (*ScimUser, error) {
	return findOne(ctx, s, "find SCIM user with userName "+userName, "/Users", eqFilter("userName", userName), checkUser,
		func(u ScimUser) bool { return strings.EqualFold(u.UserName, userName) })
}

// FindUserByExternalID finds the SCIM user with this externalId (compared
// exactly: externalId is case-sensitive); nil, nil when none.
func (s *SCIM) FindUserByExternalID(ctx context.Context, externalID string) (*ScimUser, error) {
	return findOne(ctx, s, "find SCIM user with externalId "+externalID, "/Users", eqFilter("externalId", externalID), checkUser,
		func(u ScimUser) bool { return u.ExternalID == externalID })
}

// Users streams every SCIM user of the directory, 100 per page.
func (s *SCIM) Users(ctx context.Context) iter.Seq2[ScimUser, error] {
	return scimPages(ctx, s, "list SCIM users", "/Users", checkUser)
}

// CreateUser creates a SCIM user (POST /Users, 201). A 409 uniqueness
// ScimError names the address another account holds (ConflictEmail).
func (s *SCIM) CreateUser(ctx context.Context, u ScimUser) (ScimUser, error) {
	if len(u.Schemas) == 0 {
		u.Schemas = []string{SchemaUser}
	}
	return s.readUser(ctx, s.request("create SCIM user "+u.UserName, "POST", "/Users", u, false))
}

// ReplaceUser replaces a SCIM user (PUT /Users/{id}): attributes left out
// are cleared.
func (s *SCIM) ReplaceUser(ctx context.Context, id string, u ScimUser) (ScimUser, error) {
	if len(u.Schemas) == 0 {
		u.Schemas = []string{SchemaUser}
	}
	return s.readUser(ctx, s.request("replace SCIM user "+id, "PUT", pathf("/Users/%s", id), u, false))
}

// patchOp is a PatchOp message; "Operations" with a capital O is what
// Atlassian reads (its OpenAPI document's "operations" is wrong).
type patchOp struct {
	Schemas    []string         `json:"schemas"`
	Operations []PatchOperation `json:"Operations"`
}

// PatchUser applies operations to a SCIM user (PATCH /Users/{id}) and
// returns the user as it now is. Should the server answer 204 without a
// body, the user is read back.
func (s *SCIM) PatchUser(ctx context.Context, id string, ops ...PatchOperation) (ScimUser, error) {
	r := s.request("patch SCIM user "+id, "PATCH", pathf("/Users/%s", id), patchOp{Schemas: []string{SchemaPatchOp}, Operations: ops}, false)
	o, err := s.c.do(ctx, r)
	if err != nil {
		return ScimUser{}, err
	}
	if len(bytes.TrimSpace(o.body)) == 0 {
		return s.User(ctx, id)
	}
	var u ScimUser
	if err := json.Unmarshal(o.body, &u); err != nil {
		return ScimUser{}, s.c.badSuccess(r, o.status, s.c.describeNonJSON(o.header, o.body))
	}
	if err := checkUser(u); err != nil {
		return ScimUser{}, s.c.badSuccess(r, o.status, err.Error())
	}
	return u, nil
}

// DeleteUser deletes a SCIM user (DELETE /Users/{id}, 204); Atlassian also
// unlinks and deactivates its account.
func (s *SCIM) DeleteUser(ctx context.Context, id string) error {
	return s.c.call(ctx, s.request("delete SCIM user "+id, "DELETE", pathf("/Users/%s", id), nil, false), nil)
}

// Groups streams every SCIM group of the directory, 100 per page.
func (s *SCIM) Groups(ctx context.Context) iter.Seq2[ScimGroup, error] {
	return scimPages(ctx, s, "list SCIM groups", "/Groups", checkGroup)
}

// Group reads a SCIM group by id.
func (s *SCIM) Group(ctx context.Context, id string) (ScimGroup, error) {
	r := s.request("read SCIM group "+id, "GET", pathf("/Groups/%s", id), nil, true)
	var g ScimGroup
	if err := s.c.call(ctx, r, &g); err != nil {
		return ScimGroup{}, err
	}
	if err := checkGroup(g); err != nil {
		return ScimGroup{}, s.c.unexpected(r, 200, err.Error())
	}
	return g, nil
}

// FindGroupByName finds the SCIM group with this displayName (compared
// case-insensitively); nil, nil when none.
func (s *SCIM) FindGroupByName(ctx context.Context, displayName string) (*ScimGroup, error) {
	return findOne(ctx, s, "find SCIM group "+displayName, "/Groups", eqFilter("displayName", displayName), checkGroup,
		func(g ScimGroup) bool { return strings.EqualFold(g.DisplayName, displayName) })
}

// PatchGroupMembers adds and removes members (SCIM user ids) of a SCIM
// group in one PATCH: an "add" of members, then one "remove" per member
// with the path members[value eq "id"]. Nothing to do, no call.
func (s *SCIM) PatchGroupMembers(ctx context.Context, groupID string, add, remove []string) error {
	var ops []PatchOperation
	if len(add) > 0 {
		members := make([]ScimMember, len(add))
		for i, id := range add {
			members[i] = ScimMember{Value: id}
		}
		ops = append(ops, PatchOperation{Op: "add", Path: "members", Value: members})
	}
	for _, id := range remove {
		ops = append(ops, PatchOperation{Op: "remove", Path: "members[" + eqFilter("value", id) + "]"})
	}
	if len(ops) == 0 {
		return nil
	}
	r := s.request("change the members of SCIM group "+groupID, "PATCH", pathf("/Groups/%s", groupID),
		patchOp{Schemas: []string{SchemaPatchOp}, Operations: ops}, false)
	return s.c.call(ctx, r, nil)
}
