package rbac

import (
	corev1 "keel.dev/api/core/v1"
)

// objKind is the kind of object the Node authorizer relates to nodes.
type objKind uint8

const (
	kindSecret objKind = iota + 1
	kindConfigMap
	kindPVC
	kindPV
	kindServiceAccount
)

// objRef names one namespaced object (PersistentVolumes have no
// namespace).
type objRef struct {
	kind      objKind
	namespace string
	name      string
}

// podRefs lists the secrets, configmaps, claims and service account a pod
// uses: what its node may read on its behalf. Duplicates are removed.
func podRefs(pod *corev1.Pod) []objRef {
	ns := pod.Namespace
	seen := map[objRef]bool{}
	var out []objRef
	add := func(k objKind, name string) {
		if name == "" {
			return
		}
		r := objRef{kind: k, namespace: ns, name: name}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	spec := &pod.Spec
	add(kindServiceAccount, spec.ServiceAccountName)
	for _, s := range spec.ImagePullSecrets {
		add(kindSecret, s.Name)
	}
	corev1.VisitContainers(spec, func(c *corev1.Container) bool {
		for _, e := range c.EnvFrom {
			if e.ConfigMapRef != nil {
				add(kindConfigMap, e.ConfigMapRef.Name)
			}
			if e.SecretRef != nil {
				add(kindSecret, e.SecretRef.Name)
			}
		}
		for _, e := range c.Env {
			if e.ValueFrom == nil {
				continue
			}
			if e.ValueFrom.ConfigMapKeyRef != nil {
				add(kindConfigMap, e.ValueFrom.ConfigMapKeyRef.Name)
			}
			if e.ValueFrom.SecretKeyRef != nil {
				add(kindSecret, e.ValueFrom.SecretKeyRef.Name)
			}
		}
		return true
	})
	for i := range spec.Volumes {
		v := &spec.Volumes[i]
		volumeRefs(v, pod.Name, add)
	}
	return out
}

// volumeRefs reports the objects one pod volume names through add.
func volumeRefs(v *corev1.Volume, podName string, add func(objKind, string)) {
	local := func(r *corev1.LocalObjectReference) {
		if r != nil {
			add(kindSecret, r.Name)
		}
	}
	switch {
	case v.Secret != nil:
		add(kindSecret, v.Secret.SecretName)
	case v.ConfigMap != nil:
		add(kindConfigMap, v.ConfigMap.Name)
	case v.Projected != nil:
		for _, s := range v.Projected.Sources {
			if s.Secret != nil {
				add(kindSecret, s.Secret.Name)
			}
			if s.ConfigMap != nil {
				add(kindConfigMap, s.ConfigMap.Name)
			}
		}
	case v.PersistentVolumeClaim != nil:
		add(kindPVC, v.PersistentVolumeClaim.ClaimName)
	case v.Ephemeral != nil:
		// A generic ephemeral volume's claim is named <pod>-<volume>.
		add(kindPVC, podName+"-"+v.Name)
	case v.AzureFile != nil:
		add(kindSecret, v.AzureFile.SecretName)
	case v.CephFS != nil:
		local(v.CephFS.SecretRef)
	case v.Cinder != nil:
		local(v.Cinder.SecretRef)
	case v.FlexVolume != nil:
		local(v.FlexVolume.SecretRef)
	case v.ISCSI != nil:
		local(v.ISCSI.SecretRef)
	case v.RBD != nil:
		local(v.RBD.SecretRef)
	case v.ScaleIO != nil:
		local(v.ScaleIO.SecretRef)
	case v.StorageOS != nil:
		local(v.StorageOS.SecretRef)
	case v.CSI != nil:
		local(v.CSI.NodePublishSecretRef)
	}
}

// pvSecrets lists the secrets a PersistentVolume's source names; a
// reference without a namespace is in the namespace of the bound claim.
func pvSecrets(pv *corev1.PersistentVolume) []objRef {
	claimNS := ""
	if pv.Spec.ClaimRef != nil {
		claimNS = pv.Spec.ClaimRef.Namespace
	}
	var out []objRef
	add := func(ns, name string) {
		if name == "" {
			return
		}
		if ns == "" {
			ns = claimNS
		}
		out = append(out, objRef{kind: kindSecret, namespace: ns, name: name})
	}
	ref := func(r *corev1.SecretReference) {
		if r != nil {
			add(r.Namespace, r.Name)
		}
	}
	s := &pv.Spec.PersistentVolumeSource
	switch {
	case s.AzureFile != nil:
		ns := ""
		if s.AzureFile.SecretNamespace != nil {
			ns = *s.AzureFile.SecretNamespace
		}
		add(ns, s.AzureFile.SecretName)
	case s.CephFS != nil:
		ref(s.CephFS.SecretRef)
	case s.Cinder != nil:
		ref(s.Cinder.SecretRef)
	case s.FlexVolume != nil:
		ref(s.FlexVolume.SecretRef)
	case s.ISCSI != nil:
		ref(s.ISCSI.SecretRef)
	case s.RBD != nil:
		ref(s.RBD.SecretRef)
	case s.ScaleIO != nil:
		ref(s.ScaleIO.SecretRef)
	case s.StorageOS != nil:
		if r := s.StorageOS.SecretRef; r != nil {
			add(r.Namespace, r.Name)
		}
	case s.CSI != nil:
		ref(s.CSI.ControllerPublishSecretRef)
		ref(s.CSI.NodeStageSecretRef)
		ref(s.CSI.NodePublishSecretRef)
		ref(s.CSI.ControllerExpandSecretRef)
		ref(s.CSI.NodeExpandSecretRef)
	}
	return out
}

// PodUses reports whether pod names any secret and any configmap (in its
// containers' environment, its image pull secrets or its volumes): what a
// node may not put in the mirror pods it creates.
func PodUses(pod *corev1.Pod) (secrets, configMaps bool) {
	for _, r := range podRefs(pod) {
		switch r.kind {
		case kindSecret:
			secrets = true
		case kindConfigMap:
			configMaps = true
		}
	}
	return secrets, configMaps
}
