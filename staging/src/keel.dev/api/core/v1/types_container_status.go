package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// ResourceHealthMessageMaxLength bounds the length of a resource health message.
const ResourceHealthMessageMaxLength = 1024

// ContainerStateWaiting describes a container that has not started yet.
type ContainerStateWaiting struct {
	// Reason is a short CamelCase reason, such as ImagePullBackOff.
	Reason string `json:"reason,omitempty" protobuf:"bytes,1,opt,name=reason"`
	// Message explains the wait.
	Message string `json:"message,omitempty" protobuf:"bytes,2,opt,name=message"`
}

// ContainerStateRunning describes a running container.
type ContainerStateRunning struct {
	// StartedAt is when the container last started.
	StartedAt metav1.Time `json:"startedAt,omitempty" protobuf:"bytes,1,opt,name=startedAt"`
}

// ContainerStateTerminated describes a container that has exited.
type ContainerStateTerminated struct {
	// ExitCode is the exit status of the container's process.
	ExitCode int32 `json:"exitCode" protobuf:"varint,1,opt,name=exitCode"`
	// Signal is the signal that ended it, if any.
	Signal int32 `json:"signal,omitempty" protobuf:"varint,2,opt,name=signal"`
	// Reason is a short CamelCase reason, such as Completed.
	Reason string `json:"reason,omitempty" protobuf:"bytes,3,opt,name=reason"`
	// Message explains the termination.
	Message string `json:"message,omitempty" protobuf:"bytes,4,opt,name=message"`
	// StartedAt is when the container started.
	StartedAt metav1.Time `json:"startedAt,omitempty" protobuf:"bytes,5,opt,name=startedAt"`
	// FinishedAt is when the container exited.
	FinishedAt metav1.Time `json:"finishedAt,omitempty" protobuf:"bytes,6,opt,name=finishedAt"`
	// ContainerID is the runtime's ID of the container.
	ContainerID string `json:"containerID,omitempty" protobuf:"bytes,7,opt,name=containerID"`
}

// ContainerState is the state of a container; at most one member is set.
type ContainerState struct {
	// Waiting is set while the container has not started.
	Waiting *ContainerStateWaiting `json:"waiting,omitempty" protobuf:"bytes,1,opt,name=waiting"`
	// Running is set while the container runs.
	Running *ContainerStateRunning `json:"running,omitempty" protobuf:"bytes,2,opt,name=running"`
	// Terminated is set after the container exited.
	Terminated *ContainerStateTerminated `json:"terminated,omitempty" protobuf:"bytes,3,opt,name=terminated"`
}

// ContainerStatus reports the observed state of one container of a pod.
type ContainerStatus struct {
	// Name is the container's name in the spec.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// State is the current state.
	State ContainerState `json:"state,omitempty" protobuf:"bytes,2,opt,name=state"`
	// LastTerminationState is how the previous run ended.
	LastTerminationState ContainerState `json:"lastState,omitempty" protobuf:"bytes,3,opt,name=lastState"`
	// Ready is true when the readiness probe succeeds.
	Ready bool `json:"ready" protobuf:"varint,4,opt,name=ready"`
	// RestartCount counts restarts.
	RestartCount int32 `json:"restartCount" protobuf:"varint,5,opt,name=restartCount"`
	// Image is the image that runs.
	Image string `json:"image" protobuf:"bytes,6,opt,name=image"`
	// ImageID is the image's resolved ID.
	ImageID string `json:"imageID" protobuf:"bytes,7,opt,name=imageID"`
	// ContainerID is the runtime's ID, as <type>://<id>.
	ContainerID string `json:"containerID,omitempty" protobuf:"bytes,8,opt,name=containerID"`
	// Started is true once the startup probe succeeded.
	Started *bool `json:"started,omitempty" protobuf:"varint,9,opt,name=started"`
	// AllocatedResources are the resources the node allocated.
	AllocatedResources ResourceList `json:"allocatedResources,omitempty" protobuf:"bytes,10,rep,name=allocatedResources,casttype=ResourceList,castkey=ResourceName"`
	// Resources are the resources the runtime applied.
	Resources *ResourceRequirements `json:"resources,omitempty" protobuf:"bytes,11,opt,name=resources"`
	// VolumeMounts report the container's mounts.
	VolumeMounts []VolumeMountStatus `json:"volumeMounts,omitempty" patchStrategy:"merge" patchMergeKey:"mountPath" protobuf:"bytes,12,rep,name=volumeMounts"`
	// User reports the identity of the first process.
	User *ContainerUser `json:"user,omitempty" protobuf:"bytes,13,opt,name=user,casttype=ContainerUser"`
	// AllocatedResourcesStatus reports device health per resource.
	AllocatedResourcesStatus []ResourceStatus `json:"allocatedResourcesStatus,omitempty" patchStrategy:"merge" patchMergeKey:"name" protobuf:"bytes,14,rep,name=allocatedResourcesStatus"`
	// StopSignal is the signal used to stop the container.
	StopSignal *Signal `json:"stopSignal,omitempty" protobuf:"bytes,15,opt,name=stopSignal"`
}

