// Package conntrack flushes stale connection-tracking entries through the
// conntrack(8) tool, so UDP flows stop sticking to removed endpoints.
package conntrack

import (
	"context"
	"fmt"
	"net/netip"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"

	corev1 "keel.dev/api/core/v1"
)

// Exec runs one command and returns its combined output.
type Exec interface {
	Run(ctx context.Context, name string, args ...string) ([]byte, error)
}

// OSExec runs commands on the host, behind an optional prefix such as
// `ip netns exec NAME`.
type OSExec struct{ Prefix []string }

// Run implements Exec.
func (o OSExec) Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	argv := append(append(slices.Clone(o.Prefix), name), args...)
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, strings.TrimSpace(string(out)))
	}
	return out, nil
}

// FakeExec records commands; for tests.
type FakeExec struct {
	mu       sync.Mutex
	Commands []string
	Err      error
}

// Run implements Exec.
func (f *FakeExec) Run(_ context.Context, name string, args ...string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Commands = append(f.Commands, strings.Join(append([]string{name}, args...), " "))
	return nil, f.Err
}

// Client deletes conntrack entries.
type Client struct{ Exec Exec }

func protoArg(p corev1.Protocol) string { return strings.ToLower(string(p)) }

func familyArgs(a netip.Addr) []string {
	if a.Is6() {
		return []string{"-f", "ipv6"}
	}
	return nil
}

// delete runs conntrack -D, treating "no entries" as success.
func (c *Client) delete(ctx context.Context, args ...string) error {
	out, err := c.Exec.Run(ctx, "conntrack", append([]string{"-D"}, args...)...)
	if err != nil && strings.Contains(string(out), "0 flow entries have been deleted") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("conntrack -D %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// ClearService deletes entries whose original destination is ip:port.
func (c *Client) ClearService(ctx context.Context, ip netip.Addr, port int32, proto corev1.Protocol) error {
	args := append(familyArgs(ip), "-p", protoArg(proto), "--orig-dst", ip.String(), "--dport", strconv.Itoa(int(port)))
	return c.delete(ctx, args...)
}

// ClearNodePort deletes entries whose original destination port is port.
func (c *Client) ClearNodePort(ctx context.Context, port int32, proto corev1.Protocol, v6 bool) error {
	var args []string
	if v6 {
		args = []string{"-f", "ipv6"}
	}
	return c.delete(ctx, append(args, "-p", protoArg(proto), "--dport", strconv.Itoa(int(port)))...)
}

// ClearEndpoint deletes entries to origin that were NATed to endpoint.
func (c *Client) ClearEndpoint(ctx context.Context, origin, endpoint netip.Addr, proto corev1.Protocol) error {
	args := append(familyArgs(origin), "-p", protoArg(proto), "--orig-dst", origin.String(), "--dst-nat", endpoint.String())
	return c.delete(ctx, args...)
}

// ClearNodePortEndpoint deletes entries to a node port NATed to endpoint.
func (c *Client) ClearNodePortEndpoint(ctx context.Context, port int32, endpoint netip.Addr, proto corev1.Protocol) error {
	args := append(familyArgs(endpoint), "-p", protoArg(proto), "--dport", strconv.Itoa(int(port)), "--dst-nat", endpoint.String())
	return c.delete(ctx, args...)
}
