package wording

import (
	"fmt"

	"github.com/syncdoctor/syncdoctor/steps"
)

// IdpName names an IdP kind for people.
func IdpName(kind steps.IdpKind) string {
	if name := kind.DisplayName(); name != "" {
		return name
	}
	return "the identity provider"
}

// socialDisplayName names a social login provider for people.
func SocialName(provider string) string {
	switch provider {
	case "google":
		return "Google"
	case "microsoft":
		return "Microsoft"
	}
	return provider
}

func Status(status string) string {
	if status == "inactive" {
		return "deactivated"
	}
	return status
}

func Or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// accountName names an account for people: "Name (email)".
func Account(name, email, id string) string {
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
func AccountWithID(name, email, id string) string {
	switch {
	case name != "" && email != "":
		return fmt.Sprintf("%s (%s, account %s)", name, email, id)
	case email != "":
		return fmt.Sprintf("%s (account %s)", email, id)
	}
	return Account(name, email, id)
}
