package podworker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/pkg/kubelet/clock"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/fake"
)

type recSink struct {
	mu         sync.Mutex
	statuses   []corev1.PodStatus
	terminated int
}

func (s *recSink) SetPodStatus(_ *corev1.Pod, st corev1.PodStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statuses = append(s.statuses, st)
}

func (s *recSink) PodTerminated(*corev1.Pod) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.terminated++
}

type recEvents struct {
	mu     sync.Mutex
	events []string
}

func (r *recEvents) Eventf(_ *corev1.Pod, typ, reason, f string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, reason)
}

type env struct {
	t      *testing.T
	rt     *fake.Server
	clk    *clock.Fake
	sink   *recSink
	events *recEvents
	cfg    *Config
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir, err := os.MkdirTemp("", "cri")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	rt := fake.New(clk.Now)
	if err := rt.Start(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Stop)
	c, err := cri.Dial(context.Background(), rt.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	rt.AddImage("keel.local/busybox:1.35")
	e := &env{t: t, rt: rt, clk: clk, sink: &recSink{}, events: &recEvents{}}
	e.cfg = &Config{Runtime: c, RuntimeName: "containerd", Clock: clk, Sink: e.sink, Recorder: e.events,
		PodLogsDir: dir + "/logs", HostIPs: []string{"192.168.1.10"}}
	return e
}

func (e *env) sync(w *Worker) corev1.PodStatus {
	e.t.Helper()
	st, _ := w.Sync(context.Background())
	return st
}

// calls returns recorded runtime calls whose method is one of methods.
func (e *env) calls(methods ...string) []string {
	var out []string
	for _, c := range e.rt.Calls() {
		m, _, _ := strings.Cut(c, " ")
		for _, want := range methods {
			if m == want {
				out = append(out, c)
			}
		}
	}
	return out
}

func ctr(name string) corev1.Container {
	return corev1.Container{Name: name, Image: "keel.local/busybox:1.35", ImagePullPolicy: corev1.PullIfNotPresent}
}

func newPod(policy corev1.RestartPolicy, init []corev1.Container, apps ...corev1.Container) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", UID: "uid-1"},
		Spec:       corev1.PodSpec{RestartPolicy: policy, InitContainers: init, Containers: apps, NodeName: "node-1"},
	}
}

func findStatus(sts []corev1.ContainerStatus, name string) corev1.ContainerStatus {
	for _, s := range sts {
		if s.Name == name {
			return s
		}
	}
	return corev1.ContainerStatus{}
}

func condition(st corev1.PodStatus, t corev1.PodConditionType) corev1.ConditionStatus {
	_, c := corev1.GetPodCondition(&st, t)
	if c == nil {
		return ""
	}
	return c.Status
}

// exitOnStart makes containers whose name has prefix exit with code at once.
func exitOnStart(prefix string, code int32) func(c *fake.Container) {
	return func(c *fake.Container) {
		if strings.HasPrefix(c.Name(), prefix) {
			c.State = runtimeapi.ContainerState_CONTAINER_EXITED
			c.ExitCode = code
		}
	}
}

func TestSandboxAndContainersStartInOrder(t *testing.T) {
	e := newEnv(t)
	e.rt.OnStart(exitOnStart("init", 0))
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, []corev1.Container{ctr("init-a"), ctr("init-b")}, ctr("app-a"), ctr("app-b")))
	var st corev1.PodStatus
	for i := 0; i < 4; i++ {
		st = e.sync(w)
	}
	got := e.calls("RunPodSandbox", "StartContainer")
	want := []string{"RunPodSandbox web", "StartContainer init-a", "StartContainer init-b", "StartContainer app-a", "StartContainer app-b"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("calls = %v, want %v", got, want)
	}
	if st.Phase != corev1.PodRunning {
		t.Errorf("phase = %s, want Running", st.Phase)
	}
	if condition(st, corev1.PodInitialized) != corev1.ConditionTrue || condition(st, corev1.PodReady) != corev1.ConditionTrue {
		t.Errorf("conditions = %+v", st.Conditions)
	}
	if s := findStatus(st.InitContainerStatuses, "init-a"); s.State.Terminated == nil || s.State.Terminated.Reason != "Completed" {
		t.Errorf("init-a state = %+v", s.State)
	}
	if s := findStatus(st.ContainerStatuses, "app-a"); s.State.Running == nil || !s.Ready || !strings.HasPrefix(s.ContainerID, "containerd://") {
		t.Errorf("app-a status = %+v", s)
	}
	if st.PodIP == "" || st.HostIP != "192.168.1.10" || st.QOSClass != corev1.PodQOSBestEffort {
		t.Errorf("ips/qos = %q %q %q", st.PodIP, st.HostIP, st.QOSClass)
	}
}

