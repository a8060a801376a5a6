package resourcequota_test

import (
	"fmt"
	"os"
	"sync"
	"testing"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"

	"keel.dev/keel/pkg/apiserver/admission/internal/admissiontest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	admissiontest.Shutdown()
	os.Exit(code)
}

var (
	pods     = admissiontest.Core("pods")
	quotas   = admissiontest.Core("resourcequotas")
	services = admissiontest.Core("services")
	claims   = admissiontest.Core("persistentvolumeclaims")
)

func quota(name string, hard corev1.ResourceList) *corev1.ResourceQuota {
	return &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.ResourceQuotaSpec{Hard: hard}}
}

func list(kv ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return out
}

func used(t *testing.T, e *admissiontest.Env, ns, name string) corev1.ResourceList {
	t.Helper()
	obj, err := e.Get(quotas, ns, name)
	if err != nil {
		t.Fatal(err)
	}
	return obj.(*corev1.ResourceQuota).Status.Used
}

func TestQuotaRejectsWithKubernetesMessages(t *testing.T) {
	e := admissiontest.New(t, nil, noSA)
	e.Namespace("q")
	e.MustCreate(quotas, "q", quota("counts", list("pods", "2")))
	e.MustCreate(quotas, "q", quota("compute", list("requests.cpu", "1", "limits.cpu", "2")))
	cpu := func(req, lim string) (corev1.ResourceList, corev1.ResourceList) {
		return list("cpu", req), list("cpu", lim)
	}
	r, l := cpu("500m", "1")
	e.MustCreate(pods, "q", admissiontest.Pod("q", "p1", r, l))
	steps := []struct {
		name     string
		pod      *corev1.Pod
		wantCode int32
		wantMsg  string
	}{
		{"missing limits and requests name every container", admissiontest.Pod("q", "bare", nil, nil, "b", "a"), 403,
			`pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: a,b; requests.cpu for: a,b`},
		{"cpu beyond the quota", func() *corev1.Pod { r, l := cpu("600m", "1"); return admissiontest.Pod("q", "big", r, l) }(), 403,
			`pods "big" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=500m, limited: requests.cpu=1`},
		{"second pod fits", func() *corev1.Pod { r, l := cpu("500m", "1"); return admissiontest.Pod("q", "p2", r, l) }(), 0, ""},
		{"third pod exceeds the count", func() *corev1.Pod { r, l := cpu("0", "0"); return admissiontest.Pod("q", "p3", r, l) }(), 403,
			`pods "p3" is forbidden: exceeded quota: counts, requested: pods=1, used: pods=2, limited: pods=2`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			_, err := e.Create(pods, "q", s.pod)
			code, msg := admissiontest.Status(err)
			if code != s.wantCode || msg != s.wantMsg {
				t.Fatalf("got %d %q, want %d %q", code, msg, s.wantCode, s.wantMsg)
			}
		})
	}
	got := used(t, e, "q", "compute")
	if c := got["requests.cpu"]; c.Cmp(resource.MustParse("1")) != 0 {
		t.Errorf("compute used %v, want requests.cpu=1", got)
	}
	if c := used(t, e, "q", "counts")["pods"]; c.Value() != 2 {
		t.Errorf("counts used pods=%v, want 2", c.String())
	}
}

func TestConcurrentCreatesNeverExceedTheQuota(t *testing.T) {
	e := admissiontest.New(t, nil, noSA)
	e.Namespace("race")
	e.MustCreate(quotas, "race", quota("cm", list("configmaps", "5")))
	var (
		wg sync.WaitGroup
		mu sync.Mutex
		ok int
	)
	for i := range 20 {
		wg.Go(func() {
			_, err := e.Create(admissiontest.Core("configmaps"), "race", &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("cm-%d", i)}})
			if err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			} else if code, _ := admissiontest.Status(err); code != 403 {
				t.Errorf("create cm-%d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if ok != 5 {
		t.Fatalf("%d configmaps admitted under a quota of 5", ok)
	}
}

func TestObjectCountsServicesAndClaims(t *testing.T) {
	e := admissiontest.New(t, nil, noSA)
	e.Namespace("o")
	e.MustCreate(quotas, "o", quota("q", list("count/deployments.apps", "1", "services.nodeports", "1",
		"services.loadbalancers", "0", "requests.storage", "3Gi")))
	deploy := func(name string) runtime.Object {
		one := int32(1)
		return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: appsv1.DeploymentSpec{Replicas: &one,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"a": "b"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}}}
	}
	svc := func(name string, typ corev1.ServiceType) *corev1.Service {
		return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.ServiceSpec{Type: typ,
			Ports: []corev1.ServicePort{{Port: 80}}}}
	}
	claim := func(name, size string) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources:   corev1.VolumeResourceRequirements{Requests: list("storage", size)}}}
	}
	deployments := appsv1.SchemeGroupVersion.WithResource("deployments")
	steps := []struct {
		name    string
		do      func() error
		wantMsg string
	}{
		{"first deployment", func() error { _, err := e.Create(deployments, "o", deploy("d1")); return err }, ""},
		{"second deployment", func() error { _, err := e.Create(deployments, "o", deploy("d2")); return err },
			`deployments.apps "d2" is forbidden: exceeded quota: q, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1`},
		{"cluster IP service", func() error { _, err := e.Create(services, "o", svc("a", corev1.ServiceTypeClusterIP)); return err }, ""},
		{"node port service", func() error { _, err := e.Create(services, "o", svc("b", corev1.ServiceTypeNodePort)); return err }, ""},
		{"turning a ClusterIP into a NodePort needs a node port", func() error {
			_, err := e.Update(services, "o", "a", func(o runtime.Object) { o.(*corev1.Service).Spec.Type = corev1.ServiceTypeNodePort })
			return err
		}, `services "a" is forbidden: exceeded quota: q, requested: services.nodeports=1, used: services.nodeports=1, limited: services.nodeports=1`},
		{"load balancer", func() error { _, err := e.Create(services, "o", svc("lb", corev1.ServiceTypeLoadBalancer)); return err },
			`services "lb" is forbidden: exceeded quota: q, requested: services.loadbalancers=1,services.nodeports=1, used: services.loadbalancers=0,services.nodeports=1, limited: services.loadbalancers=0,services.nodeports=1`},
		{"claim of 2Gi", func() error { _, err := e.Create(claims, "o", claim("c1", "2Gi")); return err }, ""},
		{"the claim binds", func() error {
			_, err := e.UpdateSub(claims, "status", "o", "c1", func(o runtime.Object) {
				o.(*corev1.PersistentVolumeClaim).Status.Phase = corev1.ClaimBound
			})
			return err
		}, ""},
		{"growing the claim past the quota", func() error {
			_, err := e.Update(claims, "o", "c1", func(o runtime.Object) {
				o.(*corev1.PersistentVolumeClaim).Spec.Resources.Requests = list("storage", "4Gi")
			})
			return err
		}, `persistentvolumeclaims "c1" is forbidden: exceeded quota: q, requested: requests.storage=2Gi, used: requests.storage=2Gi, limited: requests.storage=3Gi`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			_, msg := admissiontest.Status(s.do())
			if msg != s.wantMsg {
				t.Fatalf("got %q\nwant %q", msg, s.wantMsg)
			}
		})
	}
}

