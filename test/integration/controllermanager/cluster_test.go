package controllermanager

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/typed"

	"keel.dev/keel/pkg/controller-manager/app"
	"keel.dev/keel/test/integration/framework"
)

// Client rate limits of the controller-manager in these tests.
const benchQPS, benchBurst = 200, 400

// cluster is an apiserver with the controller-manager and a fake kubelet.
type cluster struct {
	cs  *typed.Clientset
	ctx context.Context
}

func startCluster(t *testing.T, tweaks ...func(*app.Options)) *cluster {
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
	ctx, cancel := context.WithCancel(app.WithLogger(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil))))
	o := app.NewOptions()
	o.LeaderElect = false
	o.SecurePort = 0
	o.KubeAPIQPS, o.KubeAPIBurst = benchQPS, benchBurst
	o.Controllers = []string{"replicaset", "deployment", "garbagecollector", "namespace"}
	for _, tw := range tweaks {
		tw(o)
	}
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, o, rc) }()
	go playKubelet(ctx, cs)
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("controller-manager: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("controller-manager did not stop")
		}
	})
	return &cluster{cs: cs, ctx: ctx}
}

// playKubelet marks pods Running and Ready and completes graceful deletions.
func playKubelet(ctx context.Context, cs *typed.Clientset) {
	zero := int64(0)
	for ctx.Err() == nil {
		pods, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
		if err == nil {
			for i := range pods.Items {
				p := &pods.Items[i]
				if p.DeletionTimestamp != nil {
					_ = cs.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
					continue
				}
				if corev1.IsPodReady(p) {
					continue
				}
				now := metav1.Now()
				p.Status.Phase = corev1.PodRunning
				p.Status.PodIP = "10.244.0.10"
				p.Status.StartTime = &now
				p.Status.Conditions = []corev1.PodCondition{
					{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
					{Type: corev1.ContainersReady, Status: corev1.ConditionTrue, LastTransitionTime: now},
				}
				_, _ = cs.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (c *cluster) namespace(t *testing.T, name string) string {
	t.Helper()
	_, err := c.cs.CoreV1().Namespaces().Create(c.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func newDeployment(ns, name string, n int32, image string) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: &n,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: image}}},
			},
		},
	}
}

// waitFor polls cond every 100ms for up to timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		ok, err := cond()
		if ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting until %s (last error: %v)", timeout, what, last)
}

// waitRolledOut waits for the condition kubectl rollout status checks.
func (c *cluster) waitRolledOut(t *testing.T, ns, name string, timeout time.Duration) *appsv1.Deployment {
	t.Helper()
	var d *appsv1.Deployment
	waitFor(t, timeout, "deployment "+name+" is rolled out", func() (bool, error) {
		var err error
		d, err = c.cs.AppsV1().Deployments(ns).Get(c.ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		want := *d.Spec.Replicas
		st := d.Status
		return st.ObservedGeneration >= d.Generation && st.UpdatedReplicas == want && st.Replicas == want && st.AvailableReplicas == want,
			fmt.Errorf("status %+v", st)
	})
	return d
}

func (c *cluster) activePods(t *testing.T, ns string) []corev1.Pod {
	t.Helper()
	pods, err := c.cs.CoreV1().Pods(ns).List(c.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []corev1.Pod
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil {
			out = append(out, p)
		}
	}
	return out
}

func (c *cluster) gone(t *testing.T, err error) bool {
	t.Helper()
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	return apierrors.IsNotFound(err)
}
