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

// OrgRef names an org in a report: its id, its name ("" when unknown) and
// where it comes from (contract §2 "org").
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Mode Mode   `json:"mode"`
}

// Simulated reports whether nothing real is changed on an org of this mode.
func (m Mode) Simulated() bool { return m != ModeLive }
