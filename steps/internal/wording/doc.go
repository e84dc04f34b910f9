// Package wording names things for people in the sentences the steps
// packages write: accounts, identity providers, social logins, statuses.
package wording
