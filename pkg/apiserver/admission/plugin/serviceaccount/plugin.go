package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/admission/internal/objects"
)

// PluginName is the plugin's name in --enable-admission-plugins.
const PluginName = "ServiceAccount"

// What the plugin adds to pods (Kubernetes' names and values).
const (
	// DefaultServiceAccountName is the account of a pod that names none.
	DefaultServiceAccountName = "default"
	// VolumeNamePrefix starts the name of the token volume.
	VolumeNamePrefix = "kube-api-access-"
	// MountPath is where containers find token, ca.crt and namespace.
	MountPath = "/var/run/secrets/kubernetes.io/serviceaccount"
	// RootCAConfigMap is the ConfigMap of the cluster CA in every namespace.
	RootCAConfigMap = "kube-root-ca.crt"
	// TokenExpirationSeconds is the requested lifetime of projected tokens.
	TokenExpirationSeconds = int64(3607)
	// mirrorAnnotation marks a static pod's mirror.
	mirrorAnnotation = "kubernetes.io/config.mirror"
)

var (
	podsGR            = schema.GroupResource{Resource: "pods"}
	serviceAccountsGR = schema.GroupResource{Resource: "serviceaccounts"}
)

// Plugin defaults pods' service account and mounts its token.
type Plugin struct {
	accounts *objects.Source
	// suffix makes the random part of volume names (tests replace it).
	suffix func() string
}

var _ admission.Mutator = (*Plugin)(nil)

// New returns the plugin reading ServiceAccounts through lookup.
func New(lookup objects.Lookup) (*Plugin, error) {
	src, err := objects.NewSource(lookup, serviceAccountsGR)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", PluginName, err)
	}
	return &Plugin{accounts: src, suffix: randomSuffix}, nil
}

// Handles implements admission.Plugin: pod creates.
func (p *Plugin) Handles(op admission.Operation, gr schema.GroupResource) bool {
	return op == admission.Create && gr == podsGR
}

// Admit implements admission.Mutator.
func (p *Plugin) Admit(ctx context.Context, a *admission.Attributes) error {
	pod, ok := a.Object.(*corev1.Pod)
	if !ok {
		return nil
	}
	if _, mirror := pod.Annotations[mirrorAnnotation]; mirror {
		return nil
	}
	if pod.Spec.ServiceAccountName == "" {
		pod.Spec.ServiceAccountName = DefaultServiceAccountName
	}
	name := pod.Spec.ServiceAccountName
	obj, found, err := p.accounts.Get(ctx, a.Namespace, name)
	if err == nil && !found {
		err = fmt.Errorf("serviceaccount %q not found", name)
	}
	if err != nil {
		return admission.NewForbidden(a, fmt.Errorf("error looking up service account %s/%s: %w", a.Namespace, name, err))
	}
	sa, ok := obj.(*corev1.ServiceAccount)
	if !ok {
		return admission.NewForbidden(a, errors.New("error looking up service account: unexpected object"))
	}
	if automount(pod, sa) {
		p.mountToken(pod)
	}
	if len(pod.Spec.ImagePullSecrets) == 0 && len(sa.ImagePullSecrets) > 0 {
		pod.Spec.ImagePullSecrets = append([]corev1.LocalObjectReference(nil), sa.ImagePullSecrets...)
	}
	return nil
}

// automount decides whether the token is mounted: the pod's setting wins
// over the account's; both unset means yes.
func automount(pod *corev1.Pod, sa *corev1.ServiceAccount) bool {
	if v := pod.Spec.AutomountServiceAccountToken; v != nil {
		return *v
	}
	if v := sa.AutomountServiceAccountToken; v != nil {
		return *v
	}
	return true
}

// mountToken mounts the token volume in every container and init container
// without a mount at MountPath, adding the volume when one needs it and
// the pod has none yet.
func (p *Plugin) mountToken(pod *corev1.Pod) {
	volume := ""
	for _, v := range pod.Spec.Volumes {
		if strings.HasPrefix(v.Name, VolumeNamePrefix) {
			volume = v.Name
			break
		}
	}
	existing := volume != ""
	if !existing {
		volume = VolumeNamePrefix + p.suffix()
	}
	mounted := false
	mount := func(cs []corev1.Container) {
		for i := range cs {
			if hasMountAt(cs[i].VolumeMounts, MountPath) {
				continue
			}
			cs[i].VolumeMounts = append(cs[i].VolumeMounts, corev1.VolumeMount{Name: volume, ReadOnly: true, MountPath: MountPath})
			mounted = true
		}
	}
	mount(pod.Spec.InitContainers)
	mount(pod.Spec.Containers)
	if mounted && !existing {
		pod.Spec.Volumes = append(pod.Spec.Volumes, TokenVolume(volume))
	}
}

func hasMountAt(mounts []corev1.VolumeMount, path string) bool {
	for _, m := range mounts {
		if m.MountPath == path {
			return true
		}
	}
	return false
}

// TokenVolume is the projected volume of the token, CA and namespace.
func TokenVolume(name string) corev1.Volume {
	expiration := TokenExpirationSeconds
	mode := int32(0o644)
	return corev1.Volume{
		Name: name,
		VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
			DefaultMode: &mode,
			Sources: []corev1.VolumeProjection{
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{ExpirationSeconds: &expiration, Path: "token"}},
				{ConfigMap: &corev1.ConfigMapProjection{
					LocalObjectReference: corev1.LocalObjectReference{Name: RootCAConfigMap},
					Items:                []corev1.KeyToPath{{Key: "ca.crt", Path: "ca.crt"}},
				}},
				{DownwardAPI: &corev1.DownwardAPIProjection{Items: []corev1.DownwardAPIVolumeFile{{
					Path:     "namespace",
					FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.namespace"},
				}}}},
			},
		}},
	}
}

// suffixAlphabet avoids vowels and look-alike characters, as Kubernetes'
// generated names do.
const suffixAlphabet = "bcdfghjklmnpqrstvwxz2456789"

func randomSuffix() string {
	var b [5]byte
	for i := range b {
		b[i] = suffixAlphabet[rand.IntN(len(suffixAlphabet))]
	}
	return string(b[:])
}
