package scheduler

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

const selectedNodeAnn = "volume.kubernetes.io/selected-node"

func (c *cluster) createClass(t *testing.T, name, provisioner string, mode storagev1.VolumeBindingMode) {
	t.Helper()
	sc := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Provisioner: provisioner, VolumeBindingMode: &mode}
	if _, err := c.cs.StorageV1().StorageClasses().Create(context.Background(), sc, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create class %s: %v", name, err)
	}
}

func (c *cluster) createClaim(t *testing.T, name, class string) {
	t.Helper()
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PersistentVolumeClaimSpec{
			StorageClassName: &class,
			AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}
	if _, err := c.cs.CoreV1().PersistentVolumeClaims(c.ns).Create(context.Background(), pvc, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create claim %s: %v", name, err)
	}
}

// bindClaim plays the PV controller: it creates a volume reachable from
// nodes labelled key=value and binds the claim to it.
func (c *cluster) bindClaim(t *testing.T, claim, class, key, value string) {
	t.Helper()
	ctx := context.Background()
	pvc, err := c.cs.CoreV1().PersistentVolumeClaims(c.ns).Get(ctx, claim, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: "pv-" + claim},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			StorageClassName:              class,
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimDelete,
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/" + claim}},
			ClaimRef:                      &corev1.ObjectReference{Kind: "PersistentVolumeClaim", Namespace: c.ns, Name: claim, UID: pvc.UID},
			NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{{Key: key, Operator: corev1.NodeSelectorOpIn, Values: []string{value}}},
			}}}},
		},
	}
	if _, err := c.cs.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create volume: %v", err)
	}
	pvc.Spec.VolumeName = pv.Name
	if pvc, err = c.cs.CoreV1().PersistentVolumeClaims(c.ns).Update(ctx, pvc, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("set volumeName of %s: %v", claim, err)
	}
	pvc.Status.Phase = corev1.ClaimBound
	if _, err := c.cs.CoreV1().PersistentVolumeClaims(c.ns).UpdateStatus(ctx, pvc, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("mark %s Bound: %v", claim, err)
	}
}

func withClaim(claim string) func(*corev1.Pod) {
	return func(p *corev1.Pod) {
		p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: claim, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim},
		}})
	}
}

// waitUnschedulable waits for PodScheduled=False and checks the message prefix.
func (c *cluster) waitUnschedulable(t *testing.T, pod, wantPrefix string) {
	t.Helper()
	p := c.waitPod(t, pod, "PodScheduled=False", func(p *corev1.Pod) bool {
		cond, ok := scheduledFalse(p)
		return ok && strings.HasPrefix(cond.Message, wantPrefix)
	})
	if p.Spec.NodeName != "" {
		t.Errorf("pod %s bound to %s", pod, p.Spec.NodeName)
	}
}

func TestVolumeBinding(t *testing.T) {
	c := startCluster(t)
	c.createNode(t, "n-a", "4", map[string]string{"zone": "a", "kubernetes.io/hostname": "n-a"})
	c.createNode(t, "n-b", "4", map[string]string{"zone": "b", "kubernetes.io/hostname": "n-b"})
	c.createClass(t, "local", "keel.dev/local-path", storagev1.VolumeBindingWaitForFirstConsumer)
	c.createClass(t, "fast", "example.com/disk", storagev1.VolumeBindingImmediate)

	t.Run("a pod whose claim does not exist stays Pending with kube-scheduler's message", func(t *testing.T) {
		c.createPod(t, newPod("no-claim", "100m", withClaim("missing")))
		c.waitUnschedulable(t, "no-claim", `0/2 nodes are available: persistentvolumeclaim "missing" not found.`)
	})

	t.Run("an unbound Immediate claim holds the pod until the claim is bound, then its volume's node wins", func(t *testing.T) {
		c.createClaim(t, "imm", "fast")
		c.createPod(t, newPod("imm-pod", "100m", withClaim("imm")))
		c.waitUnschedulable(t, "imm-pod", "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.")
		c.bindClaim(t, "imm", "fast", "zone", "b")
		p := c.waitPod(t, "imm-pod", "binding", bound)
		if p.Spec.NodeName != "n-b" {
			t.Errorf("bound to %s, want n-b (the volume's zone)", p.Spec.NodeName)
		}
	})

	t.Run("a bound volume no node can reach makes every node a conflict", func(t *testing.T) {
		c.createClaim(t, "far", "fast")
		c.bindClaim(t, "far", "fast", "zone", "c")
		c.createPod(t, newPod("far-pod", "100m", withClaim("far")))
		c.waitUnschedulable(t, "far-pod", "0/2 nodes are available: 2 node(s) had volume node affinity conflict.")
	})

	t.Run("a WaitForFirstConsumer claim gets the chosen node and the pod binds only once the claim is bound", func(t *testing.T) {
		c.createClaim(t, "data", "local")
		c.createPod(t, newPod("wffc", "100m", withClaim("data"), func(p *corev1.Pod) {
			p.Spec.NodeSelector = map[string]string{"zone": "a"}
		}))
		ctx := context.Background()
		var node string
		for deadline := time.Now().Add(20 * time.Second); node == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			pvc, err := c.cs.CoreV1().PersistentVolumeClaims(c.ns).Get(ctx, "data", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			node = pvc.Annotations[selectedNodeAnn]
		}
		if node != "n-a" {
			t.Fatalf("claim annotation %s = %q, want n-a", selectedNodeAnn, node)
		}
		// The scheduler waits in PreBind: the pod is not bound while the claim is not.
		if p, err := c.cs.CoreV1().Pods(c.ns).Get(ctx, "wffc", metav1.GetOptions{}); err != nil || p.Spec.NodeName != "" {
			t.Fatalf("pod bound to %q before its claim (err %v)", p.Spec.NodeName, err)
		}
		c.bindClaim(t, "data", "local", "kubernetes.io/hostname", node)
		p := c.waitPod(t, "wffc", "binding", bound)
		if p.Spec.NodeName != "n-a" {
			t.Errorf("bound to %s, want n-a", p.Spec.NodeName)
		}
	})
}
