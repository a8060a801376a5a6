package install

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer/protobuf"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/apimachinery/pkg/util/intstr"

	appsv1 "keel.dev/api/apps/v1"
	autoscalingv2 "keel.dev/api/autoscaling/v2"
	batchv1 "keel.dev/api/batch/v1"
	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	policyv1 "keel.dev/api/policy/v1"
)

func ptr[T any](v T) *T { return &v }

// samples are filled objects of the kinds with the trickiest field types
// (int-or-string, raw extensions, micro times, quantities, maps of times).
func samples() map[string]runtime.Object {
	now := metav1.NewTime(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC))
	micro := metav1.NewMicroTime(time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC))
	meta := metav1.ObjectMeta{Name: "x", Namespace: "ns", Labels: map[string]string{"app": "x"}}
	tmpl := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx"}}},
	}
	return map[string]runtime.Object{
		"a deployment with a rolling update": &appsv1.Deployment{ObjectMeta: meta, Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(3)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}}, Template: tmpl,
			Strategy: appsv1.DeploymentStrategy{Type: "RollingUpdate", RollingUpdate: &appsv1.RollingUpdateDeployment{
				MaxUnavailable: ptr(intstr.FromString("25%")), MaxSurge: ptr(intstr.FromInt32(2)),
			}},
		}},
		"a controller revision with raw data": &appsv1.ControllerRevision{ObjectMeta: meta, Revision: 4, Data: runtime.RawExtension{Raw: []byte(`{"spec":{}}`)}},
		"a job with a failure policy": &batchv1.Job{ObjectMeta: meta, Spec: batchv1.JobSpec{
			Parallelism: ptr(int32(2)), Template: tmpl,
			PodFailurePolicy: &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{{
				Action: "FailJob", OnExitCodes: &batchv1.PodFailurePolicyOnExitCodesRequirement{Operator: "In", Values: []int32{1, 2}},
			}}},
		}, Status: batchv1.JobStatus{StartTime: &now, UncountedTerminatedPods: &batchv1.UncountedTerminatedPods{Failed: []types.UID{"u1"}}}},
		"a lease with micro times": &coordinationv1.Lease{ObjectMeta: meta, Spec: coordinationv1.LeaseSpec{
			HolderIdentity: ptr("me"), AcquireTime: &micro, RenewTime: &micro, LeaseDurationSeconds: ptr(int32(15)),
		}},
		"an endpoint slice": &discoveryv1.EndpointSlice{ObjectMeta: meta, AddressType: "IPv4",
			Endpoints: []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: ptr(true)}}},
			Ports:     []discoveryv1.EndpointPort{{Name: ptr("http"), Port: ptr(int32(80)), Protocol: ptr(corev1.ProtocolTCP)}},
		},
		"a disruption budget with disrupted pods": &policyv1.PodDisruptionBudget{ObjectMeta: meta,
			Spec:   policyv1.PodDisruptionBudgetSpec{MinAvailable: ptr(intstr.FromString("50%"))},
			Status: policyv1.PodDisruptionBudgetStatus{DisruptedPods: map[string]metav1.Time{"p": now}, DisruptionsAllowed: 1},
		},
		"an autoscaler with quantities": &autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: meta, Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			MaxReplicas: 4, Metrics: []autoscalingv2.MetricSpec{{Type: "Pods", Pods: &autoscalingv2.PodsMetricSource{
				Metric: autoscalingv2.MetricIdentifier{Name: "qps"},
				Target: autoscalingv2.MetricTarget{Type: "AverageValue", AverageValue: ptr(resource.MustParse("500m"))},
			}}},
		}},
	}
}

func TestProtobufAndJSONRoundTrip(t *testing.T) {
	for name, obj := range samples() {
		t.Run(name, func(t *testing.T) {
			b, err := protobuf.Marshal(obj)
			if err != nil {
				t.Fatalf("protobuf marshal: %v", err)
			}
			back := reflect.New(reflect.TypeOf(obj).Elem()).Interface()
			if err := protobuf.Unmarshal(b, back); err != nil {
				t.Fatalf("protobuf unmarshal: %v", err)
			}
			if !reflect.DeepEqual(normalize(t, obj), normalize(t, back)) {
				t.Errorf("protobuf round trip changed the object:\n%s\n%s", normalize(t, obj), normalize(t, back))
			}
			j, err := json.Marshal(obj)
			if err != nil {
				t.Fatalf("json marshal: %v", err)
			}
			back = reflect.New(reflect.TypeOf(obj).Elem()).Interface()
			if err := json.Unmarshal(j, back); err != nil {
				t.Fatalf("json unmarshal: %v", err)
			}
			if !reflect.DeepEqual(normalize(t, obj), normalize(t, back)) {
				t.Errorf("json round trip changed the object:\n%s\n%s", normalize(t, obj), normalize(t, back))
			}
		})
	}
}

// normalize renders an object as JSON so empty and nil collections compare
// equal.
func normalize(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEveryKindEncodesEmpty(t *testing.T) {
	s := NewScheme()
	for _, gv := range s.GroupVersions() {
		for kind := range s.KnownKinds(gv) {
			obj, err := s.New(gv.WithKind(kind))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := protobuf.Marshal(obj); err != nil && !protobuf.IsNotMarshalable(err) {
				t.Errorf("%v: %v", gv.WithKind(kind), err)
			}
		}
	}
}
