package defaultpreemption

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// Name is the plugin name.
const Name = names.DefaultPreemption

// Messages as kube-scheduler prints them.
const (
	msgNotHelpful  = "Preemption is not helpful for scheduling"
	msgNoVictims   = "No preemption victims found for incoming pod"
	msgPolicyNever = "not eligible due to preemptionPolicy=Never."
	msgTerminating = "not eligible due to a terminating pod on the nominated node."
)

// DefaultPreemption preempts lower-priority pods.
type DefaultPreemption struct {
	h    framework.Handle
	args config.DefaultPreemptionArgs
}

var _ framework.PostFilterPlugin = (*DefaultPreemption)(nil)

// New builds the plugin from *config.DefaultPreemptionArgs.
func New(_ context.Context, args any, h framework.Handle) (framework.Plugin, error) {
	p := &DefaultPreemption{h: h}
	pct, abs := int32(10), int32(100)
	p.args = config.DefaultPreemptionArgs{MinCandidateNodesPercentage: &pct, MinCandidateNodesAbsolute: &abs}
	if a, ok := args.(*config.DefaultPreemptionArgs); ok && a != nil {
		if a.MinCandidateNodesPercentage != nil {
			p.args.MinCandidateNodesPercentage = a.MinCandidateNodesPercentage
		}
		if a.MinCandidateNodesAbsolute != nil {
			p.args.MinCandidateNodesAbsolute = a.MinCandidateNodesAbsolute
		}
	}
	return p, nil
}

// Name returns the plugin name.
func (*DefaultPreemption) Name() string { return Name }

// Candidate is a node with the victims whose eviction makes the pod fit.
type Candidate struct {
	Node          string
	Victims       []*corev1.Pod
	NumPDBViolate int
}

// PostFilter preempts on the best candidate node and nominates it.
func (p *DefaultPreemption) PostFilter(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, statuses framework.NodeToStatusReader) (*framework.PostFilterResult, *framework.Status) {
	res, s := p.preempt(ctx, state, pod, statuses)
	if msg := s.Message(); msg != "" {
		return res, framework.NewStatus(s.Code(), "preemption: "+msg)
	}
	return res, s
}

func (p *DefaultPreemption) preempt(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, statuses framework.NodeToStatusReader) (*framework.PostFilterResult, *framework.Status) {
	lister := p.h.SnapshotSharedLister().NodeInfos()
	if ok, msg := p.eligible(pod, lister); !ok {
		return nil, framework.NewStatus(framework.Unschedulable, msg)
	}
	all := lister.List()
	if len(all) == 0 {
		return nil, framework.AsStatus(fmt.Errorf("no nodes available"))
	}
	nodeStatuses := framework.NewNodeToStatus()
	var potential []*framework.NodeInfo
	for _, ni := range all {
		name := ni.Node().Name
		if statuses.Get(name).Code() == framework.UnschedulableAndUnresolvable {
			nodeStatuses.Set(name, framework.NewStatus(framework.UnschedulableAndUnresolvable, msgNotHelpful))
			continue
		}
		potential = append(potential, ni)
	}
	var pdbs []*policyv1.PodDisruptionBudget
	if l := p.h.ClusterAPI().PDBs; l != nil {
		var err error
		if pdbs, err = l.List(); err != nil {
			return nil, framework.AsStatus(fmt.Errorf("list PodDisruptionBudgets: %w", err))
		}
	}
	candidates := p.dryRun(ctx, state, pod, potential, pdbs, nodeStatuses)
	if len(candidates) == 0 {
		fe := &framework.FitError{Pod: pod, NumAllNodes: len(all), Diagnosis: framework.Diagnosis{NodeToStatus: nodeStatuses}}
		return &framework.PostFilterResult{}, framework.NewStatus(framework.Unschedulable, fe.Error())
	}
	best := pickOne(candidates)
	if err := p.prepare(ctx, best, pod); err != nil {
		return nil, framework.AsStatus(err)
	}
	return &framework.PostFilterResult{NominatedNodeName: best.Node}, nil
}

