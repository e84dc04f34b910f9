package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newDocsCommand writes the shell completions and the man pages that the
// release archives carry (.goreleaser.yaml runs it). Hidden: it is for
// packagers, not for a support engineer on a ticket.
func newDocsCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:    "gen-docs",
		Short:  "Write shell completions (bash, zsh, fish, PowerShell) and man pages into a directory",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return badInput(errors.New("--dir is required"))
			}
			return writeDocs(cmd.Root(), dir)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "the directory to write completions/ and man/ into")
	return cmd
}

func writeDocs(root *cobra.Command, dir string) error {
	comp, man := filepath.Join(dir, "completions"), filepath.Join(dir, "man")
	for _, d := range []string{comp, man} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	writers := map[string]func(string) error{
		"syncdoctor.bash": root.GenBashCompletionFile,
		"_syncdoctor":     root.GenZshCompletionFile,
		"syncdoctor.fish": func(p string) error { return root.GenFishCompletionFile(p, true) },
		"syncdoctor.ps1":  root.GenPowerShellCompletionFileWithDesc,
	}
	for name, write := range writers {
		if err := write(filepath.Join(comp, name)); err != nil {
			return fmt.Errorf("completion %s: %w", name, err)
		}
	}
	root.DisableAutoGenTag = true // reproducible pages: no generation date
	return doc.GenManTree(root, &doc.GenManHeader{Title: "SYNCDOCTOR", Section: "1", Source: "syncdoctor", Manual: "syncdoctor manual"}, man)
}
