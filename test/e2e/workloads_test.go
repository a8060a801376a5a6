package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	appsv1 "keel.dev/api/apps/v1"
	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
)

// testJob: a Job of two completions runs both pods to Succeeded and is
// Complete; the pods' output is in their logs.
func testJob(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "job")
	c.apply(t, ns, fmt.Sprintf(`apiVersion: batch/v1
kind: Job
metadata: {name: count}
spec:
  completions: 2
  parallelism: 1
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: %s
        command: ["sh", "-c", "echo job-done-$(hostname)"]
`, busybox))
	c.kubectl(t, "wait", "-n", ns, "--for=condition=complete", "job/count", "--timeout=3m")
	var j batchv1.Job
	c.getJSON(t, &j, "job", "count", "-n", ns)
	if j.Status.Succeeded != 2 || j.Status.Failed != 0 {
		t.Errorf("job status: %d succeeded, %d failed; want 2, 0", j.Status.Succeeded, j.Status.Failed)
	}
	pods := c.pods(t, ns, "job-name=count")
	succeeded := 0
	for _, p := range pods {
		if p.Status.Phase != corev1.PodSucceeded {
			continue
		}
		succeeded++
		logs := c.kubectl(t, "logs", "-n", ns, p.Name)
		if strings.TrimSpace(logs) != "job-done-"+p.Name {
			t.Errorf("logs of job pod %s = %q, want %q", p.Name, logs, "job-done-"+p.Name)
		}
	}
	if succeeded != 2 {
		t.Errorf("%d Succeeded pods of the job (of %d), want 2", succeeded, len(pods))
	}
}

// testCronJob: a CronJob scheduled every minute creates a Job that runs to
// completion, and records when it scheduled and succeeded.
func testCronJob(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "cron")
	c.apply(t, ns, fmt.Sprintf(`apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - name: c
            image: %s
            command: ["sh", "-c", "echo tick"]
`, busybox))
	// The first run is at the next full minute.
	eventually(t, 150*time.Second, "a Job of CronJob tick to complete", func() (bool, string) {
		var l batchv1.JobList
		if err := c.tryGetJSON(&l, "jobs", "-n", ns); err != nil {
			return false, err.Error()
		}
		var states []string
		for _, j := range l.Items {
			owned := false
			for _, o := range j.OwnerReferences {
				owned = owned || (o.Kind == "CronJob" && o.Name == "tick" && o.Controller != nil && *o.Controller)
			}
			states = append(states, fmt.Sprintf("%s owned=%v succeeded=%d", j.Name, owned, j.Status.Succeeded))
			if owned && j.Status.Succeeded >= 1 {
				return true, ""
			}
		}
		return false, fmt.Sprintf("jobs: %v", states)
	})
	eventually(t, 30*time.Second, "the CronJob's status to record the run", func() (bool, string) {
		var cj batchv1.CronJob
		if err := c.tryGetJSON(&cj, "cronjob", "tick", "-n", ns); err != nil {
			return false, err.Error()
		}
		return cj.Status.LastScheduleTime != nil && cj.Status.LastSuccessfulTime != nil,
			fmt.Sprintf("lastScheduleTime=%v lastSuccessfulTime=%v", cj.Status.LastScheduleTime, cj.Status.LastSuccessfulTime)
	})
}

// testDaemonSet: a DaemonSet runs exactly one ready pod, on the one node.
func testDaemonSet(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "ds")
	c.apply(t, ns, fmt.Sprintf(`apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: c
        image: %s
        command: ["sleep", "3600"]
`, busybox))
	c.kubectl(t, "rollout", "status", "-n", ns, "daemonset/agent", "--timeout=3m")
	pods := c.waitReadyPods(t, ns, "app=agent", 1, 2*time.Minute)
	if pods[0].Spec.NodeName != c.node {
		t.Errorf("daemon pod %s is on node %q, want %q", pods[0].Name, pods[0].Spec.NodeName, c.node)
	}
	eventually(t, time.Minute, "the DaemonSet's status to count one ready pod", func() (bool, string) {
		var ds appsv1.DaemonSet
		if err := c.tryGetJSON(&ds, "daemonset", "agent", "-n", ns); err != nil {
			return false, err.Error()
		}
		s := ds.Status
		return s.DesiredNumberScheduled == 1 && s.CurrentNumberScheduled == 1 && s.NumberReady == 1,
			fmt.Sprintf("desired=%d current=%d ready=%d", s.DesiredNumberScheduled, s.CurrentNumberScheduled, s.NumberReady)
	})
}

