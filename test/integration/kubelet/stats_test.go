package kubelet

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/kubelet/fakeruntime"
	"keel.dev/keel/pkg/kubelet/stats"
	"keel.dev/keel/test/integration/framework"
)

// podStats returns the summary entry of pod ns/name, or nil.
func podStats(sum *stats.Summary, ns, name string) *stats.PodStats {
	for i := range sum.Pods {
		if sum.Pods[i].PodRef.Namespace == ns && sum.Pods[i].PodRef.Name == name {
			return &sum.Pods[i]
		}
	}
	return nil
}

// TestFakeRuntimeServesStats checks /stats/summary and /metrics/resource of
// a --runtime=fake kubelet: the synthetic usage a pod annotation asks for
// comes back as usageNanoCores and workingSetBytes.
func TestFakeRuntimeServesStats(t *testing.T) {
	s := framework.StartTestServer(t)
	cs := client(t, s)
	o := fakeOptions(t, s, "node-m")
	startKubelet(t, o)
	nodeReady(t, cs, "node-m")
	pod := newPod("busy", "node-m")
	pod.Annotations = map[string]string{fakeruntime.AnnotationFakeCPUUsage: "300m", fakeruntime.AnnotationFakeMemoryUsage: "48Mi"}
	if _, err := cs.CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitRunning(t, cs, "busy")
	eventually(t, "the pod's usage in /stats/summary", 40*time.Second, func() (bool, string) {
		sum := kubeletSummary(t, s, int(o.Port))
		p := podStats(sum, "default", "busy")
		if p == nil || p.CPU == nil || p.CPU.UsageNanoCores == nil || p.Memory == nil || p.Memory.WorkingSetBytes == nil {
			return false, fmt.Sprintf("%+v", p)
		}
		cores := *p.CPU.UsageNanoCores
		return cores > 299_000_000 && cores < 301_000_000 && *p.Memory.WorkingSetBytes == 48<<20 && sum.Node.NodeName == "node-m",
			fmt.Sprintf("cpu %d memory %d node %q", cores, *p.Memory.WorkingSetBytes, sum.Node.NodeName)
	})
	metrics := string(kubeletGet(t, s, int(o.Port), "/metrics/resource"))
	for _, want := range []string{`container_memory_working_set_bytes{container="app",namespace="default",pod="busy"} 5.0331648e+07 `,
		`pod_memory_working_set_bytes{namespace="default",pod="busy"} 5.0331648e+07 `, "node_cpu_usage_seconds_total "} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics/resource lacks %q:\n%s", want, metrics)
		}
	}
}
