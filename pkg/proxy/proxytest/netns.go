package proxytest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// NetNS creates a fresh network namespace for the test and returns the
// command prefix that runs a program inside it. It skips the test unless
// running as root with ip and every named binary installed, and deletes the
// namespace on cleanup. The host's own namespace is never touched.
func NetNS(t testing.TB, binaries ...string) []string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipping: applying rules for real needs root (run as root inside CI)")
	}
	for _, b := range append([]string{"ip"}, binaries...) {
		if _, err := exec.LookPath(b); err != nil {
			t.Skipf("skipping: %s not installed (Debian packages: iproute2 iptables nftables conntrack)", b)
		}
	}
	name := fmt.Sprintf("keel-proxy-test-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("skipping: cannot create network namespace %s: %v: %s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("delete network namespace %s: %v: %s", name, err, out)
		}
	})
	prefix := []string{"ip", "netns", "exec", name}
	if out, err := exec.Command("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("bring up lo in %s: %v: %s", name, err, out)
	}
	return prefix
}
