package client

import "time"

// The wire shapes of Atlassian's admin, user-management and SCIM APIs, as the
// published OpenAPI documents describe them (fixtures/testdata/openapi/, where
// a test validates every request the client sends against them).
// Field names follow the wire; only what diagnosis and fixes need is typed.

// User is one account as the v2 directory search and details endpoints return it
// (MultiDirectoryUser / MultiDirectoryUserDetailsData).
type User struct {
	AccountID        string          `json:"accountId"`
	AccountType      string          `json:"accountType,omitempty"`
	AccountStatus    string          `json:"accountStatus,omitempty"` // active | inactive | closed
	ClaimStatus      string          `json:"claimStatus,omitempty"`   // managed | unmanaged
	Email            string          `json:"email,omitempty"`
	EmailVerified    bool            `json:"emailVerified,omitempty"`
	Name             string          `json:"name,omitempty"`
	Nickname         string          `json:"nickname,omitempty"`
	ManagementSource *string         `json:"managementSource,omitempty"` // "synced" when a SCIM user links it
	MembershipStatus string          `json:"membershipStatus,omitempty"`
	Status           string          `json:"status,omitempty"` // active | suspended | not_invited | deactivated | for_deletion
	AddedToOrg       string          `json:"addedToOrg,omitempty"`
	Groups           []UserGroup     `json:"groups,omitempty"`
	ProductAccess    []ProductAccess `json:"productAccess,omitempty"`
}

// Org-level statuses of User.Status (v2 Status): a composite of the account
// status and the membership status.
const (
	UserStatusActive      = "active"
	UserStatusSuspended   = "suspended"
	UserStatusNotInvited  = "not_invited"
	UserStatusDeactivated = "deactivated"
	UserStatusForDeletion = "for_deletion" // deleted, within the 14-day grace period: its email stays taken
)

// PendingDeletion reports whether the account is deleted and within its
// grace period (status for_deletion): it appears deactivated and still holds
// its email.
func (u User) PendingDeletion() bool { return u.Status == UserStatusForDeletion }

// Synced reports whether provisioning links (and so locks) the account.
func (u User) Synced() bool { return u.ManagementSource != nil && *u.ManagementSource == "synced" }

// Managed reports whether this org manages the account.
func (u User) Managed() bool { return u.ClaimStatus == ClaimManaged }

// UserGroup is a group membership carried by a user when expand=groups.
type UserGroup struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
}

// ProductAccess is one product the account can use (expand=productAccess).
type ProductAccess struct {
	ID                  string `json:"id,omitempty"`
	Key                 string `json:"key"`
	LastActiveTimestamp string `json:"lastActiveTimestamp,omitempty"`
}

// UserSearch is the body of POST /v2/orgs/{orgId}/directories/-/users/search.
// Emails and SearchTerm are mutually exclusive (the API answers 400).
type UserSearch struct {
	AccountIDs    []string  `json:"accountIds,omitempty"`
	AccountStatus []string  `json:"accountStatus,omitempty"`
	ClaimStatus   string    `json:"claimStatus,omitempty"`
	Cursor        string    `json:"cursor,omitempty"`
	EmailDomains  []string  `json:"emailDomains,omitempty"`
	Emails        []string  `json:"emails,omitempty"`
	Expand        []string  `json:"expand,omitempty"` // groups | productAccess | platformRoles | counts.resources
	GroupIDs      []string  `json:"groupIds,omitempty"`
	Limit         int       `json:"limit,omitempty"`
	SearchTerm    string    `json:"searchTerm,omitempty"`
	SortBy        []SortKey `json:"sortBy,omitempty"`
}

// SortKey orders a UserSearch: the search sorts by nickname only
// (api-facts.md §1.3), ascending or descending.
type SortKey struct {
	Field     string `json:"field"`     // SortNickname
	Direction string `json:"direction"` // SortAscending or SortDescending
}

// SortKey's values.
const (
	SortNickname   = "nick_name"
	SortAscending  = "asc"
	SortDescending = "desc"
)

// Expand options for UserSearch.
const (
	ExpandGroups        = "groups"
	ExpandProductAccess = "productAccess"
)

// Claim statuses: User.ClaimStatus, and UserSearch.ClaimStatus to search
// the accounts the org manages (their email domain is verified by the org)
// or the others.
const (
	ClaimManaged   = "managed"
	ClaimUnmanaged = "unmanaged"
)

// MaxEmailDomains is how many domains one UserSearch.EmailDomains may name
// (api-facts.md §1.3).
const MaxEmailDomains = 10

// Domain is one entry of GET /v1/orgs/{orgId}/domains, flattened.
type Domain struct {
	ID          string
	Name        string
	ClaimType   string // dns | http
	ClaimStatus string // verified | deleted | unverified | superseded | missing_token
}

// Verified reports whether this org has verified (claimed) the domain.
func (d Domain) Verified() bool { return d.ClaimStatus == "verified" }

// Directory is one user directory of the org (MultiDirectoryUserDirectory of
// GET /v2/orgs/{orgId}/directories). Atlassian does not say whether its id
// equals a SCIM directory id (api-facts.md §0).
type Directory struct {
	ID   string `json:"directoryId"`
	Name string `json:"name"`
}

// Group is one org group (MultiDirectoryGroup).
type Group struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Description    string `json:"description,omitempty"`
	DirectoryID    string `json:"directoryId,omitempty"` // the directory membership writes take
	ExternalSynced bool   `json:"externalSynced"`
	ManagedBy      string `json:"managedBy,omitempty"` // external | admins | team-members | open
}

