package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	corev1 "keel.dev/api/core/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/fake"
)

func node(name, cpu string, labels map[string]string, taints ...corev1.Taint) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec:       corev1.NodeSpec{Taints: taints},
		Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse("4Gi"),
			corev1.ResourcePods: resource.MustParse("110"),
		}},
	}
}

func pod(name, cpu string, mutate ...func(*corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: name, UID: types.UID("uid-" + name)},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}}},
	}
	for _, m := range mutate {
		m(p)
	}
	return p
}

// startApp runs the scheduler app over a fake clientset seeded with objs
// and returns the clientset and the /metrics address.
func startApp(t *testing.T, objs ...runtime.Object) (*fake.Clientset, string) {
	t.Helper()
	return startAppWith(t, func(*Config) {}, objs...)
}

func startAppWith(t *testing.T, mutate func(*Config), objs ...runtime.Object) (*fake.Clientset, string) {
	t.Helper()
	cs := fake.NewClientset(objs...)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan *Started, 1)
	done := make(chan error, 1)
	cfg := &Config{
		Client: cs.Clientset, Address: "127.0.0.1:0",
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Started: func(s *Started) { started <- s },
	}
	mutate(cfg)
	go func() { done <- Run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	select {
	case s := <-started:
		return cs, s.Addr
	case err := <-done:
		t.Fatalf("Run failed: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("scheduler did not start")
	}
	return nil, ""
}

// waitPod polls the pod until cond holds.
func waitPod(t *testing.T, cs *fake.Clientset, name string, what string, cond func(*corev1.Pod) bool) *corev1.Pod {
	t.Helper()
	var last *corev1.Pod
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		p, err := cs.CoreV1().Pods("default").Get(context.Background(), name, metav1.GetOptions{})
		if err == nil {
			last = p
			if cond(p) {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("pod %s: timed out waiting for %s; last: %+v", name, what, last)
	return nil
}

func TestPodsAreBoundWhereTheRulesSay(t *testing.T) {
	taint := corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}
	cs, _ := startApp(t,
		node("small", "1", map[string]string{"zone": "a"}),
		node("big", "8", map[string]string{"zone": "b", "disk": "ssd"}),
		node("tainted", "8", map[string]string{"zone": "c"}, taint),
	)
	cases := []struct {
		name  string
		pod   *corev1.Pod
		nodes []string
	}{
		{"a pod too big for the small node lands on the big untainted one", pod("cpu4", "4"), []string{"big"}},
		{"a nodeSelector pod lands on the matching node", pod("selector", "100m", func(p *corev1.Pod) {
			p.Spec.NodeSelector = map[string]string{"zone": "a"}
		}), []string{"small"}},
		{"a pod tolerating the taint may land on the tainted node only when selected", pod("tolerates", "100m", func(p *corev1.Pod) {
			p.Spec.NodeSelector = map[string]string{"zone": "c"}
			p.Spec.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "gpu", Effect: corev1.TaintEffectNoSchedule}}
		}), []string{"tainted"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := cs.CoreV1().Pods("default").Create(context.Background(), tc.pod, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			p := waitPod(t, cs, tc.pod.Name, "binding", func(p *corev1.Pod) bool { return p.Spec.NodeName != "" })
			if !contains(tc.nodes, p.Spec.NodeName) {
				t.Errorf("bound to %q, want one of %v", p.Spec.NodeName, tc.nodes)
			}
		})
	}
	t.Run("a Scheduled event is recorded for the bound pod", func(t *testing.T) {
		waitEvent(t, cs, "Scheduled", "Successfully assigned default/cpu4 to big")
	})
}

func TestUnschedulablePodGetsConditionAndEvent(t *testing.T) {
	taint := corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}
	cs, addr := startApp(t, node("small", "1", nil), node("tainted", "8", nil, taint), pod("huge", "4"))
	want := "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}."
	p := waitPod(t, cs, "huge", "PodScheduled=False", func(p *corev1.Pod) bool {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
				return true
			}
		}
		return false
	})
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			if c.Reason != corev1.PodReasonUnschedulable || !strings.HasPrefix(c.Message, want) {
				t.Errorf("condition = %s %q, want Unschedulable %q…", c.Reason, c.Message, want)
			}
		}
	}
	if p.Spec.NodeName != "" {
		t.Errorf("pod bound to %q, want pending", p.Spec.NodeName)
	}
	waitEvent(t, cs, "FailedScheduling", want)
	body := get(t, "http://"+addr+"/metrics")
	for _, s := range []string{`scheduler_schedule_attempts_total{profile="default-scheduler",result="unschedulable"}`, `scheduler_pending_pods{queue="unschedulable"}`, "scheduler_scheduling_attempt_duration_seconds_bucket"} {
		if !strings.Contains(body, s) {
			t.Errorf("/metrics lacks %s", s)
		}
	}
	if got := get(t, "http://"+addr+"/healthz"); got != "ok" {
		t.Errorf("/healthz = %q, want ok", got)
	}
}

