package steps

// IdpKind is the identity provider behind a SCIM directory.
type IdpKind string

// IdP kinds, as a snapshot's directories and the hints name them.
const (
	IdpEntra    IdpKind = "entra"
	IdpOkta     IdpKind = "okta"
	IdpGoogle   IdpKind = "google"
	IdpOneLogin IdpKind = "onelogin"
	IdpOther    IdpKind = "other"
)

// Valid reports whether k is one of the kinds above.
func (k IdpKind) Valid() bool {
	switch k {
	case IdpEntra, IdpOkta, IdpGoogle, IdpOneLogin, IdpOther:
		return true
	}
	return false
}

// DisplayName names the IdP for people; "" for other and unknown kinds.
func (k IdpKind) DisplayName() string {
	switch k {
	case IdpEntra:
		return "Microsoft Entra ID"
	case IdpOkta:
		return "Okta"
	case IdpGoogle:
		return "Google Workspace"
	case IdpOneLogin:
		return "OneLogin"
	}
	return ""
}
