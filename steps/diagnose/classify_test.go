package diagnose

import (
	"slices"
	"strings"
	"testing"

	"github.com/syncdoctor/syncdoctor/steps"

	"github.com/syncdoctor/syncdoctor/client"
)

// Hand-built facts: accounts, SCIM records and orgs, as diagnosis would
// have read them.

type acctOpt func(*AccountFacts)

func newAcct(id, name, email string, opts ...acctOpt) *AccountFacts {
	a := &AccountFacts{User: client.User{AccountID: id, Name: name, Email: email, AccountStatus: "active", ClaimStatus: "managed"},
		Links: []client.ScimLink{}, Scim: []ScimRecord{}}
	for _, o := range opts {
		o(a)
	}
	return a
}

func unmanagedAcct(a *AccountFacts) { a.ClaimStatus = "unmanaged" }
func forbiddenAcct(a *AccountFacts) { a.Unmanageable = true }
func deactivated(a *AccountFacts)   { a.AccountStatus = "inactive" }
func products(keys ...string) acctOpt {
	return func(a *AccountFacts) {
		for _, k := range keys {
			a.ProductAccess = append(a.ProductAccess, client.ProductAccess{Key: k})
		}
	}
}
func emailSet(reason string) acctOpt {
	return func(a *AccountFacts) {
		if reason == "" {
			a.EmailSet = &client.Privilege{Allowed: true}
			return
		}
		a.EmailSet = &client.Privilege{Reason: &client.ReasonKey{Key: reason}}
	}
}

// linked links the account to a SCIM user of dir; the record is read.
func linked(dir, scimID, externalID, userName, email, display string) acctOpt {
	return func(a *AccountFacts) {
		id := a.AccountID
		synced := "synced"
		a.ManagementSource = &synced
		a.Links = append(a.Links, client.ScimLink{ScimUserID: scimID, AtlassianAccountID: &id, DirectoryID: dir})
		a.Scim = append(a.Scim, scimRec(dir, scimID, id, externalID, userName, email, display))
	}
}

// ownRecord gives the account an unlinked SCIM record carrying its email.
func ownRecord(dir, scimID, externalID, display string) acctOpt {
	return func(a *AccountFacts) {
		a.Scim = append(a.Scim, scimRec(dir, scimID, "", externalID, a.Email, a.Email, display))
	}
}

func scimRec(dir, scimID, accountID, externalID, userName, email, display string) ScimRecord {
	u := &client.ScimUser{ID: scimID, ExternalID: externalID, UserName: userName, DisplayName: display,
		Emails: []client.ScimEmail{{Value: email, Type: "work", Primary: true}}}
	if accountID != "" {
		u.Atlassian = &client.AtlassianExt{AtlassianAccountID: accountID}
	}
	return ScimRecord{DirectoryID: dir, ScimUserID: scimID, LinkedAccountID: accountID, User: u, Ev: []int{7}}
}

