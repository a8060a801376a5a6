package volumes

import (
	"fmt"
	"os"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/envvars"
)

func mode(item *int32, def *int32) os.FileMode {
	if item != nil {
		return os.FileMode(*item)
	}
	if def != nil {
		return os.FileMode(*def)
	}
	return DefaultMode
}

func optional(b *bool) bool { return b != nil && *b }

// keyed lays out data per items (all keys when items is empty).
func keyed(data map[string][]byte, items []corev1.KeyToPath, def *int32, opt bool, kind, name string, out map[string]File) error {
	if len(items) == 0 {
		for k, v := range data {
			out[k] = File{Data: v, Mode: mode(nil, def)}
		}
		return nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			if opt {
				continue
			}
			if kind == "secret" {
				return fmt.Errorf("secret %s references non-existent secret key: %s", name, it.Key)
			}
			return fmt.Errorf("configmap %s references non-existent config key: %s", name, it.Key)
		}
		out[it.Path] = File{Data: v, Mode: mode(it.Mode, def)}
	}
	return nil
}

func (m *Manager) configMapData(ns, name string, opt bool) (map[string][]byte, error) {
	if m.Getter == nil {
		return nil, fmt.Errorf("no configmap getter")
	}
	cm, err := m.Getter.GetConfigMap(ns, name)
	if err != nil {
		if opt {
			return map[string][]byte{}, nil
		}
		return nil, fmt.Errorf("configmap %q: %w", name, err)
	}
	data := map[string][]byte{}
	for k, v := range cm.Data {
		data[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		data[k] = v
	}
	return data, nil
}

func (m *Manager) secretData(ns, name string, opt bool) (map[string][]byte, error) {
	if m.Getter == nil {
		return nil, fmt.Errorf("no secret getter")
	}
	s, err := m.Getter.GetSecret(ns, name)
	if err != nil {
		if opt {
			return map[string][]byte{}, nil
		}
		return nil, fmt.Errorf("secret %q: %w", name, err)
	}
	return s.Data, nil
}

func (m *Manager) downward(pod *corev1.Pod, items []corev1.DownwardAPIVolumeFile, def *int32, out map[string]File) error {
	for _, it := range items {
		var v string
		var err error
		switch {
		case it.FieldRef != nil:
			v, err = envvars.FieldValue(pod, it.FieldRef.FieldPath, nil, nil)
		case it.ResourceFieldRef != nil:
			var c *corev1.Container
			if len(pod.Spec.Containers) > 0 {
				c = &pod.Spec.Containers[0]
			}
			v, err = envvars.ResourceValue(pod, c, it.ResourceFieldRef, m.NodeAllocatable)
		}
		if err != nil {
			return err
		}
		out[it.Path] = File{Data: []byte(v), Mode: mode(it.Mode, def)}
	}
	return nil
}

// payload computes the files of a configMap/secret/downwardAPI/projected volume.
func (m *Manager) payload(pod *corev1.Pod, v *corev1.Volume) (map[string]File, error) {
	out := map[string]File{}
	ns := pod.Namespace
	switch {
	case v.ConfigMap != nil:
		s := v.ConfigMap
		data, err := m.configMapData(ns, s.Name, optional(s.Optional))
		if err != nil {
			return nil, err
		}
		return out, keyed(data, s.Items, s.DefaultMode, optional(s.Optional), "configmap", s.Name, out)
	case v.Secret != nil:
		s := v.Secret
		data, err := m.secretData(ns, s.SecretName, optional(s.Optional))
		if err != nil {
			return nil, err
		}
		return out, keyed(data, s.Items, s.DefaultMode, optional(s.Optional), "secret", s.SecretName, out)
	case v.DownwardAPI != nil:
		return out, m.downward(pod, v.DownwardAPI.Items, v.DownwardAPI.DefaultMode, out)
	case v.Projected != nil:
		def := v.Projected.DefaultMode
		for _, src := range v.Projected.Sources {
			switch {
			case src.ConfigMap != nil:
				data, err := m.configMapData(ns, src.ConfigMap.Name, optional(src.ConfigMap.Optional))
				if err != nil {
					return nil, err
				}
				if err := keyed(data, src.ConfigMap.Items, def, optional(src.ConfigMap.Optional), "configmap", src.ConfigMap.Name, out); err != nil {
					return nil, err
				}
			case src.Secret != nil:
				data, err := m.secretData(ns, src.Secret.Name, optional(src.Secret.Optional))
				if err != nil {
					return nil, err
				}
				if err := keyed(data, src.Secret.Items, def, optional(src.Secret.Optional), "secret", src.Secret.Name, out); err != nil {
					return nil, err
				}
			case src.DownwardAPI != nil:
				if err := m.downward(pod, src.DownwardAPI.Items, def, out); err != nil {
					return nil, err
				}
			case src.ServiceAccountToken != nil:
				if m.Tokens == nil {
					continue
				}
				tok, err := m.Tokens.Token(pod, src.ServiceAccountToken)
				if err != nil {
					return nil, fmt.Errorf("service account token: %w", err)
				}
				out[src.ServiceAccountToken.Path] = File{Data: []byte(tok), Mode: mode(nil, def)}
			}
		}
	}
	return out, nil
}
