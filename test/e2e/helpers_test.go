package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
)

// cmdTimeout bounds one kubectl or ctl invocation.
const cmdTimeout = 2 * time.Minute

// result is one finished kubectl or ctl run.
type result struct {
	stdout, stderr string
	err            error
}

// run runs bin (kubectl or ctl) with args, feeding stdin when not empty.
func (c *cluster) run(stdin, bin string, args ...string) result {
	cmd := c.command(cmdTimeout, bin, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return result{stdout: out.String(), stderr: errb.String(), err: err}
}

// kubectl runs the real kubectl and fails t when it fails; it returns stdout.
func (c *cluster) kubectl(t *testing.T, args ...string) string {
	t.Helper()
	r := c.run("", "kubectl", args...)
	if r.err != nil {
		t.Fatalf("kubectl %s: %v\n%s%s", strings.Join(args, " "), r.err, r.stdout, r.stderr)
	}
	return r.stdout
}

// kubectlIn is kubectl with stdin.
func (c *cluster) kubectlIn(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	r := c.run(stdin, "kubectl", args...)
	if r.err != nil {
		t.Fatalf("kubectl %s: %v\n%s%s", strings.Join(args, " "), r.err, r.stdout, r.stderr)
	}
	return r.stdout
}

// ctlRun runs our ctl and fails t when it fails; it returns stdout.
func (c *cluster) ctlRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	r := c.run(stdin, c.ctl, args...)
	if r.err != nil {
		t.Fatalf("ctl %s: %v\n%s%s", strings.Join(args, " "), r.err, r.stdout, r.stderr)
	}
	return r.stdout
}

// apply applies a YAML manifest in namespace ns with kubectl.
func (c *cluster) apply(t *testing.T, ns, manifest string) {
	t.Helper()
	c.kubectlIn(t, manifest, "apply", "-n", ns, "-f", "-")
}

// getJSON decodes `kubectl get -o json ARGS` into into.
func (c *cluster) getJSON(t *testing.T, into any, args ...string) {
	t.Helper()
	if err := c.tryGetJSON(into, args...); err != nil {
		t.Fatal(err)
	}
}

// tryGetJSON is getJSON returning the error.
func (c *cluster) tryGetJSON(into any, args ...string) error {
	r := c.run("", "kubectl", append([]string{"get", "-o", "json"}, args...)...)
	if r.err != nil {
		return fmt.Errorf("kubectl get %s: %w: %s", strings.Join(args, " "), r.err, strings.TrimSpace(r.stderr))
	}
	if err := json.Unmarshal([]byte(r.stdout), into); err != nil {
		return fmt.Errorf("decode kubectl get %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// pods lists the pods of ns matching selector (all when empty).
func (c *cluster) pods(t *testing.T, ns, selector string) []corev1.Pod {
	t.Helper()
	var l corev1.PodList
	args := []string{"pods", "-n", ns}
	if selector != "" {
		args = append(args, "-l", selector)
	}
	c.getJSON(t, &l, args...)
	return l.Items
}

// newNamespace creates a namespace of its own for t and deletes it (without
// waiting) when t ends.
func (c *cluster) newNamespace(t *testing.T, prefix string) string {
	t.Helper()
	ns := fmt.Sprintf("e2e-%s-%05d", prefix, rand.IntN(100000))
	c.kubectl(t, "create", "namespace", ns)
	// As in Kubernetes, pods are admitted only once the namespace's
	// default ServiceAccount exists (the controller-manager creates it).
	eventually(t, 30*time.Second, "the default ServiceAccount of "+ns, func() (bool, string) {
		r := c.run("", "kubectl", "get", "serviceaccount", "default", "-n", ns, "-o", "name")
		return r.err == nil, r.stderr
	})
	t.Cleanup(func() {
		if r := c.run("", "kubectl", "delete", "namespace", ns, "--wait=false", "--ignore-not-found"); r.err != nil {
			t.Logf("delete namespace %s: %v %s", ns, r.err, r.stderr)
		}
	})
	return ns
}

// eventually polls cond until it reports done, failing t after timeout
// with what and cond's last report.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for {
		var done bool
		done, last = cond()
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s; last state: %s", timeout, what, last)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// podReady reports whether p is Ready and not being deleted.
func podReady(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// waitReadyPods waits until ns has exactly n pods matching selector, all
// Ready, and returns them.
func (c *cluster) waitReadyPods(t *testing.T, ns, selector string, n int, timeout time.Duration) []corev1.Pod {
	t.Helper()
	var pods []corev1.Pod
	eventually(t, timeout, fmt.Sprintf("%d ready pods %q in %s", n, selector, ns), func() (bool, string) {
		var l corev1.PodList
		if err := c.tryGetJSON(&l, "pods", "-n", ns, "-l", selector); err != nil {
			return false, err.Error()
		}
		ready := 0
		var states []string
		for i := range l.Items {
			p := &l.Items[i]
			if podReady(p) {
				ready++
			}
			states = append(states, fmt.Sprintf("%s:%s ready=%v deleting=%v", p.Name, p.Status.Phase, podReady(p), p.DeletionTimestamp != nil))
		}
		pods = l.Items
		return len(l.Items) == n && ready == n, strings.Join(states, ", ")
	})
	return pods
}

// httpGet fetches url on a new connection (so that every request is
// balanced anew by the Service rules) and returns the trimmed body.
func httpGet(url string) (string, error) {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return strings.TrimSpace(string(b)), nil
}

// exitCode is the exit status of a failed command, -1 when it did not exit.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// webDeployment is a Deployment of replicas busybox httpd pods on port 8080,
// each serving its own hostname at /, Ready once httpd answers.
func webDeployment(name, image string, replicas int) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
  labels: {app: %[1]s}
spec:
  replicas: %[3]d
  selector:
    matchLabels: {app: %[1]s}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 1, maxSurge: 1}
  template:
    metadata:
      labels: {app: %[1]s}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: web
        image: %[2]s
        command: ["sh", "-c", "echo serving $(hostname); mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
        ports: [{containerPort: 8080}]
        readinessProbe:
          httpGet: {path: /, port: 8080}
          periodSeconds: 1
`, name, image, replicas)
}

// busybox names the local busybox image and its second tag.
const (
	busybox    = "keel.local/busybox:1.35"
	busyboxNew = "keel.local/busybox:1.36"
)