func verified(names ...string) []client.Domain {
	var out []client.Domain
	for _, n := range names {
		out = append(out, client.Domain{Name: n, ClaimType: "dns", ClaimStatus: "verified"})
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func baseFacts(user, holder *AccountFacts, target string) *OrgFacts {
	return &OrgFacts{
		Query: "q", Target: target, User: user, Holder: holder,
		Domains:         verified("acme.com", "acme.io"),
		ScimDirectories: []string{"d-entra"},
		Hints:           steps.Hints{SamlSso: ptr(false), DirectoryIdp: map[string]steps.IdpKind{"d-entra": steps.IdpEntra, "d-okta": steps.IdpOkta, "d-google": steps.IdpGoogle}},
		UserLookupEv:    []int{0}, DomainsEv: []int{1}, HolderLookupEv: []int{2},
	}
}

func yuki(opts ...acctOpt) *AccountFacts {
	return newAcct("712020:yuki", "Yuki Tanaka", "yuki.tanaka@acme.com", opts...)
}

func jane(email string, opts ...acctOpt) *AccountFacts {
	return newAcct("712020:jane", "Jane Roe", email, opts...)
}

func codes(fs []Finding) []steps.FindingCode {
	out := make([]steps.FindingCode, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func findingFor(fs []Finding, code steps.FindingCode) *Finding {
	for i := range fs {
		if fs[i].Code == code {
			return &fs[i]
		}
	}
	return nil
}

func TestClassifyVerdicts(t *testing.T) {
	entraYuki := linked("d-entra", "s-yuki", "obj-yuki", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka")
	tests := []struct {
		name     string
		facts    func() *OrgFacts
		verdict  steps.Verdict
		findings []steps.FindingCode // exactly these codes, in this order
	}{
		{
			name:     "no account matches",
			facts:    func() *OrgFacts { return baseFacts(nil, nil, "yuki.t@acme.com") },
			verdict:  steps.VerdictNotFound,
			findings: []steps.FindingCode{steps.VerdictNotFound.Code()},
		},
		{
			name: "nothing blocks",
			facts: func() *OrgFacts {
				return baseFacts(yuki(entraYuki, emailSet(client.ReasonSCIM)), nil, "yuki.t@acme.com")
			},
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code()},
		},
		{
			name: "target domain unlisted (another org's or nobody's)",
			facts: func() *OrgFacts {
				return baseFacts(yuki(entraYuki), nil, "yuki@partner.io")
			},
			verdict:  steps.VerdictTargetDomainUnclaimed,
			findings: []steps.FindingCode{steps.VerdictTargetDomainUnclaimed.Code()},
		},
		{
			name: "target domain listed but unverified",
			facts: func() *OrgFacts {
				f := baseFacts(yuki(entraYuki), nil, "yuki@acme-labs.com")
				f.Domains = append(f.Domains, client.Domain{Name: "acme-labs.com", ClaimStatus: "unverified"})
				return f
			},
			verdict:  steps.VerdictTargetDomainUnclaimed,
			findings: []steps.FindingCode{steps.VerdictTargetDomainUnclaimed.Code()},
		},
		{
			name:     "account unmanaged by claim status",
			facts:    func() *OrgFacts { return baseFacts(yuki(unmanagedAcct), nil, "yuki.t@acme.com") },
			verdict:  steps.VerdictAccountUnmanaged,
			findings: []steps.FindingCode{steps.VerdictAccountUnmanaged.Code(), steps.FindingScimRecordMissing},
		},
		{
			name: "account on a domain not verified here",
			facts: func() *OrgFacts {
				return baseFacts(newAcct("a1", "Bo Li", "bo@gmail.com"), nil, "bo@acme.com")
			},
			verdict:  steps.VerdictAccountUnmanaged,
			findings: []steps.FindingCode{steps.VerdictAccountUnmanaged.Code(), steps.FindingScimRecordMissing},
		},
		{
			name:     "account the user-management API refuses",
			facts:    func() *OrgFacts { return baseFacts(yuki(forbiddenAcct), nil, "yuki.t@acme.com") },
			verdict:  steps.VerdictAccountUnmanaged,
			findings: []steps.FindingCode{steps.VerdictAccountUnmanaged.Code(), steps.FindingScimRecordMissing},
		},
		{
			name: "verdict order: domain first, the later conditions as findings",
			facts: func() *OrgFacts {
				f := baseFacts(yuki(unmanagedAcct), jane("yuki@partner.io", unmanagedAcct), "yuki@partner.io")
				f.Domains = append(f.Domains, client.Domain{Name: "partner.io", ClaimStatus: "superseded"})
				return f
			},
			verdict: steps.VerdictTargetDomainUnclaimed,
			findings: []steps.FindingCode{steps.VerdictTargetDomainUnclaimed.Code(), steps.VerdictAccountUnmanaged.Code(), steps.VerdictEmailTaken.Code(),
				steps.FindingTargetDomainOtherOrg, steps.FindingHolderOtherOrg, steps.FindingScimRecordMissing},
		},
		{
			name: "duplicate: same externalId in two directories",
			facts: func() *OrgFacts {
				u := yuki(linked("d-okta", "s-old", "ext-1", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka"))
				h := newAcct("712020:dup", "Yuki T.", "yuki.t@acme.com",
					linked("d-entra", "s-new", "ext-1", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki T."))
				return baseFacts(u, h, "yuki.t@acme.com")
			},
			verdict:  steps.VerdictDuplicateAccount,
			findings: []steps.FindingCode{steps.VerdictDuplicateAccount.Code(), steps.FindingHolderProvisioned},
		},
		{
			name: "duplicate: same externalId, the user's record unlinked but carrying its email",
			facts: func() *OrgFacts {
				u := yuki(ownRecord("d-entra", "s-old", "ext-1", "Yuki Tanaka"))
				h := newAcct("712020:dup", "Someone Else", "yuki.t@acme.com",
					linked("d-entra", "s-new", "ext-1", "yuki.t@acme.com", "yuki.t@acme.com", "Someone Else"))
				return baseFacts(u, h, "yuki.t@acme.com")
			},
			verdict:  steps.VerdictDuplicateAccount,
			findings: []steps.FindingCode{steps.VerdictDuplicateAccount.Code(), steps.FindingScimUnlinked, steps.FindingHolderProvisioned},
		},
		{
			name: "duplicate: unlinked user, holder's SCIM user has the user's name (case and spacing aside)",
			facts: func() *OrgFacts {
				h := newAcct("712020:dup", "yuki  TANAKA", "yuki.t@acme.com",
					linked("d-entra", "s-new", "ext-9", "yuki.t@acme.com", "yuki.t@acme.com", " yuki  TANAKA "))
				return baseFacts(yuki(deactivated), h, "yuki.t@acme.com")
			},
			verdict:  steps.VerdictDuplicateAccount,
			findings: []steps.FindingCode{steps.VerdictDuplicateAccount.Code(), steps.FindingAccountInactive, steps.FindingHolderProvisioned, steps.FindingScimRecordMissing},
		},
		{
			name: "duplicate by name from the account when the SCIM record has no key",
			facts: func() *OrgFacts {
				h := newAcct("712020:dup", "Yuki Tanaka", "yuki.t@acme.com", linked("d-other", "s-new", "", "", "", ""))
				h.Scim[0].User, h.Scim[0].Unread = nil, UnreadNoKey
				return baseFacts(yuki(), h, "yuki.t@acme.com")
			},
			verdict:  steps.VerdictDuplicateAccount,
			findings: []steps.FindingCode{steps.VerdictDuplicateAccount.Code(), steps.FindingHolderProvisioned, steps.FindingScimRecordMissing},
		},
		{
			name: "same name but the user is still linked: email taken, not a duplicate",
			facts: func() *OrgFacts {
				h := newAcct("712020:dup", "Yuki Tanaka", "yuki.t@acme.com",
					linked("d-entra", "s-new", "ext-9", "yuki.t@acme.com", "yuki.t@acme.com", "Yuki Tanaka"))
				return baseFacts(yuki(entraYuki), h, "yuki.t@acme.com")
			},
			verdict:  steps.VerdictEmailTaken,
			findings: []steps.FindingCode{steps.VerdictEmailTaken.Code(), steps.FindingHolderProvisioned, steps.FindingHolderOtherPerson},
		},
		{
			name: "email taken by a holder with product access",
			facts: func() *OrgFacts {
				return baseFacts(yuki(entraYuki), jane("yuki.t@acme.com", products("jira-software", "confluence")), "yuki.t@acme.com")
			},
			verdict:  steps.VerdictEmailTaken,
			findings: []steps.FindingCode{steps.VerdictEmailTaken.Code(), steps.FindingHolderProductAccess},
		},
		{
			name: "email taken by an unmanaged holder on a verified domain: claimable, not another org's",
			facts: func() *OrgFacts {
				return baseFacts(yuki(entraYuki), jane("yuki.t@acme.com", unmanagedAcct, forbiddenAcct, deactivated), "yuki.t@acme.com")
			},
			verdict:  steps.VerdictEmailTaken,
			findings: []steps.FindingCode{steps.VerdictEmailTaken.Code(), steps.FindingHolderClaimable, steps.FindingHolderInactive},
		},
		{
			name:     "idp-owned: email.set refused by Google Workspace",
			facts:    func() *OrgFacts { return baseFacts(yuki(emailSet(client.ReasonGoogle)), nil, "yuki.t@acme.com") },
			verdict:  steps.VerdictIdpOwned,
			findings: []steps.FindingCode{steps.VerdictIdpOwned.Code()},
		},
		{
			name: "idp-owned: linked to a Google directory, privileges unknown",
			facts: func() *OrgFacts {
				return baseFacts(yuki(linked("d-google", "s-g", "g-1", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka")), nil, "yuki.t@acme.com")
			},
			verdict:  steps.VerdictIdpOwned,
			findings: []steps.FindingCode{steps.VerdictIdpOwned.Code()},
		},
		{
			name: "Google as a SCIM IdP is not idp-owned",
			facts: func() *OrgFacts {
				return baseFacts(yuki(linked("d-google", "s-g", "g-1", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka"),
					emailSet(client.ReasonSCIM)), nil, "yuki.t@acme.com")
			},
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code()},
		},
		{
			name: "target equals current, differing only in case",
			facts: func() *OrgFacts {
				return baseFacts(newAcct("a1", "Yuki Tanaka", "Yuki.Tanaka@Acme.com", entraYuki), nil, "yuki.tanaka@ACME.COM")
			},
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code(), steps.FindingTargetEqualsCurrent},
		},
		{
			name: "holder email differs from the target only in case",
			facts: func() *OrgFacts {
				return baseFacts(yuki(entraYuki), jane("YUKI.T@acme.com"), "yuki.t@Acme.COM")
			},
			verdict:  steps.VerdictEmailTaken,
			findings: []steps.FindingCode{steps.VerdictEmailTaken.Code()},
		},
		{
			name: "no SCIM record where the org provisions",
			facts: func() *OrgFacts {
				return baseFacts(yuki(), nil, "yuki.t@acme.com")
			},
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code(), steps.FindingScimRecordMissing},
		},
		{
			name: "no SCIM record where the org has no directory: missing, literally (contract §2)",
			facts: func() *OrgFacts {
				f := baseFacts(yuki(), nil, "yuki.t@acme.com")
				f.ScimDirectories = nil
				return f
			},
			verdict:  steps.VerdictNoBlocker,
			findings: []steps.FindingCode{steps.VerdictNoBlocker.Code(), steps.FindingScimRecordMissing},
		},
		{
			name: "social logins of user and holder",
			facts: func() *OrgFacts {
				f := baseFacts(yuki(entraYuki), jane("yuki.t@acme.com"), "yuki.t@acme.com")
				f.Hints.SocialLogin = map[string]string{"712020:yuki": "google", "712020:jane": "microsoft"}
				return f
			},
			verdict:  steps.VerdictEmailTaken,
			findings: []steps.FindingCode{steps.VerdictEmailTaken.Code(), steps.FindingSocialLogin, steps.FindingSocialLogin},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.facts()
			verdict, findings := Classify(f)
			if verdict != tt.verdict {
				t.Errorf("verdict = %s, want %s (findings %v)", verdict, tt.verdict, codes(findings))
			}
			if got := codes(findings); !slices.Equal(got, tt.findings) {
				t.Errorf("findings = %v, want %v", got, tt.findings)
			}
			for _, fd := range findings {
				if fd.Detail == "" || strings.Contains(fd.Detail, "\n") || !strings.HasSuffix(fd.Detail, ".") {
					t.Errorf("%s: detail is not one sentence: %q", fd.Code, fd.Detail)
				}
				if f.User != nil && fd.AccountID == "" {
					t.Errorf("%s: no accountId", fd.Code)
				}
				for _, i := range fd.Evidence {
					if i < 0 || i > 7 {
						t.Errorf("%s: evidence index %d out of what the facts cite", fd.Code, i)
					}
				}
			}
		})
	}
}

func TestClassifyDetailsNameTheAccount(t *testing.T) {
	f := baseFacts(yuki(linked("d-entra", "s-yuki", "obj", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka")),
		jane("yuki.t@acme.com", products("jira-software"), linked("d-entra", "s-jane", "obj-j", "yuki.t@acme.com", "yuki.t@acme.com", "Jane Roe"), deactivated),
		"yuki.t@acme.com")
	f.Holder.ManagementSource = nil // linked by get-scim-links alone still counts
	_, findings := Classify(f)
	want := map[steps.FindingCode]struct{ account, mention string }{
		steps.VerdictEmailTaken.Code():   {"712020:jane", "Jane Roe (yuki.t@acme.com, account 712020:jane)"},
		steps.FindingHolderProvisioned:   {"712020:jane", "directory d-entra"},
		steps.FindingHolderProductAccess: {"712020:jane", "jira-software"},
		steps.FindingHolderInactive:      {"712020:jane", "deactivated"},
	}
	for code, w := range want {
		fd := findingFor(findings, code)
		if fd == nil {
			t.Errorf("no %s finding in %v", code, codes(findings))
			continue
		}
		if fd.AccountID != w.account || !strings.Contains(fd.Detail, w.mention) || !strings.Contains(fd.Detail, "Jane Roe") {
			t.Errorf("%s = %+v, want account %s and a detail naming Jane Roe and %q", code, *fd, w.account, w.mention)
		}
		if len(fd.Evidence) == 0 {
			t.Errorf("%s cites no evidence", code)
		}
	}
	if fd := findingFor(findings, steps.VerdictEmailTaken.Code()); !strings.Contains(fd.Detail, "Yuki Tanaka (yuki.tanaka@acme.com)") {
		t.Errorf("email-taken detail does not name the user: %q", fd.Detail)
	}
}

func TestClassifySamlScimMismatch(t *testing.T) {
	mismatch := linked("d-entra", "s-yuki", "obj", "yuki.tanaka@acme.onmicrosoft.com", "yuki.tanaka@acme.com", "Yuki Tanaka")
	tests := []struct {
		name    string
		saml    *bool
		opts    []acctOpt
		want    bool
		mention string
	}{
		{"saml on", ptr(true), []acctOpt{mismatch}, true, "SAML SSO is on"},
		{"saml unknown: said so", nil, []acctOpt{mismatch}, true, "not known"},
		{"saml off", ptr(false), []acctOpt{mismatch}, false, ""},
		{"userName equals email, case aside", ptr(true),
			[]acctOpt{linked("d-entra", "s", "obj", "YUKI.TANAKA@acme.com", "yuki.tanaka@ACME.com", "Yuki Tanaka")}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := baseFacts(yuki(tt.opts...), nil, "yuki.t@acme.com")
			f.Hints.SamlSso = tt.saml
			_, findings := Classify(f)
			fd := findingFor(findings, steps.FindingSamlScimMismatch)
			if (fd != nil) != tt.want {
				t.Fatalf("saml-scim-mismatch present = %v, want %v (%v)", fd != nil, tt.want, codes(findings))
			}
			if fd != nil && (!strings.Contains(fd.Detail, tt.mention) || !strings.Contains(fd.Detail, "yuki.tanaka@acme.onmicrosoft.com")) {
				t.Errorf("detail %q, want it to mention %q and the userName", fd.Detail, tt.mention)
			}
		})
	}

	// For a duplicate, the duplicate's record of the person counts too.
	h := newAcct("712020:dup", "Yuki Tanaka", "yuki.t@acme.com",
		linked("d-entra", "s-new", "ext", "yuki.tanaka@acme.onmicrosoft.com", "yuki.t@acme.com", "Yuki Tanaka"))
	f := baseFacts(yuki(), h, "yuki.t@acme.com")
	f.Hints.SamlSso = ptr(true)
	verdict, findings := Classify(f)
	if verdict != steps.VerdictDuplicateAccount || findingFor(findings, steps.FindingSamlScimMismatch) == nil {
		t.Errorf("duplicate with a mismatching record: %s %v", verdict, codes(findings))
	}
}

func TestPersonRecord(t *testing.T) {
	u := yuki(ownRecord("d-okta", "s-email", "ext-e", "Yuki Tanaka"),
		linked("d-entra", "s-linked", "ext-l", "yuki.tanaka@acme.com", "yuki.tanaka@acme.com", "Yuki Tanaka"))
	f := baseFacts(u, nil, "yuki.t@acme.com")
	if r := f.PersonRecord(); r == nil || r.ScimUserID != "s-linked" {
		t.Errorf("PersonRecord = %+v, want the linked record s-linked", r)
	}
	f.User = yuki()
	if r := f.PersonRecord(); r != nil {
		t.Errorf("PersonRecord of a user without records = %+v, want nil", r)
	}
}
