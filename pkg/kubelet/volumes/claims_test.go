package volumes

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
)

type claims struct {
	pvcs map[string]*corev1.PersistentVolumeClaim
	pvs  map[string]*corev1.PersistentVolume
	gets int
}

func (c *claims) GetPersistentVolumeClaim(ns, name string) (*corev1.PersistentVolumeClaim, error) {
	c.gets++
	if p, ok := c.pvcs[ns+"/"+name]; ok {
		return p, nil
	}
	return nil, errors.New("not found")
}

func (c *claims) GetPersistentVolume(name string) (*corev1.PersistentVolume, error) {
	if p, ok := c.pvs[name]; ok {
		return p, nil
	}
	return nil, errors.New("not found")
}

// bound returns a claim and volume bound to each other.
func bound(claim, pv string, src corev1.PersistentVolumeSource) (*corev1.PersistentVolumeClaim, *corev1.PersistentVolume) {
	pvc := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: claim, UID: types.UID("uid-" + claim)},
		Spec: corev1.PersistentVolumeClaimSpec{VolumeName: pv}, Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound}}
	vol := &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: pv},
		Spec: corev1.PersistentVolumeSpec{PersistentVolumeSource: src,
			ClaimRef: &corev1.ObjectReference{Namespace: "ns", Name: claim, UID: pvc.UID}}}
	return pvc, vol
}

func claimPod(vols []corev1.Volume, mounts ...corev1.VolumeMount) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "pod-uid"},
		Spec: corev1.PodSpec{Volumes: vols, Containers: []corev1.Container{{Name: "c", VolumeMounts: mounts,
			Env: []corev1.EnvVar{{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}}}}}
}

func pvcVolume(name, claim string, ro bool) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim, ReadOnly: ro}}}
}

func TestClaimVolumes(t *testing.T) {
	root := t.TempDir()
	hostDir := filepath.Join(root, "host", "data")
	localDir := filepath.Join(root, "local")
	if err := os.MkdirAll(localDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dirOrCreate := corev1.HostPathDirectoryOrCreate
	dirOnly := corev1.HostPathDirectory
	hostPVC, hostPV := bound("data", "pv-host", corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: hostDir, Type: &dirOrCreate}})
	localPVC, localPV := bound("fast", "pv-local", corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: localDir}})
	strictPVC, strictPV := bound("strict", "pv-strict", corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: filepath.Join(root, "missing"), Type: &dirOnly}})
	pending := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "pending"}, Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending}}
	stolenPVC, stolenPV := bound("stolen", "pv-stolen", corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: localDir}})
	stolenPV.Spec.ClaimRef.UID = "someone-else"
	nfsPVC, nfsPV := bound("nfs", "pv-nfs", corev1.PersistentVolumeSource{})
	g := &claims{
		pvcs: map[string]*corev1.PersistentVolumeClaim{"ns/data": hostPVC, "ns/fast": localPVC, "ns/pending": pending, "ns/stolen": stolenPVC,
			"ns/strict": strictPVC, "ns/nfs": nfsPVC},
		pvs: map[string]*corev1.PersistentVolume{"pv-host": hostPV, "pv-local": localPV, "pv-stolen": stolenPV, "pv-strict": strictPV, "pv-nfs": nfsPV},
	}
	cases := []struct {
		name    string
		vol     corev1.Volume
		mount   corev1.VolumeMount
		wantErr string
		host    string
		ro      bool
	}{
		{name: "a hostPath volume of type DirectoryOrCreate is created and mounted", vol: pvcVolume("v", "data", false),
			mount: corev1.VolumeMount{Name: "v", MountPath: "/data"}, host: hostDir},
		{name: "a local volume is mounted from its path", vol: pvcVolume("v", "fast", false),
			mount: corev1.VolumeMount{Name: "v", MountPath: "/fast"}, host: localDir},
		{name: "readOnly on the pod's claim source makes the mount read-only", vol: pvcVolume("v", "fast", true),
			mount: corev1.VolumeMount{Name: "v", MountPath: "/fast"}, host: localDir, ro: true},
		{name: "a subPath inside a claim is created", vol: pvcVolume("v", "data", false),
			mount: corev1.VolumeMount{Name: "v", MountPath: "/logs", SubPath: "logs"}, host: filepath.Join(hostDir, "logs")},
		{name: "a subPathExpr is expanded from the container's env", vol: pvcVolume("v", "data", false),
			mount: corev1.VolumeMount{Name: "v", MountPath: "/mine", SubPathExpr: "pods/$(POD_NAME)"}, host: filepath.Join(hostDir, "pods", "p")},
		{name: "a subPathExpr escaping the volume is refused", vol: pvcVolume("v", "data", false),
			mount: corev1.VolumeMount{Name: "v", MountPath: "/x", SubPathExpr: "../$(POD_NAME)"}, wantErr: `invalid volume file path "../p"`},
		{name: "an unbound claim makes the pod wait", vol: pvcVolume("v", "pending", false),
			wantErr: `PVC ns/pending has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")`},
		{name: "a missing claim is reported", vol: pvcVolume("v", "nope", false), wantErr: "failed to fetch PVC ns/nope from API server"},
		{name: "a volume bound to another claim is refused", vol: pvcVolume("v", "stolen", false), wantErr: "does not point to claim.UID (uid-stolen)"},
		{name: "a hostPath volume of type Directory must exist", vol: pvcVolume("v", "strict", false), wantErr: "is not a directory"},
		{name: "an unsupported volume source is reported", vol: pvcVolume("v", "nfs", false), wantErr: "unsupported volume source"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := &Manager{Root: filepath.Join(root, "kubelet"), Claims: g}
			pod := claimPod([]corev1.Volume{tc.vol}, tc.mount)
			err := m.SetUp(context.Background(), pod)
			var mounts []runtimeMount
			if err == nil {
				var got []*runtimeapi.Mount
				got, err = m.Mounts(pod, &pod.Spec.Containers[0])
				for _, x := range got {
					mounts = append(mounts, runtimeMount{x.HostPath, x.Readonly})
				}
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(mounts) != 1 || mounts[0].host != tc.host || mounts[0].ro != tc.ro {
				t.Fatalf("mounts = %+v, want %s ro=%v", mounts[0], tc.host, tc.ro)
			}
			if st, err := os.Stat(tc.host); err != nil || !st.IsDir() {
				t.Errorf("%s not a directory: %v", tc.host, err)
			}
		})
	}
}

