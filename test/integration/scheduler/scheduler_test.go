package scheduler

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/scheduler/app"
	"keel.dev/keel/test/integration/framework"
)

// cluster is an apiserver with the scheduler app running against it.
type cluster struct {
	cs *typed.Clientset
	ns string
}

func startCluster(t *testing.T) *cluster {
	t.Helper()
	s := framework.StartTestServer(t)
	rc, err := kubeconfig.BuildConfig(s.Kubeconfig, kubeconfig.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	rc.QPS = -1
	cs, err := typed.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	started, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- app.Run(ctx, &app.Config{
			REST: rc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Started: func(*app.Started) { close(started) },
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("scheduler: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("scheduler did not stop")
		}
	})
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("scheduler failed to start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("scheduler did not start")
	}
	return &cluster{cs: cs, ns: "default"}
}

func (c *cluster) createNode(t *testing.T, name, cpu string, labels map[string]string, taints ...corev1.Taint) {
	t.Helper()
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec:       corev1.NodeSpec{Taints: taints},
	}
	created, err := c.cs.CoreV1().Nodes().Create(context.Background(), n, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create node %s: %v", name, err)
	}
	created.Status = corev1.NodeStatus{
		Capacity:    corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("8Gi"), corev1.ResourcePods: resource.MustParse("110")},
		Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("8Gi"), corev1.ResourcePods: resource.MustParse("110")},
		Conditions:  []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue}},
	}
	if _, err := c.cs.CoreV1().Nodes().UpdateStatus(context.Background(), created, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("node %s status: %v", name, err)
	}
}

func newPod(name, cpu string, mutate ...func(*corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": name}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "keel.local/pause:3",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}}},
	}
	for _, m := range mutate {
		m(p)
	}
	return p
}

func (c *cluster) createPod(t *testing.T, p *corev1.Pod) {
	t.Helper()
	if _, err := c.cs.CoreV1().Pods(c.ns).Create(context.Background(), p, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create pod %s: %v", p.Name, err)
	}
}

// waitPod polls the pod until cond holds or 20 s pass.
func (c *cluster) waitPod(t *testing.T, name, what string, cond func(*corev1.Pod) bool) *corev1.Pod {
	t.Helper()
	var last *corev1.Pod
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		p, err := c.cs.CoreV1().Pods(c.ns).Get(context.Background(), name, metav1.GetOptions{})
		if err == nil {
			last = p
			if cond(p) {
				return p
			}
		}
	}
	if last != nil {
		t.Fatalf("pod %s: timed out waiting for %s; nodeName=%q conditions=%+v", name, what, last.Spec.NodeName, last.Status.Conditions)
	}
	t.Fatalf("pod %s: timed out waiting for %s", name, what)
	return nil
}

func bound(p *corev1.Pod) bool { return p.Spec.NodeName != "" }

func scheduledFalse(p *corev1.Pod) (corev1.PodCondition, bool) {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			return c, true
		}
	}
	return corev1.PodCondition{}, false
}

