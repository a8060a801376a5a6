package controllermanager

import (
	"os"
	"strconv"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// TestBenchDeploymentOfManyReplicas measures how long a Deployment of
// KEEL_BENCH_REPLICAS (default 3000) replicas takes until every pod exists
// and until every replica is available. It runs only with KEEL_BENCH=1.
func TestBenchDeploymentOfManyReplicas(t *testing.T) {
	if os.Getenv("KEEL_BENCH") != "1" {
		t.Skip("set KEEL_BENCH=1 to run the benchmark")
	}
	n := int32(3000)
	if v, err := strconv.Atoi(os.Getenv("KEEL_BENCH_REPLICAS")); err == nil && v > 0 {
		n = int32(v)
	}
	c := startCluster(t)
	ns := c.namespace(t, "bench")
	start := time.Now()
	if _, err := c.cs.AppsV1().Deployments(ns).Create(c.ctx, newDeployment(ns, "big", n, "nginx"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Minute, "all pods exist", func() (bool, error) {
		pods, err := c.cs.CoreV1().Pods(ns).List(c.ctx, metav1.ListOptions{})
		return err == nil && int32(len(pods.Items)) >= n, err
	})
	created := time.Since(start)
	c.waitRolledOut(t, ns, "big", 10*time.Minute)
	available := time.Since(start)
	t.Logf("replicas=%d controller-manager qps=%d burst=%d: all pods exist after %s, all available after %s",
		n, benchQPS, benchBurst, created.Round(time.Millisecond), available.Round(time.Millisecond))
}
