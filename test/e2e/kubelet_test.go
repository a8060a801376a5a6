package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
)

// eventLines lists the events of ns about pod name as "Type Reason Message".
func (c *cluster) eventLines(ns, name string) ([]string, error) {
	var l corev1.EventList
	if err := c.tryGetJSON(&l, "events", "-n", ns, "--field-selector", "involvedObject.name="+name); err != nil {
		return nil, err
	}
	var out []string
	for _, e := range l.Items {
		out = append(out, e.Type+" "+e.Reason+" "+strings.TrimSpace(e.Message))
	}
	return out, nil
}

// testProbeEvents: failing liveness and readiness probes show as the
// kubelet's Unhealthy and Killing events, as kubectl users know them.
func testProbeEvents(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "probe-events")
	c.apply(t, ns, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: sick}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: %s
    command: ["sh", "-c", "touch /tmp/healthy; sleep 3; rm /tmp/healthy; exec sleep 3600"]
    livenessProbe:
      exec: {command: ["cat", "/tmp/healthy"]}
      initialDelaySeconds: 1
      periodSeconds: 1
      failureThreshold: 2
    readinessProbe:
      exec: {command: ["sh", "-c", "echo never-ready; exit 1"]}
      periodSeconds: 1
`, busybox))
	want := []string{
		"Warning Unhealthy Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory",
		"Normal Killing Container c failed liveness probe, will be restarted",
		"Warning Unhealthy Readiness probe failed: never-ready",
	}
	eventually(t, 2*time.Minute, "Unhealthy and Killing events of sick", func() (bool, string) {
		got, err := c.eventLines(ns, "sick")
		if err != nil {
			return false, err.Error()
		}
		have := map[string]bool{}
		for _, g := range got {
			have[g] = true
		}
		for _, w := range want {
			if !have[w] {
				return false, fmt.Sprintf("no %q in %q", w, got)
			}
		}
		return true, ""
	})
}

// testOOMKilled: a container past its memory limit is killed by the
// kernel and reported as OOMKilled with exit code 137, then restarted.
func testOOMKilled(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "oom")
	c.apply(t, ns, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: %s
    command: ["sh", "-c", "x=a; while :; do x=$x$x; done"]
    resources:
      limits: {memory: 16Mi}
`, busybox))
	var last corev1.ContainerStatus
	eventually(t, 2*time.Minute, "hog OOMKilled and restarted", func() (bool, string) {
		var p corev1.Pod
		if err := c.tryGetJSON(&p, "pod", "hog", "-n", ns); err != nil {
			return false, err.Error()
		}
		if len(p.Status.ContainerStatuses) == 0 {
			return false, "no container status"
		}
		last = p.Status.ContainerStatuses[0]
		return last.RestartCount >= 1 && last.LastTerminationState.Terminated != nil,
			fmt.Sprintf("restartCount=%d last=%+v", last.RestartCount, last.LastTerminationState)
	})
	if term := last.LastTerminationState.Terminated; term.Reason != "OOMKilled" || term.ExitCode != 137 {
		t.Errorf("lastState.terminated = %q exit %d, want OOMKilled 137", term.Reason, term.ExitCode)
	}
}

// testPodHTTPS: busybox's wget in a pod talks TLS to the apiserver through
// the kubernetes Service (the image's /bin/openssl helper; busybox's own TLS
// is refused by Go servers).
func testPodHTTPS(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "https")
	c.apply(t, ns, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: fetcher}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: %s
    command: ["sleep", "3600"]
`, busybox))
	c.kubectl(t, "wait", "-n", ns, "--for=condition=Ready", "pod/fetcher", "--timeout=2m")
	// retried while the Service's rules may still be on their way; an
	// anonymous request may be refused (401/403): any HTTP answer means the
	// TLS session worked, a TLS alert fails at once.
	script := "wget -q -O- --no-check-certificate https://10.96.0.1/version"
	eventually(t, time.Minute, "an HTTP answer over TLS", func() (bool, string) {
		r := c.run("", "kubectl", "exec", "-n", ns, "fetcher", "--", "sh", "-c", "timeout 20 "+script+" 2>&1; true")
		out := r.stdout + r.stderr
		if strings.Contains(out, "alert code") {
			t.Fatalf("%s: TLS refused: %q", script, out)
		}
		if r.err == nil && (strings.Contains(out, `"gitVersion"`) || strings.Contains(out, "server returned error: HTTP/1.1 40")) {
			return true, ""
		}
		// wget hides its helper's errors: ask the helper itself.
		diag := c.run("", "kubectl", "exec", "-n", ns, "fetcher", "--", "sh", "-c",
			"openssl s_client -quiet -connect 10.96.0.1:443 </dev/null 2>&1")
		return false, fmt.Sprintf("%v: %q; helper: %q", r.err, out, diag.stdout+diag.stderr)
	})
}
