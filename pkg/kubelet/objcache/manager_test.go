package objcache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/fake"
)

var configMapsGVR = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

func configMap(name, v string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}, Data: map[string]string{"k": v}}
}

func secret(name, v string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}, Data: map[string][]byte{"k": []byte(v)}}
}

// podUsing returns a pod mounting configmap cm (if set) and reading secret
// sec (if set) into its environment.
func podUsing(uid, cm, sec string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "pod-" + uid, UID: types.UID(uid)},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}}
	if cm != "" {
		p.Spec.Volumes = append(p.Spec.Volumes, corev1.Volume{Name: "cfg", VolumeSource: corev1.VolumeSource{
			ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: cm}}}})
	}
	if sec != "" {
		p.Spec.Containers[0].EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: sec}}}}
	}
	return p
}

// newManager returns a manager over cs whose reads wait as long as needed
// for the first list, stopped when the test ends.
func newManager(t *testing.T, cs *fake.Clientset, syncWait time.Duration) *Manager {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return New(ctx, cs.Clientset, Options{SyncWait: syncWait, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// count returns how many verb requests on resource cs served.
func count(cs *fake.Clientset, verb, resource string) int {
	n := 0
	for _, a := range cs.Actions() {
		if a.Matches(verb, resource) {
			n++
		}
	}
	return n
}

// eventually polls cond until it holds; the deadline only bounds a hang.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		ok, msg := cond()
		if ok {
			return
		}
		last = msg
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; last: %s", what, last)
}

func cmValue(t *testing.T, m *Manager, name string) string {
	t.Helper()
	cm, err := m.GetConfigMap("ns", name)
	if err != nil {
		t.Fatalf("GetConfigMap(%s): %v", name, err)
	}
	return cm.Data["k"]
}

func TestRegisteredObjectsAreReadFromTheWatch(t *testing.T) {
	cs := fake.NewClientset(configMap("cfg", "v1"), secret("creds", "s1"))
	m := newManager(t, cs, time.Minute)
	m.RegisterPod(podUsing("a", "cfg", "creds"))
	for i := 0; i < 5; i++ {
		if v := cmValue(t, m, "cfg"); v != "v1" {
			t.Fatalf("configmap value = %q, want v1", v)
		}
		s, err := m.GetSecret("ns", "creds")
		if err != nil || string(s.Data["k"]) != "s1" {
			t.Fatalf("GetSecret = %v, %v", s, err)
		}
	}
	if n := count(cs, "get", "*"); n != 0 {
		t.Errorf("%d GETs after registration, want 0 (reads served by the watch)", n)
	}
	if l, w := count(cs, "list", "configmaps"), count(cs, "watch", "configmaps"); l != 1 || w != 1 {
		t.Errorf("configmap lists %d watches %d, want 1 and 1", l, w)
	}
	if l := count(cs, "list", "secrets"); l != 1 {
		t.Errorf("secret lists %d, want 1", l)
	}

	t.Run("returned objects are copies", func(t *testing.T) {
		cm, err := m.GetConfigMap("ns", "cfg")
		if err != nil {
			t.Fatal(err)
		}
		cm.Data["k"] = "mutated"
		if v := cmValue(t, m, "cfg"); v != "v1" {
			t.Errorf("cached value changed by a caller's edit: %q", v)
		}
	})

	t.Run("updates arrive through the watch", func(t *testing.T) {
		if _, err := cs.CoreV1().ConfigMaps("ns").Update(context.Background(), configMap("cfg", "v2"), metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the update in the cache", func() (bool, string) {
			v := cmValue(t, m, "cfg")
			return v == "v2", v
		})
		if n := count(cs, "get", "*"); n != 0 {
			t.Errorf("%d GETs, want 0", n)
		}
	})

	t.Run("a deletion makes reads NotFound", func(t *testing.T) {
		if err := cs.CoreV1().ConfigMaps("ns").Delete(context.Background(), "cfg", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the deletion in the cache", func() (bool, string) {
			_, err := m.GetConfigMap("ns", "cfg")
			return apierrors.IsNotFound(err), fmt.Sprint(err)
		})
	})
}

func TestUnregisteredObjectsAreReadByGET(t *testing.T) {
	cs := fake.NewClientset(configMap("cfg", "v1"), secret("creds", "s1"))
	m := newManager(t, cs, time.Minute)
	if v := cmValue(t, m, "cfg"); v != "v1" {
		t.Errorf("value = %q", v)
	}
	if _, err := m.GetSecret("ns", "creds"); err != nil {
		t.Fatal(err)
	}
	if g, l := count(cs, "get", "*"), count(cs, "list", "*"); g != 2 || l != 0 {
		t.Errorf("GETs %d LISTs %d, want 2 and 0", g, l)
	}
	if m.Watching() != 0 {
		t.Errorf("watching %d objects without registered pods", m.Watching())
	}
}

