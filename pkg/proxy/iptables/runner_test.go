package iptables

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"keel.dev/keel/pkg/proxy/proxytest"
)

func TestCleanupDataRemovesOnlyKeelChainsAndHooks(t *testing.T) {
	saves := map[string][]byte{}
	for _, table := range []string{"nat", "filter"} {
		data, err := os.ReadFile("testdata/cleanup-input-" + table + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		saves[table] = data
	}
	got := CleanupData(saves)
	proxytest.Golden(t, "cleanup", got)
	if strings.Contains(string(got), "DOCKER") || strings.Contains(string(got), "-D INPUT -j ACCEPT") {
		t.Errorf("cleanup touches rules it does not own:\n%s", got)
	}
	if len(CleanupData(map[string][]byte{"nat": []byte("*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n")})) != 0 {
		t.Errorf("cleanup of a table without KEEL chains is not empty")
	}
}

func TestBackendSyncs(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		check func(t *testing.T, b *Backend, f *FakeRunner)
	}{
		{name: "a full sync deletes leftover chains found by iptables-save and installs the hooks", check: func(t *testing.T, b *Backend, f *FakeRunner) {
			f.SaveData = map[string][]byte{"nat": []byte("*nat\n:KEEL-SVC-OLD - [0:0]\nCOMMIT\n")}
			_, res := proxytest.Load(proxytest.Table())
			if _, err := b.Sync(ctx, res, nil); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(f.Restores[0]), "-X KEEL-SVC-OLD\n") {
				t.Errorf("leftover chain not deleted")
			}
			if len(f.Ensured) != len(jumpRules()) {
				t.Errorf("ensured %d hooks, want %d", len(f.Ensured), len(jumpRules()))
			}
		}},
		{name: "a failed restore forgets the programmed state", check: func(t *testing.T, b *Backend, f *FakeRunner) {
			tr, res := proxytest.Load(proxytest.Table())
			if _, err := b.Sync(ctx, res, nil); err != nil {
				t.Fatal(err)
			}
			f.Fail = errors.New("boom")
			tr.OnServiceUpdate(proxytest.Table().Services[0], nil)
			res = tr.Update()
			if _, err := b.Sync(ctx, res, res.Changed); err == nil {
				t.Fatal("sync succeeded despite the restore failure")
			}
			if len(b.gen.state) != 0 {
				t.Errorf("generator kept %d services after a failed restore", len(b.gen.state))
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &FakeRunner{}
			tc.check(t, NewBackend(testConfig(), f), f)
		})
	}
}