// ResourceStatus reports the health of the devices backing one resource of a container.
type ResourceStatus struct {
	// Name is the resource.
	Name ResourceName `json:"name" protobuf:"bytes,1,opt,name=name"`
	// Resources are the devices backing it.
	Resources []ResourceHealth `json:"resources,omitempty" protobuf:"bytes,2,rep,name=resources"`
}

// ResourceHealthStatus is the health of a device: Healthy, Unhealthy or Unknown.
type ResourceHealthStatus string

// Values of ResourceHealthStatus.
const (
	ResourceHealthStatusHealthy   ResourceHealthStatus = "Healthy"
	ResourceHealthStatusUnhealthy ResourceHealthStatus = "Unhealthy"
	ResourceHealthStatusUnknown   ResourceHealthStatus = "Unknown"
)

// ResourceID identifies a device allocated to a container.
type ResourceID string

// ResourceHealth reports the health of one device.
type ResourceHealth struct {
	// ResourceID identifies the device.
	ResourceID ResourceID `json:"resourceID" protobuf:"bytes,1,opt,name=resourceID"`
	// Health is Healthy, Unhealthy or Unknown.
	Health ResourceHealthStatus `json:"health,omitempty" protobuf:"bytes,2,name=health"`
	// Message explains the health.
	Message *string `json:"message,omitempty" protobuf:"bytes,6,opt,name=message"`
}

// ContainerUser reports the identity a container's first process runs as.
type ContainerUser struct {
	// Linux is the Linux identity.
	Linux *LinuxContainerUser `json:"linux,omitempty" protobuf:"bytes,1,opt,name=linux,casttype=LinuxContainerUser"`
}

// LinuxContainerUser reports the Linux user and groups of a container's first process.
type LinuxContainerUser struct {
	// UID is the user ID.
	UID int64 `json:"uid" protobuf:"varint,1,name=uid"`
	// GID is the primary group ID.
	GID int64 `json:"gid" protobuf:"varint,2,name=gid"`
	// SupplementalGroups are the extra group IDs.
	SupplementalGroups []int64 `json:"supplementalGroups,omitempty" protobuf:"varint,3,rep,name=supplementalGroups"`
}

// VolumeMountStatus reports the state of one volume mount of a container.
type VolumeMountStatus struct {
	// Name is the mount's volume name.
	Name string `json:"name" protobuf:"bytes,1,opt,name=name"`
	// MountPath is where it is mounted.
	MountPath string `json:"mountPath" protobuf:"bytes,2,opt,name=mountPath"`
	// ReadOnly reports a read-only mount.
	ReadOnly bool `json:"readOnly,omitempty" protobuf:"varint,3,opt,name=readOnly"`
	// RecursiveReadOnly reports the recursive read-only mode applied.
	RecursiveReadOnly *RecursiveReadOnlyMode `json:"recursiveReadOnly,omitempty" protobuf:"bytes,4,opt,name=recursiveReadOnly,casttype=RecursiveReadOnlyMode"`
	// VolumeStatus reports the volume's own state.
	VolumeStatus *VolumeStatus `json:"volumeStatus,omitempty" protobuf:"bytes,5,opt,name=volumeStatus"`
}

// VolumeStatus reports the state of one volume of a pod.
type VolumeStatus struct {
	// Image is set for image volumes.
	Image *ImageVolumeStatus `json:"image,omitempty" protobuf:"bytes,1,opt,name=image"`
}

// ImageVolumeStatus reports which image an image volume resolved to.
type ImageVolumeStatus struct {
	// ImageRef is the resolved image.
	ImageRef string `json:"imageRef,omitempty" protobuf:"bytes,1,opt,name=imageRef"`
}