func TestSidecarStartsBeforeAppsAndKeepsRunning(t *testing.T) {
	e := newEnv(t)
	always := corev1.ContainerRestartPolicyAlways
	side := ctr("sidecar")
	side.RestartPolicy = &always
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyNever, []corev1.Container{side}, ctr("app")))
	e.sync(w)
	st := e.sync(w)
	got := e.calls("StartContainer")
	if strings.Join(got, ",") != "StartContainer sidecar,StartContainer app" {
		t.Fatalf("calls = %v", got)
	}
	if s := findStatus(st.InitContainerStatuses, "sidecar"); s.State.Running == nil {
		t.Errorf("sidecar state = %+v", s.State)
	}
	e.rt.Exit(e.rt.Running("sidecar"), 1, "")
	e.sync(w)
	if len(e.rt.Containers("sidecar")) != 2 {
		t.Errorf("sidecar was not restarted: %d instances", len(e.rt.Containers("sidecar")))
	}
	e.rt.Exit(e.rt.Running("app"), 0, "")
	st = e.sync(w)
	if st.Phase != corev1.PodSucceeded {
		t.Errorf("phase = %s, want Succeeded once the app completed", st.Phase)
	}
	if e.rt.Running("sidecar") != "" {
		t.Errorf("sidecar still running after the pod completed")
	}
}

func TestInitFailureWithRestartNeverFailsPod(t *testing.T) {
	e := newEnv(t)
	e.rt.OnStart(exitOnStart("init", 1))
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyNever, []corev1.Container{ctr("init-a")}, ctr("app")))
	var st corev1.PodStatus
	for i := 0; i < 3; i++ {
		st = e.sync(w)
	}
	if st.Phase != corev1.PodFailed {
		t.Fatalf("phase = %s, want Failed", st.Phase)
	}
	if n := len(e.calls("StartContainer")); n != 1 {
		t.Errorf("StartContainer calls = %d, want 1 (app must never start)", n)
	}
	if s := findStatus(st.InitContainerStatuses, "init-a"); s.State.Terminated == nil || s.State.Terminated.ExitCode != 1 || s.State.Terminated.Reason != "Error" {
		t.Errorf("init state = %+v", s.State)
	}
	if s := findStatus(st.ContainerStatuses, "app"); s.State.Waiting == nil || s.State.Waiting.Reason != "PodInitializing" {
		t.Errorf("app state = %+v", s.State)
	}
	if len(e.calls("StopPodSandbox")) == 0 {
		t.Errorf("sandbox of a failed pod was not stopped")
	}
}

func TestRestartBackoffDoublesToFiveMinutes(t *testing.T) {
	e := newEnv(t)
	e.rt.OnStart(exitOnStart("app", 1))
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, ctr("app")))
	var starts []time.Time
	sawCrashLoop := false
	for i := 0; i < 1000 && len(starts) < 9; i++ {
		before := len(e.calls("StartContainer"))
		st := e.sync(w)
		if len(e.calls("StartContainer")) > before {
			starts = append(starts, e.clk.Now())
		}
		s := findStatus(st.ContainerStatuses, "app")
		if s.State.Waiting != nil && s.State.Waiting.Reason == "CrashLoopBackOff" {
			sawCrashLoop = true
			if !strings.Contains(s.State.Waiting.Message, "back-off") || s.LastTerminationState.Terminated == nil {
				t.Fatalf("crash loop status = %+v", s)
			}
		}
		e.clk.Advance(time.Second)
	}
	var gaps []string
	for i := 2; i < len(starts); i++ {
		gaps = append(gaps, starts[i].Sub(starts[i-1]).String())
	}
	want := "10s,20s,40s,1m20s,2m40s,5m0s,5m0s"
	if strings.Join(gaps, ",") != want {
		t.Errorf("restart gaps = %v, want %s", gaps, want)
	}
	if !sawCrashLoop {
		t.Errorf("never reported CrashLoopBackOff")
	}
	st := e.sync(w)
	if rc := findStatus(st.ContainerStatuses, "app").RestartCount; rc != 8 {
		t.Errorf("restartCount = %d, want 8", rc)
	}
}

