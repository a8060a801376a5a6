package kubelet

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/keel/pkg/controller/podautoscaler"
	"keel.dev/keel/pkg/kubelet/fakeruntime"
	"keel.dev/keel/test/integration/framework"
)

// TestAutoscalerReadsKubeletSummary reads a fake-runtime kubelet's
// /stats/summary the way the HPA does: through the apiserver's nodes/proxy.
func TestAutoscalerReadsKubeletSummary(t *testing.T) {
	s := framework.StartTestServer(t)
	cs := client(t, s)
	o := fakeOptions(t, s, "node-h")
	o.NodeIP = "127.0.0.1" // the apiserver dials the kubelet at the node address
	o.ClientCAFile = s.Dir + "/kubelet-client-ca.pem"
	writeFile(t, o.ClientCAFile, s.CAPEM)
	startKubelet(t, o)
	nodeReady(t, cs, "node-h")
	pod := newPod("scaled", "node-h")
	pod.Labels = map[string]string{"app": "scaled"}
	pod.Annotations = map[string]string{fakeruntime.AnnotationFakeCPUUsage: "420m", fakeruntime.AnnotationFakeMemoryUsage: "32Mi"}
	if _, err := cs.CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitRunning(t, cs, "scaled")
	src := podautoscaler.SummarySource{Client: cs}
	eventually(t, "pod metrics through nodes/proxy", 40*time.Second, func() (bool, string) {
		m, _, err := src.PodMetrics(context.Background(), "default", labels.SelectorFromSet(labels.Set{"app": "scaled"}))
		if err != nil {
			return false, err.Error()
		}
		cpu, mem := m["scaled"][corev1.ResourceCPU], m["scaled"][corev1.ResourceMemory]
		return cpu.MilliValue() >= 419 && cpu.MilliValue() <= 421 && mem.Value() == 32<<20, fmt.Sprintf("%v", m)
	})
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
