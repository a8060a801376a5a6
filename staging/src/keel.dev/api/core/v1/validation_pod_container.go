package v1

import (
	"fmt"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// containerContext carries what container validation needs from the pod spec.
//
// +keel:deepcopy-gen=false
type containerContext struct {
	spec        *PodSpec
	volumes     map[string]VolumeSource
	claims      map[string]bool
	gracePeriod int64
}

// validateContainers checks spec.containers.
func (c *containerContext) validateContainers(fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(c.spec.Containers) == 0 {
		errs = append(errs, field.Required(fldPath, ""))
	}
	names := map[string]bool{}
	for i := range c.spec.Containers {
		ctr := &c.spec.Containers[i]
		p := fldPath.Index(i)
		errs = append(errs, c.validateContainerCommon(ctr, p)...)
		if names[ctr.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), ctr.Name))
		}
		names[ctr.Name] = true
		if ctr.RestartPolicy != nil {
			errs = append(errs, field.Forbidden(p.Child("restartPolicy"), "may not be set for non-init containers"))
		}
		errs = append(errs, c.validateProbes(ctr, p)...)
		errs = append(errs, c.validateLifecycle(ctr.Lifecycle, p.Child("lifecycle"))...)
	}
	return errs
}

// validateInitContainers checks spec.initContainers, including sidecars
// (init containers with restartPolicy Always).
func (c *containerContext) validateInitContainers(fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := map[string]bool{}
	for _, ctr := range c.spec.Containers {
		names[ctr.Name] = true
	}
	for i := range c.spec.InitContainers {
		ctr := &c.spec.InitContainers[i]
		p := fldPath.Index(i)
		errs = append(errs, c.validateContainerCommon(ctr, p)...)
		if names[ctr.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), ctr.Name))
		}
		names[ctr.Name] = true
		switch {
		case ctr.RestartPolicy == nil:
			for _, f := range []namedFlag{
				{"lifecycle", ctr.Lifecycle != nil},
				{"livenessProbe", ctr.LivenessProbe != nil},
				{"readinessProbe", ctr.ReadinessProbe != nil},
				{"startupProbe", ctr.StartupProbe != nil},
			} {
				if f.set {
					errs = append(errs, field.Forbidden(p.Child(f.name), "may not be set for init containers without restartPolicy=Always"))
				}
			}
		case *ctr.RestartPolicy == ContainerRestartPolicyAlways:
			errs = append(errs, c.validateProbes(ctr, p)...)
			errs = append(errs, c.validateLifecycle(ctr.Lifecycle, p.Child("lifecycle"))...)
		default:
			errs = append(errs, field.NotSupported(p.Child("restartPolicy"), *ctr.RestartPolicy, []ContainerRestartPolicy{ContainerRestartPolicyAlways}))
		}
	}
	return errs
}

// validateEphemeralContainers checks spec.ephemeralContainers: unique names,
// an existing target and none of the fields ephemeral containers may not set.
func (c *containerContext) validateEphemeralContainers(fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := map[string]bool{}
	for _, ctr := range c.spec.Containers {
		names[ctr.Name] = true
	}
	for _, ctr := range c.spec.InitContainers {
		names[ctr.Name] = true
	}
	targets := map[string]bool{}
	for n := range names {
		targets[n] = true
	}
	for i := range c.spec.EphemeralContainers {
		ec := &c.spec.EphemeralContainers[i]
		p := fldPath.Index(i)
		ctr := Container(ec.EphemeralContainerCommon)
		errs = append(errs, c.validateContainerCommon(&ctr, p)...)
		if names[ec.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), ec.Name))
		}
		names[ec.Name] = true
		if ec.TargetContainerName != "" && !targets[ec.TargetContainerName] {
			errs = append(errs, field.NotFound(p.Child("targetContainerName"), ec.TargetContainerName))
		}
		const msg = "cannot be set for an Ephemeral Container"
		for _, f := range []namedFlag{
			{"ports", len(ec.Ports) > 0},
			{"resources", len(ec.Resources.Limits)+len(ec.Resources.Requests)+len(ec.Resources.Claims) > 0},
			{"resizePolicy", len(ec.ResizePolicy) > 0},
			{"lifecycle", ec.Lifecycle != nil},
			{"livenessProbe", ec.LivenessProbe != nil},
			{"readinessProbe", ec.ReadinessProbe != nil},
			{"startupProbe", ec.StartupProbe != nil},
			{"restartPolicy", ec.RestartPolicy != nil},
			{"restartPolicyRules", len(ec.RestartPolicyRules) > 0},
		} {
			if f.set {
				errs = append(errs, field.Forbidden(p.Child(f.name), msg))
			}
		}
		for j, m := range ec.VolumeMounts {
			if m.SubPath != "" {
				errs = append(errs, field.Forbidden(p.Child("volumeMounts").Index(j).Child("subPath"), "cannot be set for an Ephemeral Container"))
			}
		}
	}
	return errs
}

