package v1

import (
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/api/internal/testutil"
)

func TestValidateScale(t *testing.T) {
	tests := []struct {
		name     string
		replicas int32
		want     []string
	}{
		{"scaling to zero is valid", 0, nil},
		{"negative replicas are refused", -1, []string{"spec.replicas: FieldValueInvalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Scale{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"}, Spec: ScaleSpec{Replicas: tt.replicas}}
			testutil.ExpectErrors(t, ValidateScale(s), tt.want, "")
		})
	}
}

func TestHorizontalPodAutoscalerDefaults(t *testing.T) {
	h := &HorizontalPodAutoscaler{}
	SetDefaults_HorizontalPodAutoscaler(h)
	if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas != 1 {
		t.Fatalf("minReplicas = %v", h.Spec.MinReplicas)
	}
}
