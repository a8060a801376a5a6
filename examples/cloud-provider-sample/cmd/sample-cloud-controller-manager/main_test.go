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

func TestCommand(t *testing.T) {
	t.Run("the command is Keel's cloud-controller-manager with sample-json as default provider", func(t *testing.T) {
		cmd := newCommand()
		if got := cmd.Flags().Lookup("cloud-provider").DefValue; got != "sample-json" {
			t.Errorf("--cloud-provider default = %q, want sample-json", got)
		}
		for _, f := range []string{"cloud-config", "kubeconfig", "leader-elect", "controllers", "secure-port"} {
			if cmd.Flags().Lookup(f) == nil {
				t.Errorf("flag --%s missing", f)
			}
		}
	})
	t.Run("describe prints the provider through the subcommand", func(t *testing.T) {
		var out strings.Builder
		cmd := newCommand()
		cmd.SetOut(&out)
		wd, _ := os.Getwd()
		// The config's database path is relative to the module root.
		if err := os.Chdir(filepath.Join("..", "..")); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = os.Chdir(wd) }()
		cmd.SetArgs([]string{"describe", "--cloud-config", filepath.Join("testdata", "cloud-config.json")})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "provider: sample-json") {
			t.Errorf("output = %q", out.String())
		}
	})
}
