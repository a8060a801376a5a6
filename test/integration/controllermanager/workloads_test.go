package controllermanager

import (
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestDeploymentRolloutAndUndo(t *testing.T) {
	c := startCluster(t)
	ns := c.namespace(t, "rollout")
	if _, err := c.cs.AppsV1().Deployments(ns).Create(c.ctx, newDeployment(ns, "web", 3, "nginx:1"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.waitRolledOut(t, ns, "web", 30*time.Second)

	setImage := func(image string) {
		t.Helper()
		d, err := c.cs.AppsV1().Deployments(ns).Get(c.ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d.Spec.Template.Spec.Containers[0].Image = image
		if _, err := c.cs.AppsV1().Deployments(ns).Update(c.ctx, d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	setImage("nginx:2")
	d := c.waitRolledOut(t, ns, "web", 30*time.Second)
	if d.Annotations["deployment.kubernetes.io/revision"] != "2" {
		t.Errorf("revision after the update = %q", d.Annotations["deployment.kubernetes.io/revision"])
	}
	for _, p := range c.activePods(t, ns) {
		if p.Spec.Containers[0].Image != "nginx:2" {
			t.Errorf("pod %s still runs %s", p.Name, p.Spec.Containers[0].Image)
		}
	}

	setImage("nginx:1") // kubectl rollout undo
	c.waitRolledOut(t, ns, "web", 30*time.Second)
	rss, err := c.cs.AppsV1().ReplicaSets(ns).List(c.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rss.Items) != 2 {
		t.Fatalf("got %d replica sets after undo, want 2 (the old one reused)", len(rss.Items))
	}
	for _, rs := range rss.Items {
		if rs.Spec.Template.Spec.Containers[0].Image == "nginx:1" {
			if rs.Annotations["deployment.kubernetes.io/revision"] != "3" || *rs.Spec.Replicas != 3 {
				t.Errorf("reused RS revision %q replicas %d", rs.Annotations["deployment.kubernetes.io/revision"], *rs.Spec.Replicas)
			}
		}
	}
	waitFor(t, 30*time.Second, "only nginx:1 pods remain", func() (bool, error) {
		pods := c.activePods(t, ns)
		for _, p := range pods {
			if p.Spec.Containers[0].Image != "nginx:1" {
				return false, nil
			}
		}
		return len(pods) == 3, nil
	})
}

func TestScaleOneToFiftyToThree(t *testing.T) {
	c := startCluster(t)
	ns := c.namespace(t, "scale")
	if _, err := c.cs.AppsV1().Deployments(ns).Create(c.ctx, newDeployment(ns, "web", 1, "nginx"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.waitRolledOut(t, ns, "web", 30*time.Second)
	scale := func(n int32) {
		t.Helper()
		d, err := c.cs.AppsV1().Deployments(ns).Get(c.ctx, "web", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d.Spec.Replicas = &n
		if _, err := c.cs.AppsV1().Deployments(ns).Update(c.ctx, d, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	scale(50)
	c.waitRolledOut(t, ns, "web", 60*time.Second)
	if n := len(c.activePods(t, ns)); n != 50 {
		t.Errorf("%d pods at 50 replicas", n)
	}
	scale(3)
	c.waitRolledOut(t, ns, "web", 60*time.Second)
	waitFor(t, 30*time.Second, "3 pods remain", func() (bool, error) {
		pods, err := c.cs.CoreV1().Pods(ns).List(c.ctx, metav1.ListOptions{})
		return err == nil && len(pods.Items) == 3, err
	})
}

func TestGarbageCollectionOnDeploymentDelete(t *testing.T) {
	c := startCluster(t)
	tests := []struct {
		name   string
		policy metav1.DeletionPropagation
		orphan bool
	}{
		{"background deletion removes replica sets and pods", metav1.DeletePropagationBackground, false},
		{"foreground deletion removes them before the deployment", metav1.DeletePropagationForeground, false},
		{"orphan deletion keeps them without owner references", metav1.DeletePropagationOrphan, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := c.namespace(t, "gc-"+string(rune('a'+i)))
			if _, err := c.cs.AppsV1().Deployments(ns).Create(c.ctx, newDeployment(ns, "web", 2, "nginx"), metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			c.waitRolledOut(t, ns, "web", 30*time.Second)
			policy := tt.policy
			if err := c.cs.AppsV1().Deployments(ns).Delete(c.ctx, "web", metav1.DeleteOptions{PropagationPolicy: &policy}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 30*time.Second, "the deployment is gone", func() (bool, error) {
				_, err := c.cs.AppsV1().Deployments(ns).Get(c.ctx, "web", metav1.GetOptions{})
				return c.gone(t, err), err
			})
			if tt.orphan {
				time.Sleep(500 * time.Millisecond)
				rss, err := c.cs.AppsV1().ReplicaSets(ns).List(c.ctx, metav1.ListOptions{})
				if err != nil || len(rss.Items) != 1 || len(rss.Items[0].OwnerReferences) != 0 {
					t.Fatalf("orphaned replica sets = %+v, %v", rss, err)
				}
				if n := len(c.activePods(t, ns)); n != 2 {
					t.Errorf("%d pods after orphan deletion, want 2", n)
				}
				return
			}
			waitFor(t, 30*time.Second, "replica sets and pods are gone", func() (bool, error) {
				rss, err := c.cs.AppsV1().ReplicaSets(ns).List(c.ctx, metav1.ListOptions{})
				if err != nil {
					return false, err
				}
				pods, err := c.cs.CoreV1().Pods(ns).List(c.ctx, metav1.ListOptions{})
				return err == nil && len(rss.Items) == 0 && len(pods.Items) == 0, err
			})
		})
	}
}

func TestNamespaceDeletionEmptiesIt(t *testing.T) {
	c := startCluster(t)
	ns := c.namespace(t, "doomed")
	if _, err := c.cs.AppsV1().Deployments(ns).Create(c.ctx, newDeployment(ns, "web", 2, "nginx"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.cs.CoreV1().ConfigMaps(ns).Create(c.ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c.waitRolledOut(t, ns, "web", 30*time.Second)
	if err := c.cs.CoreV1().Namespaces().Delete(c.ctx, ns, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the namespace is gone", func() (bool, error) {
		_, err := c.cs.CoreV1().Namespaces().Get(c.ctx, ns, metav1.GetOptions{})
		return c.gone(t, err), err
	})
}