// namedFlag pairs a field name with whether the field is set.
//
// +keel:deepcopy-gen=false
type namedFlag struct {
	name string
	set  bool
}

// validateContainerCommon checks what every kind of container shares.
func (c *containerContext) validateContainerCommon(ctr *Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if ctr.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else {
		errs = append(errs, apivalidation.ValidateDNS1123Label(ctr.Name, p.Child("name"))...)
	}
	if ctr.Image == "" {
		errs = append(errs, field.Required(p.Child("image"), ""))
	}
	switch ctr.TerminationMessagePolicy {
	case TerminationMessageReadFile, TerminationMessageFallbackToLogsOnError:
	case "":
		errs = append(errs, field.Required(p.Child("terminationMessagePolicy"), ""))
	default:
		errs = append(errs, field.NotSupported(p.Child("terminationMessagePolicy"), ctr.TerminationMessagePolicy,
			[]TerminationMessagePolicy{TerminationMessageReadFile, TerminationMessageFallbackToLogsOnError}))
	}
	errs = append(errs, validateContainerPorts(ctr.Ports, p.Child("ports"))...)
	errs = append(errs, validateEnv(ctr.Env, p.Child("env"))...)
	errs = append(errs, validateEnvFrom(ctr.EnvFrom, p.Child("envFrom"))...)
	errs = append(errs, c.validateVolumeMounts(ctr, p.Child("volumeMounts"))...)
	errs = append(errs, c.validateVolumeDevices(ctr, p.Child("volumeDevices"))...)
	switch ctr.ImagePullPolicy {
	case PullAlways, PullIfNotPresent, PullNever:
	case "":
		errs = append(errs, field.Required(p.Child("imagePullPolicy"), ""))
	default:
		errs = append(errs, field.NotSupported(p.Child("imagePullPolicy"), ctr.ImagePullPolicy, []PullPolicy{PullAlways, PullIfNotPresent, PullNever}))
	}
	errs = append(errs, ValidateResourceRequirements(&ctr.Resources, p.Child("resources"))...)
	for i, claim := range ctr.Resources.Claims {
		if !c.claims[claim.Name] {
			errs = append(errs, field.NotFound(p.Child("resources", "claims").Index(i), claim.Name))
		}
	}
	errs = append(errs, validateResizePolicy(ctr.ResizePolicy, p.Child("resizePolicy"))...)
	errs = append(errs, validateSecurityContext(ctr.SecurityContext, p.Child("securityContext"))...)
	return errs
}

