package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/syncdoctor/syncdoctor/steps/search"
)

// newCacheCommand lists or clears the wizard's warm-start cache: each live
// org's accounts, kept after a full load in the user's cache folder.
func newCacheCommand(a *app) *cobra.Command {
	var clear bool
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "List (or --clear) the wizard's saved orgs, kept for a warm start",
		Long: `The wizard keeps each live org's accounts and groups after a full load, in your cache
folder (one owner-only file per org), so that the next start can search the whole org at once
while a fresh load runs behind it. Never for the demo or a --snapshot org. cache lists the
saved orgs with their age; --clear removes them. syncdoctor --no-cache neither reads nor saves.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := search.DefaultCacheDir()
			if err != nil {
				return err
			}
			if clear {
				removed, err := search.ClearCache(dir)
				for _, f := range removed {
					fmt.Fprintf(a.stdout, "removed %s\n", f)
				}
				if err == nil && len(removed) == 0 {
					fmt.Fprintf(a.stdout, "No saved org in %s.\n", dir)
				}
				return err
			}
			return listCache(a, dir)
		},
	}
	cmd.Flags().BoolVar(&clear, "clear", false, "remove every saved org")
	return cmd
}

func listCache(a *app, dir string) error {
	files, err := search.CacheFiles(dir)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fmt.Fprintf(a.stdout, "No saved org in %s.\n", dir)
		return nil
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s  %d KiB, saved %s ago\n", f, fi.Size()/1024, search.Age(fi.ModTime(), time.Now()))
	}
	return nil
}
