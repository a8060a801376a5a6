package iptables

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"

	corev1 "keel.dev/api/core/v1"
)

// Runner applies and reads iptables state.
type Runner interface {
	// Restore feeds data to iptables-restore --noflush as one transaction.
	Restore(ctx context.Context, data []byte) error
	// Save returns iptables-save output for one table.
	Save(ctx context.Context, table string) ([]byte, error)
	// EnsureRule inserts rule at the top of chain unless it is already there.
	EnsureRule(ctx context.Context, table, chain string, rule []string) error
}

// ExecRunner runs the iptables binaries, optionally behind a command prefix
// such as `ip netns exec NAME`.
type ExecRunner struct {
	Family corev1.IPFamily
	Prefix []string
	// Variant selects "legacy" or "nft" binaries (iptables-legacy-restore,
	// ...); empty uses the system default (iptables-restore, ...).
	Variant string
}

func (r *ExecRunner) bin(name string) string {
	if r.Family == corev1.IPv6Protocol {
		name = "ip6" + strings.TrimPrefix(name, "ip")
	}
	if r.Variant == "" {
		return name
	}
	tool, sub, _ := strings.Cut(name, "-")
	if sub == "" {
		return tool + "-" + r.Variant
	}
	return tool + "-" + r.Variant + "-" + sub
}

func (r *ExecRunner) run(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	argv := append(append(slices.Clone(r.Prefix), r.bin(name)), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Restore implements Runner.
func (r *ExecRunner) Restore(ctx context.Context, data []byte) error {
	_, err := r.run(ctx, data, "iptables-restore", "-w", "--noflush")
	return err
}

// Save implements Runner.
func (r *ExecRunner) Save(ctx context.Context, table string) ([]byte, error) {
	return r.run(ctx, nil, "iptables-save", "-t", table)
}

// EnsureRule implements Runner.
func (r *ExecRunner) EnsureRule(ctx context.Context, table, chain string, rule []string) error {
	if _, err := r.run(ctx, nil, "iptables", append([]string{"-w", "-t", table, "-C", chain}, rule...)...); err == nil {
		return nil
	}
	_, err := r.run(ctx, nil, "iptables", append([]string{"-w", "-t", table, "-I", chain}, rule...)...)
	return err
}

// FakeRunner records what it is asked to do; for tests.
type FakeRunner struct {
	mu       sync.Mutex
	Restores [][]byte
	Ensured  []string
	SaveData map[string][]byte
	// Fail makes the next Restore return this error.
	Fail error
}

// Lock and Unlock guard the recorded fields while a Proxier runs.
func (f *FakeRunner) Lock() { f.mu.Lock() }

// Unlock releases the lock taken by Lock.
func (f *FakeRunner) Unlock() { f.mu.Unlock() }

// Restore implements Runner.
func (f *FakeRunner) Restore(_ context.Context, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.Fail; err != nil {
		f.Fail = nil
		return err
	}
	f.Restores = append(f.Restores, slices.Clone(data))
	return nil
}

// Save implements Runner.
func (f *FakeRunner) Save(_ context.Context, table string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.SaveData[table], nil
}

// EnsureRule implements Runner.
func (f *FakeRunner) EnsureRule(_ context.Context, table, chain string, rule []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Ensured = append(f.Ensured, table+" "+chain+" "+strings.Join(rule, " "))
	return nil
}

// jumpRule hooks one KEEL chain into a built-in chain.
type jumpRule struct {
	table, chain string
	rule         []string
}

// jumpRules lists the hooks that connect the proxy's chains to the kernel's.
func jumpRules() []jumpRule {
	newConn := []string{"-m", "conntrack", "--ctstate", "NEW"}
	j := func(table, chain, comment, target string, extra ...string) jumpRule {
		r := append(slices.Clone(extra), "-m", "comment", "--comment", comment, "-j", target)
		return jumpRule{table: table, chain: chain, rule: r}
	}
	return []jumpRule{
		j("filter", "INPUT", "keel externally-visible service portals", ChainExternalServices, newConn...),
		j("filter", "INPUT", "keel load balancer firewall", ChainFirewall, newConn...),
		j("filter", "INPUT", "keel health check service ports", ChainNodePorts),
		j("filter", "FORWARD", "keel service portals", ChainServices, newConn...),
		j("filter", "FORWARD", "keel externally-visible service portals", ChainExternalServices, newConn...),
		j("filter", "FORWARD", "keel load balancer firewall", ChainFirewall, newConn...),
		j("filter", "FORWARD", "keel forwarding rules", ChainForward),
		j("filter", "OUTPUT", "keel service portals", ChainServices, newConn...),
		j("filter", "OUTPUT", "keel load balancer firewall", ChainFirewall, newConn...),
		j("nat", "PREROUTING", "keel service portals", ChainServices),
		j("nat", "OUTPUT", "keel service portals", ChainServices),
		j("nat", "POSTROUTING", "keel postrouting rules", ChainPostrouting),
	}
}

// ensureJumps makes sure every hook exists. The chains must exist first.
func ensureJumps(ctx context.Context, r Runner) error {
	var errs []error
	for _, j := range jumpRules() {
		if err := r.EnsureRule(ctx, j.table, j.chain, j.rule); err != nil {
			errs = append(errs, fmt.Errorf("hook %s/%s: %w", j.table, j.chain, err))
		}
	}
	return errors.Join(errs...)
}

// chainsIn lists the KEEL- chains declared in iptables-save output.
func chainsIn(save []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(save))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, ":"+chainPrefix) {
			if f := strings.Fields(line[1:]); len(f) > 0 {
				out = append(out, f[0])
			}
		}
	}
	return out
}

// CleanupData builds iptables-restore --noflush input that removes every
// KEEL- chain and every rule jumping to one, given iptables-save output per
// table (filter, nat, ...).
func CleanupData(saves map[string][]byte) []byte {
	tables := make([]string, 0, len(saves))
	for t := range saves {
		tables = append(tables, t)
	}
	slices.Sort(tables)
	var buf bytes.Buffer
	for _, table := range tables {
		var chains []string
		var dels []string
		sc := bufio.NewScanner(bytes.NewReader(saves[table]))
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, ":"+chainPrefix):
				chains = append(chains, strings.Fields(line[1:])[0])
			case strings.HasPrefix(line, "-A ") && !strings.HasPrefix(line, "-A "+chainPrefix) &&
				strings.Contains(line, " -j "+chainPrefix):
				dels = append(dels, "-D "+line[3:])
			}
		}
		if len(chains) == 0 && len(dels) == 0 {
			continue
		}
		buf.WriteString("*" + table + "\n")
		for _, c := range chains {
			buf.WriteString(":" + c + " - [0:0]\n")
		}
		for _, d := range dels {
			buf.WriteString(d + "\n")
		}
		for _, c := range chains {
			buf.WriteString("-X " + c + "\n")
		}
		buf.WriteString("COMMIT\n")
	}
	return buf.Bytes()
}

// Cleanup removes all of the proxy's chains and hooks through r.
func Cleanup(ctx context.Context, r Runner) error {
	saves := map[string][]byte{}
	for _, t := range []string{"filter", "nat"} {
		out, err := r.Save(ctx, t)
		if err != nil {
			return fmt.Errorf("read %s table: %w", t, err)
		}
		saves[t] = out
	}
	data := CleanupData(saves)
	if len(data) == 0 {
		return nil
	}
	if err := r.Restore(ctx, data); err != nil {
		return fmt.Errorf("remove keel chains: %w", err)
	}
	return nil
}
