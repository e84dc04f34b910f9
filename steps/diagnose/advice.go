package diagnose

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/syncdoctor/syncdoctor/client"
)

// Advice says in plain words why the org could not be read and what to do,
// naming the setting to check. An error it does not know is said as it is.
func Advice(err error) string {
	var (
		auth *client.AuthError
		rate *client.RateLimitError
		org  *client.OrgError
		ne   net.Error
	)
	switch {
	case errors.As(err, &auth) && auth.API == client.APISCIM:
		return fmt.Sprintf("The SCIM API key of directory %s was refused. Check %s "+
			"(shown once when the directory's provisioning was set up; regenerate it if lost).", auth.Directory, client.EnvSCIMAPIKey)
	case errors.As(err, &auth):
		return fmt.Sprintf("The org API key was refused. Check %s: it must be an org API key "+
			"created without scopes, for the org named in %s.", client.EnvOrgAPIKey, client.EnvOrgID)
	case errors.As(err, &rate):
		wait := "a minute"
		if rate.RetryAfter > 0 {
			wait = rate.RetryAfter.Round(time.Second).String()
		}
		return "Atlassian is limiting requests (429 rate limited). Wait " + wait + ", then try again."
	case errors.As(err, &org) && org.Code() == "ADMIN-404-2":
		return fmt.Sprintf("Atlassian does not know this org. Check %s.", client.EnvOrgID)
	case errors.As(err, &ne):
		return fmt.Sprintf("The Atlassian API could not be reached (%s). Check the network "+
			"connection, and %s if you set it.", err.Error(), client.EnvAPIURL)
	}
	return err.Error()
}
