package steps

// Mode says where the org comes from (contract §5).
type Mode string

const (
	// ModeLive is a real org, reached with the keys in the environment.
	ModeLive Mode = "live"
	// ModeSimulated is an org simulated from a snapshot file (--snapshot).
	ModeSimulated Mode = "simulated"
	// ModeDemo is the embedded demo org: no keys, no snapshot.
	ModeDemo Mode = "demo"
)

// Simulated reports whether nothing real is changed on an org of this mode.
func (m Mode) Simulated() bool { return m != ModeLive }
