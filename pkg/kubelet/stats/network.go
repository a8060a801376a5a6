package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// defaultInterface is the pod interface CNI plugins create.
const defaultInterface = "eth0"

// sandboxPid returns the PID of a sandbox's infra process from the
// runtime's verbose status (cached per sandbox), or 0 when the pod uses
// the host's network or the runtime does not tell.
func (p *Provider) sandboxPid(ctx context.Context, id string) int {
	p.mu.Lock()
	pid, ok := p.pids[id]
	p.mu.Unlock()
	if ok {
		return pid
	}
	resp, err := p.cfg.Runtime.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: id, Verbose: true})
	if err != nil {
		return 0
	}
	if resp.GetStatus().GetLinux().GetNamespaces().GetOptions().GetNetwork() == runtimeapi.NamespaceMode_POD {
		var info struct {
			Pid int `json:"pid"`
		}
		if json.Unmarshal([]byte(resp.GetInfo()["info"]), &info) == nil {
			pid = info.Pid
		}
	}
	p.mu.Lock()
	p.pids[id] = pid
	p.mu.Unlock()
	return pid
}

// forgetPids drops the cached PIDs of sandboxes no longer listed.
func (p *Provider) forgetPids(live []*runtimeapi.PodSandbox) {
	keep := map[string]bool{}
	for _, sb := range live {
		keep[sb.Id] = true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for id := range p.pids {
		if !keep[id] {
			delete(p.pids, id)
		}
	}
}

// netDev reads the interface counters of the network namespace of pid
// from <proc>/<pid>/net/dev; loopback is left out.
func netDev(proc string, pid int, at time.Time) (*NetworkStats, error) {
	data, err := os.ReadFile(filepath.Join(proc, strconv.Itoa(pid), "net", "dev"))
	if err != nil {
		return nil, fmt.Errorf("read net/dev of %d: %w", pid, err)
	}
	out := &NetworkStats{Time: mtime(at)}
	for _, line := range strings.Split(string(data), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "lo" || strings.Contains(name, "|") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 11 {
			continue
		}
		num := func(i int) *uint64 {
			n, err := strconv.ParseUint(f[i], 10, 64)
			if err != nil {
				return nil
			}
			return &n
		}
		is := InterfaceStats{Name: name, RxBytes: num(0), RxErrors: num(2), TxBytes: num(8), TxErrors: num(10)}
		out.Interfaces = append(out.Interfaces, is)
		if name == defaultInterface {
			out.InterfaceStats = is
		}
	}
	if len(out.Interfaces) == 0 {
		return nil, fmt.Errorf("no interfaces in the network namespace of %d", pid)
	}
	if out.Name == "" {
		out.InterfaceStats = out.Interfaces[0]
	}
	return out, nil
}
