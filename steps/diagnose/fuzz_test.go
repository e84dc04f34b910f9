package diagnose

import (
	"errors"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps/internal/address"
)

// FuzzParseIdpError: whatever is pasted, ParseIdpError does not panic; a
// target it reads is a valid address that the text holds as a whole word
// or in its 409 detail; a text it reads nothing from gets one short line
// saying what to paste instead.
func FuzzParseIdpError(f *testing.F) {
	for _, s := range []string{
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[yuki.t@acme.com] already exists."}`,
		"Failed to update User 'yuki.tanaka@acme.com' in AtlassianCloud\nError code: SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering\nStatus code: Conflict (409)",
		"Automatic provisioning of user jane@acme.com to app Atlassian Cloud failed: Errors reported by remote server: Resource [USER]: with email[jane.roe@acme.com] already exists.",
		"Failed to update user 'bo@acme.com' in AtlassianCloud: the address bo.new@acme.com is used by another user",
		"Resource [USER]: with email[jane,doe@acme.io] already exists.",
		`"{\\\"detail\\\":\\\"Resource [USER]: with email[kenji.w\u0040acme.com] already exists.\\\"}"`,
		"Resource [USER]: with email[li.wei@acme\n.com] already exists.",
		"\x93r@gsa.F\xff", "", "a@b.co",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		info, err := ParseIdpError(text)
		if err != nil {
			var in *InputError
			if !errors.As(err, &in) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || len(msg) > 1000 {
				t.Fatalf("error of %d bytes, lines: %q", len(msg), msg)
			}
			return
		}
		if verr := address.Valid(info.Target); verr != nil {
			t.Fatalf("target %q is not valid: %v", info.Target, verr)
		}
		if !strings.Contains(strings.ToLower(normalizeLogText(text)), strings.ToLower(info.Target)) {
			t.Fatalf("target %q is not in the text", info.Target)
		}
	})
}