// eligible reports whether pod may preempt, with kube-scheduler's message when not.
func (p *DefaultPreemption) eligible(pod *corev1.Pod, lister framework.NodeInfoLister) (bool, string) {
	if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy == corev1.PreemptNever {
		return false, msgPolicyNever
	}
	if nom := pod.Status.NominatedNodeName; nom != "" {
		if ni, err := lister.Get(nom); err == nil {
			prio := framework.PodPriority(pod)
			for _, pi := range ni.Pods {
				if pi.Pod.DeletionTimestamp != nil && framework.PodPriority(pi.Pod) < prio {
					return false, msgTerminating
				}
			}
		}
	}
	return true, ""
}

func (p *DefaultPreemption) numCandidates(n int) int {
	c := n * int(*p.args.MinCandidateNodesPercentage) / 100
	c = max(c, int(*p.args.MinCandidateNodesAbsolute))
	return min(c, n)
}

func (p *DefaultPreemption) dryRun(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, nodes []*framework.NodeInfo, pdbs []*policyv1.PodDisruptionBudget, statuses *framework.NodeToStatus) []Candidate {
	want := int64(p.numCandidates(len(nodes)))
	var found atomic.Int64
	var mu sync.Mutex
	var out []Candidate
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p.h.Parallelizer().Until(ctx, len(nodes), func(i int) {
		ni := nodes[i].Clone()
		st := state.Clone()
		victims, violations, s := p.selectVictimsOnNode(ctx, st, pod, ni, pdbs)
		mu.Lock()
		defer mu.Unlock()
		if s.IsSuccess() && len(victims) > 0 {
			out = append(out, Candidate{Node: ni.Node().Name, Victims: victims, NumPDBViolate: violations})
			if found.Add(1) >= want {
				cancel()
			}
			return
		}
		if s.IsSuccess() {
			s = framework.AsStatus(fmt.Errorf("expected at least one victim pod on node %q", ni.Node().Name))
		}
		statuses.Set(ni.Node().Name, s)
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Node < out[j].Node })
	return out
}

// selectVictimsOnNode removes all lower-priority pods, checks the pod then
// fits, and adds back as many as possible, most important first, PDB-violating first.
func (p *DefaultPreemption) selectVictimsOnNode(ctx context.Context, state *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo, pdbs []*policyv1.PodDisruptionBudget) ([]*corev1.Pod, int, *framework.Status) {
	prio := framework.PodPriority(pod)
	var potential []*framework.PodInfo
	for _, pi := range ni.Pods {
		if framework.PodPriority(pi.Pod) < prio {
			potential = append(potential, pi)
		}
	}
	if len(potential) == 0 {
		return nil, 0, framework.NewStatus(framework.UnschedulableAndUnresolvable, msgNoVictims)
	}
	for _, pi := range potential {
		ni.RemovePod(pi.Pod)
		if s := p.h.RunPreFilterExtensionRemovePod(ctx, state, pod, pi, ni); !s.IsSuccess() {
			return nil, 0, s
		}
	}
	if s := p.h.RunFilterPluginsWithNominatedPods(ctx, state, pod, ni); !s.IsSuccess() {
		return nil, 0, s
	}
	sort.SliceStable(potential, func(i, j int) bool { return moreImportant(potential[i].Pod, potential[j].Pod) })
	violating, nonViolating := splitByPDB(potential, pdbs)
	var victims []*corev1.Pod
	numViolating := 0
	reprieve := func(pi *framework.PodInfo) (bool, *framework.Status) {
		ni.AddPodInfo(pi)
		if s := p.h.RunPreFilterExtensionAddPod(ctx, state, pod, pi, ni); !s.IsSuccess() {
			return false, s
		}
		if p.h.RunFilterPluginsWithNominatedPods(ctx, state, pod, ni).IsSuccess() {
			return true, nil
		}
		ni.RemovePod(pi.Pod)
		if s := p.h.RunPreFilterExtensionRemovePod(ctx, state, pod, pi, ni); !s.IsSuccess() {
			return false, s
		}
		victims = append(victims, pi.Pod)
		return false, nil
	}
	for _, pi := range violating {
		fits, s := reprieve(pi)
		if s != nil {
			return nil, 0, s
		}
		if !fits {
			numViolating++
		}
	}
	for _, pi := range nonViolating {
		if _, s := reprieve(pi); s != nil {
			return nil, 0, s
		}
	}
	return victims, numViolating, nil
}

