package stats

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// The types below have the JSON shape of Kubernetes' stats/v1alpha1 API
// (k8s.io/kubelet/pkg/apis/stats/v1alpha1); fields Keel never fills
// (accelerators, user-defined metrics, swap) are left out.

// Summary is the document GET /stats/summary returns.
type Summary struct {
	Node NodeStats  `json:"node"`
	Pods []PodStats `json:"pods"`
}

// NodeStats is the usage of the whole node.
type NodeStats struct {
	NodeName         string           `json:"nodeName"`
	SystemContainers []ContainerStats `json:"systemContainers,omitempty"`
	// StartTime is when node-level collection began (the boot time).
	StartTime metav1.Time   `json:"startTime"`
	CPU       *CPUStats     `json:"cpu,omitempty"`
	Memory    *MemoryStats  `json:"memory,omitempty"`
	Network   *NetworkStats `json:"network,omitempty"`
	// Fs is the filesystem of the kubelet's root directory (nodefs).
	Fs      *FsStats      `json:"fs,omitempty"`
	Runtime *RuntimeStats `json:"runtime,omitempty"`
	Rlimit  *RlimitStats  `json:"rlimit,omitempty"`
}

// RlimitStats counts process IDs on the node.
type RlimitStats struct {
	Time metav1.Time `json:"time"`
	// MaxPID is the kernel's pid_max.
	MaxPID *int64 `json:"maxpid,omitempty"`
	// NumOfRunningProcesses counts the tasks (threads) that exist.
	NumOfRunningProcesses *int64 `json:"curproc,omitempty"`
}

// RuntimeStats describes the container runtime's filesystems.
type RuntimeStats struct {
	// ImageFs holds images; UsedBytes is what the images take.
	ImageFs *FsStats `json:"imageFs,omitempty"`
	// ContainerFs holds writable layers, when the runtime reports it apart.
	ContainerFs *FsStats `json:"containerFs,omitempty"`
}

// ProcessStats counts a pod's processes.
type ProcessStats struct {
	ProcessCount *uint64 `json:"process_count,omitempty"`
}

// PodStats is the usage of one pod.
type PodStats struct {
	PodRef PodReference `json:"podRef"`
	// StartTime is when the pod's sandbox was created.
	StartTime        metav1.Time      `json:"startTime"`
	Containers       []ContainerStats `json:"containers"`
	CPU              *CPUStats        `json:"cpu,omitempty"`
	Memory           *MemoryStats     `json:"memory,omitempty"`
	Network          *NetworkStats    `json:"network,omitempty"`
	VolumeStats      []VolumeStats    `json:"volume,omitempty"`
	EphemeralStorage *FsStats         `json:"ephemeral-storage,omitempty"`
	ProcessStats     *ProcessStats    `json:"process_stats,omitempty"`
}

// ContainerStats is the usage of one container.
type ContainerStats struct {
	Name string `json:"name"`
	// StartTime is when the container was created.
	StartTime metav1.Time  `json:"startTime"`
	CPU       *CPUStats    `json:"cpu,omitempty"`
	Memory    *MemoryStats `json:"memory,omitempty"`
	// Rootfs is the writable layer; Logs the container's log files.
	Rootfs *FsStats `json:"rootfs,omitempty"`
	Logs   *FsStats `json:"logs,omitempty"`
}

// PodReference names a pod.
type PodReference struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	UID       string `json:"uid"`
}

// InterfaceStats are the counters of one network interface.
type InterfaceStats struct {
	Name     string  `json:"name"`
	RxBytes  *uint64 `json:"rxBytes,omitempty"`
	RxErrors *uint64 `json:"rxErrors,omitempty"`
	TxBytes  *uint64 `json:"txBytes,omitempty"`
	TxErrors *uint64 `json:"txErrors,omitempty"`
}

// NetworkStats has the default interface inline plus every interface.
type NetworkStats struct {
	Time           metav1.Time `json:"time"`
	InterfaceStats `json:",inline"`
	Interfaces     []InterfaceStats `json:"interfaces,omitempty"`
}

// CPUStats is CPU usage: a rate over the last sample window and a counter.
type CPUStats struct {
	Time metav1.Time `json:"time"`
	// UsageNanoCores is the average usage in billionths of a core.
	UsageNanoCores *uint64 `json:"usageNanoCores,omitempty"`
	// UsageCoreNanoSeconds is the cumulative CPU time.
	UsageCoreNanoSeconds *uint64 `json:"usageCoreNanoSeconds,omitempty"`
}

// MemoryStats is memory usage.
type MemoryStats struct {
	Time metav1.Time `json:"time"`
	// AvailableBytes is the limit (or capacity) minus the working set.
	AvailableBytes *uint64 `json:"availableBytes,omitempty"`
	UsageBytes     *uint64 `json:"usageBytes,omitempty"`
	// WorkingSetBytes is usage minus inactive file cache; evictions and
	// metrics-server look at it.
	WorkingSetBytes *uint64 `json:"workingSetBytes,omitempty"`
	RSSBytes        *uint64 `json:"rssBytes,omitempty"`
	PageFaults      *uint64 `json:"pageFaults,omitempty"`
	MajorPageFaults *uint64 `json:"majorPageFaults,omitempty"`
}

// VolumeStats is the usage of one pod volume.
type VolumeStats struct {
	FsStats `json:",inline"`
	Name    string        `json:"name,omitempty"`
	PVCRef  *PVCReference `json:"pvcRef,omitempty"`
}

// PVCReference names the claim behind a volume.
type PVCReference struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

// FsStats is filesystem usage: capacity and availability of the whole
// filesystem, and what the measured object uses on it.
type FsStats struct {
	Time           metav1.Time `json:"time"`
	AvailableBytes *uint64     `json:"availableBytes,omitempty"`
	CapacityBytes  *uint64     `json:"capacityBytes,omitempty"`
	UsedBytes      *uint64     `json:"usedBytes,omitempty"`
	InodesFree     *uint64     `json:"inodesFree,omitempty"`
	Inodes         *uint64     `json:"inodes,omitempty"`
	InodesUsed     *uint64     `json:"inodesUsed,omitempty"`
}
