package controllermanager

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/controller-manager/app"
)

// deleteNamespacesWithDeployments creates n namespaces holding a
// Deployment of two pods each, deletes them all at once with the
// controller-manager at its default client rate limits (QPS 20, burst 30)
// and returns how long until every namespace is gone.
func deleteNamespacesWithDeployments(t *testing.T, n int) time.Duration {
	t.Helper()
	c := startCluster(t, func(o *app.Options) {
		def := app.NewOptions()
		o.KubeAPIQPS, o.KubeAPIBurst = def.KubeAPIQPS, def.KubeAPIBurst
	})
	names := make([]string, n)
	for i := range names {
		names[i] = c.namespace(t, fmt.Sprintf("doomed-%d", i))
		if _, err := c.cs.AppsV1().Deployments(names[i]).Create(c.ctx, newDeployment(names[i], "web", 2, "nginx"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ns := range names {
		c.waitRolledOut(t, ns, "web", 2*time.Minute)
	}
	start := time.Now()
	for _, ns := range names {
		if err := c.cs.CoreV1().Namespaces().Delete(c.ctx, ns, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ns := range names {
		waitFor(t, 5*time.Minute, "namespace "+ns+" is gone", func() (bool, error) {
			got, err := c.cs.CoreV1().Namespaces().Get(c.ctx, ns, metav1.GetOptions{})
			if c.gone(t, err) {
				return true, nil
			}
			return false, fmt.Errorf("phase %s, conditions %+v", got.Status.Phase, got.Status.Conditions)
		})
	}
	took := time.Since(start)
	// Nothing of the namespaces may survive them.
	doomed := map[string]bool{}
	for _, ns := range names {
		doomed[ns] = true
	}
	pods, err := c.cs.CoreV1().Pods("").List(c.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if doomed[p.Namespace] {
			t.Errorf("pod %s/%s outlived its namespace", p.Namespace, p.Name)
		}
	}
	deps, err := c.cs.AppsV1().Deployments("").List(c.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deps.Items {
		if doomed[d.Namespace] {
			t.Errorf("deployment %s/%s outlived its namespace", d.Namespace, d.Name)
		}
	}
	rss, err := c.cs.AppsV1().ReplicaSets("").List(c.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rs := range rss.Items {
		if doomed[rs.Namespace] {
			t.Errorf("replica set %s/%s outlived its namespace", rs.Namespace, rs.Name)
		}
	}
	return took
}

func TestNamespaceDeletionEmptiesAndRemovesNamespaces(t *testing.T) {
	took := deleteNamespacesWithDeployments(t, 2)
	t.Logf("2 namespaces deleted in %s", took.Round(time.Millisecond))
}

// TestBenchNamespaceDeletion measures the deletion of KEEL_BENCH_NAMESPACES
// (default 12) namespaces with a Deployment of two pods each. It runs only
// with KEEL_BENCH=1.
func TestBenchNamespaceDeletion(t *testing.T) {
	if os.Getenv("KEEL_BENCH") != "1" {
		t.Skip("set KEEL_BENCH=1 to run the benchmark")
	}
	n := 12
	if v, err := strconv.Atoi(os.Getenv("KEEL_BENCH_NAMESPACES")); err == nil && v > 0 {
		n = v
	}
	took := deleteNamespacesWithDeployments(t, n)
	def := app.NewOptions()
	t.Logf("namespaces=%d controller-manager qps=%v burst=%d: all gone after %s", n, def.KubeAPIQPS, def.KubeAPIBurst, took.Round(time.Millisecond))
}
