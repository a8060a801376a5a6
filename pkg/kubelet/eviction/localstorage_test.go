package eviction

import (
	"context"
	"errors"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/kubelet/clock"
)

// fakeStorage reports fixed usage and records which pods it measured.
type fakeStorage struct {
	usage map[types.UID]StorageUsage
	err   error
	asked []string
}

func (f *fakeStorage) LocalStorage(_ context.Context, pods []*corev1.Pod) (map[types.UID]StorageUsage, error) {
	for _, p := range pods {
		f.asked = append(f.asked, p.Name)
	}
	return f.usage, f.err
}

// dedicated is a signal source whose image filesystem is apart.
type dedicated struct{ fakeSignals }

func (*dedicated) DedicatedImageFs() bool { return true }

func storagePod(name string, limits ...string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID("uid-" + name)}}
	for i, l := range limits {
		c := corev1.Container{Name: []string{"app", "side", "third"}[i]}
		if l != "" {
			c.Resources.Limits = corev1.ResourceList{corev1.ResourceEphemeralStorage: resource.MustParse(l)}
		}
		p.Spec.Containers = append(p.Spec.Containers, c)
	}
	return p
}

func withEmptyDir(p *corev1.Pod, name, sizeLimit string, medium corev1.StorageMedium) *corev1.Pod {
	src := &corev1.EmptyDirVolumeSource{Medium: medium}
	if sizeLimit != "" {
		q := resource.MustParse(sizeLimit)
		src.SizeLimit = &q
	}
	p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: src}})
	return p
}

func storage(containers map[string]ContainerStorage, emptyDirs map[string]int64) StorageUsage {
	return StorageUsage{Containers: containers, EmptyDirs: emptyDirs}
}

func newStorageManager(pods []*corev1.Pod, src LocalStorageSource, signals SignalSource, thresholds []Threshold) (*Manager, *fakeKiller, *fakeRecorder) {
	k, r := &fakeKiller{}, &fakeRecorder{}
	m := New(Config{Thresholds: thresholds, Signals: signals, LocalStorage: src,
		ActivePods: func() []*corev1.Pod { return pods }, Killer: k, Recorder: r,
		Clock: clock.NewFake(time.Unix(1000, 0)), Logger: quiet})
	return m, k, r
}

