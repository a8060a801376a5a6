package scheduler

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of testdata scenarios")

// TestScenarios runs the golden scripts in testdata/*.txt. A script is a
// series of blocks: command lines, a "----" line, the expected output, and a
// blank line. Commands:
//
//	node NAME cpu=2 mem=4Gi pods=110 labels=k=v,k2=v2 taints=k=v:NoSchedule unschedulable
//	pod NAME cpu=.. mem=.. prio=N labels=.. nodeSelector=k=v tolerate=k=v:Effect
//	    anti=TOPOLOGYKEY:k=v affinity=TOPOLOGYKEY:k=v spread=MAXSKEW:TOPOLOGYKEY:k=v gate=NAME never
//	bound NAME node=NODE cpu=.. prio=.. labels=..   (a running pod)
//	delete NAME | ungate NAME | tick DURATION | schedule | queue
func TestScenarios(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	if len(files) == 0 {
		t.Fatal("no scenarios")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) { runScenario(t, file) })
	}
}

type scenario struct {
	t     *testing.T
	f     *fakeCluster
	s     *Scheduler
	clock *fakeClock
	pods  map[string]*corev1.Pod
}

func runScenario(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{now: time.Unix(1000, 0)}
	f := newFakeCluster()
	s, err := New(context.Background(), Options{Binder: f, Evictor: f, Status: f, Recorder: f, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	sc := &scenario{t: t, f: f, s: s, clock: clk, pods: map[string]*corev1.Pod{}}
	var out strings.Builder
	blocks := strings.Split(strings.TrimSpace(string(data)), "\n\n")
	for _, block := range blocks {
		cmds, want := block, ""
		lines := strings.Split(block, "\n")
		for i, l := range lines {
			if l == "----" {
				cmds, want = strings.Join(lines[:i], "\n"), strings.Join(lines[i+1:], "\n")
				break
			}
		}
		var got strings.Builder
		for _, line := range strings.Split(strings.TrimSpace(cmds), "\n") {
			if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			got.WriteString(sc.run(line))
		}
		out.WriteString(strings.TrimSpace(cmds) + "\n----\n" + got.String() + "\n")
		if !*rewrite && strings.TrimSpace(got.String()) != strings.TrimSpace(want) {
			t.Errorf("%s\n----\ngot:\n%s\nwant:\n%s", strings.TrimSpace(cmds), got.String(), want)
		}
	}
	if *rewrite {
		if err := os.WriteFile(file, []byte(strings.TrimSpace(out.String())+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func kv(s string) (string, string) {
	k, v, _ := strings.Cut(s, "=")
	return k, v
}

func (sc *scenario) run(line string) string {
	fields := strings.Fields(line)
	ctx := context.Background()
	switch fields[0] {
	case "node":
		n := st.MakeNode(fields[1])
		cpu, mem := "4", "8Gi"
		for _, a := range fields[2:] {
			k, v := kv(a)
			switch k {
			case "cpu":
				cpu = v
			case "mem":
				mem = v
			case "pods":
				defer n.Pods(v)
			case "labels":
				for _, l := range strings.Split(v, ",") {
					lk, lv := kv(l)
					n.Label(lk, lv)
				}
			case "taints":
				for _, tt := range strings.Split(v, ",") {
					kvs, eff, _ := strings.Cut(tt, ":")
					tk, tv := kv(kvs)
					n.Taint(tk, tv, corev1.TaintEffect(eff))
				}
			case "unschedulable":
				n.Unschedulable()
			}
		}
		n.Capacity(cpu, mem)
		defer func() { sc.s.OnNodeAdd(ctx, n.Obj()) }()
		return ""
	case "pod", "bound":
		p := sc.pod(fields[1], fields[2:])
		sc.pods[p.Name] = p
		sc.s.OnPodAdd(ctx, p)
		sc.clock.Step(time.Millisecond)
		return ""
	case "delete":
		p := sc.pods[fields[1]]
		if b := sc.f.binding(p.Name); b != "" && p.Spec.NodeName == "" {
			p = p.DeepCopy()
			p.Spec.NodeName = b
		}
		delete(sc.pods, fields[1])
		sc.s.OnPodDelete(ctx, p)
		return ""
	case "ungate":
		old := sc.pods[fields[1]]
		p := old.DeepCopy()
		p.Spec.SchedulingGates = nil
		sc.pods[p.Name] = p
		sc.s.OnPodUpdate(ctx, old, p)
		return ""
	case "tick":
		d, err := time.ParseDuration(fields[1])
		if err != nil {
			sc.t.Fatal(err)
		}
		sc.clock.Step(d)
		sc.s.Queue.FlushBackoffQCompleted()
		sc.s.Queue.FlushUnschedulablePodsLeftover()
		return ""
	case "schedule":
		return sc.schedule()
	case "queue":
		var names []string
		for n := range sc.pods {
			names = append(names, n)
		}
		sort.Strings(names)
		var b strings.Builder
		for _, n := range names {
			if w := sc.s.Queue.Where(sc.pods[n]); w != "" {
				fmt.Fprintf(&b, "%s: %s\n", n, w)
			}
		}
		return b.String()
	}
	sc.t.Fatalf("unknown command %q", line)
	return ""
}

// schedule runs cycles until the active queue is empty, confirming each
// binding as the informer would, and reports each attempt.
func (sc *scenario) schedule() string {
	var b strings.Builder
	for {
		if a, _, _, _ := sc.s.Queue.Sizes(); a == 0 {
			return b.String()
		}
		evictedBefore := len(sc.f.evicted)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		attempted := sc.s.ScheduleOne(ctx)
		cancel()
		if attempted == nil {
			sc.t.Fatal("no pod attempted")
		}
		sc.s.WaitForBindings()
		name := attempted.Name
		if node := sc.f.binding(name); node != "" && sc.pods[name].Spec.NodeName == "" {
			old := sc.pods[name]
			p := old.DeepCopy()
			p.Spec.NodeName = node
			sc.pods[name] = p
			sc.s.OnPodUpdate(context.Background(), old, p)
			fmt.Fprintf(&b, "%s -> %s\n", name, node)
			continue
		}
		for _, v := range sc.f.evicted[evictedBefore:] {
			fmt.Fprintf(&b, "%s preempts %s\n", name, v)
		}
		if c := sc.f.conds[name]; c != nil {
			fmt.Fprintf(&b, "%s: %s\n", name, c.Message)
		}
		if n := sc.f.nominated[name]; n != "" {
			fmt.Fprintf(&b, "%s nominated to %s\n", name, n)
		}
	}
}

func (sc *scenario) pod(name string, args []string) *corev1.Pod {
	p := st.MakePod(name)
	cpu, mem := "", ""
	for _, a := range args {
		k, v := kv(a)
		switch k {
		case "cpu":
			cpu = v
		case "mem":
			mem = v
		case "node":
			p.Node(v)
		case "prio":
			n, _ := strconv.Atoi(v)
			p.Priority(int32(n))
		case "labels":
			for _, l := range strings.Split(v, ",") {
				lk, lv := kv(l)
				p.Label(lk, lv)
			}
		case "nodeSelector":
			sk, sv := kv(v)
			p.NodeSelector(sk, sv)
		case "tolerate":
			kvs, eff, _ := strings.Cut(v, ":")
			tk, tv := kv(kvs)
			p.Toleration(tk, tv, corev1.TolerationOpEqual, corev1.TaintEffect(eff))
		case "anti", "affinity":
			topo, sel, _ := strings.Cut(v, ":")
			lk, lv := kv(sel)
			if k == "anti" {
				p.PodAntiAffinity(topo, lk, lv)
			} else {
				p.PodAffinity(topo, lk, lv)
			}
		case "spread":
			parts := strings.SplitN(v, ":", 3)
			skew, _ := strconv.Atoi(parts[0])
			lk, lv := kv(parts[2])
			p.SpreadConstraint(int32(skew), parts[1], corev1.DoNotSchedule, nil, lk, lv)
		case "gate":
			p.SchedulingGate(v)
		case "never":
			p.PreemptNever()
		}
	}
	if cpu != "" || mem != "" {
		p.Req(cpu, mem)
	}
	return p.Obj()
}
