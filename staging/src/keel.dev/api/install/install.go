package install

import (
	"fmt"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	appsv1 "keel.dev/api/apps/v1"
	authenticationv1 "keel.dev/api/authentication/v1"
	authorizationv1 "keel.dev/api/authorization/v1"
	autoscalingv1 "keel.dev/api/autoscaling/v1"
	autoscalingv2 "keel.dev/api/autoscaling/v2"
	batchv1 "keel.dev/api/batch/v1"
	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	eventsv1 "keel.dev/api/events/v1"
	networkingv1 "keel.dev/api/networking/v1"
	policyv1 "keel.dev/api/policy/v1"
	rbacv1 "keel.dev/api/rbac/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
	storagev1 "keel.dev/api/storage/v1"
)

// groups lists every group version's AddToScheme, core first.
var groups = []struct {
	name string
	add  func(*runtime.Scheme) error
}{
	{"v1", corev1.AddToScheme},
	{"apps/v1", appsv1.AddToScheme},
	{"authentication.k8s.io/v1", authenticationv1.AddToScheme},
	{"authorization.k8s.io/v1", authorizationv1.AddToScheme},
	{"autoscaling/v1", autoscalingv1.AddToScheme},
	{"autoscaling/v2", autoscalingv2.AddToScheme},
	{"batch/v1", batchv1.AddToScheme},
	{"coordination.k8s.io/v1", coordinationv1.AddToScheme},
	{"discovery.k8s.io/v1", discoveryv1.AddToScheme},
	{"events.k8s.io/v1", eventsv1.AddToScheme},
	{"networking.k8s.io/v1", networkingv1.AddToScheme},
	{"policy/v1", policyv1.AddToScheme},
	{"rbac.authorization.k8s.io/v1", rbacv1.AddToScheme},
	{"scheduling.k8s.io/v1", schedulingv1.AddToScheme},
	{"storage.k8s.io/v1", storagev1.AddToScheme},
}

// Install registers every API group version in s. A registration failure
// is a programming error and panics.
func Install(s *runtime.Scheme) {
	if err := metav1.AddToScheme(s); err != nil {
		panic(fmt.Errorf("install meta.k8s.io/v1: %w", err))
	}
	for _, g := range groups {
		if err := g.add(s); err != nil {
			panic(fmt.Errorf("install %s: %w", g.name, err))
		}
		gv, err := schema.ParseGroupVersion(g.name)
		if err != nil {
			panic(fmt.Errorf("install %s: %w", g.name, err))
		}
		// Every group version takes the options kinds and Status, as in Kubernetes.
		metav1.AddToGroupVersion(s, gv)
	}
}

// NewScheme returns a new scheme with every API group version installed.
func NewScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	Install(s)
	return s
}
