package main

import (
	"fmt"
	"runtime/debug"
)

// Set by goreleaser through -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// versionString falls back to the module's build information for `go install` builds.
func versionString() string {
	v, c, d := version, commit, date
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "none":
				c = s.Value
			case s.Key == "vcs.time" && d == "unknown":
				d = s.Value
			}
		}
	}
	if len(c) > 12 {
		c = c[:12]
	}
	return fmt.Sprintf("syncdoctor %s (commit %s, built %s)", v, c, d)
}