func TestPerStorageClassClaimQuota(t *testing.T) {
	e := admissiontest.New(t, nil, noSA)
	e.Namespace("sc")
	e.MustCreate(quotas, "sc", quota("gold", list("gold.storageclass.storage.k8s.io/requests.storage", "5Gi",
		"gold.storageclass.storage.k8s.io/persistentvolumeclaims", "2")))
	claim := func(name, class, size string) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PersistentVolumeClaimSpec{
			StorageClassName: &class, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: list("storage", size)}}}
	}
	for _, s := range []struct {
		claim   *corev1.PersistentVolumeClaim
		wantMsg string
	}{
		{claim("a", "gold", "3Gi"), ""},
		{claim("b", "silver", "30Gi"), ""},
		{claim("c", "gold", "3Gi"), `persistentvolumeclaims "c" is forbidden: exceeded quota: gold, requested: gold.storageclass.storage.k8s.io/requests.storage=3Gi, used: gold.storageclass.storage.k8s.io/requests.storage=3Gi, limited: gold.storageclass.storage.k8s.io/requests.storage=5Gi`},
		{claim("d", "gold", "1Gi"), ""},
		{claim("e", "gold", "1Gi"), `persistentvolumeclaims "e" is forbidden: exceeded quota: gold, requested: gold.storageclass.storage.k8s.io/persistentvolumeclaims=1, used: gold.storageclass.storage.k8s.io/persistentvolumeclaims=2, limited: gold.storageclass.storage.k8s.io/persistentvolumeclaims=2`},
	} {
		t.Run(s.claim.Name, func(t *testing.T) {
			_, err := e.Create(claims, "sc", s.claim)
			if _, msg := admissiontest.Status(err); msg != s.wantMsg {
				t.Fatalf("got %q\nwant %q", msg, s.wantMsg)
			}
		})
	}
}

func TestScopesDryRunAndUnrelatedNamespaces(t *testing.T) {
	e := admissiontest.New(t, nil, noSA)
	e.Namespace("s")
	e.Namespace("other")
	be := quota("besteffort", list("pods", "1"))
	be.Spec.Scopes = []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeBestEffort}
	e.MustCreate(quotas, "s", be)

	if _, err := e.DryRunCreate(pods, "s", admissiontest.Pod("s", "dry", nil, nil)); err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if u := used(t, e, "s", "besteffort"); len(u) != 0 {
		t.Fatalf("a dry run charged the quota: %v", u)
	}
	e.MustCreate(pods, "s", admissiontest.Pod("s", "be1", nil, nil))
	if _, err := e.Create(pods, "s", admissiontest.Pod("s", "be2", nil, nil)); err == nil {
		t.Fatal("second BestEffort pod admitted under a BestEffort quota of 1")
	}
	if _, err := e.Create(pods, "s", admissiontest.Pod("s", "burstable", list("cpu", "100m"), nil)); err != nil {
		t.Fatalf("a pod the BestEffort scope does not select was refused: %v", err)
	}
	if _, err := e.Create(pods, "other", admissiontest.Pod("other", "free", nil, nil)); err != nil {
		t.Fatalf("a quota of another namespace applied: %v", err)
	}
}

func TestGenerateNameShowsThePrefix(t *testing.T) {
	e := admissiontest.New(t, nil, noSA)
	e.Namespace("g")
	e.MustCreate(quotas, "g", quota("none", list("pods", "0")))
	p := admissiontest.Pod("g", "", nil, nil)
	p.GenerateName = "web-"
	_, err := e.Create(pods, "g", p)
	if _, msg := admissiontest.Status(err); msg != `pods "web-" is forbidden: exceeded quota: none, requested: pods=1, used: pods=0, limited: pods=0` {
		t.Fatalf("got %q", msg)
	}
}

// noSA turns off the ServiceAccount plugin: no controller creates the
// default service account in these tests.
var noSA = []string{"ServiceAccount"}
