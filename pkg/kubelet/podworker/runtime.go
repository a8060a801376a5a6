package podworker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/envvars"
	"keel.dev/keel/pkg/kubelet/resources"
	"keel.dev/keel/pkg/kubelet/status"
)

// ensureSandbox returns the ID of a ready sandbox, creating one when needed.
func (w *Worker) ensureSandbox(ctx context.Context, pod *corev1.Pod, obs *observed) (string, error) {
	if obs.ready() {
		return obs.sandbox.Id, nil
	}
	w.acted.Add(1)
	attempt := uint32(0)
	if len(obs.sandboxes) > 0 {
		attempt = obs.sandboxes[0].Metadata.GetAttempt() + 1
		// containers of a dead sandbox are gone with it; stop leftovers.
		for _, sb := range obs.sandboxes {
			if sb.State == runtimeapi.PodSandboxState_SANDBOX_READY {
				_, _ = w.cfg.Runtime.StopPodSandbox(ctx, &runtimeapi.StopPodSandboxRequest{PodSandboxId: sb.Id})
			}
		}
	}
	cfg := w.sandboxConfig(pod, attempt)
	if err := os.MkdirAll(cfg.LogDirectory, 0o755); err != nil {
		return "", fmt.Errorf("create log directory: %w", err)
	}
	resp, err := w.cfg.Runtime.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: cfg})
	if err != nil {
		w.cfg.Recorder.Eventf(pod, EventWarning, "FailedCreatePodSandBox", "Failed to create pod sandbox: %v", err)
		return "", fmt.Errorf("run pod sandbox: %w", err)
	}
	st, err := w.cfg.Runtime.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: resp.PodSandboxId})
	if err != nil {
		return "", fmt.Errorf("sandbox status: %w", err)
	}
	obs.sandbox = st.Status
	obs.sandboxes = append([]*runtimeapi.PodSandbox{{Id: resp.PodSandboxId, Metadata: cfg.Metadata, State: st.Status.State}}, obs.sandboxes...)
	return resp.PodSandboxId, nil
}

// LogDirectory returns the pod's log directory under root.
func LogDirectory(root string, pod *corev1.Pod) string {
	return filepath.Join(root, fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID))
}

func (w *Worker) sandboxConfig(pod *corev1.Pod, attempt uint32) *runtimeapi.PodSandboxConfig {
	labels := map[string]string{}
	for k, v := range pod.Labels {
		labels[k] = v
	}
	labels[cri.LabelPodName] = pod.Name
	labels[cri.LabelPodNamespace] = pod.Namespace
	labels[cri.LabelPodUID] = string(pod.UID)
	annotations := map[string]string{}
	for k, v := range pod.Annotations {
		annotations[k] = v
	}
	hostname := pod.Name
	if pod.Spec.Hostname != "" {
		hostname = pod.Spec.Hostname
	}
	if pod.Spec.HostNetwork {
		hostname = "" // the pod shares the node's UTS namespace and hostname
	}
	ns := &runtimeapi.NamespaceOption{Network: runtimeapi.NamespaceMode_POD, Pid: runtimeapi.NamespaceMode_CONTAINER, Ipc: runtimeapi.NamespaceMode_POD}
	if pod.Spec.HostNetwork {
		ns.Network = runtimeapi.NamespaceMode_NODE
	}
	if pod.Spec.HostPID {
		ns.Pid = runtimeapi.NamespaceMode_NODE
	} else if pod.Spec.ShareProcessNamespace != nil && *pod.Spec.ShareProcessNamespace {
		ns.Pid = runtimeapi.NamespaceMode_POD
	}
	if pod.Spec.HostIPC {
		ns.Ipc = runtimeapi.NamespaceMode_NODE
	}
	sc := &runtimeapi.LinuxSandboxSecurityContext{NamespaceOptions: ns}
	var sysctls map[string]string
	if psc := pod.Spec.SecurityContext; psc != nil {
		if psc.RunAsUser != nil {
			sc.RunAsUser = &runtimeapi.Int64Value{Value: *psc.RunAsUser}
		}
		if psc.RunAsGroup != nil {
			sc.RunAsGroup = &runtimeapi.Int64Value{Value: *psc.RunAsGroup}
		}
		sc.SupplementalGroups = append(sc.SupplementalGroups, psc.SupplementalGroups...)
		if psc.FSGroup != nil {
			sc.SupplementalGroups = append(sc.SupplementalGroups, *psc.FSGroup)
		}
		for _, s := range psc.Sysctls {
			if sysctls == nil {
				sysctls = map[string]string{}
			}
			sysctls[s.Name] = s.Value
		}
	}
	var ports []*runtimeapi.PortMapping
	corev1.VisitContainers(&pod.Spec, func(c *corev1.Container) bool {
		for _, p := range c.Ports {
			if p.HostPort == 0 {
				continue
			}
			proto := runtimeapi.Protocol_TCP
			switch p.Protocol {
			case corev1.ProtocolUDP:
				proto = runtimeapi.Protocol_UDP
			case corev1.ProtocolSCTP:
				proto = runtimeapi.Protocol_SCTP
			}
			ports = append(ports, &runtimeapi.PortMapping{Protocol: proto, ContainerPort: p.ContainerPort, HostPort: p.HostPort, HostIp: p.HostIP})
		}
		return true
	})
	return &runtimeapi.PodSandboxConfig{
		Metadata:     &runtimeapi.PodSandboxMetadata{Name: pod.Name, Uid: string(pod.UID), Namespace: pod.Namespace, Attempt: attempt},
		Hostname:     hostname,
		LogDirectory: LogDirectory(w.cfg.PodLogsDir, pod),
		DnsConfig:    w.dnsConfig(pod),
		PortMappings: ports,
		Labels:       labels,
		Annotations:  annotations,
		Linux:        &runtimeapi.LinuxPodSandboxConfig{CgroupParent: w.cfg.CgroupParent, SecurityContext: sc, Sysctls: sysctls},
	}
}

