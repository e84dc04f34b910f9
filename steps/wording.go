package steps

import "fmt"

// idpDisplayName names an IdP kind for people.
func idpDisplayName(kind string) string {
	switch kind {
	case IdpEntra:
		return "Microsoft Entra ID"
	case IdpOkta:
		return "Okta"
	case IdpGoogle:
		return "Google Workspace"
	case IdpOneLogin:
		return "OneLogin"
	}
	return "the identity provider"
}

// socialDisplayName names a social login provider for people.
func socialDisplayName(provider string) string {
	switch provider {
	case "google":
		return "Google"
	case "microsoft":
		return "Microsoft"
	}
	return provider
}

func statusWord(status string) string {
	if status == "inactive" {
		return "deactivated"
	}
	return status
}

func orWord(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// accountName names an account for people: "Name (email)".
func accountName(name, email, id string) string {
	switch {
	case name != "" && email != "":
		return fmt.Sprintf("%s (%s)", name, email)
	case email != "":
		return email
	case name != "":
		return fmt.Sprintf("%s (account %s)", name, id)
	}
	return "account " + id
}

// accountNameWithID names an account with its id: "Name (email, account id)".
func accountNameWithID(name, email, id string) string {
	switch {
	case name != "" && email != "":
		return fmt.Sprintf("%s (%s, account %s)", name, email, id)
	case email != "":
		return fmt.Sprintf("%s (account %s)", email, id)
	}
	return accountName(name, email, id)
}