// validateContainerPorts checks a container's ports.
func validateContainerPorts(ports []ContainerPort, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := map[string]bool{}
	for i, port := range ports {
		p := fldPath.Index(i)
		if port.Name != "" {
			if msgs := validation.IsValidPortName(port.Name); len(msgs) != 0 {
				for _, msg := range msgs {
					errs = append(errs, field.Invalid(p.Child("name"), port.Name, msg))
				}
			} else if names[port.Name] {
				errs = append(errs, field.Duplicate(p.Child("name"), port.Name))
			} else {
				names[port.Name] = true
			}
		}
		if port.ContainerPort == 0 {
			errs = append(errs, field.Required(p.Child("containerPort"), ""))
		} else {
			for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
				errs = append(errs, field.Invalid(p.Child("containerPort"), port.ContainerPort, msg))
			}
		}
		if port.HostPort != 0 {
			for _, msg := range validation.IsValidPortNum(int(port.HostPort)) {
				errs = append(errs, field.Invalid(p.Child("hostPort"), port.HostPort, msg))
			}
		}
		switch port.Protocol {
		case ProtocolTCP, ProtocolUDP, ProtocolSCTP:
		case "":
			errs = append(errs, field.Required(p.Child("protocol"), ""))
		default:
			errs = append(errs, field.NotSupported(p.Child("protocol"), port.Protocol, []Protocol{ProtocolSCTP, ProtocolTCP, ProtocolUDP}))
		}
	}
	return errs
}

// validateHostPorts rejects host ports used twice in the pod and, with
// hostNetwork, container ports that differ from their host ports.
func validateHostPorts(spec *PodSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for _, group := range []struct {
		name string
		list []Container
	}{{"containers", spec.Containers}, {"initContainers", spec.InitContainers}} {
		for i, ctr := range group.list {
			for j, port := range ctr.Ports {
				p := fldPath.Child(group.name).Index(i).Child("ports").Index(j)
				if spec.HostNetwork && port.HostPort != 0 && port.HostPort != port.ContainerPort {
					errs = append(errs, field.Invalid(p.Child("containerPort"), port.ContainerPort, "must match `hostPort` when `hostNetwork` is true"))
				}
				if port.HostPort == 0 {
					continue
				}
				key := fmt.Sprintf("%s/%s/%d", port.Protocol, port.HostIP, port.HostPort)
				if seen[key] {
					errs = append(errs, field.Duplicate(p.Child("hostPort"), key))
				}
				seen[key] = true
			}
		}
	}
	return errs
}

// validateProbes checks a container's liveness, readiness and startup probes.
func (c *containerContext) validateProbes(ctr *Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, c.validateProbe(ctr.LivenessProbe, p.Child("livenessProbe"))...)
	errs = append(errs, c.validateProbe(ctr.ReadinessProbe, p.Child("readinessProbe"))...)
	errs = append(errs, c.validateProbe(ctr.StartupProbe, p.Child("startupProbe"))...)
	if ctr.LivenessProbe != nil && ctr.LivenessProbe.SuccessThreshold != 1 {
		errs = append(errs, field.Invalid(p.Child("livenessProbe", "successThreshold"), ctr.LivenessProbe.SuccessThreshold, "must be 1"))
	}
	if ctr.StartupProbe != nil && ctr.StartupProbe.SuccessThreshold != 1 {
		errs = append(errs, field.Invalid(p.Child("startupProbe", "successThreshold"), ctr.StartupProbe.SuccessThreshold, "must be 1"))
	}
	if ctr.ReadinessProbe != nil && ctr.ReadinessProbe.TerminationGracePeriodSeconds != nil {
		errs = append(errs, field.Invalid(p.Child("readinessProbe", "terminationGracePeriodSeconds"), *ctr.ReadinessProbe.TerminationGracePeriodSeconds, "must not be set for readinessProbes"))
	}
	return errs
}

// validateProbe checks one probe: exactly one handler and sane timings.
func (c *containerContext) validateProbe(probe *Probe, p *field.Path) field.ErrorList {
	if probe == nil {
		return nil
	}
	h := probe.ProbeHandler
	errs := validateHandler(handlerSet{
		{"exec", h.Exec != nil, func(p *field.Path) field.ErrorList { return validateExecAction(h.Exec, p) }},
		{"httpGet", h.HTTPGet != nil, func(p *field.Path) field.ErrorList { return validateHTTPGetAction(h.HTTPGet, p) }},
		{"tcpSocket", h.TCPSocket != nil, func(p *field.Path) field.ErrorList { return validatePortNumOrName(h.TCPSocket.Port, p.Child("port")) }},
		{"grpc", h.GRPC != nil, func(p *field.Path) field.ErrorList { return validateGRPCAction(h.GRPC, p) }},
	}, p)
	for _, f := range []struct {
		name string
		v    int32
	}{
		{"initialDelaySeconds", probe.InitialDelaySeconds},
		{"timeoutSeconds", probe.TimeoutSeconds},
		{"periodSeconds", probe.PeriodSeconds},
		{"successThreshold", probe.SuccessThreshold},
		{"failureThreshold", probe.FailureThreshold},
	} {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(f.v), p.Child(f.name))...)
	}
	if t := probe.TerminationGracePeriodSeconds; t != nil && *t <= 0 {
		errs = append(errs, field.Invalid(p.Child("terminationGracePeriodSeconds"), *t, "must be greater than 0"))
	}
	return errs
}