// dnsConfig applies the pod's dnsPolicy and dnsConfig; nil means the host's resolv.conf.
func (w *Worker) dnsConfig(pod *corev1.Pod) *runtimeapi.DNSConfig {
	policy := pod.Spec.DNSPolicy
	if policy == "" {
		policy = corev1.DNSClusterFirst
	}
	var dns *runtimeapi.DNSConfig
	cluster := policy == corev1.DNSClusterFirstWithHostNet || (policy == corev1.DNSClusterFirst && !pod.Spec.HostNetwork)
	switch {
	case policy == corev1.DNSNone:
		dns = &runtimeapi.DNSConfig{}
	case cluster && len(w.cfg.ClusterDNS) > 0:
		d := w.cfg.ClusterDomain
		dns = &runtimeapi.DNSConfig{
			Servers:  append([]string(nil), w.cfg.ClusterDNS...),
			Searches: []string{pod.Namespace + ".svc." + d, "svc." + d, d},
			Options:  []string{"ndots:5"},
		}
	}
	if pc := pod.Spec.DNSConfig; pc != nil {
		if dns == nil {
			dns = &runtimeapi.DNSConfig{}
		}
		dns.Servers = append(dns.Servers, pc.Nameservers...)
		dns.Searches = append(dns.Searches, pc.Searches...)
		for _, o := range pc.Options {
			opt := o.Name
			if o.Value != nil {
				opt += ":" + *o.Value
			}
			dns.Options = append(dns.Options, opt)
		}
	}
	return dns
}

// pullPolicy defaults an empty policy like the API server does.
func pullPolicy(c *corev1.Container) corev1.PullPolicy {
	if c.ImagePullPolicy != "" {
		return c.ImagePullPolicy
	}
	img := c.Image
	if i := strings.LastIndex(img, "/"); i >= 0 {
		img = img[i+1:]
	}
	if strings.Contains(img, "@") {
		return corev1.PullIfNotPresent
	}
	if j := strings.LastIndex(img, ":"); j < 0 || img[j+1:] == "latest" {
		return corev1.PullAlways
	}
	return corev1.PullIfNotPresent
}

