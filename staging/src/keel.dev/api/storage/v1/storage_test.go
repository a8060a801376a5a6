package v1

import (
	"strings"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/api/internal/testutil"
)

func TestDefaults(t *testing.T) {
	sc := &StorageClass{}
	SetDefaults_StorageClass(sc)
	if *sc.ReclaimPolicy != corev1.PersistentVolumeReclaimDelete || *sc.VolumeBindingMode != VolumeBindingImmediate {
		t.Errorf("storage class = %+v", sc)
	}
	d := &CSIDriver{}
	SetDefaults_CSIDriver(d)
	s := d.Spec
	if !*s.AttachRequired || *s.PodInfoOnMount || *s.StorageCapacity || *s.RequiresRepublish || *s.FSGroupPolicy != ReadWriteOnceWithFSTypeFSGroupPolicy ||
		len(s.VolumeLifecycleModes) != 1 || s.VolumeLifecycleModes[0] != VolumeLifecyclePersistent {
		t.Errorf("csi driver = %+v", s)
	}
}

func TestValidation(t *testing.T) {
	class := func(provisioner string) *StorageClass {
		sc := &StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "fast"}, Provisioner: provisioner}
		SetDefaults_StorageClass(sc)
		return sc
	}
	cases := []struct {
		name   string
		errs   func() (out []string, text string)
		want   []string
		detail string
	}{
		{"a class with a provisioner is valid", func() ([]string, string) {
			e := ValidateStorageClass(class("ebs.csi.aws.com"))
			return testutil.Summary(e), ""
		}, []string{}, ""},
		{"a class needs a provisioner", func() ([]string, string) {
			e := ValidateStorageClass(class(""))
			return testutil.Summary(e), ""
		}, []string{"provisioner: FieldValueRequired"}, ""},
		{"an unknown reclaim policy is not supported", func() ([]string, string) {
			sc := class("x.io/p")
			sc.ReclaimPolicy = testutil.Ptr(corev1.PersistentVolumeReclaimRecycle)
			e := ValidateStorageClass(sc)
			return testutil.Summary(e), e.ToAggregate().Error()
		}, []string{"reclaimPolicy: FieldValueNotSupported"}, `"Delete", "Retain"`},
		{"parameters cannot change", func() ([]string, string) {
			old := class("x.io/p")
			old.ResourceVersion = "1"
			upd := old.DeepCopy()
			upd.Parameters = map[string]string{"type": "ssd"}
			e := ValidateStorageClassUpdate(upd, old)
			return testutil.Summary(e), e.ToAggregate().Error()
		}, []string{"parameters: FieldValueForbidden"}, "updates to parameters are forbidden."},
		{"an attachment names exactly one source", func() ([]string, string) {
			va := &VolumeAttachment{ObjectMeta: metav1.ObjectMeta{Name: "va"}, Spec: VolumeAttachmentSpec{Attacher: "x.io", NodeName: "node-1"}}
			e := ValidateVolumeAttachment(va)
			return testutil.Summary(e), e.ToAggregate().Error()
		}, []string{"spec.source: FieldValueRequired"}, "must specify exactly one of inlineVolumeSpec and persistentVolumeName"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got, text := tt.errs()
			if len(got) != len(tt.want) {
				t.Fatalf("errors = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("errors = %v, want %v", got, tt.want)
				}
			}
			if tt.detail != "" && !strings.Contains(text, tt.detail) {
				t.Errorf("%q does not mention %q", text, tt.detail)
			}
		})
	}
}
