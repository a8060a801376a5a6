package volumes

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

type getter struct {
	cms     map[string]*corev1.ConfigMap
	secrets map[string]*corev1.Secret
}

func (g *getter) GetConfigMap(ns, name string) (*corev1.ConfigMap, error) {
	if c, ok := g.cms[name]; ok {
		return c, nil
	}
	return nil, errors.New("not found")
}

func (g *getter) GetSecret(ns, name string) (*corev1.Secret, error) {
	if s, ok := g.secrets[name]; ok {
		return s, nil
	}
	return nil, errors.New("not found")
}

func readLink(t *testing.T, p string) string {
	t.Helper()
	l, err := os.Readlink(p)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestConfigMapVolumeLayoutAndUpdate(t *testing.T) {
	root := t.TempDir()
	g := &getter{cms: map[string]*corev1.ConfigMap{"cfg": {Data: map[string]string{"a.txt": "one", "b.txt": "two"}}}}
	m := &Manager{Root: root, Getter: g}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u1", Labels: map[string]string{"app": "x"}},
		Spec: corev1.PodSpec{Volumes: []corev1.Volume{{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}}}}}
	if err := m.SetUp(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	dir := m.Path(pod, &pod.Spec.Volumes[0])
	if got := readLink(t, filepath.Join(dir, "a.txt")); got != "..data/a.txt" {
		t.Errorf("a.txt links to %q", got)
	}
	first := readLink(t, filepath.Join(dir, "..data"))
	data, err := os.ReadFile(filepath.Join(dir, "a.txt"))
	if err != nil || string(data) != "one" {
		t.Fatalf("a.txt = %q, %v", data, err)
	}
	st, _ := os.Stat(filepath.Join(dir, "a.txt"))
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", st.Mode().Perm())
	}
	// an unchanged resync keeps the same version directory.
	if err := m.SetUp(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	if readLink(t, filepath.Join(dir, "..data")) != first {
		t.Errorf("unchanged content was rewritten")
	}
	g.cms["cfg"] = &corev1.ConfigMap{Data: map[string]string{"a.txt": "uno"}}
	if err := m.SetUp(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(filepath.Join(dir, "a.txt"))
	if string(data) != "uno" {
		t.Errorf("update not propagated: %q", data)
	}
	if _, err := os.Lstat(filepath.Join(dir, "b.txt")); !os.IsNotExist(err) {
		t.Errorf("removed key b.txt still present")
	}
	if _, err := os.Stat(filepath.Join(dir, first)); !os.IsNotExist(err) {
		t.Errorf("old version directory %s not removed", first)
	}
}

func TestSecretItemsModesAndMissingKeys(t *testing.T) {
	root := t.TempDir()
	g := &getter{secrets: map[string]*corev1.Secret{"s": {Data: map[string][]byte{"user": []byte("admin"), "pass": []byte("pw")}}}}
	m := &Manager{Root: root, Getter: g}
	mode := int32(0o400)
	vol := corev1.Volume{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "s",
		Items: []corev1.KeyToPath{{Key: "user", Path: "conf/user"}, {Key: "pass", Path: "pw", Mode: &mode}}}}}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u2"}, Spec: corev1.PodSpec{Volumes: []corev1.Volume{vol}}}
	if err := m.SetUp(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	dir := m.Path(pod, &pod.Spec.Volumes[0])
	if data, _ := os.ReadFile(filepath.Join(dir, "conf/user")); string(data) != "admin" {
		t.Errorf("conf/user = %q", data)
	}
	if st, _ := os.Stat(filepath.Join(dir, "pw")); st == nil || st.Mode().Perm() != 0o400 {
		t.Errorf("pw mode = %v, want 0400", st)
	}
	pod.Spec.Volumes[0].Secret.Items = []corev1.KeyToPath{{Key: "nope", Path: "x"}}
	if err := m.SetUp(context.Background(), pod); err == nil {
		t.Errorf("missing key did not fail")
	}
	opt := true
	pod.Spec.Volumes[0].Secret.Optional = &opt
	pod.Spec.Volumes[0].Secret.SecretName = "absent"
	if err := m.SetUp(context.Background(), pod); err != nil {
		t.Errorf("optional absent secret failed: %v", err)
	}
}