// handlerSet lists the members of a probe or hook handler: name, whether it
// is set, and how to check it.
//
// +keel:deepcopy-gen=false
type handlerSet []struct {
	name  string
	set   bool
	check func(*field.Path) field.ErrorList
}

// validateHandler requires exactly one handler member and checks it.
func validateHandler(hs handlerSet, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	for _, h := range hs {
		if !h.set {
			continue
		}
		if n > 0 {
			errs = append(errs, field.Forbidden(fldPath.Child(h.name), "may not specify more than 1 handler type"))
			continue
		}
		n++
		errs = append(errs, h.check(fldPath.Child(h.name))...)
	}
	if n == 0 {
		errs = append(errs, field.Required(fldPath, "must specify a handler type"))
	}
	return errs
}

// validateLifecycle checks a container's postStart and preStop hooks.
func (c *containerContext) validateLifecycle(l *Lifecycle, fldPath *field.Path) field.ErrorList {
	if l == nil {
		return nil
	}
	var errs field.ErrorList
	for _, hook := range []struct {
		name string
		h    *LifecycleHandler
	}{{"postStart", l.PostStart}, {"preStop", l.PreStop}} {
		name, h := hook.name, hook.h
		if h == nil {
			continue
		}
		errs = append(errs, validateHandler(handlerSet{
			{"exec", h.Exec != nil, func(p *field.Path) field.ErrorList { return validateExecAction(h.Exec, p) }},
			{"httpGet", h.HTTPGet != nil, func(p *field.Path) field.ErrorList { return validateHTTPGetAction(h.HTTPGet, p) }},
			{"tcpSocket", h.TCPSocket != nil, func(p *field.Path) field.ErrorList { return validatePortNumOrName(h.TCPSocket.Port, p.Child("port")) }},
			{"sleep", h.Sleep != nil, func(p *field.Path) field.ErrorList { return c.validateSleepAction(h.Sleep, p) }},
		}, fldPath.Child(name))...)
	}
	if l.StopSignal != nil && c.spec.OS == nil {
		errs = append(errs, field.Forbidden(fldPath.Child("stopSignal"), "may not be set for containers with empty `spec.os.name`"))
	}
	return errs
}

// validateSleepAction checks a sleep hook against the pod's grace period.
func (c *containerContext) validateSleepAction(s *SleepAction, fldPath *field.Path) field.ErrorList {
	if s.Seconds < 0 || s.Seconds > c.gracePeriod {
		return field.ErrorList{field.Invalid(fldPath, s.Seconds, fmt.Sprintf("must be non-negative and less than terminationGracePeriodSeconds (%d)", c.gracePeriod))}
	}
	return nil
}

// validateExecAction requires a command.
func validateExecAction(e *ExecAction, fldPath *field.Path) field.ErrorList {
	if len(e.Command) == 0 {
		return field.ErrorList{field.Required(fldPath.Child("command"), "")}
	}
	return nil
}

// validateHTTPGetAction checks path, port, scheme and header names.
func validateHTTPGetAction(h *HTTPGetAction, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if h.Path == "" {
		errs = append(errs, field.Required(fldPath.Child("path"), ""))
	}
	errs = append(errs, validatePortNumOrName(h.Port, fldPath.Child("port"))...)
	if h.Scheme != URISchemeHTTP && h.Scheme != URISchemeHTTPS {
		errs = append(errs, field.NotSupported(fldPath.Child("scheme"), h.Scheme, []URIScheme{URISchemeHTTP, URISchemeHTTPS}))
	}
	for _, hdr := range h.HTTPHeaders {
		for _, msg := range validation.IsHTTPHeaderName(hdr.Name) {
			errs = append(errs, field.Invalid(fldPath.Child("httpHeaders"), hdr.Name, msg))
		}
	}
	return errs
}

