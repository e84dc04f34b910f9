package steps

// StepID names what a plan step does; the registry of fix steps maps each
// one to the code that carries it out.
type StepID string

// Plan step ids. The comment on each says who does it, what it does and the
// Params it carries (the JSON names of the Params fields). Params are fixed
// when the plan is made, so that a resumed run acts on the same things; a
// Param that diagnosis could not learn is absent, not empty.
const (
	// StepCheckHolder (check): the holder still holds the target.
	// Params: accountId, email (= target), name — the holder.
	StepCheckHolder StepID = "check-holder"
	// StepHandoffHolderOtherOrg (handoff): the holder is not this org's to
	// change; the org that manages it must rename or release the address
	// (or, when no org does, the operator claims the account first). The
	// run stops here. Params: accountId, email (= target), name — the
	// holder; domain (the target's domain); target.
	StepHandoffHolderOtherOrg StepID = "handoff-holder-other-org"
	// StepProvisionHolder (idp): run provisioning on demand for the holder,
	// a different current person (holder-other-person): her own IdP record
	// may already give her another address, which frees the target. Nothing
	// else of hers is changed. Params: accountId, email (= target), name —
	// the holder; target; externalId, directoryId, idp — her SCIM record,
	// when known.
	StepProvisionHolder StepID = "provision-holder"
	// StepHandoffSharedAddress (handoff): skipped when the target is free
	// by now; else the run stops: two current people have the same address
	// in the IdP, and its admin must give one of them another. Params:
	// accountId, email (= target), name — the holder; target; idp.
	StepHandoffSharedAddress StepID = "handoff-shared-address"
	// StepRecordHolderMemberships (check): journal every org group
	// membership of the locked holder, and of its SCIM user, before its
	// provisioning record goes. Params: accountId, email, name — the
	// holder; directoryId, scimUserId — its SCIM record, when one is known.
	StepRecordHolderMemberships StepID = "record-holder-memberships"
	// StepUnlinkHolder (api, destructive): DELETE
	// /admin/user-provisioning/v1/org/{orgId}/user/{accountId}/onlyDeleteUserInDB
	// on the holder, so that its email becomes editable. Only in a plan
	// where the holder is provisioned (locked).
	// Params: accountId, email (= target), name — the holder.
	StepUnlinkHolder StepID = "unlink-holder"
	// StepParkHolder (api, destructive): PUT /users/{accountId}/manage/email
	// setting the holder's email to a unique placeholder on its own domain:
	// placeholder is the preferred one (PlaceholderEmail(email, 1)); when it
	// is taken at execute time the action tries PlaceholderEmail(email, 2),
	// 3, ... and journals the one it used.
	// Params: accountId, email (= target), name — the holder; placeholder.
	StepParkHolder StepID = "park-holder"
	// StepProvisionUser (idp): run provisioning on demand for the user in
	// the IdP (simulated IdP: Provision(externalId)); the IdP pushes the
	// target to the user's account.
	// Params: accountId, email, name — the user's account (in a duplicate
	// plan, the old account); target; externalId, directoryId, idp (entra |
	// okta | google | onelogin | other) — the person's SCIM record and its
	// IdP, each when known; scimUserId (not in a duplicate plan, whose record
	// is deleted first); otherDirectoryIds (comma-separated) — other
	// directories that also hold a record of the user.
	StepProvisionUser StepID = "provision-user"
	// StepVerifyUser (check): the user's account has the target email and is
	// linked (to a SCIM user of directoryId, with externalId, when given).
	// Params: accountId, email (before), name — the user's account; target;
	// directoryId, externalId when known; reactivate — the account must be
	// active again too.
	StepVerifyUser StepID = "verify-user"
	// StepSetEmailFirst (api, destructive): PUT /users/{accountId}/manage/email
	// setting the user's account to the target before provisioning runs:
	// no SCIM user links the account, so provisioning would otherwise make
	// a second account at the target instead of linking this one.
	// Params: accountId, email (before), name — the user's account; target.
	StepSetEmailFirst StepID = "set-email-first"
	// StepHandoffTargetDomain (handoff): the target's domain is not listed
	// for this org (probably a typo, or unclaimed) or another org verified
	// it: no plan verifies it. The IdP's admin corrects the address, or the
	// other org releases the domain. Params: domain, target; reason
	// (lookalike | other-org | unlisted); meant (the verified domain a
	// lookalike was probably meant to be).
	StepHandoffTargetDomain StepID = "handoff-target-domain"
	// StepHandoffAccountOtherOrg (handoff): the user's account is on a
	// domain this org cannot verify (another org's, or unlisted): this org
	// can never manage it. Params: accountId, email, name — the user's
	// account; domain (its domain); reason (other-org | unlisted); target.
	StepHandoffAccountOtherOrg StepID = "handoff-account-other-org"
	// StepHandoffMissingKeys (handoff): a SCIM directory of the org could not
	// be read (no key given) and what it holds could change the verdict:
	// nothing is done on a guess. Params: directoryIds (comma-separated).
	StepHandoffMissingKeys StepID = "handoff-missing-keys"

	// StepRecordMemberships (check): journal every org group membership of
	// both accounts and the SCIM groups of the person's SCIM user.
	// Params: accountId, email, name — the old account (the user);
	// duplicateAccountId, duplicateEmail; directoryId, scimUserId,
	// externalId — the duplicate's SCIM record, when known.
	StepRecordMemberships StepID = "record-memberships"
	// StepIdpRemoveGroups (idp): remove the person from all its IdP groups
	// (a dynamic group: exclude the person from its scope), so that the
	// record's deletion does not strand synced memberships (simulated IdP:
	// RemoveFromGroups(externalId)).
	// Params: accountId, name — the old account; externalId, directoryId,
	// idp when known; groups — SCIM group names, comma-separated, when known.
	StepIdpRemoveGroups StepID = "idp-remove-groups"
	// StepUnlinkDuplicate (api, destructive): onlyDeleteUserInDB on the
	// duplicate. Params: accountId, email (= target), name — the duplicate.
	StepUnlinkDuplicate StepID = "unlink-duplicate"
	// StepParkDuplicate (api, destructive): the duplicate's email to a
	// placeholder on its own domain, as StepParkHolder.
	// Params: accountId, email (= target), name — the duplicate; placeholder.
	StepParkDuplicate StepID = "park-duplicate"
	// StepUnlinkOld (api, destructive): onlyDeleteUserInDB on the old
	// account, which is still linked, so that its email can be set. Only when
	// the old account is linked. Params: accountId, email, name — the old account.
	StepUnlinkOld StepID = "unlink-old"
	// StepSetOldEmail (api, destructive): PUT /users/{accountId}/manage/email
	// setting the old account's email to the target.
	// Params: accountId, email (before), name — the old account; target.
	StepSetOldEmail StepID = "set-old-email"
	// StepIdpAddGroups (idp): put the person back in its IdP groups
	// (simulated IdP: AddToGroups(externalId)). Params as StepIdpRemoveGroups.
	StepIdpAddGroups StepID = "idp-add-groups"
	// StepRestoreMemberships (api): re-add every membership that
	// record-memberships journaled and that is still missing from the old
	// account (synced groups come back through the IdP), then verify all.
	// Params: accountId, name — the old account; duplicateAccountId.
	StepRestoreMemberships StepID = "restore-memberships"

	// StepClaimDomain (console): verify a domain that is listed for this org
	// but not verified (Settings > Domains), verified afterwards through the
	// domains list. Never planned for an unlisted or another org's domain.
	// Params: domain; target.
	StepClaimDomain StepID = "claim-domain"
	// StepClaimAccount (console): claim the account on a verified domain so
	// that this org manages it (its domain is verified by then: a
	// claim-domain step comes first when it is not), verified afterwards
	// through its claim status. Params: accountId, email, name — the user's
	// account; domain (its email's domain); domainVerified.
	StepClaimAccount StepID = "claim-account"
	// StepGooglePrimaryEmail (idp): change the user's primary email in Google
	// Workspace to the target; it flows to the linked account.
	// Params: accountId, email, name — the user's account; target;
	// directoryId when known; idp ("google").
	StepGooglePrimaryEmail StepID = "google-primary-email"

	// StepSocialLoginNotice (idp): tell the account's owner to change the
	// address at the social login provider too, or to stop using it. No
	// API shows it done: it is recorded as done by the operator's word.
	// Params: accountId, email, name, provider (google | microsoft) — the
	// first account concerned; holderAccountId, holderProvider when the
	// holder signs in with a social login too.
	StepSocialLoginNotice StepID = "social-login-notice"
	// StepAlignSamlAttribute (idp): map the SAML attribute and the SCIM
	// email attribute to the same IdP attribute, the one holding the target.
	// Params: accountId, name — the user's account; target; directoryId,
	// scimUserId, scimUserName, scimEmail — the mismatching SCIM record;
	// idp; samlAttribute, scimAttribute — where to change it, per IdP.
	StepAlignSamlAttribute StepID = "align-saml-attribute"

	// StepClaimHolder (console): claim the holder, an unmanaged account on a
	// domain verified here ("Available to claim"), so that this org can
	// change its email; no API claims an account. Params: accountId, email
	// (= target), name — the holder; domain; domainVerified.
	StepClaimHolder StepID = "claim-holder"
	// StepCancelHolderDeletion (api): POST
	// /users/{accountId}/manage/lifecycle/cancel-delete on the holder, which
	// is deleted and within the grace period: its email can be changed only
	// once the deletion is cancelled. Params: accountId, email (= target),
	// name — the holder.
	StepCancelHolderDeletion StepID = "cancel-holder-deletion"
	// StepDeleteHolder (api, destructive): POST
	// /users/{accountId}/manage/lifecycle/delete on the parked holder, which
	// was being deleted before the plan cancelled it: deleted again, now on
	// its placeholder. Params: accountId, email (= target, before parking),
	// name — the holder.
	StepDeleteHolder StepID = "delete-holder"

	// StepRecordStaleRecord (check): read the SCIM user that holds the
	// target and journal it whole (deleting it cannot be undone), with the
	// account it links, if any. Params: directoryId, scimUserId — the
	// record; email (= target); accountId — the account it links, when it
	// links one.
	StepRecordStaleRecord StepID = "record-stale-record"
	// StepUnlinkStaleRecord (api, destructive): PATCH
	// /admin/user-provisioning/v1/org/{orgId}/scimDirectoryId/{directoryId}/scimUserId/{scimUserId}/unlink,
	// so that deleting the record does not deactivate the account it links.
	// Only when it links one. Params as StepRecordStaleRecord.
	StepUnlinkStaleRecord StepID = "unlink-stale-record"
	// StepDeleteStaleRecord (api, destructive): DELETE
	// /scim/directory/{directoryId}/Users/{scimUserId}: the stale record
	// goes, and with it the 409. Params as StepRecordStaleRecord.
	StepDeleteStaleRecord StepID = "delete-stale-record"

	// StepSetEmail (api, destructive): PUT /users/{accountId}/manage/email
	// setting the user's account to the target, where no provisioning will
	// (SAML JIT, or no directory). Params: accountId, email (before), name
	// — the user's account; target.
	StepSetEmail StepID = "set-email"
	// StepIdpSamlAttribute (idp): change the attribute the IdP sends at SAML
	// login (per IdP, domain.md setup 2) to the target, so that the next
	// login does not put the old email back. No API shows the IdP's SAML
	// settings: done by the operator's word. Params: accountId, email, name
	// — the user's account; target; idp; samlAttribute.
	StepIdpSamlAttribute StepID = "idp-saml-attribute"
	// StepVerifyEmail (check): the user's account has the target (where no
	// SCIM user links it). Params: accountId, email (before), name; target.
	StepVerifyEmail StepID = "verify-email"
	// StepIdpReassignUser (idp): remove the user from the Atlassian app in
	// the IdP and assign them again (simulated IdP: Delete, then Provision),
	// so that the IdP deletes the unlinked SCIM user and creates it anew:
	// it links the account, which holds the target by then, and pushes its
	// groups. Params: accountId, email, name — the user's account; target;
	// directoryId, scimUserId, externalId — the unlinked record; idp.
	StepIdpReassignUser StepID = "idp-reassign-user"

	// The changes of a bulk apply (contract §4b), one plan step each, so
	// that the journal, resume and the ticket note treat them as any run's.
	// Each carries the row's CSV line.

	// StepBulkUnlinkHolder (api, destructive): onlyDeleteUserInDB on a
	// conflict's holder that provisioning locks and that is no longer
	// active, so that it can be parked. Params: accountId, email (= the
	// target), name — the holder; line.
	StepBulkUnlinkHolder StepID = "bulk-unlink-holder"
	// StepBulkParkHolder (api, destructive): a conflict's holder moved to
	// a placeholder of the target, local_FREE@domain (the next free one,
	// _FREE2, ..., when taken). Params: accountId, email (= the target),
	// name — the holder; placeholder (the preferred one); line.
	StepBulkParkHolder StepID = "bulk-park-holder"
	// StepBulkSetEmail (api, destructive): PUT /users/{accountId}/manage/email
	// to the row's target. Params: accountId, email (current), name; target;
	// line.
	StepBulkSetEmail StepID = "bulk-set-email"
)

// VerifiesTarget reports whether the step reads the user's account back
// with the target: the check a run's "fixed" rests on.
func (id StepID) VerifiesTarget() bool { return id == StepVerifyUser || id == StepVerifyEmail }

// Pseudo-methods of the Calls that are not HTTP calls of this tool: what the
// operator (or, on a simulated org, the simulated IdP or admin console) does.
const (
	MethodIdP    = "IDP"    // done in the identity provider
	MethodAdmin  = "ADMIN"  // done in admin.atlassian.com
	MethodPerson = "PERSON" // done by a person outside any system the tool reads
)

// ByPerson reports whether the call is done by a person (or, on a
// simulated org, its stand-in), not an HTTP call of this tool.
func (c Call) ByPerson() bool {
	return c.Method == MethodIdP || c.Method == MethodAdmin || c.Method == MethodPerson
}
