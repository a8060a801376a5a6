package compat

import (
	"time"

	"testing"

	k8sadmissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	k8sappsv1 "k8s.io/api/apps/v1"
	k8sauthenticationv1 "k8s.io/api/authentication/v1"
	k8sauthorizationv1 "k8s.io/api/authorization/v1"
	k8sautoscalingv1 "k8s.io/api/autoscaling/v1"
	k8sautoscalingv2 "k8s.io/api/autoscaling/v2"
	k8sbatchv1 "k8s.io/api/batch/v1"
	k8scoordinationv1 "k8s.io/api/coordination/v1"
	k8scorev1 "k8s.io/api/core/v1"
	k8sdiscoveryv1 "k8s.io/api/discovery/v1"
	k8seventsv1 "k8s.io/api/events/v1"
	k8snetworkingv1 "k8s.io/api/networking/v1"
	k8spolicyv1 "k8s.io/api/policy/v1"
	k8srbacv1 "k8s.io/api/rbac/v1"
	k8sschedulingv1 "k8s.io/api/scheduling/v1"
	k8sstoragev1 "k8s.io/api/storage/v1"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"keel.dev/api/install"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
)

// k8sScheme holds every kind of the groups Keel serves, from k8s.io/api.
func k8sScheme(t testing.TB) *k8sruntime.Scheme {
	t.Helper()
	s := k8sruntime.NewScheme()
	for _, add := range []func(*k8sruntime.Scheme) error{
		k8scorev1.AddToScheme, k8sappsv1.AddToScheme, k8sbatchv1.AddToScheme,
		k8scoordinationv1.AddToScheme, k8sdiscoveryv1.AddToScheme, k8srbacv1.AddToScheme,
		k8spolicyv1.AddToScheme, k8sautoscalingv1.AddToScheme, k8sautoscalingv2.AddToScheme,
		k8snetworkingv1.AddToScheme, k8sstoragev1.AddToScheme, k8seventsv1.AddToScheme,
		k8sadmissionregistrationv1.AddToScheme, k8sauthenticationv1.AddToScheme, k8sschedulingv1.AddToScheme, k8sauthorizationv1.AddToScheme,
		k8smeta.AddMetaToScheme,
	} {
		if err := add(s); err != nil {
			t.Fatalf("build the Kubernetes scheme: %v", err)
		}
	}
	k8smeta.AddToGroupVersion(s, k8smeta.SchemeGroupVersion)
	return s
}

// keelScheme holds every Keel kind.
func keelScheme(t testing.TB) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	if err := metav1.AddToScheme(s); err != nil {
		t.Fatalf("build Keel's scheme: %v", err)
	}
	install.Install(s)
	return s
}

// runtimeGVKType is Keel's GroupVersionKind.
type runtimeGVKType = schema.GroupVersionKind

func k8sGVK(group, version, kind string) k8sschema.GroupVersionKind {
	return k8sschema.GroupVersionKind{Group: group, Version: version, Kind: kind}
}

func timeDuration(n int64) time.Duration { return time.Duration(n) }
