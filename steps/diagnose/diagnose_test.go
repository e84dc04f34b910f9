package diagnose

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"
)

const (
	entraPaste = "Failed to update User 'yuki.tanaka@acme.com' in AtlassianCloud\r\n" +
		"Error code: SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering\r\n" +
		`Web response: {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[yuki.t@acme.com] already exists."}`
	scimPaste = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"Resource [USER]: with email[YUKI.T@acme.com] already exists."}`
	oktaPaste = "Automatic provisioning of user yuki.tanaka@acme.com to app Atlassian Cloud failed: Error while updating user Yuki Tanaka: Conflict. " +
		"Errors reported by remote server: Resource [USER]: with email[yuki.t@acme.com] already exists."
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name        string
		req         Request
		query       string
		target      string
		byEmail     bool
		idp         steps.IdpKind
		wantIdpInfo bool
	}{
		{"email and target", Request{User: " yuki.tanaka@acme.com ", Target: "yuki.t@acme.com"}, "yuki.tanaka@acme.com", "yuki.t@acme.com", true, "", false},
		{"account id", Request{User: "712020:5f1a-bc", Target: "yuki.t@acme.com"}, "712020:5f1a-bc", "yuki.t@acme.com", false, "", false},
		{"target from the Entra line", Request{User: "712020:5f1a", IdpError: entraPaste}, "712020:5f1a", "yuki.t@acme.com", false, steps.IdpEntra, true},
		{"target from the SCIM body", Request{User: "yuki.tanaka@acme.com", IdpError: scimPaste}, "yuki.tanaka@acme.com", "YUKI.T@acme.com", true, "", true},
		{"target from Okta", Request{User: "yuki.tanaka@acme.com", IdpError: oktaPaste}, "yuki.tanaka@acme.com", "yuki.t@acme.com", true, steps.IdpOkta, true},
		{"user from the pasted error", Request{IdpError: entraPaste}, "yuki.tanaka@acme.com", "yuki.t@acme.com", true, steps.IdpEntra, true},
		{"--target wins over the paste", Request{User: "yuki.tanaka@acme.com", Target: "other@acme.com", IdpError: entraPaste}, "yuki.tanaka@acme.com", "other@acme.com", true, steps.IdpEntra, true},
		{"--target with a paste that names none", Request{User: "u@acme.com", Target: "t@acme.com", IdpError: "Conflict"}, "u@acme.com", "t@acme.com", true, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, byEmail, err := parseRequest(tt.req)
			if err != nil {
				t.Fatalf("parseRequest: %v", err)
			}
			if f.Query != tt.query || f.Target != tt.target || byEmail != tt.byEmail {
				t.Errorf("got query %q target %q byEmail %v, want %q %q %v", f.Query, f.Target, byEmail, tt.query, tt.target, tt.byEmail)
			}
			if (f.IdpError != nil) != tt.wantIdpInfo {
				t.Fatalf("IdpError = %+v", f.IdpError)
			}
			if f.IdpError != nil && f.IdpError.IdP != tt.idp {
				t.Errorf("IdP = %q, want %q", f.IdpError.IdP, tt.idp)
			}
		})
	}
}

func TestDiagnoseBadInput(t *testing.T) {
	tests := []struct {
		name    string
		req     Request
		mention string
	}{
		{"no user", Request{Target: "t@acme.com"}, "name the user"},
		{"no target", Request{User: "u@acme.com"}, "target"},
		{"malformed target", Request{User: "u@acme.com", Target: "t@acme"}, "target"},
		{"target with a display name", Request{User: "u@acme.com", Target: "T <t@acme.com>"}, "target"},
		{"malformed user email", Request{User: "u@@acme.com", Target: "t@acme.com"}, "user"},
		{"neither email nor account id", Request{User: "Yuki Tanaka", Target: "t@acme.com"}, "neither an email nor"},
		{"paste without an email", Request{User: "u@acme.com", IdpError: "StatusCode: Conflict"}, "no email address"},
		{"paste naming only the user", Request{User: "u@acme.com", IdpError: "Failed to update user 'u@acme.com' in AtlassianCloud"}, "only the user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Bad input is refused before the org is touched: no client needed.
			d, err := Diagnose(context.Background(), nil, tt.req, steps.Hints{}, nil)
			var in *InputError
			if d != nil || !errors.As(err, &in) {
				t.Fatalf("Diagnose = %v, %v; want an *InputError", d, err)
			}
			if !strings.Contains(err.Error(), tt.mention) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line mentioning %q", err, tt.mention)
			}
		})
	}
}

// A user named by account id, the target read from a pasted error: the
// facts gathered for them classify and plan like any other.
func TestDiagnosisFromPastedErrorAndAccountID(t *testing.T) {
	for _, paste := range []string{entraPaste, scimPaste, oktaPaste} {
		f, byEmail, err := parseRequest(Request{User: "712020:yuki", IdpError: paste})
		if err != nil || byEmail {
			t.Fatalf("parseRequest: %v, byEmail %v", err, byEmail)
		}
		f.User = yuki(yukiEntra)
		f.Holder = jane("yuki.t@acme.com", products("jira-software"))
		f.Domains = verified("acme.com")
		d := diagnosed(f)
		if d.Verdict != steps.VerdictEmailTaken || !slices.Contains(codes(d.Findings), steps.FindingHolderProductAccess) {
			t.Errorf("%s...: verdict %s findings %v", paste[:20], d.Verdict, codes(d.Findings))
		}
		if ids := steps.IDs(d.Plan); !slices.Equal(ids, []steps.StepID{steps.StepCheckHolder, steps.StepParkHolder, steps.StepProvisionUser, steps.StepVerifyUser}) {
			t.Errorf("plan %v", ids)
		}
	}
}

func TestDiagnosisJSON(t *testing.T) {
	f := baseFacts(yuki(yukiEntra), jane("yuki.t@acme.com"), "yuki.t@acme.com")
	d := diagnosed(f)
	d.User = &UserRef{AccountID: "712020:yuki", Email: "yuki.tanaka@acme.com", Name: "Yuki <Tanaka> & co"}
	d.Evidence = []Evidence{{Call: "GET x", Answer: "y"}}
	data, err := d.JSON(steps.OrgRef{ID: "org-1", Name: "Acme", Mode: steps.ModeDemo})
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range top {
			if !yield(k) {
				return
			}
		}
	})
	if !slices.Equal(keys, []string{"evidence", "findings", "incomplete", "org", "plan", "schemaVersion", "target", "user", "verdict"}) {
		t.Errorf("top-level keys %v", keys)
	}
	if !strings.Contains(string(data), `"schemaVersion": 2`) || !strings.Contains(string(data), `"org": {
    "id": "org-1",
    "name": "Acme",
    "mode": "demo"
  }`) || !strings.Contains(string(data), `"evidence": [
    {
      "call": "GET x",
      "answer": "y"
    }
  ]`) {
		t.Errorf("schema version, org or evidence:\n%s", data)
	}
	var out struct {
		User     map[string]string `json:"user"`
		Target   string            `json:"target"`
		Verdict  string            `json:"verdict"`
		Findings []map[string]any  `json:"findings"`
		Plan     []map[string]any  `json:"plan"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out.User["accountId"] != "712020:yuki" || out.User["name"] != "Yuki <Tanaka> & co" || len(out.User) != 3 {
		t.Errorf("user %v", out.User)
	}
	if !strings.Contains(string(data), "Yuki <Tanaka> & co") {
		t.Errorf("HTML-escaped output: %s", data)
	}
	if out.Target != "yuki.t@acme.com" || out.Verdict != string(steps.VerdictEmailTaken) {
		t.Errorf("target %q verdict %q", out.Target, out.Verdict)
	}
	for _, fd := range out.Findings {
		if len(fd) != 3 || fd["code"] == nil || fd["accountId"] == nil || fd["detail"] == nil {
			t.Errorf("finding %v, want exactly code, accountId, detail", fd)
		}
	}
	for _, s := range out.Plan {
		if len(s) != 4 || s["id"] == nil || s["kind"] == nil || s["title"] == nil || s["destructive"] == nil {
			t.Errorf("plan step %v, want exactly id, kind, title, destructive", s)
		}
	}

	// not-found: user null, plan [] (never null).
	nf := diagnosed(baseFacts(nil, nil, "x@acme.com"))
	data, err = nf.JSON(steps.OrgRef{})
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if !strings.Contains(s, `"user": null`) || !strings.Contains(s, `"plan": []`) || !strings.Contains(s, `"verdict": "not-found"`) {
		t.Errorf("not-found JSON:\n%s", s)
	}
	empty := &Diagnosis{Verdict: steps.VerdictNoBlocker}
	data, _ = empty.JSON(steps.OrgRef{})
	if !strings.Contains(string(data), `"findings": []`) || !strings.Contains(string(data), `"plan": []`) ||
		!strings.Contains(string(data), `"evidence": []`) || !strings.Contains(string(data), `"incomplete": []`) {
		t.Errorf("lists are not []:\n%s", data)
	}
}
