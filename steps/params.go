package steps

import (
	"encoding/json"
	"strings"
)

// Params are what a plan step acts on: account ids, emails, directory ids,
// fixed when the plan is made so that a resumed run acts on the same things.
// A field diagnosis could not learn is empty. Which fields a step uses is
// said on its StepID. The JSON names are the journal's.
type Params struct {
	AccountID          string  `json:"accountId,omitempty"`
	Email              string  `json:"email,omitempty"`
	Name               string  `json:"name,omitempty"`
	Target             string  `json:"target,omitempty"`
	Placeholder        string  `json:"placeholder,omitempty"`
	Domain             string  `json:"domain,omitempty"`
	DomainVerified     bool    `json:"domainVerified,omitempty,string"`
	DirectoryID        string  `json:"directoryId,omitempty"`
	OtherDirectoryIDs  string  `json:"otherDirectoryIds,omitempty"` // comma-separated
	ScimUserID         string  `json:"scimUserId,omitempty"`
	ScimUserName       string  `json:"scimUserName,omitempty"`
	ScimEmail          string  `json:"scimEmail,omitempty"`
	ExternalID         string  `json:"externalId,omitempty"`
	Idp                IdpKind `json:"idp,omitempty"`
	Groups             string  `json:"groups,omitempty"` // SCIM group names, comma-separated
	DuplicateAccountID string  `json:"duplicateAccountId,omitempty"`
	DuplicateEmail     string  `json:"duplicateEmail,omitempty"`
	Provider           string  `json:"provider,omitempty"`
	HolderAccountID    string  `json:"holderAccountId,omitempty"`
	HolderProvider     string  `json:"holderProvider,omitempty"`
	SamlAttribute      string  `json:"samlAttribute,omitempty"`
	ScimAttribute      string  `json:"scimAttribute,omitempty"`
	DirectoryIDs       string  `json:"directoryIds,omitempty"` // comma-separated
	Reason             string  `json:"reason,omitempty"`       // why a hand-off stops the run
	Meant              string  `json:"meant,omitempty"`        // the verified domain a lookalike stands for
	Reactivate         bool    `json:"reactivate,omitempty,string"`
	Line               int     `json:"line,omitempty,string"` // a bulk row's line in its CSV
}

// The JSON names of Params' fields, for saying which one a step lacks.
const (
	ParamAccountID          = "accountId"
	ParamEmail              = "email"
	ParamName               = "name"
	ParamTarget             = "target"
	ParamPlaceholder        = "placeholder"
	ParamDomain             = "domain"
	ParamDomainVerified     = "domainVerified"
	ParamDirectoryID        = "directoryId"
	ParamOtherDirectoryIDs  = "otherDirectoryIds"
	ParamScimUserID         = "scimUserId"
	ParamScimUserName       = "scimUserName"
	ParamScimEmail          = "scimEmail"
	ParamExternalID         = "externalId"
	ParamIdp                = "idp"
	ParamGroups             = "groups"
	ParamDuplicateAccountID = "duplicateAccountId"
	ParamDuplicateEmail     = "duplicateEmail"
	ParamProvider           = "provider"
	ParamHolderAccountID    = "holderAccountId"
	ParamHolderProvider     = "holderProvider"
	ParamSamlAttribute      = "samlAttribute"
	ParamScimAttribute      = "scimAttribute"
	ParamDirectoryIDs       = "directoryIds"
	ParamReason             = "reason"
	ParamMeant              = "meant"
	ParamReactivate         = "reactivate"
	ParamLine               = "line"
)

// Map is the params by their JSON names, the empty ones left out.
func (p Params) Map() map[string]string {
	raw, _ := json.Marshal(p) // a struct of strings always encodes
	m := map[string]string{}
	_ = json.Unmarshal(raw, &m)
	return m
}

// Missing names, of the JSON names given, those whose value is empty.
func (p Params) Missing(names ...string) []string {
	have := p.Map()
	var miss []string
	for _, n := range names {
		if strings.TrimSpace(have[n]) == "" {
			miss = append(miss, n)
		}
	}
	return miss
}

// List splits a comma-separated field (Groups, OtherDirectoryIDs).
func List(field string) []string {
	var out []string
	for _, s := range strings.Split(field, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
