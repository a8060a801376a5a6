package e2e

import (
	"bufio"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
)

// testLogsExecPortForward: kubectl logs -f follows a container's output,
// kubectl exec runs in the container, kubectl port-forward reaches a port of
// the pod from a local port.
func testLogsExecPortForward(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "pod")
	c.apply(t, ns, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: chatty}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: log
    image: %[1]s
    command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.3; done"]
  - name: web
    image: %[1]s
    command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
    ports: [{containerPort: 8080}]
`, busybox))
	c.kubectl(t, "wait", "-n", ns, "--for=condition=Ready", "pod/chatty", "--timeout=2m")

	t.Run("logs -f follows the output", func(t *testing.T) {
		cmd := c.command(time.Minute, "kubectl", "logs", "-f", "-n", ns, "chatty", "-c", "log", "--tail=1")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
		// The first line is the last one written before; the next two can
		// only come from following the log.
		sc := bufio.NewScanner(out)
		var got []int
		re := regexp.MustCompile(`^line (\d+)$`)
		for len(got) < 3 && sc.Scan() {
			m := re.FindStringSubmatch(sc.Text())
			if m == nil {
				t.Fatalf("kubectl logs -f printed %q, want lines like %q", sc.Text(), "line 7")
			}
			n, _ := strconv.Atoi(m[1])
			got = append(got, n)
		}
		if len(got) != 3 {
			t.Fatalf("kubectl logs -f ended after %v (%v)", got, sc.Err())
		}
		if got[1] != got[0]+1 || got[2] != got[1]+1 {
			t.Errorf("kubectl logs -f lines %v are not consecutive", got)
		}
	})

	t.Run("exec cat /etc/hostname", func(t *testing.T) {
		out := c.kubectl(t, "exec", "-n", ns, "chatty", "-c", "web", "--", "cat", "/etc/hostname")
		if strings.TrimSpace(out) != "chatty" {
			t.Errorf("/etc/hostname in the pod = %q, want %q", out, "chatty")
		}
		r := c.run("", "kubectl", "exec", "-n", ns, "chatty", "-c", "web", "--", "sh", "-c", "exit 3")
		if code := exitCode(r.err); code != 3 {
			t.Errorf("kubectl exec of `exit 3` exited with %d (%v), want 3", code, r.err)
		}
	})

	t.Run("port-forward to the pod", func(t *testing.T) {
		cmd := c.command(time.Minute, "kubectl", "port-forward", "-n", ns, "pod/chatty", ":8080")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
		sc := bufio.NewScanner(out)
		re := regexp.MustCompile(`^Forwarding from 127\.0\.0\.1:(\d+) -> 8080$`)
		port := ""
		for port == "" && sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				port = m[1]
			}
		}
		if port == "" {
			t.Fatalf("kubectl port-forward did not print its local port (%v)", sc.Err())
		}
		go func() {
			for sc.Scan() {
			}
		}()
		for i := range 2 {
			body, err := httpGet("http://127.0.0.1:" + port + "/")
			if err != nil {
				t.Fatalf("request %d through port-forward: %v", i, err)
			}
			if body != "chatty" {
				t.Errorf("request %d through port-forward answered %q, want the pod's hostname %q", i, body, "chatty")
			}
		}
	})
}

// testConfigMapAndSecret: a ConfigMap and a Secret reach a container both as
// files in volumes and as environment variables.
func testConfigMapAndSecret(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "cfg")
	c.kubectl(t, "create", "configmap", "settings", "-n", ns, "--from-literal=greeting=hello-from-configmap")
	c.kubectl(t, "create", "secret", "generic", "creds", "-n", ns, "--from-literal=password=s3cr3t-value")
	c.apply(t, ns, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: consumer}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: %s
    command: ["sleep", "3600"]
    env:
    - name: GREETING
      valueFrom: {configMapKeyRef: {name: settings, key: greeting}}
    - name: PASSWORD
      valueFrom: {secretKeyRef: {name: creds, key: password}}
    volumeMounts:
    - {name: settings, mountPath: /etc/settings}
    - {name: creds, mountPath: /etc/creds, readOnly: true}
  volumes:
  - name: settings
    configMap: {name: settings}
  - name: creds
    secret: {secretName: creds}
`, busybox))
	c.kubectl(t, "wait", "-n", ns, "--for=condition=Ready", "pod/consumer", "--timeout=2m")
	for _, tc := range []struct{ name, cmd, want string }{
		{"configMap volume", "cat /etc/settings/greeting", "hello-from-configmap"},
		{"secret volume", "cat /etc/creds/password", "s3cr3t-value"},
		{"env", `echo "$GREETING $PASSWORD"`, "hello-from-configmap s3cr3t-value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := c.kubectl(t, "exec", "-n", ns, "consumer", "--", "sh", "-c", tc.cmd)
			if strings.TrimSpace(out) != tc.want {
				t.Errorf("%s in the pod printed %q, want %q", tc.cmd, out, tc.want)
			}
		})
	}
}

// testLivenessRestart: a container whose liveness probe starts failing is
// killed and restarted by the kubelet.
func testLivenessRestart(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "live")
	c.apply(t, ns, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: flaky}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: %s
    command: ["sh", "-c", "touch /tmp/healthy; sleep 4; rm /tmp/healthy; sleep 3600"]
    livenessProbe:
      exec: {command: ["cat", "/tmp/healthy"]}
      initialDelaySeconds: 1
      periodSeconds: 1
      failureThreshold: 2
`, busybox))
	c.kubectl(t, "wait", "-n", ns, "--for=condition=Ready", "pod/flaky", "--timeout=2m")
	var p corev1.Pod
	c.getJSON(t, &p, "pod", "flaky", "-n", ns)
	firstID := p.Status.ContainerStatuses[0].ContainerID
	eventually(t, 2*time.Minute, "the container of flaky to restart", func() (bool, string) {
		if err := c.tryGetJSON(&p, "pod", "flaky", "-n", ns); err != nil {
			return false, err.Error()
		}
		if len(p.Status.ContainerStatuses) == 0 {
			return false, "no container status"
		}
		cs := p.Status.ContainerStatuses[0]
		return cs.RestartCount >= 1 && cs.ContainerID != firstID && cs.LastTerminationState.Terminated != nil,
			fmt.Sprintf("restartCount=%d id=%s last=%+v", cs.RestartCount, cs.ContainerID, cs.LastTerminationState)
	})
}
