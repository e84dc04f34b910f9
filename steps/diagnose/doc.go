// Package diagnose reads the org for one user's case and says what stands
// in the way of their email change: it gathers the evidence (each call and
// what it answered), classifies it into a verdict and findings (contract
// §2), outlines the fix plan, reads the target out of an IdP's pasted error,
// and explains verdicts and unreadable orgs in plain words. It reads the org
// and changes nothing.
package diagnose
