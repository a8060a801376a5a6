package images

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"keel.dev/keel/pkg/kubelet/clock"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/fake"
)

// mb is the unit of the tests' image and disk sizes; the fake disk holds
// 100 of them, so a size in mb is also a percentage of the disk.
const mb = 1 << 20

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type events struct {
	mu   sync.Mutex
	list []string
}

func (e *events) NodeEvent(typ, reason, msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, typ+" "+reason+": "+msg)
}

func (e *events) get() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.list...)
}

// env is a manager over the fake CRI and a fake disk of 100 mb whose
// usage is the images' total size plus other bytes.
type env struct {
	t     *testing.T
	srv   *fake.Server
	rt    *cri.Client
	clk   *clock.Fake
	ev    *events
	m     *Manager
	other int64
	sb    string
}

func newEnv(t *testing.T, p Policy, pinned ...string) *env {
	t.Helper()
	dir, err := os.MkdirTemp("", "imagegc") // short: unix socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	e := &env{t: t, clk: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), ev: &events{}}
	e.srv = fake.New(e.clk.Now)
	if err := e.srv.Start(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.srv.Stop)
	if e.rt, err = cri.Dial(context.Background(), e.srv.Endpoint); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.rt.Close() })
	e.m, err = New(Config{Runtime: e.rt, Policy: p, PinnedImages: pinned, FsStats: e.disk, Recorder: e.ev, Clock: e.clk, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	sb, err := e.rt.RunPodSandbox(context.Background(), &runtimeapi.RunPodSandboxRequest{Config: &runtimeapi.PodSandboxConfig{
		Metadata: &runtimeapi.PodSandboxMetadata{Name: "p", Namespace: "ns", Uid: "u"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.sb = sb.PodSandboxId
	return e
}

// disk reports 100 mb of capacity with the images' bytes (from the fake's
// ImageFsInfo) and e.other used.
func (e *env) disk(ctx context.Context) (FsStats, error) {
	resp, err := e.rt.ImageFsInfo(ctx, &runtimeapi.ImageFsInfoRequest{})
	if err != nil {
		return FsStats{}, err
	}
	used := int64(resp.ImageFilesystems[0].UsedBytes.Value)
	return FsStats{Capacity: 100 * mb, Available: 100*mb - used - e.other}, nil
}

// image adds an image of size mb.
func (e *env) image(ref string, size int64) {
	e.srv.AddImageOf(ref, uint64(size*mb), false)
}

// container creates a container of image ref and returns its ID.
func (e *env) container(name, ref string) string {
	e.t.Helper()
	c, err := e.rt.CreateContainer(context.Background(), &runtimeapi.CreateContainerRequest{PodSandboxId: e.sb, Config: &runtimeapi.ContainerConfig{
		Metadata: &runtimeapi.ContainerMetadata{Name: name}, Image: &runtimeapi.ImageSpec{Image: ref}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ContainerId
}

func (e *env) removeContainer(id string) {
	e.t.Helper()
	if _, err := e.rt.RemoveContainer(context.Background(), &runtimeapi.RemoveContainerRequest{ContainerId: id}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) gc() error { return e.m.GarbageCollect(context.Background()) }

func (e *env) wantImages(want ...string) {
	e.t.Helper()
	slices.Sort(want)
	if got := e.srv.ImageRefs(); !slices.Equal(got, want) {
		e.t.Errorf("images = %v, want %v", got, want)
	}
}

func TestThresholds(t *testing.T) {
	cases := []struct {
		name   string
		other  int64
		want   []string
		events int
	}{
		{"usage below the high threshold removes nothing", 65, []string{"a:1", "b:1", "c:1"}, 0},
		{"usage at the high threshold frees down to the low threshold", 70, []string{"b:1", "c:1"}, 0},
		{"usage far above the high threshold removes enough images to reach the low threshold", 75, []string{"c:1"}, 0},
		{"when every image is not enough, all go and FreeDiskSpaceFailed is reported", 85, nil, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, DefaultPolicy())
			for _, ref := range []string{"a:1", "b:1", "c:1"} { // 15% of the disk; ties go by ID
				e.image(ref, 5)
			}
			if err := e.gc(); err != nil { // records first sight of each image
				t.Fatal(err)
			}
			e.clk.Advance(time.Hour)
			e.other = c.other * mb
			err := e.gc()
			if (err != nil) != (c.events > 0) {
				t.Fatalf("err = %v", err)
			}
			e.wantImages(c.want...)
			if got := e.ev.get(); len(got) != c.events {
				t.Errorf("events = %q", got)
			}
		})
	}
}

func TestLeastRecentlyUsedGoFirst(t *testing.T) {
	e := newEnv(t, DefaultPolicy())
	for _, ref := range []string{"a:1", "b:1", "c:1"} {
		e.image(ref, 10)
	}
	// c is used first, a later, b never: the order of removal is b, c, a.
	ca := e.container("c", "c:1")
	if err := e.gc(); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Minute)
	e.removeContainer(ca)
	aa := e.container("a", "a:1")
	if err := e.gc(); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(5 * time.Minute)
	e.removeContainer(aa)
	e.other = 65 * mb // 95% used: 15 mb to free
	if err := e.gc(); err != nil {
		t.Fatal(err)
	}
	e.wantImages("a:1")
	var removed []string
	for _, call := range e.srv.Calls() {
		if id, ok := strings.CutPrefix(call, "RemoveImage "); ok {
			removed = append(removed, id)
		}
	}
	if len(removed) != 2 || removed[0] != fmt.Sprintf("sha256:%064x", 2) || removed[1] != fmt.Sprintf("sha256:%064x", 3) {
		t.Errorf("removed %v, want b's then c's ID", removed)
	}
}

func TestMinimumAgeProtectsNewImages(t *testing.T) {
	e := newEnv(t, DefaultPolicy())
	e.image("new:1", 10)
	e.other = 80 * mb
	err := e.gc()
	want := fmt.Sprintf("Failed to garbage collect required amount of images. Attempted to free %d bytes, but only found 0 bytes eligible to free.", 10*mb)
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if got := e.ev.get(); !slices.Equal(got, []string{"Warning FreeDiskSpaceFailed: " + want}) {
		t.Errorf("events = %q", got)
	}
	e.clk.Advance(DefaultMinAge - time.Second)
	if err := e.gc(); err == nil {
		t.Fatal("an image younger than the minimum age was eligible")
	}
	e.wantImages("new:1")
	e.clk.Advance(time.Second)
	if err := e.gc(); err != nil {
		t.Fatal(err)
	}
	e.wantImages()
}

func TestImagesInUseAndPinnedAreKept(t *testing.T) {
	e := newEnv(t, DefaultPolicy(), "keel.local/pause:3")
	e.image("keel.local/pause:3", 1)
	e.srv.AddImageOf("runtime/pinned:1", 10*mb, true)
	e.image("running:1", 10)
	e.image("exited:1", 10)
	e.image("created:1", 10)
	e.image("unused:1", 10)
	run := e.container("run", "running:1")
	if _, err := e.rt.StartContainer(context.Background(), &runtimeapi.StartContainerRequest{ContainerId: run}); err != nil {
		t.Fatal(err)
	}
	ex := e.container("ex", "exited:1")
	if _, err := e.rt.StartContainer(context.Background(), &runtimeapi.StartContainerRequest{ContainerId: ex}); err != nil {
		t.Fatal(err)
	}
	e.srv.Exit(ex, 0, "Completed")
	e.container("created", "created:1")
	if err := e.gc(); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Hour)
	e.other = 40 * mb // 91% used
	err := e.gc()
	if err == nil || !strings.Contains(err.Error(), "but only found 10485760 bytes eligible to free") {
		t.Fatalf("err = %v, want only the unused image eligible", err)
	}
	e.wantImages("keel.local/pause:3", "runtime/pinned:1", "running:1", "exited:1", "created:1")

	t.Run("DeleteUnusedImages keeps them too", func(t *testing.T) {
		freed, err := e.m.DeleteUnusedImages(context.Background())
		if err != nil || freed != 0 {
			t.Errorf("freed %d, %v", freed, err)
		}
		e.wantImages("keel.local/pause:3", "runtime/pinned:1", "running:1", "exited:1", "created:1")
	})
}

func TestMaximumAge(t *testing.T) {
	p := DefaultPolicy()
	p.MaxAge = 10 * time.Minute
	e := newEnv(t, p)
	e.image("never-used:1", 10)
	e.image("used:1", 10)
	c := e.container("c", "used:1")
	if err := e.gc(); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(5 * time.Minute)
	e.image("late:1", 10)
	if err := e.gc(); err != nil { // used:1 last used now
		t.Fatal(err)
	}
	e.removeContainer(c)
	e.clk.Advance(5*time.Minute + time.Second)
	if err := e.gc(); err != nil {
		t.Fatal(err)
	}
	// never-used:1 was first seen 10m1s ago; used:1 was used 5m1s ago and
	// late:1 seen 5m1s ago: the disk is almost empty, yet the first goes.
	e.wantImages("used:1", "late:1")
	e.clk.Advance(5 * time.Minute)
	if err := e.gc(); err != nil {
		t.Fatal(err)
	}
	e.wantImages()
	if got := e.ev.get(); len(got) != 0 {
		t.Errorf("events = %q", got)
	}
}

func TestFailures(t *testing.T) {
	t.Run("removal errors fail the pass and repeated failures raise ImageGCFailed", func(t *testing.T) {
		e := newEnv(t, DefaultPolicy())
		e.image("a:1", 10)
		if err := e.gc(); err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(time.Hour)
		e.other = 80 * mb
		e.srv.SetFailure("RemoveImage", errors.New("image is locked"))
		ctx := context.Background()
		failed := e.m.collect(ctx, false)
		if !failed || len(e.ev.get()) != 0 {
			t.Fatalf("first failure: failed=%v events=%q, want no event yet", failed, e.ev.get())
		}
		failed = e.m.collect(ctx, failed)
		got := e.ev.get()
		if !failed || len(got) != 1 || !strings.HasPrefix(got[0], "Warning ImageGCFailed: wanted to free ") || !strings.Contains(got[0], "image is locked") {
			t.Fatalf("second failure: failed=%v events=%q", failed, got)
		}
		e.srv.SetFailure("RemoveImage", nil)
		if failed = e.m.collect(ctx, failed); failed {
			t.Fatal("a good pass still counts as failed")
		}
		e.wantImages()
	})
	t.Run("a zero capacity raises InvalidDiskCapacity", func(t *testing.T) {
		e := newEnv(t, DefaultPolicy())
		e.m.cfg.FsStats = func(context.Context) (FsStats, error) { return FsStats{}, nil }
		if err := e.gc(); err == nil || err.Error() != "invalid capacity 0 on image filesystem" {
			t.Fatalf("err = %v", err)
		}
		if got := e.ev.get(); !slices.Equal(got, []string{"Warning InvalidDiskCapacity: invalid capacity 0 on image filesystem"}) {
			t.Errorf("events = %q", got)
		}
	})
	t.Run("a runtime that cannot list images fails the pass and removes nothing", func(t *testing.T) {
		e := newEnv(t, DefaultPolicy())
		e.image("a:1", 10)
		e.srv.SetFailure("ListImages", errors.New("runtime down"))
		if err := e.gc(); err == nil || !strings.Contains(err.Error(), "runtime down") {
			t.Fatalf("err = %v", err)
		}
		if _, err := e.m.DeleteUnusedImages(context.Background()); err == nil {
			t.Fatal("DeleteUnusedImages ignored the failure")
		}
		e.wantImages("a:1")
	})
	t.Run("an unknown pinned image fails the pass rather than risk removing it", func(t *testing.T) {
		e := newEnv(t, DefaultPolicy(), "keel.local/pause:3")
		e.srv.FailNext("ImageStatus", errors.New("runtime busy"))
		if err := e.gc(); err == nil || !strings.Contains(err.Error(), "keel.local/pause:3") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestDeleteUnusedImagesIgnoresThresholds(t *testing.T) {
	e := newEnv(t, DefaultPolicy())
	e.image("a:1", 10)
	e.image("b:1", 5)
	e.image("small:1", 1)
	e.container("c", "b:1")
	if err := e.gc(); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(time.Hour)
	e.srv.AddImageOf("young:2", mb, false)
	freed, err := e.m.DeleteUnusedImages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if freed != 11*mb {
		t.Errorf("freed %d bytes, want %d", freed, 11*mb)
	}
	e.wantImages("b:1", "young:2")
}

func TestRunDisabledAtFullThresholdWithoutMaxAge(t *testing.T) {
	p := DefaultPolicy()
	p.HighThresholdPercent = 100
	e := newEnv(t, p)
	e.m.Run(context.Background()) // returns at once
	for _, c := range e.srv.Calls() {
		if c == "ListImages" {
			t.Fatal("a disabled manager made a pass")
		}
	}
}

func TestRunPassesEveryPeriod(t *testing.T) {
	e := newEnv(t, DefaultPolicy())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.m.Run(ctx)
	}()
	passes := func() int {
		n := 0
		for _, c := range e.srv.Calls() {
			if c == "ListImages" {
				n++
			}
		}
		return n
	}
	waitFor := func(n int) {
		for passes() != n || e.clk.Waiters() != 1 {
			time.Sleep(time.Millisecond)
		}
	}
	waitFor(1)
	e.clk.Advance(DefaultPeriod - time.Second)
	if passes() != 1 {
		t.Fatal("a pass ran before the period elapsed")
	}
	e.clk.Advance(time.Second)
	waitFor(2)
	cancel()
	<-done
}

func TestCRIFsStats(t *testing.T) {
	e := newEnv(t, DefaultPolicy())
	f := CRIFsStats(e.rt)
	st, err := f(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Capacity <= 0 || st.Available < 0 || st.Available > st.Capacity || st.Mountpoint == "" {
		t.Errorf("stats = %+v", st)
	}
	e.srv.FailNext("ImageFsInfo", errors.New("no stats"))
	if _, err := f(context.Background()); err == nil || !strings.Contains(err.Error(), "no stats") {
		t.Errorf("err = %v", err)
	}
}
