// Package search is the wizard's search over an org: an index of accounts
// and groups, fuzzy over names, emails, account ids and group names
// (case- and diacritic-insensitive, misspellings forgiven, an exact email or
// id first), and the loader that fills it from the org page by page. It
// knows the org only through client/ and no other steps package.
package search
