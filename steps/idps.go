package steps

// IdP kinds, as a snapshot's directories and the hints name them.
const (
	IdpEntra    = "entra"
	IdpOkta     = "okta"
	IdpGoogle   = "google"
	IdpOneLogin = "onelogin"
	IdpOther    = "other"
)