func TestPodsLandWhereTheRulesSay(t *testing.T) {
	c := startCluster(t)
	gpu := corev1.Taint{Key: "gpu", Value: "true", Effect: corev1.TaintEffectNoSchedule}
	c.createNode(t, "small-a", "1", map[string]string{"zone": "a", "kubernetes.io/hostname": "small-a"})
	c.createNode(t, "big-b", "16", map[string]string{"zone": "b", "disk": "ssd", "kubernetes.io/hostname": "big-b"})
	c.createNode(t, "gpu-c", "16", map[string]string{"zone": "c", "kubernetes.io/hostname": "gpu-c"}, gpu)
	c.createNode(t, "mid-a", "4", map[string]string{"zone": "a", "kubernetes.io/hostname": "mid-a"})

	cases := []struct {
		name    string
		pod     *corev1.Pod
		allowed []string
	}{
		{"a pod needing more cpu than the small nodes have lands on the big untainted node", newPod("cpu8", "8"), []string{"big-b"}},
		{"a nodeSelector pod lands on a node with the label", newPod("ssd", "100m", func(p *corev1.Pod) {
			p.Spec.NodeSelector = map[string]string{"disk": "ssd"}
		}), []string{"big-b"}},
		{"a required node affinity with NotIn keeps the pod out of the excluded zones", newPod("not-b", "100m", func(p *corev1.Pod) {
			p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpNotIn, Values: []string{"b", "c"}}}}},
			}}}
		}), []string{"small-a", "mid-a"}},
		{"a pod tolerating the gpu taint and selecting zone c lands on the tainted node", newPod("gpu", "1", func(p *corev1.Pod) {
			p.Spec.NodeSelector = map[string]string{"zone": "c"}
			p.Spec.Tolerations = []corev1.Toleration{{Key: "gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}}
		}), []string{"gpu-c"}},
		{"a pod with spec.nodeName set is left where it is", newPod("pinned", "100m", func(p *corev1.Pod) { p.Spec.NodeName = "mid-a" }), []string{"mid-a"}},
		{"a pod with anti-affinity to the pinned pod avoids its host", newPod("anti", "100m", func(p *corev1.Pod) {
			p.Spec.NodeSelector = map[string]string{"zone": "a"}
			p.Spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "pinned"}}, TopologyKey: "kubernetes.io/hostname",
			}}}}
		}), []string{"small-a"}},
		{"a pod with affinity to the ssd pod joins its zone", newPod("with-ssd", "100m", func(p *corev1.Pod) {
			p.Spec.Affinity = &corev1.Affinity{PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
				LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "ssd"}}, TopologyKey: "zone",
			}}}}
		}), []string{"big-b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.createPod(t, tc.pod)
			p := c.waitPod(t, tc.pod.Name, "binding", bound)
			ok := false
			for _, n := range tc.allowed {
				ok = ok || p.Spec.NodeName == n
			}
			if !ok {
				t.Errorf("bound to %s, want one of %v", p.Spec.NodeName, tc.allowed)
			}
		})
	}

	t.Run("pods spread by zone with maxSkew 1 fill the two zones evenly", func(t *testing.T) {
		zones := map[string]int{}
		for _, name := range []string{"spread-0", "spread-1", "spread-2", "spread-3"} {
			p := newPod(name, "100m", func(p *corev1.Pod) {
				p.Labels = map[string]string{"app": "spread"}
				p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
					NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a", "b"}}}}},
				}}}
				p.Spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{
					MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: corev1.DoNotSchedule,
					LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "spread"}},
				}}
			})
			c.createPod(t, p)
			got := c.waitPod(t, name, "binding", bound)
			n, err := c.cs.CoreV1().Nodes().Get(context.Background(), got.Spec.NodeName, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			zones[n.Labels["zone"]]++
		}
		if zones["a"] != 2 || zones["b"] != 2 {
			t.Errorf("pods per zone = %v, want 2 and 2", zones)
		}
	})

	t.Run("a pod no node can take stays Pending with kube-scheduler's message and event", func(t *testing.T) {
		c.createPod(t, newPod("too-big", "64"))
		p := c.waitPod(t, "too-big", "PodScheduled=False", func(p *corev1.Pod) bool { _, ok := scheduledFalse(p); return ok })
		cond, _ := scheduledFalse(p)
		want := "0/4 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 3 Insufficient cpu."
		if cond.Reason != corev1.PodReasonUnschedulable || !strings.HasPrefix(cond.Message, want) {
			t.Errorf("condition = %s %q, want Unschedulable %q…", cond.Reason, cond.Message, want)
		}
		if p.Spec.NodeName != "" {
			t.Errorf("pod bound to %s", p.Spec.NodeName)
		}
		waitEvent(t, c, "too-big", "FailedScheduling", want)
		waitEvent(t, c, "cpu8", "Scheduled", "Successfully assigned default/cpu8 to big-b")
	})
}

func TestPreemptionEvictsTheLowestPriorityVictim(t *testing.T) {
	c := startCluster(t)
	c.createNode(t, "n1", "2", nil)
	for _, pc := range []*schedulingv1.PriorityClass{
		{ObjectMeta: metav1.ObjectMeta{Name: "low"}, Value: 10},
		{ObjectMeta: metav1.ObjectMeta{Name: "mid"}, Value: 100},
		{ObjectMeta: metav1.ObjectMeta{Name: "high"}, Value: 1000},
	} {
		if _, err := c.cs.SchedulingV1().PriorityClasses().Create(context.Background(), pc, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	withClass := func(class string) func(*corev1.Pod) {
		return func(p *corev1.Pod) { p.Spec.PriorityClassName = class }
	}
	c.createPod(t, newPod("low", "1", withClass("low")))
	c.createPod(t, newPod("mid", "1", withClass("mid")))
	c.waitPod(t, "low", "binding", bound)
	c.waitPod(t, "mid", "binding", bound)

	c.createPod(t, newPod("high", "1", withClass("high")))
	// There are no kubelets: the graceful deletion leaves the victim
	// terminating, marked with the DisruptionTarget condition.
	victim := c.waitPod(t, "low", "graceful deletion", func(p *corev1.Pod) bool { return p.DeletionTimestamp != nil })
	marked := false
	for _, cond := range victim.Status.Conditions {
		marked = marked || (cond.Type == corev1.DisruptionTarget && cond.Reason == corev1.PodReasonPreemptionByScheduler)
	}
	if !marked {
		t.Errorf("victim conditions = %+v, want DisruptionTarget/PreemptionByScheduler", victim.Status.Conditions)
	}
	if mid, err := c.cs.CoreV1().Pods(c.ns).Get(context.Background(), "mid", metav1.GetOptions{}); err != nil || mid.DeletionTimestamp != nil {
		t.Errorf("mid-priority pod was evicted too (err %v)", err)
	}
	// Finish the deletion as the kubelet would.
	zero := int64(0)
	if err := c.cs.CoreV1().Pods(c.ns).Delete(context.Background(), "low", metav1.DeleteOptions{GracePeriodSeconds: &zero}); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	p := c.waitPod(t, "high", "binding to n1", func(p *corev1.Pod) bool { return p.Spec.NodeName == "n1" })
	if p.Status.NominatedNodeName != "n1" {
		t.Errorf("nominatedNodeName = %q, want n1", p.Status.NominatedNodeName)
	}
}

func waitEvent(t *testing.T, c *cluster, pod, reason, msgPrefix string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		evs, err := c.cs.CoreV1().Events(c.ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			continue
		}
		for _, e := range evs.Items {
			if e.InvolvedObject.Name == pod && e.Reason == reason && strings.HasPrefix(e.Message, msgPrefix) {
				return
			}
		}
	}
	t.Errorf("no %s event for %s with message %q", reason, pod, msgPrefix)
}
