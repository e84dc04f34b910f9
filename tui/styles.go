package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles is every style the wizard draws with, built for one background.
// Nothing is colour-only: each state also has a word or a mark, so the
// wizard reads the same in a monochrome terminal.
type Styles struct {
	Header   lipgloss.Style
	Banner   lipgloss.Style
	Title    lipgloss.Style
	Muted    lipgloss.Style
	Accent   lipgloss.Style
	OK       lipgloss.Style
	Warn     lipgloss.Style
	Danger   lipgloss.Style
	Match    lipgloss.Style // the characters a search matched
	Cursor   lipgloss.Style // the chosen row's marker
	Selected lipgloss.Style // the chosen row
	Badge    lipgloss.Style
	Locked   lipgloss.Style // badge: provisioned (locked)
	Box      lipgloss.Style
	Verdict  lipgloss.Style
	Error    lipgloss.Style

	// The bulk plan's table (bubbles/table): header, cells, the chosen row.
	TableHeader   lipgloss.Style
	TableCell     lipgloss.Style
	TableSelected lipgloss.Style

	// Progress bar colours (bubbles/progress takes colours, not styles).
	BarFull, BarEmpty color.Color
	isDark            bool
}

// NewStyles builds the palette for a dark or a light background.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A3FD9"), lipgloss.Color("#A99CFF"))
	muted := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#9A9A9A"))
	ok := ld(lipgloss.Color("#1B7F3B"), lipgloss.Color("#5FD38A"))
	warn := ld(lipgloss.Color("#9A5B00"), lipgloss.Color("#F2B45A"))
	danger := ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF8A80"))
	bannerBg := ld(lipgloss.Color("#FFE8A3"), lipgloss.Color("#5C4400"))
	bannerFg := ld(lipgloss.Color("#3D2C00"), lipgloss.Color("#FFF1C7"))
	selBg := ld(lipgloss.Color("#ECE8FF"), lipgloss.Color("#2E2852"))

	s := Styles{isDark: isDark}
	s.Header = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Banner = lipgloss.NewStyle().Bold(true).Foreground(bannerFg).Background(bannerBg).Padding(0, 1)
	s.Title = lipgloss.NewStyle().Bold(true)
	s.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Accent = lipgloss.NewStyle().Foreground(accent)
	s.OK = lipgloss.NewStyle().Foreground(ok)
	s.Warn = lipgloss.NewStyle().Foreground(warn)
	s.Danger = lipgloss.NewStyle().Foreground(danger).Bold(true)
	s.Match = lipgloss.NewStyle().Foreground(accent).Bold(true).Underline(true)
	s.Cursor = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.Selected = lipgloss.NewStyle().Background(selBg)
	s.Badge = lipgloss.NewStyle().Foreground(muted)
	s.Locked = lipgloss.NewStyle().Foreground(warn)
	s.Box = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(muted).Padding(0, 1)
	s.Verdict = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Error = lipgloss.NewStyle().Foreground(danger)
	s.TableHeader = lipgloss.NewStyle().Bold(true).Foreground(muted).Padding(0, 1)
	s.TableCell = lipgloss.NewStyle().Padding(0, 1)
	s.TableSelected = lipgloss.NewStyle().Bold(true).Background(selBg)
	s.BarFull, s.BarEmpty = accent, muted
	return s
}