// ensureImage pulls c's image by policy and returns the image reference,
// or records a waiting reason and returns an error.
func (w *Worker) ensureImage(ctx context.Context, pod *corev1.Pod, c *corev1.Container) (string, error) {
	spec := &runtimeapi.ImageSpec{Image: c.Image, UserSpecifiedImage: c.Image}
	policy := pullPolicy(c)
	present := ""
	if policy != corev1.PullAlways {
		st, err := w.cfg.Runtime.ImageStatus(ctx, &runtimeapi.ImageStatusRequest{Image: spec})
		if err != nil {
			return "", fmt.Errorf("image status %s: %w", c.Image, err)
		}
		if st.Image != nil {
			present = st.Image.Id
		}
	}
	if present != "" {
		w.cfg.Recorder.Eventf(pod, EventNormal, "Pulled", "Container image %q already present on machine", c.Image)
		return present, nil
	}
	if policy == corev1.PullNever {
		msg := fmt.Sprintf("Container image %q is not present with pull policy of Never", c.Image)
		w.setWaiting(c.Name, status.ReasonErrImageNeverPull, msg)
		w.cfg.Recorder.Eventf(pod, EventWarning, "ErrImageNeverPull", "%s", msg)
		return "", fmt.Errorf("%s", msg)
	}
	key := string(pod.UID) + "/" + c.Name + "/" + c.Image
	if w.cfg.ImageBackoff.InBackoffSinceUpdate(key) {
		msg := fmt.Sprintf("Back-off pulling image %q", c.Image)
		w.setWaiting(c.Name, status.ReasonImagePullBackOff, msg)
		w.cfg.Recorder.Eventf(pod, EventNormal, "BackOff", "%s", msg)
		return "", fmt.Errorf("%s", msg)
	}
	w.releaseStartSlot()
	w.cfg.Recorder.Eventf(pod, EventNormal, "Pulling", "Pulling image %q", c.Image)
	began := w.cfg.Clock.Now()
	resp, err := w.cfg.Runtime.PullImage(ctx, &runtimeapi.PullImageRequest{Image: spec})
	if err != nil {
		w.cfg.ImageBackoff.Next(key, w.cfg.Clock.Now())
		msg := fmt.Sprintf("Failed to pull image %q: %v", c.Image, err)
		w.setWaiting(c.Name, status.ReasonErrImagePull, msg)
		w.cfg.Recorder.Eventf(pod, EventWarning, "Failed", "%s", msg)
		return "", fmt.Errorf("%s", msg)
	}
	w.cfg.ImageBackoff.Reset(key)
	took := w.cfg.Clock.Now().Sub(began)
	size := ""
	if st, err := w.cfg.Runtime.ImageStatus(ctx, &runtimeapi.ImageStatusRequest{Image: spec}); err == nil && st.Image != nil {
		size = fmt.Sprintf(" Image size: %d bytes.", st.Image.GetSize())
	}
	w.cfg.Recorder.Eventf(pod, EventNormal, "Pulled", "Successfully pulled image %q in %s (%s including waiting).%s", c.Image, took, took, size)
	return resp.ImageRef, nil
}

// startContainer pulls, creates and starts c, then runs its postStart hook.
func (w *Worker) startContainer(ctx context.Context, pod *corev1.Pod, c *corev1.Container, attempt int32, sandboxID string, obs *observed, podIP string) error {
	w.acted.Add(1)
	imageRef, err := w.ensureImage(ctx, pod, c)
	if err != nil {
		return err
	}
	cfg, err := w.containerConfig(pod, c, attempt, imageRef, obs)
	if err != nil {
		w.setWaiting(c.Name, "CreateContainerConfigError", err.Error())
		w.cfg.Recorder.Eventf(pod, EventWarning, "Failed", "Error: %v", err)
		return err
	}
	sbCfg := w.sandboxConfig(pod, obs.sandboxes[0].Metadata.GetAttempt())
	created, err := w.cfg.Runtime.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sandboxID, Config: cfg, SandboxConfig: sbCfg})
	if err != nil {
		w.setWaiting(c.Name, "CreateContainerError", err.Error())
		w.cfg.Recorder.Eventf(pod, EventWarning, "Failed", "Error: %v", err)
		return fmt.Errorf("create container %s: %w", c.Name, err)
	}
	w.cfg.Recorder.Eventf(pod, EventNormal, "Created", "Created container: %s", c.Name)
	if _, err := w.cfg.Runtime.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: created.ContainerId}); err != nil {
		w.setWaiting(c.Name, "RunContainerError", err.Error())
		w.cfg.Recorder.Eventf(pod, EventWarning, "Failed", "Error: %v", err)
		return fmt.Errorf("start container %s: %w", c.Name, err)
	}
	w.cfg.Recorder.Eventf(pod, EventNormal, "Started", "Started container %s", c.Name)
	if c.Lifecycle != nil && c.Lifecycle.PostStart != nil {
		w.releaseStartSlot()
		if err := w.hooks.Run(ctx, pod, c, created.ContainerId, podIP, c.Lifecycle.PostStart); err != nil {
			w.cfg.Recorder.Eventf(pod, EventWarning, "FailedPostStartHook", "PostStartHook failed: %v", err)
			_ = w.killContainer(ctx, pod, c, created.ContainerId, podIP, gracePeriod(pod))
			return fmt.Errorf("postStart hook of %s: %w", c.Name, err)
		}
	}
	return nil
}

