package serviceaccount

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/storage"
)

// mapStorage serves Get from a map of keys; nothing else is used.
type mapStorage struct {
	storage.Interface
	objs map[string]runtime.Object
}

func (m mapStorage) Get(_ context.Context, key string, _ storage.GetOptions) (runtime.Object, error) {
	if o, ok := m.objs[key]; ok {
		return o.DeepCopyObject(), nil
	}
	return nil, storage.NewError(storage.ErrCodeKeyNotFound, key, 0, "")
}

func newPlugin(t *testing.T, accounts ...*corev1.ServiceAccount) *Plugin {
	t.Helper()
	objs := map[string]runtime.Object{}
	for _, sa := range accounts {
		objs["/serviceaccounts/"+sa.Namespace+"/"+sa.Name] = sa
	}
	st := &generic.Store{Resource: serviceAccountsGR, KeyRoot: "/serviceaccounts", Storage: mapStorage{objs: objs},
		Strategy: &generic.BasicStrategy{Namespaced: true}}
	p, err := New(func(gr schema.GroupResource) (*generic.Store, bool) { return st, gr == serviceAccountsGR })
	if err != nil {
		t.Fatal(err)
	}
	p.suffix = func() string { return "abcde" }
	return p
}

func boolPtr(b bool) *bool { return &b }

func sa(name string, automount *bool) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, AutomountServiceAccountToken: automount}
}

func pod(mut func(*corev1.Pod)) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "ns"}, Spec: corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "init"}},
		Containers:     []corev1.Container{{Name: "a"}, {Name: "b"}},
	}}
	if mut != nil {
		mut(p)
	}
	return p
}

func admit(t *testing.T, p *Plugin, obj *corev1.Pod) error {
	t.Helper()
	return p.Admit(context.Background(), &admission.Attributes{Operation: admission.Create, Resource: podsGR,
		Namespace: "ns", Name: obj.Name, Object: obj})
}

func TestAdmitMountsTheToken(t *testing.T) {
	p := newPlugin(t, sa("default", nil))
	obj := pod(nil)
	if err := admit(t, p, obj); err != nil {
		t.Fatal(err)
	}
	if obj.Spec.ServiceAccountName != "default" {
		t.Errorf("serviceAccountName = %q, want default", obj.Spec.ServiceAccountName)
	}
	if len(obj.Spec.Volumes) != 1 || obj.Spec.Volumes[0].Name != "kube-api-access-abcde" {
		t.Fatalf("volumes = %+v, want one kube-api-access-abcde", obj.Spec.Volumes)
	}
	proj := obj.Spec.Volumes[0].Projected
	if proj == nil || proj.DefaultMode == nil || *proj.DefaultMode != 420 || len(proj.Sources) != 3 {
		t.Fatalf("projected = %+v", proj)
	}
	tok := proj.Sources[0].ServiceAccountToken
	if tok == nil || tok.Path != "token" || tok.ExpirationSeconds == nil || *tok.ExpirationSeconds != 3607 {
		t.Errorf("token source = %+v", tok)
	}
	cm := proj.Sources[1].ConfigMap
	if cm == nil || cm.Name != "kube-root-ca.crt" || len(cm.Items) != 1 || cm.Items[0].Key != "ca.crt" || cm.Items[0].Path != "ca.crt" {
		t.Errorf("configMap source = %+v", cm)
	}
	dw := proj.Sources[2].DownwardAPI
	if dw == nil || len(dw.Items) != 1 || dw.Items[0].Path != "namespace" || dw.Items[0].FieldRef.FieldPath != "metadata.namespace" {
		t.Errorf("downwardAPI source = %+v", dw)
	}
	for _, c := range append(obj.Spec.InitContainers, obj.Spec.Containers...) {
		want := corev1.VolumeMount{Name: "kube-api-access-abcde", ReadOnly: true, MountPath: "/var/run/secrets/kubernetes.io/serviceaccount"}
		if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].Name != want.Name || !c.VolumeMounts[0].ReadOnly || c.VolumeMounts[0].MountPath != want.MountPath {
			t.Errorf("container %s mounts = %+v, want [%+v]", c.Name, c.VolumeMounts, want)
		}
	}
}

