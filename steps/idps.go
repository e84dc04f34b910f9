package steps

import "fmt"

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

// SamlAttribute names, for people, where the IdP keeps the address it
// sends as the account email at SAML login (domain.md, bulk setup 2).
func (k IdpKind) SamlAttribute() string {
	switch k {
	case IdpEntra:
		return "the attribute mapped to the Unique User Identifier (Name ID) claim in the app's single sign-on settings"
	case IdpOkta:
		return "the attribute behind the app's username format (Sign On settings)"
	case IdpGoogle:
		return "the primary email (the SAML app's Name ID)"
	}
	return "the attribute sent as the SAML NameID"
}

// ScimAttribute names, for people, the attribute provisioning syncs as the
// account email (domain.md, bulk setup 3).
func (k IdpKind) ScimAttribute() string {
	switch k {
	case IdpEntra:
		return `mail mapped to emails[type eq "work"].value in the provisioning attribute mappings`
	case IdpOkta:
		return "the primary email mapped to the app's primary email (provisioning profile mappings)"
	case IdpGoogle:
		return "the primary email"
	}
	return `the attribute mapped to emails[type eq "work"].value`
}

// SamlAttributeOrEach is SamlAttribute, or when the IdP is not known, the
// attribute in each IdP.
func (k IdpKind) SamlAttributeOrEach() string {
	if k != "" {
		return k.SamlAttribute()
	}
	return fmt.Sprintf("in Microsoft Entra ID, %s; in Okta, %s; in other IdPs, %s",
		IdpEntra.SamlAttribute(), IdpOkta.SamlAttribute(), IdpOther.SamlAttribute())
}

// ScimAttributeOrEach is ScimAttribute, or when the IdP is not known, the
// attribute in each IdP.
func (k IdpKind) ScimAttributeOrEach() string {
	if k != "" {
		return k.ScimAttribute()
	}
	return fmt.Sprintf("in Microsoft Entra ID, %s; in Okta, %s; in other IdPs, %s",
		IdpEntra.ScimAttribute(), IdpOkta.ScimAttribute(), IdpOther.ScimAttribute())
}