func (w *Worker) containerConfig(pod *corev1.Pod, c *corev1.Container, attempt int32, imageRef string, obs *observed) (*runtimeapi.ContainerConfig, error) {
	podIPs := obs.podIPs()
	if len(podIPs) == 0 && pod.Spec.HostNetwork {
		podIPs = w.cfg.HostIPs
	}
	env, err := envvars.Make(envvars.Context{
		Pod: pod, PodIPs: podIPs, HostIPs: w.cfg.HostIPs, NodeAllocatable: w.cfg.NodeAllocatable,
		Getter: w.cfg.Getter, Services: w.cfg.Services,
	}, c)
	if err != nil {
		return nil, err
	}
	vals := map[string]string{}
	var envs []*runtimeapi.KeyValue
	for _, e := range env {
		vals[e.Name] = e.Value
		envs = append(envs, &runtimeapi.KeyValue{Key: e.Name, Value: []byte(e.Value)})
	}
	expand := func(in []string) []string {
		out := make([]string, len(in))
		for i, s := range in {
			out[i] = envvars.Expand(s, vals)
		}
		return out
	}
	var mounts []*runtimeapi.Mount
	if w.cfg.Volumes != nil {
		if mounts, err = w.cfg.Volumes.Mounts(pod, c); err != nil {
			return nil, err
		}
	}
	if tm, err := w.terminationMount(pod, c, attempt, mounts); err != nil {
		return nil, fmt.Errorf("termination message file: %w", err)
	} else if tm != nil {
		mounts = append(mounts, tm)
	}
	termPath := c.TerminationMessagePath
	if termPath == "" {
		termPath = corev1.TerminationMessagePathDefault
	}
	sc := &runtimeapi.LinuxContainerSecurityContext{
		NamespaceOptions: w.sandboxConfig(pod, 0).Linux.SecurityContext.NamespaceOptions,
	}
	if psc := pod.Spec.SecurityContext; psc != nil {
		if psc.RunAsUser != nil {
			sc.RunAsUser = &runtimeapi.Int64Value{Value: *psc.RunAsUser}
		}
		if psc.RunAsGroup != nil {
			sc.RunAsGroup = &runtimeapi.Int64Value{Value: *psc.RunAsGroup}
		}
		sc.SupplementalGroups = append(sc.SupplementalGroups, psc.SupplementalGroups...)
	}
	if csc := c.SecurityContext; csc != nil {
		if csc.RunAsUser != nil {
			sc.RunAsUser = &runtimeapi.Int64Value{Value: *csc.RunAsUser}
		}
		if csc.RunAsGroup != nil {
			sc.RunAsGroup = &runtimeapi.Int64Value{Value: *csc.RunAsGroup}
		}
		sc.Privileged = csc.Privileged != nil && *csc.Privileged
		sc.ReadonlyRootfs = csc.ReadOnlyRootFilesystem != nil && *csc.ReadOnlyRootFilesystem
		sc.NoNewPrivs = csc.AllowPrivilegeEscalation != nil && !*csc.AllowPrivilegeEscalation
		if caps := csc.Capabilities; caps != nil {
			sc.Capabilities = &runtimeapi.Capability{}
			for _, a := range caps.Add {
				sc.Capabilities.AddCapabilities = append(sc.Capabilities.AddCapabilities, string(a))
			}
			for _, d := range caps.Drop {
				sc.Capabilities.DropCapabilities = append(sc.Capabilities.DropCapabilities, string(d))
			}
		}
	}
	return &runtimeapi.ContainerConfig{
		Metadata:   &runtimeapi.ContainerMetadata{Name: c.Name, Attempt: uint32(attempt)},
		Image:      &runtimeapi.ImageSpec{Image: imageRef, UserSpecifiedImage: c.Image},
		Command:    expand(c.Command),
		Args:       expand(c.Args),
		WorkingDir: c.WorkingDir,
		Envs:       envs,
		Mounts:     mounts,
		Labels: map[string]string{
			cri.LabelContainerName: c.Name, cri.LabelPodName: pod.Name,
			cri.LabelPodNamespace: pod.Namespace, cri.LabelPodUID: string(pod.UID),
		},
		Annotations: map[string]string{
			cri.AnnotationRestarts: strconv.Itoa(int(attempt)),
			cri.AnnotationTermPath: termPath,
			cri.AnnotationGrace:    strconv.FormatInt(gracePeriod(pod), 10),
		},
		LogPath:   filepath.Join(c.Name, strconv.Itoa(int(attempt))+".log"),
		Stdin:     c.Stdin,
		StdinOnce: c.StdinOnce,
		Tty:       c.TTY,
		Linux: &runtimeapi.LinuxContainerConfig{
			Resources:       resources.Linux(pod, c, w.cfg.MemoryCapacity),
			SecurityContext: sc,
		},
	}, nil
}
