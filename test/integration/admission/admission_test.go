package admission

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/client/kubeconfig"
	"keel.dev/client/typed"

	"keel.dev/keel/test/integration/framework"
)

// env is one test server with a client and a namespace ready for pods.
type env struct {
	s   *framework.TestServer
	cs  *typed.Clientset
	ctx context.Context
	ns  string
}

func newEnv(t *testing.T, ns string) *env {
	t.Helper()
	s := framework.StartTestServer(t)
	rc, err := kubeconfig.BuildConfig(s.Kubeconfig, kubeconfig.Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	rc.QPS = -1
	cs, err := typed.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	e := &env{s: s, cs: cs, ctx: ctx, ns: ns}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The service account controller is not running: make the account a
	// real cluster has.
	if _, err := cs.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	return e
}

// waitFor polls cond every 20 ms until it holds, failing the test after a
// minute (a bound against hangs, not a performance assertion).
func waitFor(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func podYAML(ns, name string) string {
	return `apiVersion: v1
kind: Pod
metadata:
  name: ` + name + `
  namespace: ` + ns + `
spec:
  containers:
  - name: c
    image: busybox
`
}

func TestQuotaRejectsTheThirdPodThroughKubectl(t *testing.T) {
	bin, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skipf("kubectl is not on PATH: %v", err)
	}
	e := newEnv(t, "quota")
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("quota.yaml", `apiVersion: v1
kind: ResourceQuota
metadata:
  name: pods
  namespace: quota
spec:
  hard:
    pods: "2"
`)
	for _, p := range []string{"p1", "p2", "p3"} {
		write(p+".yaml", podYAML("quota", p))
	}
	kubectl := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "KUBECONFIG="+e.s.Kubeconfig)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, f := range []string{"quota.yaml", "p1.yaml", "p2.yaml"} {
		if out, err := kubectl("create", "-f", f); err != nil {
			t.Fatalf("kubectl create -f %s: %v\n%s", f, err, out)
		}
	}
	out, err := kubectl("create", "-f", "p3.yaml")
	want := `Error from server (Forbidden): error when creating "p3.yaml": pods "p3" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2`
	if err == nil || strings.TrimSpace(out) != want {
		t.Fatalf("kubectl create -f p3.yaml: err %v, output:\n%s\nwant:\n%s", err, out, want)
	}
	q, err := e.cs.CoreV1().ResourceQuotas("quota").Get(e.ctx, "pods", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if used := q.Status.Used[corev1.ResourcePods]; used.Value() != 2 {
		t.Fatalf("status.used pods = %s, want 2", used.String())
	}
	if out, err := kubectl("describe", "quota", "pods", "-n", "quota"); err != nil || !regexpMatch(`pods\s+2\s+2`, out) {
		t.Fatalf("kubectl describe quota: %v\n%s", err, out)
	}
}

func TestLimitRangeDefaultsAppearOnNewPods(t *testing.T) {
	e := newEnv(t, "limits")
	lr := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "defaults"}, Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{
		Type:           corev1.LimitTypeContainer,
		Default:        corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")},
		DefaultRequest: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")},
		Max:            corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")},
	}}}}
	if _, err := e.cs.CoreV1().LimitRanges(e.ns).Create(e.ctx, lr, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busybox"}}}}
	out, err := e.cs.CoreV1().Pods(e.ns).Create(e.ctx, pod, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := out.Spec.Containers[0].Resources
	for _, c := range []struct {
		got  resource.Quantity
		want string
	}{{res.Requests[corev1.ResourceCPU], "100m"}, {res.Limits[corev1.ResourceCPU], "500m"},
		{res.Requests[corev1.ResourceMemory], "256Mi"}, {res.Limits[corev1.ResourceMemory], "256Mi"}} {
		if c.got.String() != c.want {
			t.Errorf("resources %+v: want %s", res, c.want)
		}
	}
	if got := out.Annotations["kubernetes.io/limit-ranger"]; got != "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app" {
		t.Errorf("annotation %q", got)
	}
	big := pod.DeepCopy()
	big.Name = "big"
	big.Spec.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")}
	_, err = e.cs.CoreV1().Pods(e.ns).Create(e.ctx, big, metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2`) {
		t.Fatalf("over the max: %v", err)
	}
}

func TestClaimsGetTheDefaultStorageClass(t *testing.T) {
	e := newEnv(t, "storage")
	sc := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "standard",
		Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}}, Provisioner: "keel.dev/local-path"}
	if _, err := e.cs.StorageV1().StorageClasses().Create(e.ctx, sc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The plugin reads classes from the watch cache, as a list at
	// resourceVersion 0 does.
	waitFor(t, "the class is in the watch cache", func() (bool, error) {
		l, err := e.cs.StorageV1().StorageClasses().List(e.ctx, metav1.ListOptions{ResourceVersion: "0"})
		return err == nil && len(l.Items) == 1, err
	})
	pvc, err := e.cs.CoreV1().PersistentVolumeClaims(e.ns).Create(e.ctx, claim("data"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pvc.Spec.StorageClassName == nil || *pvc.Spec.StorageClassName != "standard" {
		t.Fatalf("storageClassName %v, want standard", pvc.Spec.StorageClassName)
	}
	if len(pvc.Finalizers) != 1 || pvc.Finalizers[0] != "kubernetes.io/pvc-protection" {
		t.Fatalf("finalizers %v, want the pvc-protection finalizer", pvc.Finalizers)
	}
}

func claim(name string) *corev1.PersistentVolumeClaim {
	return &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}}}
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }
