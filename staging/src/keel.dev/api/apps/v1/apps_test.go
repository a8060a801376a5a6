package v1_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/apimachinery/pkg/util/validation/field"

	appsv1 "keel.dev/api/apps/v1"
	corev1 "keel.dev/api/core/v1"
)

func newScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	if err := corev1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := appsv1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// summary renders errors as "field: type" lines, sorted as produced.
func summary(errs field.ErrorList) []string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, e.Field+": "+string(e.Type))
	}
	return out
}

func template(labels map[string]string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: labels},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}},
	}
}

func deployment(name string) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", ResourceVersion: "1"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: template(map[string]string{"app": "web"}),
		},
	}
}

func TestDefaults(t *testing.T) {
	s := newScheme(t)
	pct := func(v string) *intstr.IntOrString { return ptr(intstr.FromString(v)) }
	num := func(v int32) *intstr.IntOrString { return ptr(intstr.FromInt32(v)) }
	tests := []struct {
		name  string
		obj   runtime.Object
		check func(t *testing.T, obj runtime.Object)
	}{
		{"an empty deployment gets one replica, a 25%/25% rolling update, ten revisions and a 600s deadline", deployment("web"), func(t *testing.T, o runtime.Object) {
			d := o.(*appsv1.Deployment)
			want := appsv1.DeploymentSpec{
				Replicas: ptr(int32(1)),
				Strategy: appsv1.DeploymentStrategy{
					Type:          appsv1.RollingUpdateDeploymentStrategyType,
					RollingUpdate: &appsv1.RollingUpdateDeployment{MaxUnavailable: pct("25%"), MaxSurge: pct("25%")},
				},
				RevisionHistoryLimit:    ptr(int32(10)),
				ProgressDeadlineSeconds: ptr(int32(600)),
			}
			got := d.Spec
			got.Selector, got.Template = nil, corev1.PodTemplateSpec{}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("spec = %+v, want %+v", got, want)
			}
			if d.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyAlways || d.Spec.Template.Spec.DNSPolicy != corev1.DNSClusterFirst {
				t.Errorf("pod template not defaulted: %+v", d.Spec.Template.Spec)
			}
		}},
		{"a Recreate deployment gets no rolling update parameters", func() runtime.Object {
			d := deployment("web")
			d.Spec.Strategy.Type = appsv1.RecreateDeploymentStrategyType
			return d
		}(), func(t *testing.T, o runtime.Object) {
			if ru := o.(*appsv1.Deployment).Spec.Strategy.RollingUpdate; ru != nil {
				t.Errorf("rollingUpdate = %+v, want nil", ru)
			}
		}},
		{"a set replica count is kept", func() runtime.Object {
			d := deployment("web")
			d.Spec.Replicas = ptr(int32(0))
			return d
		}(), func(t *testing.T, o runtime.Object) {
			if r := *o.(*appsv1.Deployment).Spec.Replicas; r != 0 {
				t.Errorf("replicas = %d, want 0", r)
			}
		}},
		{"a replica set gets one replica", &appsv1.ReplicaSet{}, func(t *testing.T, o runtime.Object) {
			if r := o.(*appsv1.ReplicaSet).Spec.Replicas; r == nil || *r != 1 {
				t.Errorf("replicas = %v, want 1", r)
			}
		}},
		{"a daemon set gets a rolling update of one unavailable and no surge", &appsv1.DaemonSet{}, func(t *testing.T, o runtime.Object) {
			ds := o.(*appsv1.DaemonSet)
			want := appsv1.DaemonSetUpdateStrategy{
				Type:          appsv1.RollingUpdateDaemonSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: num(1), MaxSurge: num(0)},
			}
			if !reflect.DeepEqual(ds.Spec.UpdateStrategy, want) || *ds.Spec.RevisionHistoryLimit != 10 {
				t.Errorf("spec = %+v", ds.Spec)
			}
		}},
		{"a stateful set gets ordered pods, partition 0 and Retain claims", &appsv1.StatefulSet{
			Spec: appsv1.StatefulSetSpec{VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"}}}},
		}, func(t *testing.T, o runtime.Object) {
			spec := o.(*appsv1.StatefulSet).Spec
			if *spec.Replicas != 1 || spec.PodManagementPolicy != appsv1.OrderedReadyPodManagement || *spec.RevisionHistoryLimit != 10 {
				t.Errorf("spec = %+v", spec)
			}
			ru := spec.UpdateStrategy.RollingUpdate
			if spec.UpdateStrategy.Type != appsv1.RollingUpdateStatefulSetStrategyType || ru == nil || *ru.Partition != 0 || !reflect.DeepEqual(ru.MaxUnavailable, num(1)) {
				t.Errorf("updateStrategy = %+v", spec.UpdateStrategy)
			}
			want := &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{WhenDeleted: "Retain", WhenScaled: "Retain"}
			if !reflect.DeepEqual(spec.PersistentVolumeClaimRetentionPolicy, want) {
				t.Errorf("retention = %+v", spec.PersistentVolumeClaimRetentionPolicy)
			}
			pvc := spec.VolumeClaimTemplates[0]
			if pvc.Status.Phase != corev1.ClaimPending || pvc.Spec.VolumeMode == nil || *pvc.Spec.VolumeMode != corev1.PersistentVolumeFilesystem {
				t.Errorf("claim template not defaulted: %+v", pvc)
			}
		}},
		{"an OnDelete stateful set gets no rolling update parameters", &appsv1.StatefulSet{
			Spec: appsv1.StatefulSetSpec{UpdateStrategy: appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType}},
		}, func(t *testing.T, o runtime.Object) {
			if ru := o.(*appsv1.StatefulSet).Spec.UpdateStrategy.RollingUpdate; ru != nil {
				t.Errorf("rollingUpdate = %+v, want nil", ru)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Default(tt.obj)
			tt.check(t, tt.obj)
		})
	}
}

