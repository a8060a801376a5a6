package storageclass_test

import (
	"os"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	storagev1 "keel.dev/api/storage/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/admission/internal/admissiontest"
	"keel.dev/keel/pkg/apiserver/admission/plugin/storageclass"
)

func TestMain(m *testing.M) {
	code := m.Run()
	admissiontest.Shutdown()
	os.Exit(code)
}

func class(name string, isDefault bool, created time.Time) *storagev1.StorageClass {
	sc := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(created)}, Provisioner: "example.com/p"}
	if isDefault {
		sc.Annotations = map[string]string{storageclass.IsDefaultAnnotation: "true"}
	}
	return sc
}

func TestDefaultClassPicksTheNewestMarkedOne(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	beta := class("beta", false, t0.Add(3*time.Hour))
	beta.Annotations = map[string]string{storageclass.BetaIsDefaultAnnotation: "true"}
	for _, tc := range []struct {
		name    string
		classes []*storagev1.StorageClass
		want    string
	}{
		{"none marked", []*storagev1.StorageClass{class("a", false, t0)}, ""},
		{"newest wins", []*storagev1.StorageClass{class("old", true, t0), class("new", true, t0.Add(time.Hour)), class("plain", false, t0.Add(2*time.Hour))}, "new"},
		{"same time: by name", []*storagev1.StorageClass{class("b", true, t0), class("a", true, t0)}, "a"},
		{"beta annotation counts", []*storagev1.StorageClass{class("old", true, t0), beta}, "beta"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := storageclass.DefaultClass(tc.classes)
			name := ""
			if got != nil {
				name = got.Name
			}
			if name != tc.want {
				t.Fatalf("got %q, want %q", name, tc.want)
			}
		})
	}
}

func TestClaimsGetTheDefaultClass(t *testing.T) {
	e := admissiontest.New(t, nil, []string{"ServiceAccount"})
	e.Namespace("sc")
	e.MustCreate(storagev1.SchemeGroupVersion.WithResource("storageclasses"), "", class("fast", true, time.Now()))
	e.WaitCached(storagev1.SchemeGroupVersion.WithResource("storageclasses"), "", "fast")
	claim := func(name string, className *string) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PersistentVolumeClaimSpec{
			StorageClassName: className, AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{"storage": resource.MustParse("1Gi")}}}}
	}
	claims := admissiontest.Core("persistentvolumeclaims")
	empty, other := "", "slow"
	for _, tc := range []struct {
		name  string
		class *string
		want  *string
	}{
		{"unset gets the default", nil, func() *string { s := "fast"; return &s }()},
		{"empty string stays (no class)", &empty, &empty},
		{"named class stays", &other, &other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := e.MustCreate(claims, "sc", claim("c-"+tc.name[:4], tc.class)).(*corev1.PersistentVolumeClaim)
			got := out.Spec.StorageClassName
			if got == nil || *got != *tc.want {
				t.Fatalf("storageClassName = %v, want %q", got, *tc.want)
			}
		})
	}
}
