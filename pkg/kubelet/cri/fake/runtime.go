package fake

import (
	"context"
	"fmt"
	"path/filepath"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// Version reports the fake runtime.
func (s *Server) Version(ctx context.Context, req *runtimeapi.VersionRequest) (*runtimeapi.VersionResponse, error) {
	if err := s.enter("Version", ""); err != nil {
		return nil, err
	}
	return &runtimeapi.VersionResponse{Version: "0.1.0", RuntimeName: "fake", RuntimeVersion: "1.0", RuntimeApiVersion: "v1"}, nil
}

// Status reports the runtime as ready.
func (s *Server) Status(ctx context.Context, req *runtimeapi.StatusRequest) (*runtimeapi.StatusResponse, error) {
	if err := s.enter("Status", ""); err != nil {
		return nil, err
	}
	return &runtimeapi.StatusResponse{Status: &runtimeapi.RuntimeStatus{Conditions: []*runtimeapi.RuntimeCondition{
		{Type: runtimeapi.RuntimeReady, Status: true}, {Type: runtimeapi.NetworkReady, Status: true}}}}, nil
}

// RunPodSandbox creates a ready sandbox.
func (s *Server) RunPodSandbox(ctx context.Context, req *runtimeapi.RunPodSandboxRequest) (*runtimeapi.RunPodSandboxResponse, error) {
	if err := s.enter("RunPodSandbox", req.GetConfig().GetMetadata().GetName()); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID("sb")
	ip := fmt.Sprintf("10.88.0.%d", 1+s.seq%250)
	if req.GetConfig().GetLinux().GetSecurityContext().GetNamespaceOptions().GetNetwork() == runtimeapi.NamespaceMode_NODE {
		ip = ""
	}
	s.sandboxes[id] = &Sandbox{ID: id, Config: req.Config, State: runtimeapi.PodSandboxState_SANDBOX_READY, CreatedAt: s.now().UnixNano(), IP: ip}
	return &runtimeapi.RunPodSandboxResponse{PodSandboxId: id}, nil
}

// StopPodSandbox stops a sandbox and kills its containers.
func (s *Server) StopPodSandbox(ctx context.Context, req *runtimeapi.StopPodSandboxRequest) (*runtimeapi.StopPodSandboxResponse, error) {
	if err := s.enter("StopPodSandbox", s.sandboxName(req.PodSandboxId)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sb, ok := s.sandboxes[req.PodSandboxId]
	if !ok {
		return &runtimeapi.StopPodSandboxResponse{}, nil
	}
	sb.State = runtimeapi.PodSandboxState_SANDBOX_NOTREADY
	for _, c := range s.containers {
		if c.SandboxID == sb.ID && c.State == runtimeapi.ContainerState_CONTAINER_RUNNING {
			c.State = runtimeapi.ContainerState_CONTAINER_EXITED
			c.ExitCode = 137
			c.Reason = "Error"
			c.FinishedAt = s.now().UnixNano()
		}
	}
	return &runtimeapi.StopPodSandboxResponse{}, nil
}

// RemovePodSandbox removes a sandbox and its containers.
func (s *Server) RemovePodSandbox(ctx context.Context, req *runtimeapi.RemovePodSandboxRequest) (*runtimeapi.RemovePodSandboxResponse, error) {
	if err := s.enter("RemovePodSandbox", s.sandboxName(req.PodSandboxId)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, c := range s.containers {
		if c.SandboxID == req.PodSandboxId {
			delete(s.containers, id)
		}
	}
	delete(s.sandboxes, req.PodSandboxId)
	return &runtimeapi.RemovePodSandboxResponse{}, nil
}

// PodSandboxStatus reports one sandbox.
func (s *Server) PodSandboxStatus(ctx context.Context, req *runtimeapi.PodSandboxStatusRequest) (*runtimeapi.PodSandboxStatusResponse, error) {
	if err := s.enter("PodSandboxStatus", ""); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sb, ok := s.sandboxes[req.PodSandboxId]
	if !ok {
		return nil, notFound("sandbox", req.PodSandboxId)
	}
	st := &runtimeapi.PodSandboxStatus{
		Id: sb.ID, Metadata: sb.Config.Metadata, State: sb.State, CreatedAt: sb.CreatedAt,
		Labels: sb.Config.Labels, Annotations: sb.Config.Annotations,
		Linux: &runtimeapi.LinuxPodSandboxStatus{Namespaces: &runtimeapi.Namespace{Options: sb.Config.GetLinux().GetSecurityContext().GetNamespaceOptions()}},
	}
	if sb.IP != "" {
		st.Network = &runtimeapi.PodSandboxNetworkStatus{Ip: sb.IP}
	}
	return &runtimeapi.PodSandboxStatusResponse{Status: st}, nil
}

// ListPodSandbox lists sandboxes matching the filter.
func (s *Server) ListPodSandbox(ctx context.Context, req *runtimeapi.ListPodSandboxRequest) (*runtimeapi.ListPodSandboxResponse, error) {
	if err := s.enter("ListPodSandbox", ""); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := req.GetFilter()
	out := &runtimeapi.ListPodSandboxResponse{}
	for _, sb := range s.sandboxes {
		if f != nil && (f.Id != "" && f.Id != sb.ID || f.State != nil && f.State.State != sb.State || !matchLabels(f.LabelSelector, sb.Config.Labels)) {
			continue
		}
		out.Items = append(out.Items, &runtimeapi.PodSandbox{Id: sb.ID, Metadata: sb.Config.Metadata, State: sb.State,
			CreatedAt: sb.CreatedAt, Labels: sb.Config.Labels, Annotations: sb.Config.Annotations})
	}
	return out, nil
}

// CreateContainer creates a container in a ready sandbox.
func (s *Server) CreateContainer(ctx context.Context, req *runtimeapi.CreateContainerRequest) (*runtimeapi.CreateContainerResponse, error) {
	if err := s.enter("CreateContainer", req.GetConfig().GetMetadata().GetName()); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sb, ok := s.sandboxes[req.PodSandboxId]
	if !ok || sb.State != runtimeapi.PodSandboxState_SANDBOX_READY {
		return nil, fmt.Errorf("sandbox %q is not ready", req.PodSandboxId)
	}
	img := req.GetConfig().GetImage().GetImage()
	ref := img
	if im, ok := s.images[img]; ok {
		ref = im.Id
	}
	id := s.nextID("c")
	s.containers[id] = &Container{ID: id, SandboxID: sb.ID, Config: req.Config, State: runtimeapi.ContainerState_CONTAINER_CREATED,
		CreatedAt: s.now().UnixNano(), ImageRef: ref}
	return &runtimeapi.CreateContainerResponse{ContainerId: id}, nil
}

// StartContainer starts a created container.
func (s *Server) StartContainer(ctx context.Context, req *runtimeapi.StartContainerRequest) (*runtimeapi.StartContainerResponse, error) {
	if err := s.enter("StartContainer", s.containerName(req.ContainerId)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.containers[req.ContainerId]
	if !ok {
		return nil, notFound("container", req.ContainerId)
	}
	if c.State != runtimeapi.ContainerState_CONTAINER_CREATED {
		return nil, fmt.Errorf("container %q is not in created state", c.ID)
	}
	c.State = runtimeapi.ContainerState_CONTAINER_RUNNING
	c.StartedAt = s.now().UnixNano()
	if s.onStart != nil {
		s.onStart(c)
	}
	if c.State == runtimeapi.ContainerState_CONTAINER_EXITED && c.FinishedAt == 0 {
		c.FinishedAt = s.now().UnixNano()
	}
	return &runtimeapi.StartContainerResponse{}, nil
}

// StopContainer stops a running container; it exits 137 unless an OnStop hook says otherwise.
func (s *Server) StopContainer(ctx context.Context, req *runtimeapi.StopContainerRequest) (*runtimeapi.StopContainerResponse, error) {
	if err := s.enter("StopContainer", fmt.Sprintf("%s %d", s.containerName(req.ContainerId), req.Timeout)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.containers[req.ContainerId]
	if !ok {
		return nil, notFound("container", req.ContainerId)
	}
	c.StopTimeout = req.Timeout
	if c.State == runtimeapi.ContainerState_CONTAINER_RUNNING {
		c.State = runtimeapi.ContainerState_CONTAINER_EXITED
		c.ExitCode = 137
		c.Reason = "Error"
		if s.onStop != nil {
			s.onStop(c, req.Timeout)
		}
		c.FinishedAt = s.now().UnixNano()
	} else if c.State == runtimeapi.ContainerState_CONTAINER_CREATED {
		c.State = runtimeapi.ContainerState_CONTAINER_EXITED
		c.FinishedAt = s.now().UnixNano()
	}
	return &runtimeapi.StopContainerResponse{}, nil
}

// RemoveContainer deletes a container.
func (s *Server) RemoveContainer(ctx context.Context, req *runtimeapi.RemoveContainerRequest) (*runtimeapi.RemoveContainerResponse, error) {
	if err := s.enter("RemoveContainer", s.containerName(req.ContainerId)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.containers, req.ContainerId)
	return &runtimeapi.RemoveContainerResponse{}, nil
}

func (s *Server) toListItem(c *Container) *runtimeapi.Container {
	return &runtimeapi.Container{Id: c.ID, PodSandboxId: c.SandboxID, Metadata: c.Config.Metadata, Image: c.Config.Image,
		ImageRef: c.ImageRef, State: c.State, CreatedAt: c.CreatedAt, Labels: c.Config.Labels, Annotations: c.Config.Annotations}
}

// ListContainers lists containers matching the filter.
func (s *Server) ListContainers(ctx context.Context, req *runtimeapi.ListContainersRequest) (*runtimeapi.ListContainersResponse, error) {
	if err := s.enter("ListContainers", ""); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := req.GetFilter()
	out := &runtimeapi.ListContainersResponse{}
	for _, c := range s.containers {
		if f != nil && (f.Id != "" && f.Id != c.ID || f.PodSandboxId != "" && f.PodSandboxId != c.SandboxID ||
			f.State != nil && f.State.State != c.State || !matchLabels(f.LabelSelector, c.Config.Labels)) {
			continue
		}
		out.Containers = append(out.Containers, s.toListItem(c))
	}
	return out, nil
}

// ContainerStatus reports one container.
func (s *Server) ContainerStatus(ctx context.Context, req *runtimeapi.ContainerStatusRequest) (*runtimeapi.ContainerStatusResponse, error) {
	if err := s.enter("ContainerStatus", ""); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.containers[req.ContainerId]
	if !ok {
		return nil, notFound("container", req.ContainerId)
	}
	logPath := c.Config.LogPath
	if sb := s.sandboxes[c.SandboxID]; sb != nil && logPath != "" {
		// runtimes report the full path: the sandbox's log directory joined with the container's.
		logPath = filepath.Join(sb.Config.GetLogDirectory(), logPath)
	}
	return &runtimeapi.ContainerStatusResponse{Status: &runtimeapi.ContainerStatus{
		Id: c.ID, Metadata: c.Config.Metadata, State: c.State, CreatedAt: c.CreatedAt, StartedAt: c.StartedAt,
		FinishedAt: c.FinishedAt, ExitCode: c.ExitCode, Image: c.Config.Image, ImageRef: c.ImageRef, Reason: c.Reason,
		Message: c.Message, Labels: c.Config.Labels, Annotations: c.Config.Annotations, Mounts: c.Config.Mounts,
		LogPath: logPath,
	}}, nil
}

// ExecSync runs the installed exec handler.
func (s *Server) ExecSync(ctx context.Context, req *runtimeapi.ExecSyncRequest) (*runtimeapi.ExecSyncResponse, error) {
	if err := s.enter("ExecSync", s.containerName(req.ContainerId)); err != nil {
		return nil, err
	}
	s.mu.Lock()
	c, ok := s.containers[req.ContainerId]
	var cp Container
	if ok {
		cp = *c
	}
	f := s.exec
	s.mu.Unlock()
	if !ok {
		return nil, notFound("container", req.ContainerId)
	}
	if cp.State != runtimeapi.ContainerState_CONTAINER_RUNNING {
		return nil, fmt.Errorf("container %q is not running", cp.ID)
	}
	if f == nil {
		return &runtimeapi.ExecSyncResponse{}, nil
	}
	out, errOut, code, err := f(&cp, req.Cmd)
	if err != nil {
		return nil, err
	}
	return &runtimeapi.ExecSyncResponse{Stdout: []byte(out), Stderr: []byte(errOut), ExitCode: code}, nil
}
