// Package volumes prepares a pod's volumes on the node (emptyDir on disk
// or tmpfs, hostPath, configMap, secret, downwardAPI and projected written
// atomically with Kubernetes' ..data layout, persistentVolumeClaim and
// ephemeral volumes bound to hostPath or local PersistentVolumes) and the
// CRI mounts of its containers (subPath, subPathExpr, readOnly).
package volumes

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/envvars"
)

// Mounter mounts and unmounts tmpfs filesystems.
type Mounter interface {
	MountTmpfs(dir string, sizeBytes int64) error
	Unmount(dir string) error
	IsMountPoint(dir string) bool
}

// TokenSource issues a service account token for a projected volume.
type TokenSource interface {
	Token(pod *corev1.Pod, p *corev1.ServiceAccountTokenProjection) (string, error)
}

// DefaultMode is the file mode of configMap/secret/downwardAPI files.
const DefaultMode = 0o644

// Manager sets volumes up under Root/pods/<uid>/volumes.
type Manager struct {
	Root    string
	Getter  envvars.Getter
	Mounter Mounter
	Tokens  TokenSource
	// Claims resolves persistentVolumeClaim and ephemeral volumes.
	Claims ClaimGetter
	// NodeAllocatable backs downward API resource limits left unset.
	NodeAllocatable corev1.ResourceList

	mu sync.Mutex
	// Skipped records volumes set up in a degraded way, e.g. tmpfs without root.
	Skipped map[string]string
	// claims are the resolved claim volumes by "<pod uid>/<volume>".
	claims map[string]claimVolume
}

// PodDir returns the pod's directory.
func (m *Manager) PodDir(pod *corev1.Pod) string {
	return filepath.Join(m.Root, "pods", string(pod.UID))
}

func pluginName(v *corev1.Volume) string {
	switch {
	case v.EmptyDir != nil:
		return "empty-dir"
	case v.ConfigMap != nil:
		return "configmap"
	case v.Secret != nil:
		return "secret"
	case v.DownwardAPI != nil:
		return "downward-api"
	case v.Projected != nil:
		return "projected"
	}
	return ""
}

// Path returns where volume v of pod lives on the node.
func (m *Manager) Path(pod *corev1.Pod, v *corev1.Volume) string {
	if v.HostPath != nil {
		return v.HostPath.Path
	}
	if c, ok := m.claimPath(pod, v); ok {
		return c.path
	}
	return filepath.Join(m.PodDir(pod), "volumes", "kubernetes.io~"+pluginName(v), v.Name)
}

func (m *Manager) skip(key, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Skipped == nil {
		m.Skipped = map[string]string{}
	}
	m.Skipped[key] = reason
}

// SetUp creates or refreshes every volume of pod; calling it again
// propagates ConfigMap/Secret/downward API changes.
func (m *Manager) SetUp(ctx context.Context, pod *corev1.Pod) error {
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		if err := m.setUpOne(pod, v); err != nil {
			return fmt.Errorf("volume %q: %w", v.Name, err)
		}
	}
	return nil
}

func (m *Manager) tmpfs(dir string, size int64, key string) error {
	if m.Mounter == nil || os.Geteuid() != 0 {
		m.skip(key, "tmpfs needs root; using a disk directory")
		return nil
	}
	if m.Mounter.IsMountPoint(dir) {
		return nil
	}
	return m.Mounter.MountTmpfs(dir, size)
}

func (m *Manager) setUpOne(pod *corev1.Pod, v *corev1.Volume) error {
	dir := m.Path(pod, v)
	key := string(pod.UID) + "/" + v.Name
	switch {
	case v.HostPath != nil:
		return setUpHostPath(v.HostPath)
	case v.PersistentVolumeClaim != nil, v.Ephemeral != nil:
		return m.setUpClaim(pod, v)
	case v.EmptyDir != nil:
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return err
		}
		if err := os.Chmod(dir, 0o777); err != nil {
			return err
		}
		if v.EmptyDir.Medium == corev1.StorageMediumMemory {
			size := int64(0)
			if v.EmptyDir.SizeLimit != nil {
				size = v.EmptyDir.SizeLimit.Value()
			}
			return m.tmpfs(dir, size, key)
		}
		return nil
	case v.ConfigMap != nil, v.Secret != nil, v.DownwardAPI != nil, v.Projected != nil:
		payload, err := m.payload(pod, v)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if v.Secret != nil || v.Projected != nil {
			if err := m.tmpfs(dir, 0, key); err != nil {
				return err
			}
		}
		_, err = WriteAtomic(dir, payload)
		return err
	}
	return fmt.Errorf("unsupported volume source")
}