// moreImportant orders by higher priority, then earlier start time.
func moreImportant(a, b *corev1.Pod) bool {
	pa, pb := framework.PodPriority(a), framework.PodPriority(b)
	if pa != pb {
		return pa > pb
	}
	return startTime(a).Time.Before(startTime(b).Time)
}

func startTime(p *corev1.Pod) metav1.Time {
	if p.Status.StartTime != nil {
		return *p.Status.StartTime
	}
	return p.CreationTimestamp
}

// splitByPDB separates pods whose eviction would exceed a PDB's disruptionsAllowed.
func splitByPDB(pods []*framework.PodInfo, pdbs []*policyv1.PodDisruptionBudget) (violating, ok []*framework.PodInfo) {
	allowed := make([]int32, len(pdbs))
	sels := make([]labels.Selector, len(pdbs))
	for i, pdb := range pdbs {
		allowed[i] = pdb.Status.DisruptionsAllowed
		sels[i], _ = metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
	}
	for _, pi := range pods {
		v := false
		for i, pdb := range pdbs {
			if pdb.Namespace != pi.Pod.Namespace || sels[i] == nil || sels[i].Empty() || !sels[i].Matches(labels.Set(pi.Pod.Labels)) {
				continue
			}
			if _, disrupted := pdb.Status.DisruptedPods[pi.Pod.Name]; disrupted {
				continue
			}
			allowed[i]--
			if allowed[i] < 0 {
				v = true
			}
		}
		if v {
			violating = append(violating, pi)
		} else {
			ok = append(ok, pi)
		}
	}
	return violating, ok
}

// pickOne chooses the candidate with fewest PDB violations, then lowest
// highest-victim priority, lowest priority sum, fewest victims, then the
// latest start among the highest-priority victims.
func pickOne(cs []Candidate) Candidate {
	type key struct {
		pdb     int
		highest int64
		sum     int64
		n       int
		start   int64
	}
	keyOf := func(c Candidate) key {
		k := key{pdb: c.NumPDBViolate, n: len(c.Victims), highest: -1 << 62}
		for _, v := range c.Victims {
			pr := int64(framework.PodPriority(v))
			k.sum += pr + 1<<31
			if pr > k.highest {
				k.highest = pr
			}
		}
		earliest := int64(1 << 62)
		for _, v := range c.Victims {
			if int64(framework.PodPriority(v)) == k.highest {
				earliest = min(earliest, startTime(v).UnixNano())
			}
		}
		k.start = earliest
		return k
	}
	best, bk := cs[0], keyOf(cs[0])
	for _, c := range cs[1:] {
		k := keyOf(c)
		switch {
		case k.pdb != bk.pdb:
			if k.pdb > bk.pdb {
				continue
			}
		case k.highest != bk.highest:
			if k.highest > bk.highest {
				continue
			}
		case k.sum != bk.sum:
			if k.sum > bk.sum {
				continue
			}
		case k.n != bk.n:
			if k.n > bk.n {
				continue
			}
		case k.start != bk.start:
			if k.start < bk.start {
				continue
			}
		default:
			continue
		}
		best, bk = c, k
	}
	return best
}

// prepare evicts the victims and rejects victims waiting at Permit.
func (p *DefaultPreemption) prepare(ctx context.Context, c Candidate, preemptor *corev1.Pod) error {
	ev := p.h.ClusterAPI().Evictor
	for _, v := range c.Victims {
		if wp := p.h.WaitingPods().GetWaitingPod(string(v.UID)); wp != nil {
			wp.Reject(Name, "preempted")
			continue
		}
		if ev == nil {
			return fmt.Errorf("preempt pod %q on node %q: no Evictor configured", framework.PodKey(v), c.Node)
		}
		if err := ev.Evict(ctx, v, preemptor); err != nil {
			return fmt.Errorf("preempt pod %q on node %q: %w", framework.PodKey(v), c.Node, err)
		}
	}
	return nil
}
