package proxytest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"keel.dev/keel/pkg/proxy/model"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// Golden compares got with testdata/<name>.golden, rewriting it with -update.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("write golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// Load feeds a case into a new tracker for the fixture node and returns it
// with the first Update applied.
func Load(c Case) (*model.Tracker, *model.Result) {
	tr := model.NewTracker(model.Config{NodeName: NodeName, Logger: Discard()})
	for _, s := range c.Services {
		tr.OnServiceUpdate(nil, s)
	}
	for _, s := range c.Slices {
		tr.OnEndpointSliceUpdate(nil, s)
	}
	return tr, tr.Update()
}
