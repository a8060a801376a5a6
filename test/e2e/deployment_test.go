package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
)

// testDeployment: a Deployment of 3 busybox httpd pods rolls out, scales to
// 5 and back to 3, rolls out a new image tag without ever dropping below
// replicas-maxUnavailable ready pods, is rolled back to its first
// ReplicaSet, and takes its ReplicaSets and pods with it when deleted.
func testDeployment(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "deploy")
	c.apply(t, ns, webDeployment("web", busybox, 3))
	out := c.kubectl(t, "rollout", "status", "-n", ns, "deployment/web", "--timeout=3m")
	if !strings.Contains(out, `deployment "web" successfully rolled out`) {
		t.Errorf("kubectl rollout status printed %q", out)
	}
	c.waitReadyPods(t, ns, "app=web", 3, 2*time.Minute)
	first := c.activeReplicaSet(t, ns, "app=web")

	t.Run("scale to 5 and back to 3", func(t *testing.T) {
		c.kubectl(t, "scale", "-n", ns, "deployment/web", "--replicas=5")
		c.waitReadyPods(t, ns, "app=web", 5, 2*time.Minute)
		c.kubectl(t, "scale", "-n", ns, "deployment/web", "--replicas=3")
		// Exactly 3: the two removed pods are gone, not only terminating.
		c.waitReadyPods(t, ns, "app=web", 3, 2*time.Minute)
		var d appsv1.Deployment
		c.getJSON(t, &d, "deployment", "web", "-n", ns)
		if d.Status.Replicas != 3 || d.Status.ReadyReplicas != 3 {
			t.Errorf("deployment status after scaling back = %d replicas, %d ready; want 3, 3", d.Status.Replicas, d.Status.ReadyReplicas)
		}
	})
	if t.Failed() {
		return
	}

	t.Run("rolling update keeps replicas-maxUnavailable ready", func(t *testing.T) {
		const minReady = 3 - 1 // replicas - maxUnavailable
		armed, lowest := false, 3
		w := c.watchPods(t, ns, "app=web", func(_ string, _ *corev1.Pod, pods map[string]*corev1.Pod) {
			n := readyCount(pods)
			if n >= 3 {
				armed = true
			}
			if armed && n < lowest {
				lowest = n
			}
		})
		w.waitFor(t, time.Minute, "the watch to see 3 ready pods", func(pods map[string]*corev1.Pod) bool { return armed })
		c.kubectl(t, "set", "image", "-n", ns, "deployment/web", "web="+busyboxNew)
		c.kubectl(t, "rollout", "status", "-n", ns, "deployment/web", "--timeout=3m")
		pods := c.waitReadyPods(t, ns, "app=web", 3, 2*time.Minute)
		for _, p := range pods {
			if img := p.Spec.Containers[0].Image; img != busyboxNew {
				t.Errorf("pod %s runs %s after the rollout, want %s", p.Name, img, busyboxNew)
			}
		}
		// Let the watch catch up with the end state before judging it.
		w.waitFor(t, time.Minute, "the watch to see the 3 new pods ready", func(pods map[string]*corev1.Pod) bool {
			n := 0
			for _, p := range pods {
				if podReady(p) && p.Spec.Containers[0].Image == busyboxNew {
					n++
				}
			}
			return n == 3
		})
		w.stop()
		w.mu.Lock()
		defer w.mu.Unlock()
		if lowest < minReady {
			t.Errorf("the watch saw only %d ready pods during the rollout, want at least %d (replicas - maxUnavailable)", lowest, minReady)
		}
		if w.events < 6 {
			t.Errorf("the watch saw %d pod events during a rollout of 3 pods; it did not follow it", w.events)
		}
		t.Logf("lowest ready count during the rollout: %d (%d watch events)", lowest, w.events)
		second := c.activeReplicaSet(t, ns, "app=web")
		if second == first {
			t.Errorf("the rollout kept ReplicaSet %s", first)
		}
	})
	if t.Failed() {
		return
	}

	t.Run("rollout undo returns to the first ReplicaSet", func(t *testing.T) {
		c.kubectl(t, "rollout", "undo", "-n", ns, "deployment/web")
		c.kubectl(t, "rollout", "status", "-n", ns, "deployment/web", "--timeout=3m")
		pods := c.waitReadyPods(t, ns, "app=web", 3, 2*time.Minute)
		if got := c.activeReplicaSet(t, ns, "app=web"); got != first {
			t.Errorf("after rollout undo the active ReplicaSet is %s, want the first one, %s", got, first)
		}
		for _, p := range pods {
			if img := p.Spec.Containers[0].Image; img != busybox {
				t.Errorf("pod %s runs %s after the undo, want %s", p.Name, img, busybox)
			}
		}
	})
	if t.Failed() {
		return
	}

	t.Run("deleting the Deployment removes its ReplicaSets and pods", func(t *testing.T) {
		c.kubectl(t, "delete", "-n", ns, "deployment/web")
		eventually(t, 2*time.Minute, "the ReplicaSets and pods of web to be gone", func() (bool, string) {
			var rs appsv1.ReplicaSetList
			var pods corev1.PodList
			if err := c.tryGetJSON(&rs, "replicasets", "-n", ns, "-l", "app=web"); err != nil {
				return false, err.Error()
			}
			if err := c.tryGetJSON(&pods, "pods", "-n", ns, "-l", "app=web"); err != nil {
				return false, err.Error()
			}
			return len(rs.Items) == 0 && len(pods.Items) == 0, describeCounts(len(rs.Items), len(pods.Items))
		})
	})
}

// activeReplicaSet names the one ReplicaSet matching selector that wants
// pods, failing t when there is not exactly one.
func (c *cluster) activeReplicaSet(t *testing.T, ns, selector string) string {
	t.Helper()
	var l appsv1.ReplicaSetList
	c.getJSON(t, &l, "replicasets", "-n", ns, "-l", selector)
	var active []string
	for _, rs := range l.Items {
		if rs.Spec.Replicas != nil && *rs.Spec.Replicas > 0 {
			active = append(active, rs.Name)
		}
	}
	if len(active) != 1 {
		t.Fatalf("ReplicaSets of %s with replicas > 0: %v, want exactly one (of %d)", selector, active, len(l.Items))
	}
	return active[0]
}

// describeCounts summarises what is left of a deleted Deployment.
func describeCounts(rs, pods int) string {
	return fmt.Sprintf("%d ReplicaSets, %d pods", rs, pods)
}