func TestWatchIsSharedAndStopsWithTheLastPod(t *testing.T) {
	cs := fake.NewClientset(configMap("cfg", "v1"))
	m := newManager(t, cs, time.Minute)
	a, b := podUsing("a", "cfg", ""), podUsing("b", "cfg", "")
	m.RegisterPod(a)
	m.RegisterPod(b)
	m.RegisterPod(a) // re-registering an unchanged pod changes nothing
	cmValue(t, m, "cfg")
	if m.Watching() != 1 || count(cs, "list", "configmaps") != 1 || count(cs, "watch", "configmaps") != 1 {
		t.Fatalf("watching %d, lists %d, watches %d; want one shared watch", m.Watching(),
			count(cs, "list", "configmaps"), count(cs, "watch", "configmaps"))
	}

	m.UnregisterPod(a)
	if m.Watching() != 1 {
		t.Fatalf("watch stopped while pod b still refers to it")
	}
	cmValue(t, m, "cfg")
	if n := count(cs, "get", "configmaps"); n != 0 {
		t.Errorf("%d GETs while still registered", n)
	}

	m.UnregisterPod(b)
	if m.Watching() != 0 {
		t.Fatalf("watching %d objects after the last pod left", m.Watching())
	}
	eventually(t, "the watch goroutine to end", func() (bool, string) {
		n := m.running.Load()
		return n == 0, fmt.Sprint(n, " running")
	})
	if v := cmValue(t, m, "cfg"); v != "v1" {
		t.Errorf("value = %q", v)
	}
	if n := count(cs, "get", "configmaps"); n != 1 {
		t.Errorf("%d GETs after unregistering, want 1 direct GET", n)
	}

	t.Run("a pod that stops referring to an object releases it", func(t *testing.T) {
		m.RegisterPod(a)
		cmValue(t, m, "cfg")
		if m.Watching() != 1 {
			t.Fatalf("watching %d", m.Watching())
		}
		m.RegisterPod(podUsing("a", "", ""))
		if m.Watching() != 0 {
			t.Errorf("watching %d after the reference was dropped", m.Watching())
		}
		m.UnregisterPod(a) // the pod is unknown now: a no-op
		m.UnregisterPod(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{UID: "never-registered"}})
	})
}

func TestMissingObjectsAreNotFound(t *testing.T) {
	cases := []struct {
		name     string
		register bool
		wantGETs int
	}{
		{name: "a registered missing object is NotFound from the cache", register: true, wantGETs: 0},
		{name: "an unregistered missing object is NotFound from the apiserver", register: false, wantGETs: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs := fake.NewClientset()
			m := newManager(t, cs, time.Minute)
			if tc.register {
				m.RegisterPod(podUsing("a", "nope", "nope"))
			}
			_, cerr := m.GetConfigMap("ns", "nope")
			_, serr := m.GetSecret("ns", "nope")
			for _, c := range []struct {
				err  error
				want string
			}{{cerr, `configmaps "nope" not found`}, {serr, `secrets "nope" not found`}} {
				var se *apierrors.StatusError
				if !errors.As(c.err, &se) || !apierrors.IsNotFound(c.err) || c.err.Error() != c.want {
					t.Errorf("error = %v (%T), want the NotFound StatusError %q", c.err, c.err, c.want)
				}
			}
			if n := count(cs, "get", "*"); n != tc.wantGETs {
				t.Errorf("GETs = %d, want %d", n, tc.wantGETs)
			}
			if !tc.register {
				return
			}
			if _, err := cs.CoreV1().ConfigMaps("ns").Create(context.Background(), configMap("nope", "late"), metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the created configmap in the cache", func() (bool, string) {
				cm, err := m.GetConfigMap("ns", "nope")
				return err == nil && cm.Data["k"] == "late", fmt.Sprint(err)
			})
		})
	}
}

func TestWatchRecovers(t *testing.T) {
	cases := []struct {
		name string
		// verb fails once with err; if update is set, the configmap
		// changes just before, so only a new list can see it.
		verb   string
		err    error
		update bool
	}{
		{name: "a watch answered 410 Gone relists", verb: "watch", err: apierrors.NewResourceExpired("too old resource version: 1 (2)"), update: true},
		{name: "a failed list is retried after a backoff", verb: "list", err: apierrors.NewInternalError(errors.New("etcd down"))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs := fake.NewClientset(configMap("cfg", "v1"))
			var once sync.Once
			cs.PrependReactor(tc.verb, "configmaps", func(fake.Action) (bool, runtime.Object, error) {
				failed := false
				once.Do(func() {
					failed = true
					if tc.update {
						if _, err := cs.Tracker().Update(configMapsGVR, configMap("cfg", "v2")); err != nil {
							t.Error(err)
						}
					}
				})
				return failed, nil, tc.err
			})
			m := newManager(t, cs, time.Minute)
			m.RegisterPod(podUsing("a", "cfg", ""))
			want := "v1"
			if tc.update {
				want = "v2"
			}
			eventually(t, "the cache to hold "+want, func() (bool, string) {
				v := cmValue(t, m, "cfg")
				return v == want, v
			})
			if l := count(cs, "list", "configmaps"); l != 2 {
				t.Errorf("lists = %d, want 2 (the first and the one after the failure)", l)
			}
			if n := count(cs, "get", "*"); n != 0 {
				t.Errorf("GETs = %d, want 0", n)
			}
		})
	}
}