func TestPreemptionEvictsTheLowerPriorityVictim(t *testing.T) {
	low, high := int32(10), int32(1000)
	victim := pod("victim", "600m", func(p *corev1.Pod) { p.Spec.NodeName = "only"; p.Spec.Priority = &low })
	bystander := pod("bystander", "300m", func(p *corev1.Pod) { p.Spec.NodeName = "only"; p.Spec.Priority = &high })
	pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "high"}, Value: high}
	cs, _ := startApp(t, node("only", "1", nil), victim, bystander, pc)
	preemptor := pod("preemptor", "500m", func(p *corev1.Pod) { p.Spec.PriorityClassName = "high" })
	if _, err := cs.CoreV1().Pods("default").Create(context.Background(), preemptor, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := cs.CoreV1().Pods("default").Get(context.Background(), "victim", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("victim not deleted: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := cs.CoreV1().Pods("default").Get(context.Background(), "bystander", metav1.GetOptions{}); err != nil {
		t.Errorf("bystander (higher priority) was touched: %v", err)
	}
	p := waitPod(t, cs, "preemptor", "binding after preemption", func(p *corev1.Pod) bool { return p.Spec.NodeName == "only" })
	if p.Status.NominatedNodeName != "only" {
		t.Errorf("nominatedNodeName = %q, want only", p.Status.NominatedNodeName)
	}
	sawCondition := false
	for _, a := range cs.Actions() {
		if a.Matches("patch", "pods") && a.Name == "victim" && a.Subresource == "status" {
			sawCondition = true
		}
	}
	if !sawCondition {
		t.Error("victim's DisruptionTarget condition was not patched")
	}
}

func TestLeaderSchedulesAfterTakingTheLease(t *testing.T) {
	cs, _ := startAppWith(t, func(c *Config) {
		c.LeaderElect, c.LeaseNamespace, c.LeaseName, c.Identity = true, "kube-system", "kube-scheduler", "me"
		c.LeaseDuration, c.RenewDeadline, c.RetryPeriod = 3*time.Second, 2*time.Second, 100*time.Millisecond
	}, node("n1", "2", nil), pod("p", "100m"))
	waitPod(t, cs, "p", "binding", func(p *corev1.Pod) bool { return p.Spec.NodeName == "n1" })
	lease, err := cs.CoordinationV1().Leases("kube-system").Get(context.Background(), "kube-scheduler", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if lease.Spec.HolderIdentity == nil || *lease.Spec.HolderIdentity != "me" {
		t.Errorf("lease holder = %v, want me", lease.Spec.HolderIdentity)
	}
}

func TestOptionsResolveFlagsAndFiles(t *testing.T) {
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	writeFile(t, kc, "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster:\n    server: https://10.0.0.1:6443\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    token: t\n")
	good := filepath.Join(dir, "good.yaml")
	writeFile(t, good, "profiles:\n- schedulerName: default-scheduler\n- schedulerName: other\n")
	bad := filepath.Join(dir, "bad.yaml")
	writeFile(t, bad, "percentageOfNodesToScore: 101\n")
	cases := []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, c *Config)
	}{
		{"the defaults are kube-scheduler's", []string{"--kubeconfig", kc}, "", func(t *testing.T, c *Config) {
			if !c.LeaderElect || c.LeaseNamespace != "kube-system" || c.LeaseName != "kube-scheduler" {
				t.Errorf("leader election = %v %s/%s", c.LeaderElect, c.LeaseNamespace, c.LeaseName)
			}
			if c.REST.QPS != 50 || c.REST.Burst != 100 || c.REST.ContentType != runtime.ContentTypeProtobuf {
				t.Errorf("client = qps %v burst %v %s", c.REST.QPS, c.REST.Burst, c.REST.ContentType)
			}
			if c.Address != "127.0.0.1:10259" || c.REST.Host != "https://10.0.0.1:6443" {
				t.Errorf("address %q host %q", c.Address, c.REST.Host)
			}
			if c.Scheduler != nil {
				t.Errorf("scheduler config = %+v, want nil (defaults)", c.Scheduler)
			}
		}},
		{"flags override the client and endpoint settings", []string{"--kubeconfig", kc, "--kube-api-qps=-1", "--kube-api-burst=7", "--kube-api-content-type=application/json", "--secure-port=0", "--leader-elect=false", "--config", good}, "", func(t *testing.T, c *Config) {
			if c.LeaderElect || c.REST.QPS != -1 || c.REST.Burst != 7 || c.REST.ContentType != runtime.ContentTypeJSON || c.Address != "" {
				t.Errorf("config = %+v rest %+v", c, c.REST)
			}
			if c.Scheduler == nil || len(c.Scheduler.Profiles) != 2 {
				t.Errorf("profiles not loaded: %+v", c.Scheduler)
			}
		}},
		{"the memory limit is off by default", []string{"--kubeconfig", kc}, "", func(t *testing.T, c *Config) {
			if c.MemoryLimit != 0 {
				t.Errorf("memory limit = %d, want 0", c.MemoryLimit)
			}
		}},
		{"the memory limit is parsed as a quantity", []string{"--kubeconfig", kc, "--memory-limit=120Mi"}, "", func(t *testing.T, c *Config) {
			if c.MemoryLimit != 120<<20 {
				t.Errorf("memory limit = %d, want %d", c.MemoryLimit, 120<<20)
			}
		}},
		{"a malformed memory limit is rejected", []string{"--kubeconfig", kc, "--memory-limit=lots"}, "memory-limit", nil},
		{"an invalid configuration file is rejected", []string{"--kubeconfig", kc, "--config", bad}, "percentageOfNodesToScore", nil},
		{"an unknown content type is rejected", []string{"--kubeconfig", kc, "--kube-api-content-type=text/plain"}, "content-type", nil},
		{"a missing kubeconfig is reported", []string{"--kubeconfig", filepath.Join(dir, "nope")}, "kubeconfig", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := NewOptions()
			fs := pflag.NewFlagSet("scheduler", pflag.ContinueOnError)
			o.AddFlags(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			c, err := o.Config()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func waitEvent(t *testing.T, cs *fake.Clientset, reason, msgPrefix string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		evs, err := cs.CoreV1().Events("default").List(context.Background(), metav1.ListOptions{})
		if err == nil {
			for _, e := range evs.Items {
				if e.Reason == reason && strings.HasPrefix(e.Message, msgPrefix) && e.Source.Component == "default-scheduler" {
					return
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %s event with message %q", reason, msgPrefix)
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}
