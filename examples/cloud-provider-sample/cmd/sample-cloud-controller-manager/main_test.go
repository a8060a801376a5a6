package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunPrintsTheProvider(t *testing.T) {
	dir := t.TempDir()
	db, err := os.ReadFile(filepath.Join("..", "..", "testdata", "cloud.json"))
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "cloud.json")
	if err := os.WriteFile(dbPath, db, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.json")
	if err := os.WriteFile(cfg, []byte(`{"database": "`+dbPath+`", "zone": "za", "region": "ra"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"--cloud-config", cfg, "--node", "node-1"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"provider: sample-json", "zone: za region: ra", "providerID=sample-json://i-0001"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if err := run(context.Background(), []string{"--cloud-provider", "nope"}, &out); err == nil {
		t.Error("an unknown provider did not fail")
	}
}