func TestOOMKilledIsReported(t *testing.T) {
	e := newEnv(t)
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyNever, nil, ctr("app")))
	e.sync(w)
	e.rt.Exit(e.rt.Running("app"), 137, "OOMKilled")
	st := e.sync(w)
	s := findStatus(st.ContainerStatuses, "app")
	if s.State.Terminated == nil || s.State.Terminated.Reason != "OOMKilled" || s.State.Terminated.ExitCode != 137 {
		t.Fatalf("state = %+v", s.State)
	}
	if st.Phase != corev1.PodFailed {
		t.Errorf("phase = %s, want Failed", st.Phase)
	}
}

func TestImagePullPolicies(t *testing.T) {
	t.Run("a missing image with policy Never waits with ErrImageNeverPull", func(t *testing.T) {
		e := newEnv(t)
		c := ctr("app")
		c.Image, c.ImagePullPolicy = "keel.local/missing:1", corev1.PullNever
		w := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, c))
		st := e.sync(w)
		if s := findStatus(st.ContainerStatuses, "app"); s.State.Waiting == nil || s.State.Waiting.Reason != "ErrImageNeverPull" {
			t.Fatalf("state = %+v", s.State)
		}
		if len(e.calls("PullImage")) != 0 {
			t.Errorf("policy Never pulled")
		}
	})
	t.Run("a failing pull reports ErrImagePull then ImagePullBackOff", func(t *testing.T) {
		e := newEnv(t)
		c := ctr("app")
		c.Image = "keel.local/nope:1"
		e.rt.SetPullable(c.Image, false)
		w := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, c))
		st := e.sync(w)
		if s := findStatus(st.ContainerStatuses, "app"); s.State.Waiting == nil || s.State.Waiting.Reason != "ErrImagePull" {
			t.Fatalf("first state = %+v", s.State)
		}
		e.clk.Advance(time.Second)
		st = e.sync(w)
		if s := findStatus(st.ContainerStatuses, "app"); s.State.Waiting == nil || s.State.Waiting.Reason != "ImagePullBackOff" {
			t.Fatalf("second state = %+v", s.State)
		}
		e.rt.SetPullable(c.Image, true)
		e.clk.Advance(10 * time.Second)
		st = e.sync(w)
		if s := findStatus(st.ContainerStatuses, "app"); s.State.Running == nil {
			t.Fatalf("after back-off state = %+v", s.State)
		}
	})
	t.Run("policy Always pulls even a present image", func(t *testing.T) {
		e := newEnv(t)
		full := &fullEvents{}
		e.cfg.Recorder = full
		c := ctr("app")
		c.ImagePullPolicy = corev1.PullAlways
		e.sync(NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, c)))
		if len(e.calls("PullImage")) != 1 {
			t.Errorf("PullImage calls = %v", e.calls("PullImage"))
		}
		if full.count(`Normal Pulled Successfully pulled image "`+c.Image+`" in `) != 1 || full.count(`Normal Pulling Pulling image "`+c.Image+`"`) != 1 {
			t.Errorf("events = %q, want Pulling and Pulled with the time taken", full.events)
		}
	})
	t.Run("a present image with IfNotPresent is not pulled and the event says so", func(t *testing.T) {
		e := newEnv(t)
		full := &fullEvents{}
		e.cfg.Recorder = full
		c := ctr("app")
		c.ImagePullPolicy = corev1.PullIfNotPresent
		e.sync(NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, nil, c)))
		if len(e.calls("PullImage")) != 0 {
			t.Errorf("PullImage calls = %v", e.calls("PullImage"))
		}
		if full.count(`Normal Pulled Container image "`+c.Image+`" already present on machine`) != 1 {
			t.Errorf("events = %q, want one Pulled already present", full.events)
		}
	})
}

