package diagnose

import (
	"errors"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"
	"github.com/syncdoctor/syncdoctor/steps/internal/address"
)

func TestParseIdpError(t *testing.T) {
	tests := []struct {
		name string
		text string
		want IdpErrorInfo
	}{
		{
			name: "scim body",
			text: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[yuki.t@acme.com] already exists."}`,
			want: IdpErrorInfo{Target: "yuki.t@acme.com", Code: "uniqueness", Status: 409},
		},
		{
			name: "detail alone",
			text: "Resource [USER]: with email[Yuki.T@Acme.com] already exists.",
			want: IdpErrorInfo{Target: "Yuki.T@Acme.com", Code: "uniqueness", Status: 409},
		},
		{
			name: "entra log with body",
			text: "Failed to update User 'yuki.tanaka@acme.com' in AtlassianCloud\n" +
				"Error code: SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering\n" +
				"Status code: Conflict (409)\n" +
				"StatusCode: Conflict Message: Processing of the HTTP request resulted in an exception.\n" +
				`Web response: {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[yuki.t@acme.com] already exists."}`,
			want: IdpErrorInfo{Target: "yuki.t@acme.com", UserHint: "yuki.tanaka@acme.com", IdP: steps.IdpEntra,
				Code: "SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering", Status: 409},
		},
		{
			name: "okta message",
			text: "Automatic provisioning of user jane@acme.com to app Atlassian Cloud failed: Error while updating user Jane Roe: Conflict. " +
				"Errors reported by remote server: Resource [USER]: with email[jane.roe@acme.com] already exists.",
			want: IdpErrorInfo{Target: "jane.roe@acme.com", UserHint: "jane@acme.com", IdP: steps.IdpOkta, Code: "uniqueness", Status: 409},
		},
		{
			name: "other IdPs' plain wording",
			text: "Couldn't update user ann@acme.com in Atlassian Cloud: 409 Conflict: Resource [USER]: with email[ann.b@acme.com] already exists.",
			want: IdpErrorInfo{Target: "ann.b@acme.com", UserHint: "ann@acme.com", Code: "uniqueness", Status: 409},
		},
		{
			name: "json escaped twice, wrapped lines",
			text: `"{\\\"status\\\":\\\"409\\\",\\\"scimType\\\":\\\"uniqueness\\\",\\\"detail\\\":\\\"Resource [USER]: with` + "\n  " + `email[kenji.w@acme.com] already exists.\\\"}"`,
			want: IdpErrorInfo{Target: "kenji.w@acme.com", Code: "uniqueness", Status: 409},
		},
		{
			name: "unicode and html escapes",
			text: `Failed to update user \u0027ann@acme.com\u0027 in AtlassianCloud: with email[ann.b\u0040acme.com] already exists` +
				` / Failed to update user &#39;ann@acme.com&#39;`,
			want: IdpErrorInfo{Target: "ann.b@acme.com", UserHint: "ann@acme.com", IdP: steps.IdpEntra, Code: "uniqueness", Status: 409},
		},
		{
			name: "address split by a line break inside the brackets",
			text: "Resource [USER]: with email[li.wei@acme\n.com] already exists.",
			want: IdpErrorInfo{Target: "li.wei@acme.com", Code: "uniqueness", Status: 409},
		},
		{
			name: "no 409 detail: the one address besides the user's",
			text: "Failed to update user 'bo@acme.com' in AtlassianCloud: the address bo.new@acme.com is used by another user",
			want: IdpErrorInfo{Target: "bo.new@acme.com", UserHint: "bo@acme.com", IdP: steps.IdpEntra},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIdpError(tt.text)
			if err != nil {
				t.Fatalf("ParseIdpError: %v", err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseIdpErrorWithoutTarget(t *testing.T) {
	tests := []struct {
		name, text, mention string
	}{
		{"empty", "  \n ", "empty"},
		{"no email at all", "StatusCode: Conflict Message: Processing of the HTTP request resulted in an exception.", "no email address"},
		{"entra line names only the user", "Failed to update user 'yuki.tanaka@acme.com' in AtlassianCloud", "only the user (yuki.tanaka@acme.com)"},
		{"okta without the remote error", "Automatic provisioning of user jane@acme.com to app Atlassian Cloud failed: Conflict.", "only the user (jane@acme.com)"},
		{"several candidates", "Failed to update user 'u@acme.com' in AtlassianCloud: a@acme.com conflicts with b@acme.com", "several addresses (a@acme.com, b@acme.com)"},
		// Only where an IdP's error puts an address, and only a whole one.
		{"addresses with no IdP wording", "a@acme.com conflicts with b@acme.com", "no email address where an IdP's error puts one"},
		{"409 detail that is no address", "Resource [USER]: with email[jane,doe@acme.io] already exists.", `email[jane,doe@acme.io], which is no address`},
		{"address inside a word", "Failed to update user 'u@acme.com' in AtlassianCloud: to:bo@acme.com", "only the user (u@acme.com)"},
		{"random bytes", "\x93r@gsa.F\xff\x00q@@x.y", "no email address"},
		{"too long", strings.Repeat("x", MaxIdpErrorBytes+1), "at most 64 KB"},
		{"many addresses", "Failed to update user 'u@acme.com': " + strings.Repeat("x@acme.com ", 5) + "a1@acme.com a2@acme.com a3@acme.com a4@acme.com", "several addresses (x@acme.com, a1@acme.com, a2@acme.com and 2 more)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIdpError(tt.text)
			var in *InputError
			if !errors.As(err, &in) {
				t.Fatalf("err = %v, want an *InputError", err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("err = %q, want it to mention %q", err, tt.mention)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("err spans lines: %q", err)
			}
			if len(err.Error()) > 500 {
				t.Errorf("err of %d bytes", len(err.Error()))
			}
		})
	}
}

func TestValidEmail(t *testing.T) {
	good := []string{"a@b.co", "yuki.tanaka@acme.com", "Jane+tag@sub.Acme.io", "o'neil@acme.com", "x_duplicate2@acme.com"}
	for _, s := range good {
		if err := address.Valid(s); err != nil {
			t.Errorf("ValidEmail(%q) = %v, want nil", s, err)
		}
	}
	bad := []string{
		"", "plain", "a@b", "a@@b.com", "a@b@c.com", "@acme.com", "a@.com", "a@acme..com", "a@acme.com.",
		"Jane <jane@acme.com>", "<jane@acme.com>", "jane @acme.com", " jane@acme.com", "jane@acme.com\n",
		"a@[127.0.0.1]", `"a b"@acme.com`,
	}
	for _, s := range bad {
		if err := address.Valid(s); err == nil {
			t.Errorf("ValidEmail(%q) = nil, want an error", s)
		}
	}
}
