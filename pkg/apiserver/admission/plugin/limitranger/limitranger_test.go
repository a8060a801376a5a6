package limitranger_test

import (
	"os"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/admission/internal/admissiontest"
	"keel.dev/keel/pkg/apiserver/admission/plugin/limitranger"
)

func TestMain(m *testing.M) {
	code := m.Run()
	admissiontest.Shutdown()
	os.Exit(code)
}

func rl(kv ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return out
}

func messages(errs []error) string {
	err := admission.JoinErrors(errs)
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestApplyDefaultsAnnotatesWhatItSet(t *testing.T) {
	lr := &corev1.LimitRange{Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{
		Type: corev1.LimitTypeContainer, Default: rl("cpu", "500m", "memory", "256Mi"), DefaultRequest: rl("cpu", "100m", "memory", "128Mi"),
	}}}}
	pod := &corev1.Pod{Spec: corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "setup"}},
		Containers: []corev1.Container{
			{Name: "app"},
			{Name: "sized", Resources: corev1.ResourceRequirements{Requests: rl("cpu", "1"), Limits: rl("cpu", "2", "memory", "1Gi")}},
		}}}
	limitranger.ApplyDefaults(lr, pod)
	want := "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app; " +
		"memory request for container sized; " +
		"cpu, memory request for init container setup; cpu, memory limit for init container setup"
	if got := pod.Annotations[limitranger.AnnotationKey]; got != want {
		t.Fatalf("annotation\n got %q\nwant %q", got, want)
	}
	sized := pod.Spec.Containers[1].Resources
	if c := sized.Requests["cpu"]; c.String() != "1" {
		t.Errorf("a stated request was overwritten: %v", sized.Requests)
	}
	if m := sized.Requests["memory"]; m.String() != "128Mi" {
		t.Errorf("missing memory request not defaulted: %v", sized.Requests)
	}
}

func TestValidateMessages(t *testing.T) {
	lr := &corev1.LimitRange{Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{
		{Type: corev1.LimitTypeContainer, Max: rl("cpu", "1"), Min: rl("memory", "64Mi"), MaxLimitRequestRatio: rl("cpu", "2")},
		{Type: corev1.LimitTypePod, Max: rl("memory", "1Gi")},
		{Type: corev1.LimitTypePersistentVolumeClaim, Min: rl("storage", "1Gi"), Max: rl("storage", "10Gi")},
	}}}
	container := func(req, lim corev1.ResourceList) *corev1.Pod {
		return &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c",
			Resources: corev1.ResourceRequirements{Requests: req, Limits: lim}}}}}
	}
	for _, tc := range []struct {
		name string
		pod  *corev1.Pod
		want string
	}{
		{"within every bound", container(rl("cpu", "500m", "memory", "128Mi"), rl("cpu", "1", "memory", "256Mi")), ""},
		{"limit over the container max", container(rl("cpu", "1", "memory", "128Mi"), rl("cpu", "2", "memory", "256Mi")),
			"maximum cpu usage per Container is 1, but limit is 2"},
		{"no limit and no request", container(nil, nil),
			"[minimum memory usage per Container is 64Mi.  No request is specified, maximum cpu usage per Container is 1.  No limit is specified, " +
				"cpu max limit to request ratio per Container is 2, but no request is specified or request is 0, " +
				"maximum memory usage per Pod is 1Gi.  No limit is specified]"},
		{"ratio exceeded", container(rl("cpu", "200m", "memory", "128Mi"), rl("cpu", "1", "memory", "2Gi")),
			"[cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000, maximum memory usage per Pod is 1Gi, but limit is 2Gi]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := messages(limitranger.ValidatePod(lr, tc.pod)); got != tc.want {
				t.Fatalf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
	claim := func(size string) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{Requests: rl("storage", size)}}}
	}
	if got := messages(limitranger.ValidateClaim(lr, claim("500Mi"))); got != "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi" {
		t.Errorf("small claim: %q", got)
	}
	if got := messages(limitranger.ValidateClaim(lr, claim("20Gi"))); got != "maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi" {
		t.Errorf("large claim: %q", got)
	}
	if got := messages(limitranger.ValidateClaim(lr, claim("5Gi"))); got != "" {
		t.Errorf("fitting claim: %q", got)
	}
}

func TestThroughTheRegistry(t *testing.T) {
	e := admissiontest.New(t, nil, []string{"ServiceAccount"})
	e.Namespace("lr")
	e.MustCreate(admissiontest.Core("limitranges"), "lr", &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "defaults"},
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer,
			Default: rl("cpu", "500m"), DefaultRequest: rl("cpu", "250m"), Max: rl("cpu", "1")}}}})
	pods := admissiontest.Core("pods")
	out := e.MustCreate(pods, "lr", admissiontest.Pod("lr", "web", nil, nil)).(*corev1.Pod)
	res := out.Spec.Containers[0].Resources
	if r, l := res.Requests["cpu"], res.Limits["cpu"]; r.String() != "250m" || l.String() != "500m" {
		t.Fatalf("defaults not applied: %+v", res)
	}
	if out.Annotations[limitranger.AnnotationKey] != "LimitRanger plugin set: cpu request for container c; cpu limit for container c" {
		t.Fatalf("annotation %q", out.Annotations[limitranger.AnnotationKey])
	}
	if out.Status.QOSClass != corev1.PodQOSBurstable {
		t.Fatalf("QoS class %q computed before the defaults", out.Status.QOSClass)
	}
	_, err := e.Create(pods, "lr", admissiontest.Pod("lr", "big", rl("cpu", "2"), rl("cpu", "2")))
	if code, msg := admissiontest.Status(err); code != 403 || msg != `pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2` {
		t.Fatalf("got %d %q", code, msg)
	}
}
