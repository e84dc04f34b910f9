package steps

import (
	"context"
	"fmt"
	"testing"

	"github.com/syncdoctor/syncdoctor/client"
	"github.com/syncdoctor/syncdoctor/fixtures"
)

func TestZZExplore(t *testing.T) {
	snap := fixtures.Demo()
	sim, _ := fixtures.NewSimulator(snap, fixtures.Options{})
	run, _ := fixtures.Start(sim, "")
	defer run.Close()
	var dirs []client.DirectoryKey
	for _, d := range snap.Directories {
		dirs = append(dirs, client.DirectoryKey{ID: d.ID, Key: client.Secret(sim.ScimKey())})
	}
	c, _ := client.New(client.Config{BaseURL: run.URL, OrgID: snap.Org.ID, OrgKey: client.Secret(sim.OrgKey()), Directories: dirs})
	o := &simOrg{sim: sim, snap: snap, c: c}
	for _, sc := range fixtures.Scenarios() {
		d, err := Diagnose(context.Background(), c, Request{User: sc.User, Target: sc.Target, IdpError: sc.IdpError}, o.hints(), nil)
		if err != nil { t.Fatal(err) }
		fmt.Printf("== %s verdict=%s\n", sc.Name, d.Verdict)
		for _, s := range d.Plan {
			fmt.Printf("   %s %v\n", s.ID, s.Params)
		}
	}
}
