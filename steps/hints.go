package steps

// Hints are facts no Atlassian API exposes. A simulated org knows them from
// its snapshot; against a live org the operator states them (flags or
// environment). A nil pointer or a missing map entry means unknown.
type Hints struct {
	// SamlSso is whether SAML single sign-on is on (optional or enforced).
	SamlSso *bool `json:"samlSso,omitempty"`
	// GoogleWorkspace is whether the Google Workspace integration is on.
	GoogleWorkspace *bool `json:"googleWorkspace,omitempty"`
	// DirectoryIdp maps a SCIM directory id to the IdP behind it:
	// entra | okta | google | onelogin | other.
	DirectoryIdp map[string]IdpKind `json:"directoryIdp,omitempty"`
	// SocialLogin maps an account id to the social login it uses:
	// google | microsoft.
	SocialLogin map[string]string `json:"socialLogin,omitempty"`
	// SamlLoggedIn holds the accounts that have logged in through SAML
	// (true); nil when that is unknown (a live org).
	SamlLoggedIn map[string]bool `json:"samlLoggedIn,omitempty"`
}

// IdpOf is the IdP behind a directory, "" when unknown.
func (h Hints) IdpOf(directoryID string) IdpKind { return h.DirectoryIdp[directoryID] }

// SamlState is "on", "off" or "unknown".
func (h Hints) SamlState() string {
	switch {
	case h.SamlSso == nil:
		return "unknown"
	case *h.SamlSso:
		return "on"
	}
	return "off"
}
