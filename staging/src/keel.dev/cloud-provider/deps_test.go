package cloudprovider

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyClosure keeps the module importable on its own: neither the
// package nor its tests may reach Keel's root module or etcd.
func TestDependencyClosure(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go tool not found: %v", err)
	}
	out, err := exec.Command(goBin, "list", "-deps", "-test",
		"-f", "{{.ImportPath}} {{with .Module}}{{.Path}}{{end}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 10 {
		t.Fatalf("go list returned only %d packages; the check is not looking at anything", len(lines))
	}
	for _, line := range lines {
		pkg, mod, _ := strings.Cut(line, " ")
		if mod == "keel.dev/keel" || strings.HasPrefix(pkg, "keel.dev/keel/") || strings.HasPrefix(mod, "go.etcd.io") {
			t.Errorf("forbidden dependency: package %s (module %s)", pkg, mod)
		}
	}
}
