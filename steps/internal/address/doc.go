// Package address holds the rules of email addresses the steps packages
// share: what a valid address is, comparing two (case-insensitively), the
// domain of one, and the placeholder addresses a held address is parked on.
package address