// testStatefulSetOrder: a StatefulSet of two creates web-1 only once web-0 is
// Ready, as a watch of its pods shows.
func testStatefulSetOrder(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "sts")
	var order []string
	var web0ReadyAtWeb1 *bool
	w := c.watchPods(t, ns, "app=sts", func(typ string, p *corev1.Pod, pods map[string]*corev1.Pod) {
		if typ != "ADDED" {
			return
		}
		order = append(order, p.Name)
		if p.Name == "web-1" && web0ReadyAtWeb1 == nil {
			ready := pods["web-0"] != nil && podReady(pods["web-0"])
			web0ReadyAtWeb1 = &ready
		}
	})
	c.apply(t, ns, fmt.Sprintf(`apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: sts}
  ports: [{port: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels: {app: sts}
  template:
    metadata:
      labels: {app: sts}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: %s
        command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
        readinessProbe:
          httpGet: {path: /, port: 8080}
          initialDelaySeconds: 2
          periodSeconds: 1
`, busybox))
	c.kubectl(t, "rollout", "status", "-n", ns, "statefulset/web", "--timeout=3m")
	pods := c.waitReadyPods(t, ns, "app=sts", 2, 2*time.Minute)
	w.waitFor(t, time.Minute, "the watch to see web-0 and web-1 ready", func(pods map[string]*corev1.Pod) bool {
		return readyCount(pods) == 2
	})
	w.stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(order) < 2 || order[0] != "web-0" || order[1] != "web-1" {
		t.Errorf("pods were created in the order %v, want web-0, web-1", order)
	}
	if web0ReadyAtWeb1 == nil || !*web0ReadyAtWeb1 {
		t.Errorf("web-1 was created before web-0 was Ready (watched creation order %v)", order)
	}
	for _, p := range pods {
		if out := strings.TrimSpace(c.kubectl(t, "exec", "-n", ns, p.Name, "--", "hostname")); out != p.Name {
			t.Errorf("hostname of %s = %q", p.Name, out)
		}
	}
}

// testNamespaceDeletion: deleting a namespace removes everything in it,
// running pods included, before the namespace itself goes.
func testNamespaceDeletion(t *testing.T, c *cluster) {
	ns := c.newNamespace(t, "nsdel")
	c.apply(t, ns, webDeployment("web", busybox, 2))
	c.kubectl(t, "create", "configmap", "cfg", "-n", ns, "--from-literal=a=b")
	c.kubectl(t, "expose", "deployment/web", "-n", ns, "--port=80", "--target-port=8080")
	c.waitReadyPods(t, ns, "app=web", 2, 2*time.Minute)
	// kubectl waits until the namespace is gone.
	c.kubectl(t, "delete", "namespace", ns, "--timeout=3m")
	r := c.run("", "kubectl", "get", "namespace", ns)
	if r.err == nil || !strings.Contains(r.stderr, fmt.Sprintf(`namespaces "%s" not found`, ns)) {
		t.Errorf("kubectl get namespace %s after its deletion: err=%v stdout=%q stderr=%q", ns, r.err, r.stdout, r.stderr)
	}
	for _, kind := range []string{"pods", "deployments", "replicasets", "services", "configmaps", "endpointslices"} {
		out := c.kubectl(t, "get", kind, "-n", ns, "-o", "name")
		if strings.TrimSpace(out) != "" {
			t.Errorf("%s left in deleted namespace %s: %s", kind, ns, out)
		}
	}
}