func TestReadBeforeTheFirstListFallsBackToGET(t *testing.T) {
	cs := fake.NewClientset(configMap("cfg", "v1"))
	release := make(chan struct{})
	cs.PrependReactor("list", "configmaps", func(fake.Action) (bool, runtime.Object, error) {
		<-release
		return false, nil, nil
	})
	m := newManager(t, cs, 20*time.Millisecond)
	t.Cleanup(func() { close(release) })
	m.RegisterPod(podUsing("a", "cfg", ""))
	if v := cmValue(t, m, "cfg"); v != "v1" {
		t.Errorf("value = %q", v)
	}
	if n := count(cs, "get", "configmaps"); n != 1 {
		t.Errorf("GETs = %d, want 1 fallback GET while the list hangs", n)
	}
}

func TestStoppingTheManagerStopsEveryWatch(t *testing.T) {
	cs := fake.NewClientset(configMap("cfg", "v1"), secret("creds", "s1"))
	ctx, cancel := context.WithCancel(context.Background())
	m := New(ctx, cs.Clientset, Options{})
	m.RegisterPod(podUsing("a", "cfg", "creds"))
	m.RegisterPod(&corev1.Pod{Spec: podUsing("b", "other", "").Spec}) // no UID: ignored
	if m.Watching() != 2 {
		t.Fatalf("watching %d, want 2", m.Watching())
	}
	cancel()
	eventually(t, "every watch goroutine to end", func() (bool, string) {
		n := m.running.Load()
		return n == 0, fmt.Sprint(n, " running")
	})
}

func TestImmutableObjectsAreNotWatched(t *testing.T) {
	yes := true
	frozenCM := configMap("frozen", "v1")
	frozenCM.Immutable = &yes
	frozenSecret := secret("sealed", "s1")
	frozenSecret.Immutable = &yes
	cs := fake.NewClientset(frozenCM, frozenSecret, configMap("live", "v1"))
	m := newManager(t, cs, time.Minute)
	a := podUsing("a", "frozen", "sealed")
	m.RegisterPod(a)
	m.RegisterPod(podUsing("b", "live", ""))
	if v := cmValue(t, m, "frozen"); v != "v1" {
		t.Fatalf("immutable configmap value = %q, want v1", v)
	}
	eventually(t, "the immutable objects' watches to stop", func() (bool, string) {
		n, w := m.running.Load(), m.Watching()
		return n == 1 && w == 1, fmt.Sprint(n, " running, ", w, " watched")
	})

	// The apiserver refuses changes to immutable objects; the fake does
	// not, which shows the stopped watch no longer follows them.
	changed := configMap("frozen", "v2")
	changed.Immutable = &yes
	if _, err := cs.CoreV1().ConfigMaps("ns").Update(context.Background(), changed, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().ConfigMaps("ns").Update(context.Background(), configMap("live", "v2"), metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the mutable configmap's update in the cache", func() (bool, string) {
		v := cmValue(t, m, "live")
		return v == "v2", v
	})
	for _, s := range []struct{ name, got, want string }{
		{"the immutable configmap is served from its last copy", cmValue(t, m, "frozen"), "v1"},
		{"the immutable secret is served from its last copy", secretValue(t, m, "sealed"), "s1"},
	} {
		t.Run(s.name, func(t *testing.T) {
			if s.got != s.want {
				t.Errorf("got %q, want %q", s.got, s.want)
			}
		})
	}
	if n := count(cs, "get", "*"); n != 0 {
		t.Errorf("%d GETs, want 0: stopped watches still serve their cache %+v", n, cs.Actions())
	}

	m.UnregisterPod(a)
	if v := cmValue(t, m, "frozen"); v != "v2" {
		t.Errorf("after the last pod left, a direct GET reads %q, want v2", v)
	}
}

func secretValue(t *testing.T, m *Manager, name string) string {
	t.Helper()
	s, err := m.GetSecret("ns", name)
	if err != nil {
		t.Fatal(err)
	}
	return string(s.Data["k"])
}