// GroupSearch is the body of POST /v2/orgs/{orgId}/directories/-/groups/search.
type GroupSearch struct {
	AccountIDs []string `json:"accountIds,omitempty"`
	Cursor     string   `json:"cursor,omitempty"`
	GroupIDs   []string `json:"groupIds,omitempty"`
	GroupNames []string `json:"groupNames,omitempty"`
	Limit      int      `json:"limit,omitempty"`
	SearchTerm string   `json:"searchTerm,omitempty"`
}

// Privilege names of GET /users/{id}/manage.
const (
	PrivilegeEmailSet            = "email.set"
	PrivilegeProfileRead         = "profile.read"
	PrivilegeProfileWrite        = "profile.write"
	PrivilegeLifecycleEnablement = "lifecycle.enablement" // EnableAccount, DisableAccount
	PrivilegeLifecycleDelete     = "lifecycle.delete"     // DeleteAccount, CancelDeleteAccount
)

// Restriction reasons (Manageability.RestrictionReason) that matter here.
const (
	ReasonSCIM     = "externalDirectory.scim"
	ReasonGoogle   = "externalDirectory.google"
	ReasonSAMLAuth = "authPolicy.saml"
)

// Privilege is one answer of GET /users/{id}/manage.
type Privilege struct {
	Allowed bool       `json:"allowed"`
	Reason  *ReasonKey `json:"reason,omitempty"`
}

// Refusal is the reason key of a refused privilege ("externalDirectory.scim",
// ...); "" when it is allowed, unknown or nil.
func (p *Privilege) Refusal() string {
	if p == nil || p.Allowed || p.Reason == nil {
		return ""
	}
	return p.Reason.Key
}

// ReasonKey wraps a restriction reason.
type ReasonKey struct {
	Key string `json:"key"`
}

// Profile is the account of GET /users/{id}/manage/profile.
type Profile struct {
	AccountID     string `json:"account_id"`
	AccountStatus string `json:"account_status"`
	AccountType   string `json:"account_type"`
	Email         string `json:"email"`
	Name          string `json:"name"`
	Nickname      string `json:"nickname,omitempty"`
}

// SCIM schemas.
const (
	SchemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SchemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	SchemaError        = "urn:ietf:params:scim:api:messages:2.0:Error"
	SchemaAtlassianExt = "urn:scim:schemas:extension:atlassian-external:1.0"
)

// ScimUser is a SCIM User resource of Atlassian's user-provisioning API.
type ScimUser struct {
	Schemas     []string      `json:"schemas,omitempty"`
	ID          string        `json:"id,omitempty"`
	ExternalID  string        `json:"externalId,omitempty"`
	UserName    string        `json:"userName"`
	Name        *ScimName     `json:"name,omitempty"`
	DisplayName string        `json:"displayName,omitempty"`
	Emails      []ScimEmail   `json:"emails,omitempty"`
	Active      *bool         `json:"active,omitempty"`
	Groups      []ScimMember  `json:"groups,omitempty"`
	Meta        *ScimMeta     `json:"meta,omitempty"`
	Atlassian   *AtlassianExt `json:"urn:scim:schemas:extension:atlassian-external:1.0,omitempty"`
}

// PrimaryEmail returns the primary email, or the first one when none is marked.
func (u ScimUser) PrimaryEmail() string {
	for _, e := range u.Emails {
		if e.Primary {
			return e.Value
		}
	}
	if len(u.Emails) > 0 {
		return u.Emails[0].Value
	}
	return ""
}

// AccountID returns the Atlassian account the SCIM user links to, or "".
func (u ScimUser) AccountID() string {
	if u.Atlassian == nil {
		return ""
	}
	return u.Atlassian.AtlassianAccountID
}

// ScimName is the SCIM name complex attribute.
type ScimName struct {
	Formatted  string `json:"formatted,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

// ScimEmail is one value of the multi-valued emails attribute.
type ScimEmail struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// ScimMember is a group member or a user's group reference.
type ScimMember struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
	Ref     string `json:"$ref,omitempty"`
}

// ScimMeta is the read-only meta attribute.
type ScimMeta struct {
	ResourceType string `json:"resourceType,omitempty"`
	Location     string `json:"location,omitempty"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
}

// AtlassianExt is Atlassian's extension that links a SCIM user to its account.
type AtlassianExt struct {
	AtlassianAccountID string `json:"atlassianAccountId,omitempty"`
}

// ScimGroup is a SCIM Group resource.
type ScimGroup struct {
	Schemas     []string     `json:"schemas,omitempty"`
	ID          string       `json:"id,omitempty"`
	ExternalID  string       `json:"externalId,omitempty"`
	DisplayName string       `json:"displayName"`
	Members     []ScimMember `json:"members,omitempty"`
	Meta        *ScimMeta    `json:"meta,omitempty"`
}

// PatchOperation is one entry of a PatchOp's Operations (capital O on the wire).
type PatchOperation struct {
	Op    string `json:"op"` // add | remove | replace
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// ScimLink ties a SCIM user of a directory to an Atlassian account
// (provisioning admin API get-scim-links*).
type ScimLink struct {
	ScimUserID         string  `json:"scimUserId"`
	AtlassianAccountID *string `json:"atlassianAccountId"`
	OrgID              string  `json:"orgId"`
	DirectoryID        string  `json:"directoryId"`
}

// RateLimit is what the X-RateLimit-* headers said on the last answer.
type RateLimit struct {
	Limit     int
	Remaining int
	Reset     time.Time
}