type runtimeMount struct {
	host string
	ro   bool
}

func TestClaimIsResolvedOnceAndTearDownKeepsData(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "pv")
	dirOrCreate := corev1.HostPathDirectoryOrCreate
	pvc, pv := bound("data", "pv1", corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: data, Type: &dirOrCreate}})
	g := &claims{pvcs: map[string]*corev1.PersistentVolumeClaim{"ns/data": pvc}, pvs: map[string]*corev1.PersistentVolume{"pv1": pv}}
	m := &Manager{Root: filepath.Join(root, "kubelet"), Claims: g}
	pod := claimPod([]corev1.Volume{pvcVolume("v", "data", false)}, corev1.VolumeMount{Name: "v", MountPath: "/d"})
	for i := 0; i < 3; i++ {
		if err := m.SetUp(context.Background(), pod); err != nil {
			t.Fatal(err)
		}
	}
	if g.gets != 1 {
		t.Errorf("claim fetched %d times, want once", g.gets)
	}
	if err := os.WriteFile(filepath.Join(data, "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := m.TearDown(pod); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(data, "keep")); err != nil {
		t.Errorf("tear down touched the persistent volume: %v", err)
	}
	if _, err := m.Mounts(pod, &pod.Spec.Containers[0]); err == nil {
		t.Error("mounts of a torn-down claim were served")
	}
}

func TestEphemeralVolumeNeedsClaimOwnedByPod(t *testing.T) {
	root := t.TempDir()
	pvc, pv := bound("p-scratch", "pv1", corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: root}})
	g := &claims{pvcs: map[string]*corev1.PersistentVolumeClaim{"ns/p-scratch": pvc}, pvs: map[string]*corev1.PersistentVolume{"pv1": pv}}
	vol := corev1.Volume{Name: "scratch", VolumeSource: corev1.VolumeSource{Ephemeral: &corev1.EphemeralVolumeSource{}}}
	pod := claimPod([]corev1.Volume{vol})
	m := &Manager{Root: filepath.Join(root, "kubelet"), Claims: g}
	if err := m.SetUp(context.Background(), pod); err == nil || !strings.Contains(err.Error(), "pod is not owner") {
		t.Fatalf("err = %v, want not-owner error", err)
	}
	yes := true
	pvc.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: "p", UID: pod.UID, Controller: &yes}}
	if err := m.SetUp(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	if got := m.Path(pod, &pod.Spec.Volumes[0]); got != root {
		t.Errorf("path = %s, want %s", got, root)
	}
}
