package e2e

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
)

// testServices: behind a ClusterIP Service, requests from the host and from
// a pod spread over the Deployment's pods (each answers with its name); a
// NodePort Service answers on the node's IP; a LoadBalancer Service gets an
// ingress IP from the local cloud provider and answers on it.
func testServices(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "svc")
	c.apply(t, ns, webDeployment("echo", busybox, 3))
	pods := c.waitReadyPods(t, ns, "app=echo", 3, 2*time.Minute)
	names := map[string]bool{}
	for _, p := range pods {
		names[p.Name] = true
	}
	c.apply(t, ns, `apiVersion: v1
kind: Service
metadata: {name: echo}
spec:
  selector: {app: echo}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: echo-np}
spec:
  type: NodePort
  selector: {app: echo}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: echo-lb}
spec:
  type: LoadBalancer
  selector: {app: echo}
  ports: [{port: 80, targetPort: 8080}]
`)
	var svc corev1.Service
	c.getJSON(t, &svc, "service", "echo", "-n", ns)
	clusterURL := "http://" + net.JoinHostPort(svc.Spec.ClusterIP, "80") + "/"

	t.Run("ClusterIP from the host reaches every pod", func(t *testing.T) {
		seen := map[string]int{}
		eventually(t, 2*time.Minute, "answers from all 3 pods through "+clusterURL, func() (bool, string) {
			var errs []string
			for range 6 {
				body, err := httpGet(clusterURL)
				if err != nil {
					errs = append(errs, err.Error())
					continue
				}
				if !names[body] {
					t.Fatalf("%s answered %q, which is none of the Service's pods %v", clusterURL, body, keys(names))
				}
				seen[body]++
			}
			return len(seen) == len(names), fmt.Sprintf("answers %v, errors %v", seen, errs)
		})
		t.Logf("answers through %s: %v", clusterURL, seen)
	})

	t.Run("ClusterIP from a pod spreads over the pods", func(t *testing.T) {
		client := pods[0].Name
		var lastOut string
		eventually(t, 2*time.Minute, "answers from more than one pod to wget in "+client, func() (bool, string) {
			// busybox wget has no -T in Debian's build (it crashes); the
			// loop is bounded by kubectl's own timeout instead.
			r := c.run("", "kubectl", "exec", "-n", ns, client, "--", "sh", "-c",
				"for i in 1 2 3 4 5 6 7 8 9 10 11 12; do wget -q -O- "+clusterURL+"; done")
			lastOut = r.stdout + r.stderr
			seen := map[string]bool{}
			for _, line := range strings.Fields(r.stdout) {
				if !names[line] {
					t.Fatalf("wget in %s got %q from the Service, which is none of its pods", client, line)
				}
				seen[line] = true
			}
			return len(seen) > 1, fmt.Sprintf("%v: %q", r.err, lastOut)
		})
	})

	t.Run("NodePort answers on the node IP", func(t *testing.T) {
		var np corev1.Service
		c.getJSON(t, &np, "service", "echo-np", "-n", ns)
		port := np.Spec.Ports[0].NodePort
		if port < 30000 || port > 32767 {
			t.Fatalf("nodePort = %d, want one in 30000-32767", port)
		}
		u := "http://" + net.JoinHostPort(c.nodeIP, strconv.Itoa(int(port))) + "/"
		eventually(t, time.Minute, "an answer on "+u, func() (bool, string) {
			body, err := httpGet(u)
			if err != nil {
				return false, err.Error()
			}
			if !names[body] {
				t.Fatalf("%s answered %q, none of the Service's pods", u, body)
			}
			return true, ""
		})
	})

	t.Run("LoadBalancer gets an ingress IP that answers", func(t *testing.T) {
		var ip string
		eventually(t, time.Minute, "an ingress IP on Service echo-lb", func() (bool, string) {
			var lb corev1.Service
			if err := c.tryGetJSON(&lb, "service", "echo-lb", "-n", ns); err != nil {
				return false, err.Error()
			}
			if in := lb.Status.LoadBalancer.Ingress; len(in) > 0 && in[0].IP != "" {
				ip = in[0].IP
				return true, ""
			}
			return false, fmt.Sprintf("status %+v", lb.Status.LoadBalancer)
		})
		u := "http://" + net.JoinHostPort(ip, "80") + "/"
		eventually(t, time.Minute, "an answer on "+u, func() (bool, string) {
			body, err := httpGet(u)
			if err != nil {
				return false, err.Error()
			}
			if !names[body] {
				t.Fatalf("%s answered %q, none of the Service's pods", u, body)
			}
			return true, ""
		})
	})
}

// keys lists m's keys in order.
func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