// validateGRPCAction checks the port of a gRPC probe.
func validateGRPCAction(g *GRPCAction, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsValidPortNum(int(g.Port)) {
		errs = append(errs, field.Invalid(fldPath.Child("port"), g.Port, msg))
	}
	return errs
}

// validateResizePolicy checks resizePolicy: cpu or memory, once each.
func validateResizePolicy(policies []ContainerResizePolicy, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[ResourceName]bool{}
	for i, rp := range policies {
		p := fldPath.Index(i)
		switch rp.ResourceName {
		case ResourceCPU, ResourceMemory:
		case "":
			errs = append(errs, field.Required(p, ""))
		default:
			errs = append(errs, field.NotSupported(p, rp.ResourceName, []ResourceName{ResourceCPU, ResourceMemory}))
		}
		if seen[rp.ResourceName] {
			errs = append(errs, field.Duplicate(p, rp.ResourceName))
		}
		seen[rp.ResourceName] = true
		switch rp.RestartPolicy {
		case NotRequired, RestartContainer:
		case "":
			errs = append(errs, field.Required(p, ""))
		default:
			errs = append(errs, field.NotSupported(p, rp.RestartPolicy, []ResourceResizeRestartPolicy{NotRequired, RestartContainer}))
		}
	}
	return errs
}

// validateSecurityContext checks a container's securityContext.
func validateSecurityContext(sc *SecurityContext, fldPath *field.Path) field.ErrorList {
	if sc == nil {
		return nil
	}
	var errs field.ErrorList
	if sc.RunAsUser != nil {
		for _, msg := range validation.IsValidUserID(*sc.RunAsUser) {
			errs = append(errs, field.Invalid(fldPath.Child("runAsUser"), *sc.RunAsUser, msg))
		}
	}
	if sc.RunAsGroup != nil {
		for _, msg := range validation.IsValidGroupID(*sc.RunAsGroup) {
			errs = append(errs, field.Invalid(fldPath.Child("runAsGroup"), *sc.RunAsGroup, msg))
		}
	}
	if pm := sc.ProcMount; pm != nil && *pm != DefaultProcMount && *pm != UnmaskedProcMount {
		errs = append(errs, field.NotSupported(fldPath.Child("procMount"), *pm, []ProcMountType{DefaultProcMount, UnmaskedProcMount}))
	}
	errs = append(errs, validateSeccompProfile(sc.SeccompProfile, fldPath.Child("seccompProfile"))...)
	errs = append(errs, validateAppArmorProfile(sc.AppArmorProfile, fldPath.Child("appArmorProfile"))...)
	if sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation {
		if sc.Privileged != nil && *sc.Privileged {
			errs = append(errs, field.Invalid(fldPath, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
		}
		if sc.Capabilities != nil {
			for _, cap := range sc.Capabilities.Add {
				if strings.EqualFold(string(cap), "CAP_SYS_ADMIN") {
					errs = append(errs, field.Invalid(fldPath, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
				}
			}
		}
	}
	return errs
}

// validatePortNumOrName checks a probe or hook port: a valid number or an
// IANA service name.
func validatePortNumOrName(port intstr.IntOrString, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch port.Type {
	case intstr.Int:
		for _, msg := range validation.IsValidPortNum(int(port.IntVal)) {
			errs = append(errs, field.Invalid(fldPath, port.IntVal, msg))
		}
	case intstr.String:
		for _, msg := range validation.IsValidPortName(port.StrVal) {
			errs = append(errs, field.Invalid(fldPath, port.StrVal, msg))
		}
	default:
		errs = append(errs, field.InternalError(fldPath, fmt.Errorf("unknown type: %v", port.Type)))
	}
	return errs
}
