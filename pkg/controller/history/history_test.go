package history

import (
	"encoding/json"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

func TestTemplateHashIsStableAndSensitive(t *testing.T) {
	tmpl := &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}
	a := TemplateHash(tmpl, nil)
	if a != TemplateHash(tmpl.DeepCopy(), nil) {
		t.Fatal("the same template hashed differently")
	}
	if strings.Trim(a, hashAlphabet) != "" {
		t.Errorf("hash %q uses letters outside the safe alphabet", a)
	}
	one := int32(1)
	if a == TemplateHash(tmpl, &one) {
		t.Error("a collision count did not change the hash")
	}
	other := tmpl.DeepCopy()
	other.Spec.Containers[0].Image = "busybox:2"
	if a == TemplateHash(other, nil) {
		t.Error("a different image did not change the hash")
	}
}

func TestTemplatePatchReplacesTheTemplate(t *testing.T) {
	tmpl := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}
	b, err := TemplatePatch(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Spec struct {
			Template map[string]any `json:"template"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Spec.Template["$patch"] != "replace" || got.Spec.Template["spec"] == nil {
		t.Errorf("patch = %s", b)
	}
}