func setUpHostPath(h *corev1.HostPathVolumeSource) error {
	t := corev1.HostPathUnset
	if h.Type != nil {
		t = *h.Type
	}
	st, err := os.Stat(h.Path)
	switch t {
	case corev1.HostPathDirectoryOrCreate:
		if os.IsNotExist(err) {
			return os.MkdirAll(h.Path, 0o755)
		}
	case corev1.HostPathFileOrCreate:
		if os.IsNotExist(err) {
			if err := os.MkdirAll(filepath.Dir(h.Path), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(h.Path, os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				return err
			}
			return f.Close()
		}
	case corev1.HostPathDirectory:
		if err != nil || !st.IsDir() {
			return fmt.Errorf("hostPath type check failed: %s is not a directory", h.Path)
		}
	case corev1.HostPathFile:
		if err != nil || !st.Mode().IsRegular() {
			return fmt.Errorf("hostPath type check failed: %s is not a file", h.Path)
		}
	case corev1.HostPathSocket:
		if err != nil || st.Mode()&os.ModeSocket == 0 {
			return fmt.Errorf("hostPath type check failed: %s is not a socket file", h.Path)
		}
	}
	return nil
}

// TearDown unmounts tmpfs volumes and removes the pod's directory (never hostPath contents).
func (m *Manager) TearDown(pod *corev1.Pod) error {
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		if _, _, _, claim := claimName(pod, v); v.HostPath != nil || claim {
			continue
		}
		dir := m.Path(pod, v)
		if m.Mounter != nil && m.Mounter.IsMountPoint(dir) {
			if err := m.Mounter.Unmount(dir); err != nil {
				return fmt.Errorf("unmount %s: %w", dir, err)
			}
		}
	}
	m.forgetClaims(pod)
	return os.RemoveAll(m.PodDir(pod))
}

// Mounts returns the CRI mounts of container c. A subPathExpr is expanded
// with the container's environment variables.
func (m *Manager) Mounts(pod *corev1.Pod, c *corev1.Container) ([]*runtimeapi.Mount, error) {
	var out []*runtimeapi.Mount
	var env map[string]string
	for _, vm := range c.VolumeMounts {
		var v *corev1.Volume
		for i := range pod.Spec.Volumes {
			if pod.Spec.Volumes[i].Name == vm.Name {
				v = &pod.Spec.Volumes[i]
			}
		}
		if v == nil {
			return nil, fmt.Errorf("volume %q of mount %s not found", vm.Name, vm.MountPath)
		}
		claim, isClaim := m.claimPath(pod, v)
		if _, _, _, wantClaim := claimName(pod, v); wantClaim && !isClaim {
			return nil, fmt.Errorf("volume %q: claim not set up", vm.Name)
		}
		host := m.Path(pod, v)
		subPath := vm.SubPath
		if vm.SubPathExpr != "" {
			if env == nil {
				var err error
				if env, err = m.containerEnv(pod, c); err != nil {
					return nil, fmt.Errorf("subPathExpr of mount %s: %w", vm.MountPath, err)
				}
			}
			subPath = envvars.Expand(vm.SubPathExpr, env)
		}
		if subPath != "" {
			if err := validPath(subPath); err != nil {
				return nil, fmt.Errorf("subPath: %w", err)
			}
			host = filepath.Join(host, subPath)
			if _, err := os.Lstat(host); os.IsNotExist(err) && (v.EmptyDir != nil || v.HostPath != nil || isClaim) {
				if err := os.MkdirAll(host, 0o777); err != nil {
					return nil, err
				}
			}
			resolved, err := filepath.EvalSymlinks(host)
			if err != nil {
				return nil, fmt.Errorf("subPath %q: %w", subPath, err)
			}
			base, _ := filepath.EvalSymlinks(m.Path(pod, v))
			if !strings.HasPrefix(resolved+"/", base+"/") {
				return nil, fmt.Errorf("subPath %q escapes volume %q", subPath, vm.Name)
			}
			host = resolved
		}
		ro := vm.ReadOnly || claim.readOnly || v.ConfigMap != nil || v.Secret != nil || v.DownwardAPI != nil || v.Projected != nil
		mnt := &runtimeapi.Mount{ContainerPath: vm.MountPath, HostPath: host, Readonly: ro}
		if vm.MountPropagation != nil {
			switch *vm.MountPropagation {
			case corev1.MountPropagationHostToContainer:
				mnt.Propagation = runtimeapi.MountPropagation_PROPAGATION_HOST_TO_CONTAINER
			case corev1.MountPropagationBidirectional:
				mnt.Propagation = runtimeapi.MountPropagation_PROPAGATION_BIDIRECTIONAL
			}
		}
		out = append(out, mnt)
	}
	return out, nil
}

// containerEnv returns the values of container c's environment variables.
func (m *Manager) containerEnv(pod *corev1.Pod, c *corev1.Container) (map[string]string, error) {
	vars, err := envvars.Make(envvars.Context{Pod: pod, PodIPs: podIPs(pod), HostIPs: hostIPs(pod),
		NodeAllocatable: m.NodeAllocatable, Getter: m.Getter}, c)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(vars))
	for _, v := range vars {
		out[v.Name] = v.Value
	}
	return out, nil
}

func podIPs(pod *corev1.Pod) []string {
	var out []string
	for _, ip := range pod.Status.PodIPs {
		out = append(out, ip.IP)
	}
	if len(out) == 0 && pod.Status.PodIP != "" {
		out = append(out, pod.Status.PodIP)
	}
	return out
}

func hostIPs(pod *corev1.Pod) []string {
	var out []string
	for _, ip := range pod.Status.HostIPs {
		out = append(out, ip.IP)
	}
	if len(out) == 0 && pod.Status.HostIP != "" {
		out = append(out, pod.Status.HostIP)
	}
	return out
}
