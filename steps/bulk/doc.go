// Package bulk plans a bulk email change (a rebrand, a merger): it reads a
// list of current and target addresses (CSV), checks every row against the
// org, finds the conflicts before anything changes, and gives each row the
// path its email takes for the org's setup (contract §3).
package bulk
