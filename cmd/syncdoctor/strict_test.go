package main

import (
	"strings"
	"testing"
)

// Input that hides or guesses is refused with exit 2 and one short line
// naming where: invisible and bidi characters and lookalikes in --target
// and --user, over-long addresses, a paste too large, a 409 detail whose
// address is none.
func TestStrictInputExitsTwo(t *testing.T) {
	t.Parallel()
	user := "tkobayashi@acme.com"
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"zero-width target": {[]string{"--user", user, "--target", "takeshi\u200b@acme.com"}, "character 8 is U+200B, an invisible character"},
		"bidi target":       {[]string{"--user", user, "--target", "\u202emoc.emca@ikesekat"}, "character 1 is U+202E, a bidi control"},
		"lookalike domain":  {[]string{"--user", user, "--target", "takeshi@\u0430cme.com"}, "character 9 of it, U+0430 (Cyrillic), is not ASCII"},
		"mixed scripts":     {[]string{"--user", user, "--target", "t\u0430keshi@acme.com"}, "mixes Cyrillic into Latin letters"},
		"long target":       {[]string{"--user", user, "--target", strings.Repeat("a", 300) + "@acme.com"}, "at most 254"},
		"list as target":    {[]string{"--user", user, "--target", strings.Repeat("x@acme.com,", 20000)}, "is not an email address"},
		"bidi user":         {[]string{"--user", "tkobayashi\u200f@acme.com", "--target", "t@acme.com"}, "user: "},
		"long user":         {[]string{"--user", strings.Repeat("7", 20000), "--target", "t@acme.com"}, "is neither an email nor an Atlassian account id"},
		"paste too large":   {[]string{"--user", user, "--idp-error", strings.Repeat("x", 70_000)}, "at most 64 KB"},
		"guessed address":   {[]string{"--user", user, "--idp-error", "Resource [USER]: with email[jane,doe@acme.io] already exists."}, "which is no address"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, out, stderr := runCLI(t, nil, append([]string{"diagnose"}, c.args...)...)
			if code != exitBadInput || !strings.Contains(stderr, c.want) {
				t.Fatalf("exit %d, stderr %q, want exit 2 saying %q\n%s", code, stderr, c.want, out)
			}
			if len(stderr) > 600 || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr is %d bytes over %d lines", len(stderr), strings.Count(stderr, "\n"))
			}
		})
	}
}

// A target list's invisible, bidi and lookalike addresses are invalid rows:
// nothing is planned for them.
func TestStrictTargetListRows(t *testing.T) {
	t.Parallel()
	targets := planTestFile(t, "targets.csv", "current_email,target_email\n"+
		"tkobayashi@acme.com,takeshi\u200b@acme.com\n"+
		"tkobayashi@acme.com,takeshi@\u0430cme.com\n"+
		"t\u202ekobayashi@acme.com,takeshi@acme.com\n")
	p := runPlanJSON(t, nil, "--targets", targets)
	if got := p.statuses(); strings.Join(got, ",") != "invalid,invalid,invalid" {
		t.Fatalf("statuses %v, want every row invalid", got)
	}
}