func TestDownwardAPIAndMounts(t *testing.T) {
	root := t.TempDir()
	host := t.TempDir()
	m := &Manager{Root: root}
	dirType := corev1.HostPathDirectoryOrCreate
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u3", Labels: map[string]string{"b": "2", "a": "1"}},
		Spec: corev1.PodSpec{Volumes: []corev1.Volume{
			{Name: "info", VolumeSource: corev1.VolumeSource{DownwardAPI: &corev1.DownwardAPIVolumeSource{Items: []corev1.DownwardAPIVolumeFile{
				{Path: "labels", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
				{Path: "name", FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}}},
			{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: filepath.Join(host, "made"), Type: &dirType}}},
		}}}
	if err := m.SetUp(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	info := m.Path(pod, &pod.Spec.Volumes[0])
	if data, _ := os.ReadFile(filepath.Join(info, "labels")); string(data) != "a=\"1\"\nb=\"2\"" {
		t.Errorf("labels file = %q", data)
	}
	if _, err := os.Stat(filepath.Join(host, "made")); err != nil {
		t.Errorf("DirectoryOrCreate did not create: %v", err)
	}
	c := &corev1.Container{Name: "c", VolumeMounts: []corev1.VolumeMount{
		{Name: "info", MountPath: "/etc/info"},
		{Name: "scratch", MountPath: "/data", SubPath: "sub/dir"},
		{Name: "host", MountPath: "/host", ReadOnly: true},
	}}
	mounts, err := m.Mounts(pod, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(mounts) != 3 || !mounts[0].Readonly || mounts[1].Readonly || !mounts[2].Readonly {
		t.Fatalf("mounts = %v", mounts)
	}
	if want, _ := filepath.EvalSymlinks(filepath.Join(m.Path(pod, &pod.Spec.Volumes[1]), "sub/dir")); mounts[1].HostPath != want {
		t.Errorf("subPath host path = %q, want %q", mounts[1].HostPath, want)
	}
	c.VolumeMounts = []corev1.VolumeMount{{Name: "scratch", MountPath: "/x", SubPath: "../escape"}}
	if _, err := m.Mounts(pod, c); err == nil {
		t.Errorf("subPath with .. accepted")
	}
	if err := m.TearDown(pod); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(m.PodDir(pod)); !os.IsNotExist(err) {
		t.Errorf("pod dir left behind")
	}
	if _, err := os.Stat(filepath.Join(host, "made")); err != nil {
		t.Errorf("teardown removed hostPath contents")
	}
}

func TestMemoryEmptyDirIsTmpfsWhenRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting tmpfs needs root")
	}
	m := &Manager{Root: t.TempDir(), Mounter: SysMounter{}}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "u4"},
		Spec: corev1.PodSpec{Volumes: []corev1.Volume{{Name: "mem", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}}}}}
	if err := m.SetUp(context.Background(), pod); err != nil {
		t.Skipf("tmpfs mount not permitted here: %v", err)
	}
	dir := m.Path(pod, &pod.Spec.Volumes[0])
	if !(SysMounter{}).IsMountPoint(dir) {
		t.Errorf("%s is not a mount point", dir)
	}
	if err := m.TearDown(pod); err != nil {
		t.Fatal(err)
	}
	if (SysMounter{}).IsMountPoint(dir) {
		t.Errorf("tmpfs still mounted after teardown")
	}
}

func TestIsMountPointFindsBindMountsOfTheSameFileSystem(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("bind mounts need root")
	}
	root := t.TempDir()
	src, dst := filepath.Join(root, "src"), filepath.Join(root, "dst")
	for _, d := range []string{src, dst} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if (SysMounter{}).IsMountPoint(dst) || (SysMounter{}).IsMountPoint(filepath.Join(root, "missing")) {
		t.Fatalf("a plain or missing directory is reported as a mount point")
	}
	if err := syscall.Mount(src, dst, "", syscall.MS_BIND, ""); err != nil {
		t.Skipf("bind mount not permitted here: %v", err)
	}
	defer syscall.Unmount(dst, 0)
	if !(SysMounter{}).IsMountPoint(dst) {
		t.Errorf("bind mount %s (same device as its parent) not reported as a mount point", dst)
	}
}