func TestValidation(t *testing.T) {
	s := newScheme(t)
	valid := func() *appsv1.Deployment { return deployment("web") }
	tests := []struct {
		name   string
		obj    runtime.Object
		old    runtime.Object
		want   []string
		detail string
	}{
		{"a complete deployment is valid", valid(), nil, []string{}, ""},
		{"a deployment named Bad_Name without containers has two causes", func() runtime.Object {
			d := deployment("Bad_Name")
			d.Spec.Template.Spec.Containers = []corev1.Container{}
			return d
		}(), nil, []string{"metadata.name: FieldValueInvalid", "spec.template.spec.containers: FieldValueRequired"}, "a lowercase RFC 1123 subdomain"},
		{"a selector that misses the template labels is rejected", func() runtime.Object {
			d := valid()
			d.Spec.Template.Labels = map[string]string{"app": "other"}
			return d
		}(), nil, []string{"spec.template.metadata.labels: FieldValueInvalid"}, "`selector` does not match template `labels`"},
		{"a missing selector is required and matches nothing", func() runtime.Object {
			d := valid()
			d.Spec.Selector = nil
			return d
		}(), nil, []string{"spec.selector: FieldValueRequired", "spec.template.metadata.labels: FieldValueInvalid"}, ""},
		{"negative replicas are rejected", func() runtime.Object {
			d := valid()
			d.Spec.Replicas = ptr(int32(-1))
			return d
		}(), nil, []string{"spec.replicas: FieldValueInvalid"}, "must be greater than or equal to 0"},
		{"zero surge with zero unavailable is rejected", func() runtime.Object {
			d := valid()
			d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxUnavailable: ptr(intstr.FromInt32(0)), MaxSurge: ptr(intstr.FromString("0%"))}
			return d
		}(), nil, []string{"spec.strategy.rollingUpdate.maxUnavailable: FieldValueInvalid"}, "may not be 0 when `maxSurge` is 0"},
		{"more than 100% unavailable is rejected", func() runtime.Object {
			d := valid()
			d.Spec.Strategy.RollingUpdate = &appsv1.RollingUpdateDeployment{MaxUnavailable: ptr(intstr.FromString("150%"))}
			return d
		}(), nil, []string{"spec.strategy.rollingUpdate.maxUnavailable: FieldValueInvalid"}, "must not be greater than 100%"},
		{"a pod restart policy other than Always is not supported", func() runtime.Object {
			d := valid()
			d.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever
			return d
		}(), nil, []string{"spec.template.spec.restartPolicy: FieldValueNotSupported"}, `supported values: "Always"`},
		{"changing the selector of a deployment is rejected", func() runtime.Object {
			d := valid()
			d.Spec.Selector.MatchLabels["tier"] = "front"
			d.Spec.Template.Labels["tier"] = "front"
			return d
		}(), valid(), []string{"spec.selector: FieldValueInvalid"}, "field is immutable"},
		{"a daemon set with neither surge nor unavailability is rejected", &appsv1.DaemonSet{
			ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "kube-system"},
			Spec: appsv1.DaemonSetSpec{
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "agent"}},
				Template: template(map[string]string{"app": "agent"}),
				UpdateStrategy: appsv1.DaemonSetUpdateStrategy{
					Type:          appsv1.RollingUpdateDaemonSetStrategyType,
					RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: ptr(intstr.FromInt32(0)), MaxSurge: ptr(intstr.FromInt32(0))},
				},
			},
		}, nil, []string{"spec.updateStrategy.rollingUpdate.maxUnavailable: FieldValueRequired"}, "cannot be 0 when maxSurge is 0"},
		{"an empty replica set selector is invalid", &appsv1.ReplicaSet{
			ObjectMeta: metav1.ObjectMeta{Name: "rs", Namespace: "default"},
			Spec:       appsv1.ReplicaSetSpec{Selector: &metav1.LabelSelector{}, Template: template(map[string]string{"app": "web"})},
		}, nil, []string{"spec.selector: FieldValueInvalid"}, "empty selector is invalid for deployment"},
		{"a stateful set may not change its service name", statefulSet("db-headless"), statefulSet("db"), []string{"spec: FieldValueForbidden"}, "updates to statefulset spec for fields other than"},
		{"a stateful set may mount its claim templates", func() runtime.Object {
			ss := statefulSet("db")
			ss.Spec.VolumeClaimTemplates = []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"}}}
			ss.Spec.Template.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/var/lib/db"}}
			return ss
		}(), nil, []string{}, ""},
		{"a stateful set may not mount an unknown volume", func() runtime.Object {
			ss := statefulSet("db")
			ss.Spec.Template.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "cache", MountPath: "/cache"}}
			return ss
		}(), nil, []string{"spec.template.spec.containers[0].volumeMounts[0].name: FieldValueNotFound"}, ""},
		{"a stateful set may change its replicas", func() runtime.Object {
			ss := statefulSet("db")
			ss.Spec.Replicas = ptr(int32(5))
			return ss
		}(), statefulSet("db"), []string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Default(tt.obj)
			if tt.old != nil {
				s.Default(tt.old)
			}
			errs := s.Validate(tt.obj, tt.old)
			if got := summary(errs); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("errors = %v\nwant %v\n(%v)", got, tt.want, errs)
			}
			if tt.detail != "" && !strings.Contains(errs.ToAggregate().Error(), tt.detail) {
				t.Errorf("errors %v do not mention %q", errs, tt.detail)
			}
		})
	}
}

func statefulSet(service string) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "default", ResourceVersion: "1"},
		Spec: appsv1.StatefulSetSpec{
			Selector:    &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
			Template:    template(map[string]string{"app": "db"}),
			ServiceName: service,
		},
	}
}

func TestBadNameMessage(t *testing.T) {
	s := newScheme(t)
	d := deployment("Bad_Name")
	d.Spec.Template.Spec.Containers = []corev1.Container{}
	s.Default(d)
	errs := s.Validate(d, nil)
	want := []string{
		`metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
		`spec.template.spec.containers: Required value`,
	}
	if len(errs) != len(want) {
		t.Fatalf("errors = %v", errs)
	}
	for i := range want {
		if errs[i].Error() != want[i] {
			t.Errorf("error %d = %q\nwant %q", i, errs[i].Error(), want[i])
		}
	}
}

func TestDefaultedStrategyJSON(t *testing.T) {
	s := newScheme(t)
	d := deployment("web")
	s.Default(d)
	got, err := json.Marshal(d.Spec.Strategy)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}`
	if string(got) != want {
		t.Fatalf("strategy JSON = %s, want %s", got, want)
	}
}