func TestAdmitCases(t *testing.T) {
	tests := []struct {
		name       string
		accounts   []*corev1.ServiceAccount
		pod        *corev1.Pod
		wantVolume bool
		wantErr    string
	}{
		{name: "a missing account is refused with 403",
			pod:     pod(func(p *corev1.Pod) { p.Spec.ServiceAccountName = "robot" }),
			wantErr: `pods "web" is forbidden: error looking up service account ns/robot: serviceaccount "robot" not found`},
		{name: "the pod turning automount off wins over the account",
			accounts: []*corev1.ServiceAccount{sa("default", boolPtr(true))},
			pod:      pod(func(p *corev1.Pod) { p.Spec.AutomountServiceAccountToken = boolPtr(false) })},
		{name: "the account turning automount off is obeyed",
			accounts: []*corev1.ServiceAccount{sa("default", boolPtr(false))}, pod: pod(nil)},
		{name: "the pod turning automount on overrides the account",
			accounts: []*corev1.ServiceAccount{sa("default", boolPtr(false))},
			pod:      pod(func(p *corev1.Pod) { p.Spec.AutomountServiceAccountToken = boolPtr(true) }), wantVolume: true},
		{name: "a mirror pod is left alone even without an account",
			pod: pod(func(p *corev1.Pod) { p.Annotations = map[string]string{"kubernetes.io/config.mirror": "x"} })},
		{name: "containers mounting something at the path get no token",
			accounts: []*corev1.ServiceAccount{sa("default", nil)},
			pod: pod(func(p *corev1.Pod) {
				p.Spec.InitContainers = nil
				p.Spec.Containers = p.Spec.Containers[:1]
				p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "mine", MountPath: MountPath}}
			})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlugin(t, tc.accounts...)
			err := admit(t, p, tc.pod)
			if tc.wantErr != "" {
				var se *apierrors.StatusError
				if err == nil || err.Error() != tc.wantErr || !asStatus(err, &se) || se.Status().Code != http.StatusForbidden {
					t.Fatalf("err = %v, want 403 %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			has := false
			for _, v := range tc.pod.Spec.Volumes {
				has = has || strings.HasPrefix(v.Name, VolumeNamePrefix)
			}
			if has != tc.wantVolume {
				t.Errorf("token volume present = %v, want %v (volumes %+v)", has, tc.wantVolume, tc.pod.Spec.Volumes)
			}
		})
	}
}

func TestAdmitReusesAnExistingTokenVolumeAndCopiesPullSecrets(t *testing.T) {
	account := sa("default", nil)
	account.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "registry"}}
	p := newPlugin(t, account)
	obj := pod(func(p *corev1.Pod) { p.Spec.Volumes = []corev1.Volume{TokenVolume("kube-api-access-zzzzz")} })
	if err := admit(t, p, obj); err != nil {
		t.Fatal(err)
	}
	if len(obj.Spec.Volumes) != 1 {
		t.Fatalf("volumes = %+v, want the existing one only", obj.Spec.Volumes)
	}
	if m := obj.Spec.Containers[0].VolumeMounts; len(m) != 1 || m[0].Name != "kube-api-access-zzzzz" {
		t.Errorf("mounts = %+v, want the existing volume", m)
	}
	if len(obj.Spec.ImagePullSecrets) != 1 || obj.Spec.ImagePullSecrets[0].Name != "registry" {
		t.Errorf("imagePullSecrets = %+v, want the account's", obj.Spec.ImagePullSecrets)
	}
}

func TestRandomSuffix(t *testing.T) {
	s := randomSuffix()
	if len(s) != 5 || strings.Trim(s, suffixAlphabet) != "" {
		t.Errorf("suffix %q: want 5 characters of %q", s, suffixAlphabet)
	}
}

func asStatus(err error, se **apierrors.StatusError) bool {
	return errors.As(err, se)
}
