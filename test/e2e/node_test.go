package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
)

// testKubeletRestart: with the kubelet killed, the node turns NotReady
// (Ready=Unknown) after the grace period and gets the unreachable taints; a
// pod tolerating them for 1 s is marked for eviction (DisruptionTarget) and
// deleted, a pod with the default 300 s stays. Restarted with the same
// command line, the kubelet makes the node Ready again and keeps the running
// container (same ID, no restart).
//
// A second node, a kubelet on the fake runtime, stays Ready meanwhile: with
// every node of the cluster down the node lifecycle controller assumes it is
// the one cut off and, like Kubernetes', evicts nothing.
func testKubeletRestart(t *testing.T, c *cluster) {
	if c.localDir == "" {
		t.Skip("the cluster's LOCAL_DIR is unknown (set KEEL_E2E_LOCAL_DIR with KEEL_E2E_KUBECONFIG): cannot kill and restart its kubelet")
	}
	pidFile := filepath.Join(c.localDir, "pids", "kubelet.pid")
	c.startHollowNode(t, "e2e-second-node")
	ns := c.newNamespace(t, "node")
	c.apply(t, ns, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: keeper}
spec:
  nodeSelector: {kubernetes.io/hostname: %[2]s}
  terminationGracePeriodSeconds: 1
  containers: [{name: c, image: %[1]s, command: ["sleep", "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: evictee}
spec:
  nodeSelector: {kubernetes.io/hostname: %[2]s}
  terminationGracePeriodSeconds: 1
  tolerations:
  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 1}
  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 1}
  containers: [{name: c, image: %[1]s, command: ["sleep", "3600"]}]
`, busybox, c.node))
	c.kubectl(t, "wait", "-n", ns, "--for=condition=Ready", "pod/keeper", "pod/evictee", "--timeout=2m")
	var keeper corev1.Pod
	c.getJSON(t, &keeper, "pod", "keeper", "-n", ns)
	before := keeper.Status.ContainerStatuses[0]

	pid, exe := readPIDFile(t, pidFile)
	if got, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err != nil || strings.TrimSuffix(got, " (deleted)") != exe {
		t.Fatalf("pid %d from %s is not the kubelet %s (/proc exe %q, %v)", pid, pidFile, exe, got, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill the kubelet (pid %d): %v", pid, err)
	}
	restarted := false
	// Whatever happens below, the node must get its kubelet back for the
	// cluster's shutdown to remove the pods.
	t.Cleanup(func() {
		if !restarted {
			restartKubelet(t, c)
		}
	})

	eventually(t, 2*time.Minute, "node "+c.node+" to turn NotReady with the unreachable taint", func() (bool, string) {
		var n corev1.Node
		if err := c.tryGetJSON(&n, "node", c.node); err != nil {
			return false, err.Error()
		}
		ready := nodeCondition(&n, corev1.NodeReady)
		tainted := false
		for _, tn := range n.Spec.Taints {
			tainted = tainted || (tn.Key == "node.kubernetes.io/unreachable" && tn.Effect == corev1.TaintEffectNoExecute)
		}
		return ready != nil && ready.Status == corev1.ConditionUnknown && tainted,
			fmt.Sprintf("ready=%+v taints=%+v", ready, n.Spec.Taints)
	})
	eventually(t, time.Minute, "pod evictee to be marked for eviction and deletion", func() (bool, string) {
		var p corev1.Pod
		if err := c.tryGetJSON(&p, "pod", "evictee", "-n", ns); err != nil {
			return false, err.Error()
		}
		var target *corev1.PodCondition
		for i := range p.Status.Conditions {
			if p.Status.Conditions[i].Type == corev1.DisruptionTarget {
				target = &p.Status.Conditions[i]
			}
		}
		return p.DeletionTimestamp != nil && target != nil && target.Status == corev1.ConditionTrue && target.Reason == "DeletionByTaintManager",
			fmt.Sprintf("deletionTimestamp=%v DisruptionTarget=%+v", p.DeletionTimestamp, target)
	})
	c.getJSON(t, &keeper, "pod", "keeper", "-n", ns)
	if keeper.DeletionTimestamp != nil {
		t.Errorf("pod keeper (default 300 s tolerations) was marked for deletion %s", keeper.DeletionTimestamp)
	}

	restartedAt := time.Now().Add(-time.Second)
	restartKubelet(t, c)
	restarted = true
	eventually(t, 2*time.Minute, "node "+c.node+" to be Ready again without the unreachable taints", func() (bool, string) {
		var n corev1.Node
		if err := c.tryGetJSON(&n, "node", c.node); err != nil {
			return false, err.Error()
		}
		ready := nodeCondition(&n, corev1.NodeReady)
		for _, tn := range n.Spec.Taints {
			if strings.HasPrefix(tn.Key, "node.kubernetes.io/unreachable") || strings.HasPrefix(tn.Key, "node.kubernetes.io/not-ready") {
				return false, fmt.Sprintf("taints %+v", n.Spec.Taints)
			}
		}
		return ready != nil && ready.Status == corev1.ConditionTrue && ready.LastHeartbeatTime.After(restartedAt),
			fmt.Sprintf("ready=%+v", ready)
	})
	// The evictee disappears once the new kubelet has stopped it: by then it
	// has synced every pod of the node, keeper included.
	eventually(t, 2*time.Minute, "pod evictee to be gone", func() (bool, string) {
		r := c.run("", "kubectl", "get", "pod", "evictee", "-n", ns, "-o", "name")
		return r.err != nil && strings.Contains(r.stderr, "not found"), r.stdout + r.stderr
	})
	c.kubectl(t, "wait", "-n", ns, "--for=condition=Ready", "pod/keeper", "--timeout=1m")
	c.getJSON(t, &keeper, "pod", "keeper", "-n", ns)
	after := keeper.Status.ContainerStatuses[0]
	if after.ContainerID != before.ContainerID || after.RestartCount != before.RestartCount {
		t.Errorf("keeper's container went from %s (restarts %d) to %s (restarts %d) across the kubelet restart; want it kept running",
			before.ContainerID, before.RestartCount, after.ContainerID, after.RestartCount)
	}
	if out := strings.TrimSpace(c.kubectl(t, "exec", "-n", ns, "keeper", "--", "cat", "/etc/hostname")); out != "keeper" {
		t.Errorf("exec in keeper after the restart printed %q", out)
	}
}

// restartKubelet starts the kubelet again with local-up.sh's command line.
func restartKubelet(t *testing.T, c *cluster) {
	t.Helper()
	cmd := c.command(time.Minute, "bash", "-c", "source hack/lib/local.sh && local::restart kubelet")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("local::restart kubelet: %v\n%s", err, out)
	}
}

// readPIDFile reads a local-up.sh PID file: "PID EXECUTABLE".
func readPIDFile(t *testing.T, path string) (int, string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	var exe string
	if _, err := fmt.Sscan(string(b), &pid, &exe); err != nil {
		t.Fatalf("%s holds %q: %v", path, b, err)
	}
	return pid, exe
}

// nodeCondition returns n's condition of type typ, or nil.
func nodeCondition(n *corev1.Node, typ corev1.NodeConditionType) *corev1.NodeCondition {
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == typ {
			return &n.Status.Conditions[i]
		}
	}
	return nil
}

// startHollowNode runs a second node for the duration of t: a kubelet on
// the fake runtime, with credentials of its own and no listening ports.
func (c *cluster) startHollowNode(t *testing.T, name string) {
	t.Helper()
	dir := t.TempDir()
	gen := c.command(time.Minute, filepath.Join(c.localDir, "bin", "kubeconfig-gen"),
		"-ca-dir", filepath.Join(c.localDir, "pki"), "-server", "https://127.0.0.1:6443", "-dir", dir,
		"kubelet=system:node:"+name+"/system:nodes")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("kubeconfig-gen for node %s: %v\n%s", name, err, out)
	}
	log, err := os.Create(filepath.Join(dir, "kubelet.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := c.command(15*time.Minute, filepath.Join(c.root, "_output", "bin", "kubelet"),
		"--runtime", "fake", "--kubeconfig", filepath.Join(dir, "kubelet.kubeconfig"),
		"--hostname-override", name, "--node-ip", "127.0.0.1", "--port", "0", "--healthz-port", "0",
		"--root-dir", filepath.Join(dir, "root"), "--cloud-provider", "external")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the kubelet of node %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		log.Close()
		if r := c.run("", "kubectl", "delete", "node", name, "--ignore-not-found"); r.err != nil {
			t.Errorf("delete node %s: %v %s", name, r.err, r.stderr)
		}
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			t.Logf("kubelet of node %s:\n%s", name, lastLines(string(b), 20))
		}
	})
	eventually(t, time.Minute, "node "+name+" to be Ready", func() (bool, string) {
		var n corev1.Node
		if err := c.tryGetJSON(&n, "node", name); err != nil {
			return false, err.Error()
		}
		ready := nodeCondition(&n, corev1.NodeReady)
		return ready != nil && ready.Status == corev1.ConditionTrue, fmt.Sprintf("ready=%+v", ready)
	})
}
