package network

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
)

// MasqChain is the nat chain holding the node's masquerade rule for pod
// traffic. It must stay outside the proxy's "KEEL-" prefix: the proxy
// deletes every chain of that prefix it does not program (and all of them
// on --cleanup).
const MasqChain = "KUBELET-POD-MASQ"

// masqComment marks the POSTROUTING jump to MasqChain.
const masqComment = "keel pod masquerade"

// Runner runs one iptables command (arguments without the binary) and
// returns its combined output.
type Runner func(args ...string) ([]byte, error)

// IPTables runs the iptables binary on PATH, waiting for the xtables lock.
func IPTables(args ...string) ([]byte, error) {
	return exec.Command("iptables", append([]string{"-w"}, args...)...).CombinedOutput()
}

// Masquerade keeps one node-wide nat rule that masquerades traffic from the
// pod CIDR to anywhere but the pod CIDR and multicast. It replaces the
// bridge plugin's ipMasq, which adds a chain and rules per pod and so runs
// iptables several times in every sandbox creation and deletion.
type Masquerade struct {
	Run Runner
}

// Ensure points MasqChain at podCIDR, creating the chain and its
// POSTROUTING jump when missing; it is idempotent.
func (m *Masquerade) Ensure(podCIDR string) error {
	_, ipnet, err := net.ParseCIDR(podCIDR)
	if err != nil {
		return fmt.Errorf("pod CIDR %q: %w", podCIDR, err)
	}
	if ipnet.IP.To4() == nil {
		return fmt.Errorf("pod CIDR %q: only IPv4 is masqueraded by a node rule", podCIDR)
	}
	cidr := ipnet.String()
	if out, err := m.Run("-t", "nat", "-N", MasqChain); err != nil && !strings.Contains(string(out), "exists") {
		return fmt.Errorf("create chain %s: %w: %s", MasqChain, err, strings.TrimSpace(string(out)))
	}
	steps := [][]string{
		{"-t", "nat", "-F", MasqChain},
		{"-t", "nat", "-A", MasqChain, "!", "-s", cidr, "-j", "RETURN"},
		{"-t", "nat", "-A", MasqChain, "-d", cidr, "-j", "RETURN"},
		{"-t", "nat", "-A", MasqChain, "-d", "224.0.0.0/4", "-j", "RETURN"},
		{"-t", "nat", "-A", MasqChain, "-j", "MASQUERADE"},
	}
	for _, s := range steps {
		if out, err := m.Run(s...); err != nil {
			return fmt.Errorf("iptables %s: %w: %s", strings.Join(s, " "), err, strings.TrimSpace(string(out)))
		}
	}
	jump := []string{"POSTROUTING", "-m", "comment", "--comment", masqComment, "-j", MasqChain}
	if _, err := m.Run(append([]string{"-t", "nat", "-C"}, jump...)...); err == nil {
		return nil
	}
	if out, err := m.Run(append([]string{"-t", "nat", "-A"}, jump...)...); err != nil {
		return fmt.Errorf("jump to %s: %w: %s", MasqChain, err, strings.TrimSpace(string(out)))
	}
	return nil
}
