package plugins_test

import (
	"context"
	"reflect"
	"testing"

	corev1 "keel.dev/api/core/v1"
	policyv1 "keel.dev/api/policy/v1"
	storagev1 "keel.dev/api/storage/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/admission/internal/admissiontest"
	"keel.dev/keel/pkg/apiserver/admission/plugin/limitranger"
	"keel.dev/keel/pkg/apiserver/admission/plugin/priority"
	"keel.dev/keel/pkg/apiserver/admission/plugin/resourcequota"
	"keel.dev/keel/pkg/apiserver/admission/plugin/serviceaccount"
	"keel.dev/keel/pkg/apiserver/admission/plugin/storageclass"
	"keel.dev/keel/pkg/apiserver/admission/plugin/storageprotection"
	"keel.dev/keel/pkg/apiserver/admission/plugins"
	"keel.dev/keel/pkg/apiserver/admission/plugins/noderestriction"
	"keel.dev/keel/pkg/apiserver/authn"
)

// TestPluginsOnSubresources runs each plugin alone on a write it acts on,
// then on the same write made to a subresource: as in Kubernetes, only
// NodeRestriction judges subresource writes.
func TestPluginsOnSubresources(t *testing.T) {
	e := admissiontest.New(t, []string{noderestriction.PluginName}, nil)
	e.Namespace("sub")
	cpu := resource.MustParse("500m")
	e.MustCreate(admissiontest.Core("limitranges"), "sub", &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "lr"},
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer,
			Default: corev1.ResourceList{"cpu": cpu}, DefaultRequest: corev1.ResourceList{"cpu": cpu}}}}})
	e.MustCreate(admissiontest.Core("resourcequotas"), "sub", &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "none"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{"pods": resource.MustParse("0"), "persistentvolumeclaims": resource.MustParse("0")}}})
	classes := storagev1.SchemeGroupVersion.WithResource("storageclasses")
	e.MustCreate(classes, "", &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "std",
		Annotations: map[string]string{storageclass.IsDefaultAnnotation: "true"}}, Provisioner: "example.com/p"})
	e.WaitCached(admissiontest.Core("limitranges"), "sub", "lr")
	e.WaitCached(admissiontest.Core("resourcequotas"), "sub", "none")
	e.WaitCached(classes, "", "std")

	podsGR := schema.GroupResource{Resource: "pods"}
	claimsGR := schema.GroupResource{Resource: "persistentvolumeclaims"}
	pod := func() runtime.Object {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "sub"},
			Spec: corev1.PodSpec{NodeName: "elsewhere", ServiceAccountName: "missing", PriorityClassName: "missing",
				Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}
	}
	claim := func() runtime.Object {
		return &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "sub"},
			Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{"storage": resource.MustParse("1Gi")}}}}
	}
	node := &authn.UserInfo{Name: "system:node:n1", Groups: []string{"system:nodes"}}
	for _, tc := range []struct {
		plugin string
		gr     schema.GroupResource
		op     admission.Operation
		sub    string
		obj    func() runtime.Object
		user   *authn.UserInfo
		// onSub: whether the plugin also acts on the subresource write.
		onSub bool
	}{
		{plugin: limitranger.PluginName, gr: podsGR, op: admission.Create, sub: "binding", obj: pod},
		{plugin: serviceaccount.PluginName, gr: podsGR, op: admission.Create, sub: "binding", obj: pod},
		{plugin: priority.PluginName, gr: podsGR, op: admission.Create, sub: "binding", obj: pod},
		{plugin: resourcequota.PluginName, gr: podsGR, op: admission.Create, sub: "binding", obj: pod},
		{plugin: resourcequota.PluginName, gr: claimsGR, op: admission.Create, sub: "status", obj: claim},
		{plugin: storageclass.PluginName, gr: claimsGR, op: admission.Create, sub: "status", obj: claim},
		{plugin: storageprotection.PluginName, gr: claimsGR, op: admission.Create, sub: "status", obj: claim},
		{plugin: noderestriction.PluginName, gr: podsGR, op: admission.Create, sub: "binding", obj: pod, user: node, onSub: true},
	} {
		t.Run(tc.plugin+" on "+tc.gr.Resource+"/"+tc.sub, func(t *testing.T) {
			chain, err := plugins.NewChain(plugins.Selection{Enabled: []string{tc.plugin}}, e.Storages.Store)
			if err != nil {
				t.Fatal(err)
			}
			chain = chain.ForResource(tc.gr)
			acts := func(sub string) bool {
				t.Helper()
				obj := tc.obj()
				before := obj.DeepCopyObject()
				ctx := context.Background()
				if tc.user != nil {
					ctx = authn.WithUser(ctx, tc.user)
				}
				a := &admission.Attributes{Operation: tc.op, Resource: tc.gr, Subresource: sub, Namespace: "sub", Name: "p", Object: obj}
				err := chain.Admit(ctx, a)
				if err == nil {
					err = chain.Validate(ctx, a)
				}
				return err != nil || !reflect.DeepEqual(before, obj)
			}
			if !acts("") {
				t.Fatalf("%s did nothing on the main resource: the case proves nothing", tc.plugin)
			}
			if got := acts(tc.sub); got != tc.onSub {
				t.Errorf("acts on %s/%s: %v, want %v", tc.gr.Resource, tc.sub, got, tc.onSub)
			}
			if got := chain.ActsOnSubresource(tc.sub); got != tc.onSub {
				t.Errorf("ActsOnSubresource(%q) = %v, want %v", tc.sub, got, tc.onSub)
			}
		})
	}
}

// TestNamespaceLifecycleOnSubresources: a create through a subresource
// (an eviction) in a terminating namespace is refused as any create is;
// status updates there go on.
func TestNamespaceLifecycleOnSubresources(t *testing.T) {
	e := admissiontest.New(t, nil, []string{serviceaccount.PluginName})
	e.Namespace("ending")
	pods := admissiontest.Core("pods")
	e.MustCreate(pods, "ending", admissiontest.Pod("ending", "p", nil, nil))
	if _, err := e.Delete(admissiontest.Core("namespaces"), "", "ending"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.UpdateSub(pods, "status", "ending", "p", func(o runtime.Object) {
		o.(*corev1.Pod).Status.Phase = corev1.PodRunning
	}); err != nil {
		t.Fatalf("status update in a terminating namespace: %v", err)
	}
	_, err := e.CreateSub(pods, "eviction", "ending", nil, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ending"}})
	code, msg := admissiontest.Status(err)
	if code != 403 || msg != `pods "p" is forbidden: unable to create new content in namespace ending because it is being terminated` {
		t.Fatalf("eviction in a terminating namespace: %d %q", code, msg)
	}
}