func TestGracefulTerminationOrder(t *testing.T) {
	e := newEnv(t)
	c := ctr("app")
	c.Lifecycle = &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"/bin/stop"}}}}
	pod := newPod(corev1.RestartPolicyAlways, nil, c)
	grace := int64(45)
	pod.Spec.TerminationGracePeriodSeconds = &grace
	w := NewWorker(e.cfg, pod)
	e.sync(w)
	e.rt.ResetCalls()
	del := pod.DeepCopy()
	now := metav1.NewTime(e.clk.Now())
	del.DeletionTimestamp = &now
	w.Update(del)
	st := e.sync(w)
	got := e.calls("ExecSync", "StopContainer", "StopPodSandbox", "RemovePodSandbox")
	want := []string{"ExecSync app", "StopContainer app 45", "StopPodSandbox web", "RemovePodSandbox web"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("calls = %v, want %v", got, want)
	}
	if e.sink.terminated != 1 || !w.Terminated() {
		t.Errorf("PodTerminated calls = %d", e.sink.terminated)
	}
	if len(e.rt.Sandboxes()) != 0 {
		t.Errorf("sandbox left behind")
	}
	if s := findStatus(st.ContainerStatuses, "app"); s.State.Terminated == nil {
		t.Errorf("final state = %+v", s.State)
	}
}

func TestDeadSandboxIsRecreatedAndInitRerun(t *testing.T) {
	e := newEnv(t)
	e.rt.OnStart(exitOnStart("init", 0))
	w := NewWorker(e.cfg, newPod(corev1.RestartPolicyAlways, []corev1.Container{ctr("init")}, ctr("app")))
	e.sync(w)
	e.sync(w)
	old := e.rt.Sandboxes()[0].ID
	if _, err := e.rt.StopPodSandbox(context.Background(), &runtimeapi.StopPodSandboxRequest{PodSandboxId: old}); err != nil {
		t.Fatal(err)
	}
	e.rt.ResetCalls()
	st := e.sync(w)
	st = e.sync(w)
	got := e.calls("RunPodSandbox", "StartContainer")
	want := "RunPodSandbox web,StartContainer init,StartContainer app"
	if strings.Join(got, ",") != want {
		t.Fatalf("calls = %v, want %s", got, want)
	}
	sbs := e.rt.Sandboxes()
	if len(sbs) != 2 || sbs[1].Config.Metadata.Attempt != 1 {
		t.Errorf("sandboxes = %d, new attempt = %d", len(sbs), sbs[len(sbs)-1].Config.Metadata.Attempt)
	}
	if s := findStatus(st.ContainerStatuses, "app"); s.State.Running == nil || s.RestartCount != 1 {
		t.Errorf("app after sandbox recreation = %+v", s)
	}
}

func TestActiveDeadlineFailsThePod(t *testing.T) {
	e := newEnv(t)
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	deadline := int64(30)
	pod.Spec.ActiveDeadlineSeconds = &deadline
	w := NewWorker(e.cfg, pod)
	st := e.sync(w)
	if st.Phase != corev1.PodRunning {
		t.Fatalf("phase = %s", st.Phase)
	}
	e.clk.Advance(29 * time.Second)
	if st = e.sync(w); st.Phase != corev1.PodRunning {
		t.Fatalf("failed before the deadline: %s", st.Phase)
	}
	e.clk.Advance(time.Second)
	st = e.sync(w)
	if st.Phase != corev1.PodFailed || st.Reason != "DeadlineExceeded" {
		t.Fatalf("phase/reason = %s/%s, want Failed/DeadlineExceeded", st.Phase, st.Reason)
	}
	if e.rt.Running("app") != "" {
		t.Errorf("container still running after the deadline")
	}
	e.clk.Advance(time.Minute)
	if st = e.sync(w); st.Phase != corev1.PodFailed || len(e.rt.Containers("app")) != 1 {
		t.Errorf("a failed pod was restarted: phase %s, instances %d", st.Phase, len(e.rt.Containers("app")))
	}
}

