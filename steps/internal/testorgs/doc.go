// Package testorgs holds small org snapshots that the tests of several
// steps packages share.
package testorgs
