package testorgs

import "github.com/syncdoctor/syncdoctor/steps"

// EmailTaken is the 409 case: Yuki's IdP now says yuki.t@acme.com,
// which Jane's provisioned account (with product access) holds: Jane is a
// different, current person, and her own IdP record says yuki.t@acme.com.
func EmailTaken(idp steps.IdpKind) string {
	return emailTaken(idp, "active", "true", "yuki.t@acme.com")
}

// EmailTakenByLeaver is EmailTaken where Jane has left: her account and her
// SCIM user are deactivated, so her account may be parked.
func EmailTakenByLeaver(idp steps.IdpKind) string {
	return emailTaken(idp, "inactive", "false", "yuki.t@acme.com")
}

// EmailTakenByRenamed is EmailTaken where Jane's IdP record already gives
// her another address, jane.roe@acme.com: provisioning her frees the target.
func EmailTakenByRenamed(idp steps.IdpKind) string {
	return emailTaken(idp, "active", "true", "jane.roe@acme.com")
}

func emailTaken(idp steps.IdpKind, janeStatus, janeActive, janeIdpEmail string) string {
	return `{
  "org": {"id": "org-sim", "name": "Acme"},
  "domains": [{"name": "acme.com", "status": "verified"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com", "productAccess": ["confluence"], "groups": ["g-eng"]},
    {"accountId": "712020:jane", "name": "Jane Roe", "email": "yuki.t@acme.com", "accountStatus": "` + janeStatus + `", "productAccess": ["jira-software"]}
  ],
  "groups": [{"id": "g-eng", "name": "engineering", "externalSynced": true}],
  "directories": [{
    "id": "d-1", "name": "IdP", "idp": "` + string(idp) + `",
    "users": [
      {"id": "s-yuki", "externalId": "obj-yuki", "userName": "yuki.tanaka@acme.com", "displayName": "Yuki Tanaka", "active": true,
       "emails": [{"value": "yuki.tanaka@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:yuki"},
      {"id": "s-jane", "externalId": "obj-jane", "userName": "yuki.t@acme.com", "displayName": "Jane Roe", "active": ` + janeActive + `,
       "emails": [{"value": "yuki.t@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:jane"}
    ],
    "groups": [{"id": "sg-1", "displayName": "eng-all", "members": ["s-yuki"], "orgGroupId": "g-eng"}],
    "idpUsers": [
      {"externalId": "obj-yuki", "userPrincipalName": "yuki.tanaka@acme.com", "scimEmail": "yuki.t@acme.com", "samlNameId": "yuki.t@acme.com", "groups": ["eng-all"]},
      {"externalId": "obj-jane", "userPrincipalName": "` + janeIdpEmail + `", "scimEmail": "` + janeIdpEmail + `", "groups": []}
    ]
  }]
}`
}

// OtherOrg has a holder on another org's domain (partner.io) and an
// unmanaged, closed holder on the org's own domain.
const OtherOrg = `{
  "org": {"id": "org-sim", "name": "Acme"},
  "domains": [{"name": "acme.com", "status": "verified"}, {"name": "partner.io", "status": "other-org"}],
  "accounts": [
    {"accountId": "712020:yuki", "name": "Yuki Tanaka", "email": "yuki.tanaka@acme.com"},
    {"accountId": "712020:ext", "name": "Yuki Partner", "email": "yuki@partner.io", "claimStatus": "unmanaged"},
    {"accountId": "712020:free", "name": "Free Agent", "email": "yuki.t@acme.com", "claimStatus": "unmanaged", "accountStatus": "closed"}
  ],
  "directories": [{"id": "d-entra", "name": "Entra", "idp": "entra",
    "users": [{"id": "s-yuki", "externalId": "obj", "userName": "yuki.tanaka@acme.com", "displayName": "Yuki Tanaka", "active": true,
      "emails": [{"value": "yuki.tanaka@acme.com", "type": "work", "primary": true}], "atlassianAccountId": "712020:yuki"}]}]
}`
