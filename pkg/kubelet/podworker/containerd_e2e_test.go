package podworker

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/kubelet/clock"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/cri/critest"
	"keel.dev/keel/pkg/kubelet/volumes"
)

func TestRealContainerdPodLifecycle(t *testing.T) {
	c := critest.Containerd(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sink := &recSink{}
	root := t.TempDir()
	cfg := &Config{Runtime: c, RuntimeName: c.RuntimeName, Clock: clock.Real{}, Sink: sink, Recorder: &recEvents{},
		PodLogsDir: root + "/logs", RootDir: root, HostIPs: []string{"127.0.0.1"},
		Volumes: &volumes.Manager{Root: root, Mounter: volumes.SysMounter{}}}
	grace := int64(5)
	img := corev1.Container{Image: critest.BusyboxImage, ImagePullPolicy: corev1.PullNever,
		VolumeMounts: []corev1.VolumeMount{{Name: "shared", MountPath: "/shared"}}}
	initC, app := img, img
	initC.Name, initC.Command = "init", []string{"sh", "-c", "echo from-init > /shared/init.txt; printf init-done > /dev/termination-log"}
	app.Name, app.Command = "app", []string{"sh", "-c", "cat /shared/init.txt; echo $GREETING; exec sleep 3600"}
	app.Env = []corev1.EnvVar{{Name: "GREETING", Value: "hello-$(POD_NAME)"}, {Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}
	app.Env[0], app.Env[1] = app.Env[1], app.Env[0]
	app.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"test", "-f", "/shared/init.txt"}}}, PeriodSeconds: 1}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "e2e-pod", Namespace: "keel-e2e", UID: types.UID("e2e-" + time.Now().Format("150405.000000"))},
		Spec: corev1.PodSpec{HostNetwork: true, RestartPolicy: corev1.RestartPolicyAlways, TerminationGracePeriodSeconds: &grace,
			InitContainers: []corev1.Container{initC}, Containers: []corev1.Container{app},
			Volumes: []corev1.Volume{{Name: "shared", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}},
	}
	w := NewWorker(cfg, pod)
	var st corev1.PodStatus
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var err error
		st, err = w.Sync(ctx)
		if err != nil {
			t.Logf("sync: %v", err)
		}
		if st.Phase == corev1.PodRunning && condition(st, corev1.PodReady) == corev1.ConditionTrue {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if st.Phase != corev1.PodRunning || condition(st, corev1.PodReady) != corev1.ConditionTrue {
		t.Fatalf("pod never became Running+Ready: %+v", st)
	}
	cs := findStatus(st.ContainerStatuses, "app")
	if !strings.HasPrefix(cs.ContainerID, "containerd://") || cs.ImageID == "" || cs.State.Running == nil {
		t.Errorf("app status = %+v", cs)
	}
	if is := findStatus(st.InitContainerStatuses, "init"); is.State.Terminated == nil || is.State.Terminated.Reason != "Completed" || is.State.Terminated.Message != "init-done" {
		t.Errorf("init status = %+v", is.State)
	}
	var logs []byte
	for i := 0; i < 50; i++ {
		logs, _ = os.ReadFile(LogDirectory(cfg.PodLogsDir, pod) + "/app/0.log")
		if strings.Contains(string(logs), "hello-e2e-pod") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(string(logs), "from-init") || !strings.Contains(string(logs), "hello-e2e-pod") {
		t.Errorf("app log = %q, want the init container's file and the expanded env", logs)
	}

	del := pod.DeepCopy()
	now := metav1.Now()
	del.DeletionTimestamp = &now
	w.Update(del)
	start := time.Now()
	if _, err := w.Sync(ctx); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	t.Logf("termination took %s", time.Since(start).Round(time.Millisecond))
	if sink.terminated != 1 {
		t.Errorf("PodTerminated calls = %d", sink.terminated)
	}
	list, err := c.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{Filter: &runtimeapi.PodSandboxFilter{LabelSelector: map[string]string{cri.LabelPodUID: string(pod.UID)}}})
	if err != nil || len(list.Items) != 0 {
		t.Errorf("sandboxes left = %v, %v", list, err)
	}
	if _, err := os.Stat(cfg.Volumes.(*volumes.Manager).PodDir(pod)); !os.IsNotExist(err) {
		t.Errorf("pod volume dir left behind")
	}
}
