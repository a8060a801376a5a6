package runtime_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins"
	fwruntime "keel.dev/keel/pkg/scheduler/framework/runtime"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

// recorder is a plugin at every extension point that logs its calls.
type recorder struct {
	name    string
	mu      *sync.Mutex
	log     *[]string
	reserve *framework.Status
	permit  *framework.Status
	wait    time.Duration
	bind    *framework.Status
}

func (r *recorder) rec(s string) {
	r.mu.Lock()
	*r.log = append(*r.log, r.name+"."+s)
	r.mu.Unlock()
}

func (r *recorder) Name() string { return r.name }
func (r *recorder) PreFilter(context.Context, *framework.CycleState, *corev1.Pod, []*framework.NodeInfo) (*framework.PreFilterResult, *framework.Status) {
	r.rec("PreFilter")
	return nil, nil
}
func (r *recorder) PreFilterExtensions() framework.PreFilterExtensions { return nil }
func (r *recorder) Filter(context.Context, *framework.CycleState, *corev1.Pod, *framework.NodeInfo) *framework.Status {
	r.rec("Filter")
	return nil
}
func (r *recorder) Reserve(context.Context, *framework.CycleState, *corev1.Pod, string) *framework.Status {
	r.rec("Reserve")
	return r.reserve
}
func (r *recorder) Unreserve(context.Context, *framework.CycleState, *corev1.Pod, string) {
	r.rec("Unreserve")
}
func (r *recorder) Permit(context.Context, *framework.CycleState, *corev1.Pod, string) (*framework.Status, time.Duration) {
	r.rec("Permit")
	return r.permit, r.wait
}
func (r *recorder) PreBind(context.Context, *framework.CycleState, *corev1.Pod, string) *framework.Status {
	r.rec("PreBind")
	return nil
}
func (r *recorder) Bind(context.Context, *framework.CycleState, *corev1.Pod, string) *framework.Status {
	r.rec("Bind")
	return r.bind
}
func (r *recorder) PostBind(context.Context, *framework.CycleState, *corev1.Pod, string) {
	r.rec("PostBind")
}

var (
	_ framework.PreFilterPlugin = (*recorder)(nil)
	_ framework.FilterPlugin    = (*recorder)(nil)
	_ framework.ReservePlugin   = (*recorder)(nil)
	_ framework.PermitPlugin    = (*recorder)(nil)
	_ framework.PreBindPlugin   = (*recorder)(nil)
	_ framework.BindPlugin      = (*recorder)(nil)
	_ framework.PostBindPlugin  = (*recorder)(nil)
)

func newRecorders(t *testing.T, setup func(a, b *recorder)) (*fwruntime.Framework, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var log []string
	a := &recorder{name: "A", mu: &mu, log: &log}
	b := &recorder{name: "B", mu: &mu, log: &log}
	if setup != nil {
		setup(a, b)
	}
	reg := plugins.NewInTreeRegistry()
	for _, r := range []*recorder{a, b} {
		r := r
		_ = reg.Register(r.name, func(context.Context, any, framework.Handle) (framework.Plugin, error) { return r, nil })
	}
	profile := &config.Profile{SchedulerName: "test", Plugins: &config.Plugins{
		MultiPoint: config.PluginSet{Enabled: []config.Plugin{{Name: "PrioritySort"}, {Name: "A"}, {Name: "B"}}},
	}}
	fwk, err := fwruntime.New(context.Background(), reg, profile, fwruntime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return fwk, &log
}

func TestExtensionPointsRunInOrder(t *testing.T) {
	fwk, log := newRecorders(t, func(a, b *recorder) { a.bind = framework.NewStatus(framework.Skip) })
	ctx, state, pod := context.Background(), framework.NewCycleState(), st.MakePod("p").Obj()
	ni := framework.NewNodeInfo()
	ni.SetNode(st.MakeNode("n").Obj())
	fwk.RunPreFilterPlugins(ctx, state, pod)
	fwk.RunFilterPlugins(ctx, state, pod, ni)
	fwk.RunReservePluginsReserve(ctx, state, pod, "n")
	fwk.RunPermitPlugins(ctx, state, pod, "n")
	fwk.RunPreBindPlugins(ctx, state, pod, "n")
	if s := fwk.RunBindPlugins(ctx, state, pod, "n"); !s.IsSuccess() {
		t.Fatal(s)
	}
	fwk.RunPostBindPlugins(ctx, state, pod, "n")
	want := []string{"A.PreFilter", "B.PreFilter", "A.Filter", "B.Filter", "A.Reserve", "B.Reserve", "A.Permit", "B.Permit", "A.PreBind", "B.PreBind", "A.Bind", "B.Bind", "A.PostBind", "B.PostBind"}
	if d := cmp.Diff(want, *log); d != "" {
		t.Fatalf("(-want +got)\n%s", d)
	}
}

func TestReserveFailureStopsAndUnreserveRunsInReverse(t *testing.T) {
	fwk, log := newRecorders(t, func(a, b *recorder) { a.reserve = framework.NewStatus(framework.Unschedulable, "no") })
	ctx, state, pod := context.Background(), framework.NewCycleState(), st.MakePod("p").Obj()
	s := fwk.RunReservePluginsReserve(ctx, state, pod, "n")
	if !s.IsRejected() || s.Plugin() != "A" {
		t.Fatalf("got %v from %q", s, s.Plugin())
	}
	fwk.RunReservePluginsUnreserve(ctx, state, pod, "n")
	want := []string{"A.Reserve", "B.Unreserve", "A.Unreserve"}
	if d := cmp.Diff(want, *log); d != "" {
		t.Fatalf("(-want +got)\n%s", d)
	}
}

func TestPermitWait(t *testing.T) {
	cases := []struct {
		name   string
		act    func(wp framework.WaitingPod)
		wait   time.Duration
		reject string
	}{
		{"allowing releases the pod", func(wp framework.WaitingPod) { wp.Allow("A") }, time.Minute, ""},
		{"rejecting fails the pod with the message", func(wp framework.WaitingPod) { wp.Reject("A", "quota") }, time.Minute, "quota"},
		{"a timeout rejects the pod", func(framework.WaitingPod) {}, 10 * time.Millisecond, "rejected due to timeout after waiting 10ms at plugin A"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fwk, _ := newRecorders(t, func(a, b *recorder) {
				a.permit = framework.NewStatus(framework.Wait)
				a.wait = tc.wait
			})
			ctx, pod := context.Background(), st.MakePod("p").Obj()
			if s := fwk.RunPermitPlugins(ctx, framework.NewCycleState(), pod, "n"); !s.IsWait() {
				t.Fatalf("want Wait, got %v", s)
			}
			wp := fwk.WaitingPods().GetWaitingPod(string(pod.UID))
			if wp == nil {
				t.Fatal("pod is not waiting")
			}
			tc.act(wp)
			s := fwk.WaitOnPermit(ctx, pod)
			if tc.reject == "" {
				if !s.IsSuccess() {
					t.Fatalf("want success, got %v", s)
				}
				return
			}
			if !s.IsRejected() || s.Message() != tc.reject {
				t.Fatalf("want rejection %q, got %v", tc.reject, s)
			}
		})
	}
}

