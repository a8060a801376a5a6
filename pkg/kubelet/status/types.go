package status

import (
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// Container is one instance of a container as the runtime reports it.
type Container struct {
	ID           string
	Name         string
	State        runtimeapi.ContainerState
	CreatedAt    time.Time
	StartedAt    time.Time
	FinishedAt   time.Time
	ExitCode     int32
	Reason       string
	Message      string
	ImageRef     string
	RestartCount int32
}

// Waiting is a reason the kubelet holds a container back (ErrImagePull,
// ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError, ...).
type Waiting struct {
	Reason  string
	Message string
}

// Input is everything Compute needs about one pod.
type Input struct {
	// RuntimeName prefixes container IDs ("containerd").
	RuntimeName string
	// SandboxReady says a sandbox with its network is up.
	SandboxReady bool
	// PodIPs are the sandbox's IPs (the host's for hostNetwork pods).
	PodIPs []string
	// HostIPs are the node's IPs.
	HostIPs []string
	// Containers maps a container name to its instances, newest first.
	Containers map[string][]Container
	// Waiting maps a container name to why it is held back.
	Waiting map[string]Waiting
	// Ready maps a container ID to its readiness probe result.
	Ready map[string]bool
	// Started maps a container ID to whether its startup probe passed.
	Started map[string]bool
	// Now stamps new transitions.
	Now time.Time
}