func TestTerminationMessages(t *testing.T) {
	e := newEnv(t)
	e.cfg.RootDir = t.TempDir()
	c := ctr("app")
	c.TerminationMessagePath = "/tmp/msg"
	logs := ctr("logs")
	logs.TerminationMessagePolicy = corev1.TerminationMessageFallbackToLogsOnError
	pod := newPod(corev1.RestartPolicyNever, nil, c, logs)
	w := NewWorker(e.cfg, pod)
	e.sync(w)
	app := e.rt.Containers("app")[0]
	var host string
	for _, m := range app.Config.Mounts {
		if m.ContainerPath == "/tmp/msg" {
			host = m.HostPath
		}
	}
	if host == "" {
		t.Fatalf("no termination message mount in %v", app.Config.Mounts)
	}
	if err := os.WriteFile(host, []byte("bye"), 0o644); err != nil {
		t.Fatal(err)
	}
	lc := e.rt.Containers("logs")[0]
	logPath := LogDirectory(e.cfg.PodLogsDir, pod) + "/" + lc.Config.LogPath
	os.MkdirAll(logPath[:strings.LastIndex(logPath, "/")], 0o755)
	os.WriteFile(logPath, []byte("2026-01-01T00:00:00Z stderr F panic: boom\n"), 0o644)
	e.rt.Exit(app.ID, 0, "")
	e.rt.Exit(lc.ID, 2, "")
	st := e.sync(w)
	if s := findStatus(st.ContainerStatuses, "app"); s.State.Terminated == nil || s.State.Terminated.Message != "bye" {
		t.Errorf("app terminated = %+v", s.State.Terminated)
	}
	if s := findStatus(st.ContainerStatuses, "logs"); s.State.Terminated == nil || s.State.Terminated.Message != "panic: boom\n" {
		t.Errorf("logs terminated = %+v", s.State.Terminated)
	}
}

func TestDeadContainersAreCollected(t *testing.T) {
	e := newEnv(t)
	e.rt.OnStart(exitOnStart("app", 1))
	pod := newPod(corev1.RestartPolicyAlways, nil, ctr("app"))
	w := NewWorker(e.cfg, pod)
	logDir := filepath.Join(LogDirectory(e.cfg.PodLogsDir, pod), "app")
	// the runtime writes each instance's log; the kubelet must remove those of removed instances.
	writeLogs := func() {
		for _, c := range e.rt.Containers("app") {
			_ = os.MkdirAll(logDir, 0o755)
			_ = os.WriteFile(filepath.Join(LogDirectory(e.cfg.PodLogsDir, pod), c.Config.LogPath), []byte("x"), 0o644)
		}
	}
	for i := 0; i < 200 && len(e.calls("StartContainer")) < 4; i++ {
		writeLogs()
		e.sync(w)
		e.clk.Advance(5 * time.Second)
	}
	writeLogs()
	st := e.sync(w)
	left := e.rt.Containers("app")
	if len(left) != 1 {
		t.Fatalf("%d instances of app left after 4 starts, want only the newest exited one: %+v", len(left), left)
	}
	if s := findStatus(st.ContainerStatuses, "app"); s.RestartCount != 3 || s.LastTerminationState.Terminated == nil {
		t.Errorf("status after collection = %+v", s)
	}
	entries, _ := os.ReadDir(logDir)
	if len(entries) != 1 || entries[0].Name() != "3.log" {
		t.Errorf("log files left = %v, want only 3.log", entries)
	}
	if n := len(e.calls("RemoveContainer")); n != 3 {
		t.Errorf("RemoveContainer calls = %d, want 3", n)
	}
}