func TestStorageLimitEvictions(t *testing.T) {
	cases := []struct {
		name      string
		pod       *corev1.Pod
		usage     StorageUsage
		dedicated bool
		// want is the eviction message; "" expects no eviction.
		want string
	}{
		{"an emptyDir over its sizeLimit evicts the pod",
			withEmptyDir(storagePod("p", ""), "scratch", "1Mi", ""),
			storage(map[string]ContainerStorage{"app": {}}, map[string]int64{"scratch": 2 * mi}),
			false, `Usage of EmptyDir volume "scratch" exceeds the limit "1Mi". `},
		{"an emptyDir exactly at its sizeLimit is kept",
			withEmptyDir(storagePod("p", ""), "scratch", "1Mi", ""),
			storage(nil, map[string]int64{"scratch": mi}), false, ""},
		{"the first emptyDir over its limit names the message",
			withEmptyDir(withEmptyDir(storagePod("p", ""), "small", "1Mi", ""), "big", "10Mi", ""),
			storage(nil, map[string]int64{"small": 512 << 10, "big": 11 * mi}),
			false, `Usage of EmptyDir volume "big" exceeds the limit "10Mi". `},
		{"a memory emptyDir is not ephemeral storage",
			withEmptyDir(storagePod("p", ""), "shm", "1Mi", corev1.StorageMediumMemory),
			storage(nil, map[string]int64{"shm": 5 * mi}), false, ""},
		{"a container whose writable layer and logs exceed its limit evicts the pod",
			storagePod("p", "2Mi", "10Mi"),
			storage(map[string]ContainerStorage{"app": {RootFS: 1 * mi, Logs: 1*mi + 1}}, nil),
			false, `Container app exceeded its local ephemeral storage limit "2Mi". `},
		{"a container within its limit is kept",
			storagePod("p", "2Mi"),
			storage(map[string]ContainerStorage{"app": {RootFS: mi, Logs: mi}}, nil), false, ""},
		{"on a dedicated image filesystem the writable layer does not count against the container",
			storagePod("p", "2Mi", "10Mi"),
			storage(map[string]ContainerStorage{"app": {RootFS: mi, Logs: mi + 1}}, nil), true, ""},
		{"a single container's pod total is checked first, as in Kubernetes",
			storagePod("p", "2Mi"),
			storage(map[string]ContainerStorage{"app": {RootFS: mi, Logs: mi + 1}}, nil),
			false, "Pod ephemeral local storage usage exceeds the total limit of containers 2Mi. "},
		{"the pod total counts emptyDirs, layers and logs against the containers' summed limits",
			withEmptyDir(storagePod("p", "2Mi", "2Mi"), "scratch", "", ""),
			storage(map[string]ContainerStorage{"app": {RootFS: mi, Logs: mi / 2}, "side": {Logs: mi}}, map[string]int64{"scratch": 2 * mi}),
			false, "Pod ephemeral local storage usage exceeds the total limit of containers 4Mi. "},
		{"the pod limit sums only the containers that declare one",
			storagePod("p", "1Mi", ""),
			storage(map[string]ContainerStorage{"app": {Logs: 100}, "side": {RootFS: 2 * mi}}, nil),
			false, "Pod ephemeral local storage usage exceeds the total limit of containers 1Mi. "},
		{"on a dedicated image filesystem the pod total still counts writable layers",
			storagePod("p", "2Mi", ""),
			storage(map[string]ContainerStorage{"app": {Logs: 100}, "side": {RootFS: 3 * mi}}, nil),
			true, "Pod ephemeral local storage usage exceeds the total limit of containers 2Mi. "},
		{"the emptyDir limit is checked before the pod and container limits",
			withEmptyDir(storagePod("p", "1Mi"), "scratch", "1Mi", ""),
			storage(map[string]ContainerStorage{"app": {Logs: 5 * mi}}, map[string]int64{"scratch": 2 * mi}),
			false, `Usage of EmptyDir volume "scratch" exceeds the limit "1Mi". `},
		{"the pod limit is checked before the container limits",
			storagePod("p", "1Mi", "4Mi"),
			storage(map[string]ContainerStorage{"app": {Logs: 2 * mi}, "side": {Logs: 4 * mi}}, nil),
			false, "Pod ephemeral local storage usage exceeds the total limit of containers 5Mi. "},
		{"a pod without any limit is never evicted, however much it uses",
			withEmptyDir(storagePod("p", "", ""), "scratch", "", ""),
			storage(map[string]ContainerStorage{"app": {RootFS: 1 << 40, Logs: 1 << 40}}, map[string]int64{"scratch": 1 << 40}),
			false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := &fakeStorage{usage: map[types.UID]StorageUsage{tc.pod.UID: tc.usage}}
			var signals SignalSource = &fakeSignals{}
			if tc.dedicated {
				signals = &dedicated{}
			}
			m, killer, rec := newStorageManager([]*corev1.Pod{tc.pod}, src, signals, nil)
			got, err := m.Synchronize(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if got != nil || len(killer.kills) != 0 {
					t.Fatalf("evicted %v (%+v), want none", got, killer.kills)
				}
				return
			}
			if got == nil || got.Name != tc.pod.Name || len(killer.kills) != 1 {
				t.Fatalf("evicted %v (%+v), want %s", got, killer.kills, tc.pod.Name)
			}
			k := killer.kills[0]
			if k.message != tc.want || k.reason != "Evicted" || k.grace != 1 {
				t.Errorf("kill = %s %q grace %d\nwant     Evicted %q grace 1", k.reason, k.message, k.grace, tc.want)
			}
			if k.cond.Type != "" {
				t.Errorf("condition = %+v, want none as Kubernetes sets for limit evictions", k.cond)
			}
			if len(rec.events) != 1 || rec.events[0] != "p Warning Evicted" {
				t.Errorf("events = %v, want one Warning Evicted", rec.events)
			}
		})
	}
}