func TestDefaultProfilePlugins(t *testing.T) {
	cfg := &config.KubeSchedulerConfiguration{}
	config.SetDefaults(cfg)
	fwk, err := fwruntime.New(context.Background(), plugins.NewInTreeRegistry(), &cfg.Profiles[0], fwruntime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := fwk.ListPlugins()
	want := map[string][]string{
		"PreEnqueue": {"SchedulingGates"},
		"QueueSort":  {"PrioritySort"},
		"PreFilter":  {"NodeAffinity", "NodePorts", "NodeResourcesFit", "VolumeBinding", "PodTopologySpread", "InterPodAffinity"},
		"Filter":     {"NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts", "NodeResourcesFit", "VolumeBinding", "PodTopologySpread", "InterPodAffinity"},
		"PostFilter": {"DefaultPreemption"},
		"PreScore":   {"TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity", "NodeResourcesBalancedAllocation", "ImageLocality"},
		"Score":      {"TaintToleration:3", "NodeAffinity:2", "NodeResourcesFit:1", "PodTopologySpread:2", "InterPodAffinity:2", "NodeResourcesBalancedAllocation:1", "ImageLocality:1"},
		"Reserve":    {"VolumeBinding"},
		"PreBind":    {"VolumeBinding"},
		"Bind":       {"DefaultBinder"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("(-want +got)\n%s", d)
	}
}

func TestProfileOverrides(t *testing.T) {
	cfg, err := config.Load([]byte(`
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
profiles:
- schedulerName: default-scheduler
- schedulerName: bin-packer
  plugins:
    multiPoint:
      disabled:
      - name: ImageLocality
    score:
      disabled:
      - name: NodeResourcesBalancedAllocation
      enabled:
      - name: NodeResourcesFit
        weight: 5
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Profiles) != 2 || *cfg.Profiles[1].PercentageOfNodesToScore != 30 {
		t.Fatalf("profiles %+v", cfg.Profiles)
	}
	a := cfg.Profiles[1].Args("NodeResourcesFit").(*config.NodeResourcesFitArgs)
	if a.ScoringStrategy.Type != config.MostAllocated || len(a.ScoringStrategy.Resources) != 2 {
		t.Fatalf("args %+v", a.ScoringStrategy)
	}
	config.SetDefaults(cfg) // defaulting twice (Load, then scheduler.New) must not change anything
	fwk, err := fwruntime.New(context.Background(), plugins.NewInTreeRegistry(), &cfg.Profiles[1], fwruntime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(fwk.ListPlugins()["Score"], ",")
	if got != "TaintToleration:3,NodeAffinity:2,NodeResourcesFit:5,PodTopologySpread:2,InterPodAffinity:2" {
		t.Fatalf("score plugins %s", got)
	}
}

func TestConfigValidation(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want string
	}{
		{"an out-of-range percentage is rejected", "percentageOfNodesToScore: 120", "not in valid range [0-100]"},
		{"duplicate scheduler names are rejected", "profiles: [{schedulerName: a}, {schedulerName: a}]", "Duplicate value"},
		{"unknown fields are rejected", "bogus: 1", "unknown field"},
		{"an unknown scoring strategy is rejected", "profiles: [{pluginConfig: [{name: NodeResourcesFit, args: {scoringStrategy: {type: Random}}}]}]", "Unsupported value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Load([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
		})
	}
}
