package fakeruntime

import (
	"context"
	"testing"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

func TestSandboxesGetAddressesFromThePodCIDR(t *testing.T) {
	ctx := context.Background()
	r, err := Start(ctx, t.TempDir(), 0, "keel.local/pause:3")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	svc := r.Service()
	run := func(name string) string {
		t.Helper()
		resp, err := svc.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: &runtimeapi.PodSandboxConfig{
			Metadata: &runtimeapi.PodSandboxMetadata{Name: name, Uid: name, Namespace: "default"}}})
		if err != nil {
			t.Fatal(err)
		}
		return resp.PodSandboxId
	}
	ip := func(id string) string {
		t.Helper()
		st, err := svc.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: id})
		if err != nil {
			t.Fatal(err)
		}
		return st.Status.Network.Ip
	}
	r.SetPodCIDR("10.244.7.0/30")
	a, b := run("a"), run("b")
	steps := []struct {
		name, got, want string
	}{
		{"the first sandbox gets .2", ip(a), "10.244.7.2"},
		{"the same sandbox keeps its address", ip(a), "10.244.7.2"},
		{"the second sandbox gets .3", ip(b), "10.244.7.3"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.got != s.want {
				t.Errorf("got %s, want %s", s.got, s.want)
			}
		})
	}
	if _, err := svc.RemovePodSandbox(ctx, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: a}); err != nil {
		t.Fatal(err)
	}
	if got := ip(run("c")); got != "10.244.7.2" {
		t.Errorf("a freed address is not reused: got %s", got)
	}
}
