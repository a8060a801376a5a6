package compat

import (
	"testing"
	"time"

	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	k8stypes "k8s.io/apimachinery/pkg/types"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

var (
	created = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	deleted = time.Date(2024, 5, 7, 1, 2, 3, 0, time.UTC)
)

// k8sObjectMeta is metadata with every field set, including the awkward
// ones: empty label values, nil and empty FieldsV1, pointer bools set to
// false, a pre-1970 managed-fields time.
func k8sObjectMeta() k8smeta.ObjectMeta {
	del := k8smeta.NewTime(deleted)
	old := k8smeta.NewTime(time.Date(1969, 12, 31, 23, 59, 0, 0, time.UTC))
	return k8smeta.ObjectMeta{
		Name:                       "web-7d4b9c-x2x9q",
		GenerateName:               "web-7d4b9c-",
		Namespace:                  "demo",
		SelfLink:                   "/api/v1/namespaces/demo/pods/web",
		UID:                        "6a1c2f0e-8d9b-4c1e-9f43-1b2c3d4e5f60",
		ResourceVersion:            "918273",
		Generation:                 42,
		CreationTimestamp:          k8smeta.NewTime(created),
		DeletionTimestamp:          &del,
		DeletionGracePeriodSeconds: ptr(int64(30)),
		Labels:                     map[string]string{"app": "web", "tier": "frontend", "empty": "", "example.com/zone": "b"},
		Annotations: map[string]string{
			"kubectl.kubernetes.io/last-applied-configuration": `{"apiVersion":"v1","kind":"Pod"}`,
			"note": "ünïcödé ✓",
		},
		OwnerReferences: []k8smeta.OwnerReference{
			{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-7d4b9c", UID: "11111111-2222-3333-4444-555555555555", Controller: ptr(true), BlockOwnerDeletion: ptr(false)},
			{APIVersion: "v1", Kind: "ConfigMap", Name: "cfg", UID: "u2"},
		},
		Finalizers: []string{"foregroundDeletion", "example.com/cleanup"},
		ManagedFields: []k8smeta.ManagedFieldsEntry{
			{
				Manager:    "kubectl-client-side-apply",
				Operation:  k8smeta.ManagedFieldsOperationUpdate,
				APIVersion: "v1",
				Time:       &old,
				FieldsType: "FieldsV1",
				FieldsV1:   k8smeta.NewFieldsV1(`{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`),
			},
			// A non-nil empty FieldsV1 has no JSON form (null), so it is not used here.
			{Manager: "kubelet", Operation: k8smeta.ManagedFieldsOperationApply, Subresource: "status"},
		},
	}
}

func TestMetaV1ProtobufMatchesKubernetes(t *testing.T) {
	cases := []struct {
		name string
		k8s  gogoMessage
		keel any
	}{
		{"a zero ObjectMeta writes every non-pointer field", &k8smeta.ObjectMeta{}, &metav1.ObjectMeta{}},
		{"a fully populated ObjectMeta", ptr(k8sObjectMeta()), &metav1.ObjectMeta{}},
		{"a PartialObjectMetadataList with two items", &k8smeta.PartialObjectMetadataList{
			ListMeta: k8smeta.ListMeta{ResourceVersion: "77", Continue: "tok", RemainingItemCount: ptr(int64(-3))},
			Items:    []k8smeta.PartialObjectMetadata{{ObjectMeta: k8sObjectMeta()}, {}},
		}, &metav1.PartialObjectMetadataList{}},
		{"a Status with causes", &k8smeta.Status{
			Status: k8smeta.StatusFailure, Message: `Pod "x" is invalid`, Reason: k8smeta.StatusReasonInvalid, Code: 422,
			Details: &k8smeta.StatusDetails{Name: "x", Kind: "Pod", UID: "u", RetryAfterSeconds: 5, Causes: []k8smeta.StatusCause{
				{Type: "FieldValueRequired", Message: "Required value", Field: "spec.containers"},
				{},
			}},
		}, &metav1.Status{}},
		{"a DeleteOptions with a string propagation policy", &k8smeta.DeleteOptions{
			GracePeriodSeconds: ptr(int64(0)),
			Preconditions:      &k8smeta.Preconditions{UID: ptr(k8stypesUID("u")), ResourceVersion: ptr("")},
			OrphanDependents:   ptr(false),
			PropagationPolicy:  ptr(k8smeta.DeletePropagationBackground),
			DryRun:             []string{"All"},
			IgnoreStoreReadErrorWithClusterBreakingPotential: ptr(true),
		}, &metav1.DeleteOptions{}},
		{"ListOptions with negative numbers", &k8smeta.ListOptions{
			LabelSelector: "app=web", FieldSelector: "metadata.name=x", Watch: true, AllowWatchBookmarks: true,
			ResourceVersion: "5", ResourceVersionMatch: k8smeta.ResourceVersionMatchNotOlderThan,
			TimeoutSeconds: ptr(int64(-1)), Limit: 500, Continue: "c", SendInitialEvents: ptr(true),
		}, &metav1.ListOptions{}},
		{"CreateOptions", &k8smeta.CreateOptions{DryRun: []string{"All"}, FieldManager: "kubectl-create", FieldValidation: "Strict"}, &metav1.CreateOptions{}},
		{"UpdateOptions", &k8smeta.UpdateOptions{FieldManager: "m"}, &metav1.UpdateOptions{}},
		{"PatchOptions", &k8smeta.PatchOptions{Force: ptr(false), FieldManager: "m", FieldValidation: "Warn"}, &metav1.PatchOptions{}},
		{"GetOptions", &k8smeta.GetOptions{ResourceVersion: "0"}, &metav1.GetOptions{}},
		{"a WatchEvent", &k8smeta.WatchEvent{Type: "ADDED", Object: k8sruntime.RawExtension{Raw: []byte(`{"kind":"Pod"}`)}}, &metav1.WatchEvent{}},
		{"an APIResourceList with empty and nil verbs", &k8smeta.APIResourceList{GroupVersion: "apps/v1", APIResources: []k8smeta.APIResource{
			{Name: "deployments", SingularName: "deployment", Namespaced: true, Kind: "Deployment", Verbs: k8smeta.Verbs{"get", "list"}, ShortNames: []string{"deploy"}, Categories: []string{"all"}, StorageVersionHash: "8aSe"},
			{Name: "deployments/scale", Group: "autoscaling", Version: "v1", Kind: "Scale", Verbs: k8smeta.Verbs{}},
			{Name: "x"},
		}}, &metav1.APIResourceList{}},
		{"an APIGroupList", &k8smeta.APIGroupList{Groups: []k8smeta.APIGroup{{
			Name:                       "apps",
			Versions:                   []k8smeta.GroupVersionForDiscovery{{GroupVersion: "apps/v1", Version: "v1"}},
			PreferredVersion:           k8smeta.GroupVersionForDiscovery{GroupVersion: "apps/v1", Version: "v1"},
			ServerAddressByClientCIDRs: []k8smeta.ServerAddressByClientCIDR{{ClientCIDR: "0.0.0.0/0", ServerAddress: "10.0.0.1:6443"}},
		}}}, &metav1.APIGroupList{}},
		{"APIVersions", &k8smeta.APIVersions{Versions: []string{"v1"}, ServerAddressByClientCIDRs: []k8smeta.ServerAddressByClientCIDR{{ClientCIDR: "0.0.0.0/0", ServerAddress: "a:1"}}}, &metav1.APIVersions{}},
		{"a LabelSelector", &k8smeta.LabelSelector{MatchLabels: map[string]string{"b": "2", "a": "1"}, MatchExpressions: []k8smeta.LabelSelectorRequirement{
			{Key: "tier", Operator: k8smeta.LabelSelectorOpIn, Values: []string{"a", "b"}},
			{Key: "x", Operator: k8smeta.LabelSelectorOpExists},
		}}, &metav1.LabelSelector{}},
		{"a Condition", &k8smeta.Condition{Type: "Ready", Status: k8smeta.ConditionTrue, ObservedGeneration: 3, LastTransitionTime: k8smeta.NewTime(created), Reason: "R", Message: "m"}, &metav1.Condition{}},
		{"TableOptions", &k8smeta.TableOptions{IncludeObject: k8smeta.IncludeMetadata}, &metav1.TableOptions{}},
		{"a Duration", &k8smeta.Duration{Duration: -90 * time.Second}, &metav1.Duration{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkMessage(t, c.k8s, c.keel)
		})
	}
}

func k8stypesUID(s string) k8stypes.UID { return k8stypes.UID(s) }

type k8stypesUIDAlias = k8stypes.UID
