package objcache

import (
	corev1 "keel.dev/api/core/v1"
)

// kind is the kind of a referenced object.
type kind uint8

const (
	configMapKind kind = iota
	secretKind
)

func (k kind) String() string {
	if k == secretKind {
		return "secret"
	}
	return "configmap"
}

// ref names one ConfigMap or Secret.
type ref struct {
	kind      kind
	namespace string
	name      string
}

// podRefs returns the ConfigMaps and Secrets pod refers to: its volumes
// (projected sources included), the env and envFrom of every container
// (init and ephemeral too) and its imagePullSecrets. Optional references
// are included: the object may appear later.
func podRefs(pod *corev1.Pod) map[ref]struct{} {
	out := map[ref]struct{}{}
	add := func(k kind, name string) {
		if name != "" {
			out[ref{kind: k, namespace: pod.Namespace, name: name}] = struct{}{}
		}
	}
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		switch {
		case v.ConfigMap != nil:
			add(configMapKind, v.ConfigMap.Name)
		case v.Secret != nil:
			add(secretKind, v.Secret.SecretName)
		case v.Projected != nil:
			for _, src := range v.Projected.Sources {
				if src.ConfigMap != nil {
					add(configMapKind, src.ConfigMap.Name)
				}
				if src.Secret != nil {
					add(secretKind, src.Secret.Name)
				}
			}
		}
	}
	containerRefs := func(env []corev1.EnvVar, from []corev1.EnvFromSource) {
		for _, e := range env {
			if e.ValueFrom == nil {
				continue
			}
			if r := e.ValueFrom.ConfigMapKeyRef; r != nil {
				add(configMapKind, r.Name)
			}
			if r := e.ValueFrom.SecretKeyRef; r != nil {
				add(secretKind, r.Name)
			}
		}
		for _, f := range from {
			if f.ConfigMapRef != nil {
				add(configMapKind, f.ConfigMapRef.Name)
			}
			if f.SecretRef != nil {
				add(secretKind, f.SecretRef.Name)
			}
		}
	}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		containerRefs(c.Env, c.EnvFrom)
	}
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		containerRefs(c.Env, c.EnvFrom)
	}
	for i := range pod.Spec.EphemeralContainers {
		c := &pod.Spec.EphemeralContainers[i]
		containerRefs(c.Env, c.EnvFrom)
	}
	for _, s := range pod.Spec.ImagePullSecrets {
		add(secretKind, s.Name)
	}
	return out
}
