package app

import (
	"testing"

	"github.com/spf13/pflag"

	corev1 "keel.dev/api/core/v1"
)

func parse(t *testing.T, args ...string) *Options {
	t.Helper()
	o := NewOptions()
	fs := pflag.NewFlagSet("kubelet", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestFlagDefaults(t *testing.T) {
	o := NewOptions()
	cases := []struct {
		name      string
		got, want any
	}{
		{"the runtime endpoint is containerd's socket", o.RuntimeEndpoint, "unix:///run/containerd/containerd.sock"},
		{"the sandbox image is keel's pause image", o.PodInfraImage, "keel.local/pause:3"},
		{"the root dir is keel's", o.RootDir, "/var/lib/keel/kubelet"},
		{"the cluster domain is cluster.local", o.ClusterDomain, "cluster.local"},
		{"max pods is 110", o.MaxPods, int64(110)},
		{"the kubelet port is 10250", o.Port, int32(10250)},
		{"the healthz port is 10248", o.HealthzPort, 10248},
		{"the CNI conf dir is /etc/cni/net.d", o.CNIConfDir, "/etc/cni/net.d"},
		{"the CNI bin dir is /usr/lib/cni", o.CNIBinDir, "/usr/lib/cni"},
		{"the runtime is CRI", o.Runtime, RuntimeCRI},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func TestFlagsParse(t *testing.T) {
	args := []string{"--cloud-provider=external", "--register-with-taints=dedicated=gpu:NoExecute",
		"--kube-reserved=cpu=100m,memory=256Mi", "--system-reserved=cpu=400m", "--node-labels=a=b,c=d",
		"--runtime=fake", "--hollow-nodes=3", "--hostname-override=Box1"}
	o := parse(t, args...)
	taints, err := o.Taints()
	if err != nil {
		t.Fatal(err)
	}
	reserved, err := o.Reserved()
	if err != nil {
		t.Fatal(err)
	}
	name, _ := o.NodeName()
	cpu, mem := reserved[corev1.ResourceCPU], reserved[corev1.ResourceMemory]
	cases := []struct {
		name      string
		got, want any
	}{
		{"the flag taint is parsed", taints[0], corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoExecute}},
		{"an external cloud provider adds the uninitialized taint", taints[1].Key, "node.cloudprovider.kubernetes.io/uninitialized"},
		{"the uninitialized taint is NoSchedule", taints[1].Effect, corev1.TaintEffectNoSchedule},
		{"kube and system reserved cpu add up", cpu.String(), "500m"},
		{"reserved memory is parsed", mem.String(), "256Mi"},
		{"node labels are parsed", o.NodeLabels["c"], "d"},
		{"the node name is lower-cased", name, "box1"},
		{"hollow nodes are parsed", o.HollowNodes, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	if err := o.Validate(); err != nil {
		t.Errorf("valid options rejected: %v", err)
	}
}

func TestValidateRejectsBadOptions(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"an unknown runtime is rejected", []string{"--runtime=docker"}},
		{"hollow nodes need the fake runtime", []string{"--hollow-nodes=2"}},
		{"a bad node IP is rejected", []string{"--node-ip=nope"}},
		{"a taint without effect is rejected", []string{"--register-with-taints=a=b"}},
		{"a bad reserved quantity is rejected", []string{"--kube-reserved=cpu=lots"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := parse(t, c.args...).Validate(); err == nil {
				t.Error("accepted")
			}
		})
	}
}