func TestStorageLimitsMeasureOnlyLimitedPods(t *testing.T) {
	free := withEmptyDir(storagePod("free", "", ""), "scratch", "", "")
	memoryOnly := withEmptyDir(storagePod("tmpfs", ""), "shm", "1Mi", corev1.StorageMediumMemory)
	sized := withEmptyDir(storagePod("sized", ""), "scratch", "1Gi", "")
	limited := storagePod("limited", "", "1Gi")
	t.Run("pods without limits are never measured", func(t *testing.T) {
		src := &fakeStorage{}
		m, killer, _ := newStorageManager([]*corev1.Pod{free, memoryOnly}, src, &fakeSignals{}, nil)
		if got, err := m.Synchronize(context.Background()); err != nil || got != nil {
			t.Fatalf("Synchronize = %v, %v", got, err)
		}
		if len(src.asked) != 0 || len(killer.kills) != 0 {
			t.Errorf("measured %v, killed %v; want nothing", src.asked, killer.kills)
		}
	})
	t.Run("pods with a sizeLimit or an ephemeral-storage limit are", func(t *testing.T) {
		src := &fakeStorage{}
		m, _, _ := newStorageManager([]*corev1.Pod{free, sized, memoryOnly, limited}, src, &fakeSignals{}, nil)
		if _, err := m.Synchronize(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(src.asked) != 2 || src.asked[0] != "sized" || src.asked[1] != "limited" {
			t.Errorf("measured %v, want [sized limited]", src.asked)
		}
	})
}

func TestStorageLimitEvictionDetails(t *testing.T) {
	over := withEmptyDir(storagePod("over", ""), "scratch", "1Mi", "")
	overUsage := storage(nil, map[string]int64{"scratch": 2 * mi})
	t.Run("without node pressure no condition is set and other thresholds stay quiet", func(t *testing.T) {
		th, err := ParseThresholds("memory.available<100Mi,nodefs.available<10%", "", "", "")
		if err != nil {
			t.Fatal(err)
		}
		signals := &fakeSignals{}
		signals.set(SignalMemoryAvailable, 8000*mi, 16000*mi)
		signals.set(SignalNodeFsAvailable, 900*mi, 1000*mi)
		src := &fakeStorage{usage: map[types.UID]StorageUsage{over.UID: overUsage}}
		m, killer, rec := newStorageManager([]*corev1.Pod{over}, src, signals, th)
		got, err := m.Synchronize(context.Background())
		if err != nil || got == nil || got.Name != "over" {
			t.Fatalf("Synchronize = %v, %v; want over evicted", got, err)
		}
		if c := m.Conditions(); len(c) != 0 {
			t.Errorf("conditions = %v, want none", c)
		}
		for _, e := range rec.events {
			if e != "over Warning Evicted" {
				t.Errorf("unexpected event %q", e)
			}
		}
		if len(killer.kills) != 1 {
			t.Errorf("kills = %+v", killer.kills)
		}
	})
	t.Run("a critical pod over its limit is not evicted, the next pod is", func(t *testing.T) {
		crit := withEmptyDir(storagePod("crit", ""), "scratch", "1Mi", "")
		prio := int32(systemCriticalPriority)
		crit.Spec.Priority = &prio
		src := &fakeStorage{usage: map[types.UID]StorageUsage{crit.UID: overUsage, over.UID: overUsage}}
		m, killer, _ := newStorageManager([]*corev1.Pod{crit, over}, src, &fakeSignals{}, nil)
		got, err := m.Synchronize(context.Background())
		if err != nil || got == nil || got.Name != "over" || len(killer.kills) != 1 {
			t.Fatalf("Synchronize = %v, %v, kills %+v; want only over evicted", got, err, killer.kills)
		}
	})
	t.Run("one pod per pass", func(t *testing.T) {
		other := withEmptyDir(storagePod("other", ""), "scratch", "1Mi", "")
		src := &fakeStorage{usage: map[types.UID]StorageUsage{other.UID: overUsage, over.UID: overUsage}}
		m, killer, _ := newStorageManager([]*corev1.Pod{over, other}, src, &fakeSignals{}, nil)
		if got, _ := m.Synchronize(context.Background()); got == nil || got.Name != "over" || len(killer.kills) != 1 {
			t.Fatalf("first pass evicted %v, kills %+v", got, killer.kills)
		}
	})
	t.Run("a measurement error still enforces what was measured", func(t *testing.T) {
		src := &fakeStorage{usage: map[types.UID]StorageUsage{over.UID: overUsage}, err: errors.New("runtime down")}
		m, _, _ := newStorageManager([]*corev1.Pod{over}, src, &fakeSignals{}, nil)
		if got, _ := m.Synchronize(context.Background()); got == nil {
			t.Fatal("no eviction")
		}
	})
	t.Run("no LocalStorage source enforces nothing", func(t *testing.T) {
		m, killer, _ := newStorageManager([]*corev1.Pod{over}, nil, &fakeSignals{}, nil)
		if got, err := m.Synchronize(context.Background()); err != nil || got != nil || len(killer.kills) != 0 {
			t.Fatalf("Synchronize = %v, %v, kills %+v", got, err, killer.kills)
		}
	})
}

func TestPodStorageLimit(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	ctr := func(name, limit string) corev1.Container {
		c := corev1.Container{Name: name}
		if limit != "" {
			c.Resources.Limits = corev1.ResourceList{corev1.ResourceEphemeralStorage: resource.MustParse(limit)}
		}
		return c
	}
	sidecar := func(name, limit string) corev1.Container {
		c := ctr(name, limit)
		c.RestartPolicy = &always
		return c
	}
	cases := []struct {
		name     string
		spec     corev1.PodSpec
		want     string
		wantNone bool
	}{
		{"no container declares a limit", corev1.PodSpec{Containers: []corev1.Container{ctr("a", ""), ctr("b", "")},
			InitContainers: []corev1.Container{ctr("i", "")}}, "", true},
		{"regular containers add up", corev1.PodSpec{Containers: []corev1.Container{ctr("a", "1Gi"), ctr("b", "512Mi"), ctr("c", "")}}, "1536Mi", false},
		{"a larger init container wins", corev1.PodSpec{Containers: []corev1.Container{ctr("a", "1Gi")},
			InitContainers: []corev1.Container{ctr("i", "3Gi")}}, "3Gi", false},
		{"an init container alone sets the limit", corev1.PodSpec{Containers: []corev1.Container{ctr("a", "")},
			InitContainers: []corev1.Container{ctr("i", "1Gi")}}, "1Gi", false},
		{"sidecars add to the containers and to the init containers after them", corev1.PodSpec{
			Containers:     []corev1.Container{ctr("a", "1Gi")},
			InitContainers: []corev1.Container{sidecar("s", "1Gi"), ctr("i", "2Gi")}}, "3Gi", false},
		{"overhead adds to a declared limit", corev1.PodSpec{Containers: []corev1.Container{ctr("a", "1Gi")},
			Overhead: corev1.ResourceList{corev1.ResourceEphemeralStorage: resource.MustParse("1Gi")}}, "2Gi", false},
		{"overhead alone sets no limit", corev1.PodSpec{Containers: []corev1.Container{ctr("a", "")},
			Overhead: corev1.ResourceList{corev1.ResourceEphemeralStorage: resource.MustParse("1Gi")}}, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := podStorageLimit(&corev1.Pod{Spec: tc.spec})
			if ok == tc.wantNone {
				t.Fatalf("found = %v, want %v", ok, !tc.wantNone)
			}
			if ok && got.String() != tc.want {
				t.Errorf("limit = %s, want %s", got.String(), tc.want)
			}
		})
	}
}
