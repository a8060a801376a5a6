package v1

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// Limits of a pod's DNS configuration, as Kubernetes enforces them.
const (
	MaxDNSNameservers     = 3
	MaxDNSSearchPaths     = 32
	MaxDNSSearchListChars = 2048
)

// ValidatePodName checks a pod name: a DNS subdomain.
var ValidatePodName apivalidation.ValidateNameFunc = apivalidation.NameIsDNSSubdomain

// addPodValidators registers the create and update validation of the pod kinds.
func addPodValidators(s *runtime.Scheme) {
	runtime.AddTypedValidator(s, func(obj, old *Pod) field.ErrorList {
		if old == nil {
			return ValidatePodCreate(obj)
		}
		return ValidatePodUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *PodTemplate) field.ErrorList {
		if old == nil {
			return ValidatePodTemplate(obj)
		}
		return ValidatePodTemplateUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, _ *Binding) field.ErrorList {
		return ValidatePodBinding(obj)
	})
}

// validatePodMetadataAndSpec checks the metadata and spec of a pod, the part
// shared by create and update.
func validatePodMetadataAndSpec(pod *Pod) field.ErrorList {
	metaPath := field.NewPath("metadata")
	specPath := field.NewPath("spec")
	errs := apivalidation.ValidateObjectMeta(&pod.ObjectMeta, true, ValidatePodName, metaPath)
	errs = append(errs, ValidatePodSpec(&pod.Spec, &pod.ObjectMeta, specPath)...)
	for i := range pod.Spec.Containers {
		errs = append(errs, validateImageWhitespace(pod.Spec.Containers[i].Image, specPath.Child("containers").Index(i).Child("image"))...)
	}
	for i := range pod.Spec.InitContainers {
		errs = append(errs, validateImageWhitespace(pod.Spec.InitContainers[i].Image, specPath.Child("initContainers").Index(i).Child("image"))...)
	}
	return errs
}

// validateImageWhitespace rejects images with surrounding spaces; Kubernetes
// checks this for pods only, not for templates.
func validateImageWhitespace(image string, fldPath *field.Path) field.ErrorList {
	if len(image) != len(strings.TrimSpace(image)) {
		return field.ErrorList{field.Invalid(fldPath, image, "must not have leading or trailing whitespace")}
	}
	return nil
}

// ValidatePodCreate checks a pod being created.
func ValidatePodCreate(pod *Pod) field.ErrorList {
	errs := validatePodMetadataAndSpec(pod)
	specPath := field.NewPath("spec")
	if len(pod.Spec.EphemeralContainers) > 0 {
		errs = append(errs, field.Forbidden(specPath.Child("ephemeralContainers"), "cannot be set on create"))
	}
	if pod.Spec.NodeName != "" && len(pod.Spec.SchedulingGates) != 0 {
		errs = append(errs, field.Forbidden(specPath.Child("nodeName"), "cannot be set until all schedulingGates have been cleared"))
	}
	errs = append(errs, validatePodIPs(pod)...)
	return errs
}

// ValidatePodTemplateSpec checks a pod template as embedded in a controller
// (the labels, annotations and spec under fldPath).
func ValidatePodTemplateSpec(spec *PodTemplateSpec, fldPath *field.Path) field.ErrorList {
	errs := apivalidation.ValidateLabels(spec.Labels, fldPath.Child("labels"))
	errs = append(errs, apivalidation.ValidateAnnotations(spec.Annotations, fldPath.Child("annotations"))...)
	errs = append(errs, ValidatePodSpec(&spec.Spec, nil, fldPath.Child("spec"))...)
	if len(spec.Spec.EphemeralContainers) > 0 {
		errs = append(errs, field.Forbidden(fldPath.Child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"))
	}
	return errs
}

// ValidatePodTemplate checks a PodTemplate being created.
func ValidatePodTemplate(t *PodTemplate) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&t.ObjectMeta, true, ValidatePodName, field.NewPath("metadata"))
	return append(errs, ValidatePodTemplateSpec(&t.Template, field.NewPath("template"))...)
}

// ValidatePodTemplateUpdate checks an update of a PodTemplate; its template
// may change freely.
func ValidatePodTemplateUpdate(newT, oldT *PodTemplate) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&newT.ObjectMeta, &oldT.ObjectMeta, field.NewPath("metadata"))
	return append(errs, ValidatePodTemplateSpec(&newT.Template, field.NewPath("template"))...)
}

// ValidatePodBinding checks a Binding posted to pods/binding.
func ValidatePodBinding(b *Binding) field.ErrorList {
	var errs field.ErrorList
	if len(b.Target.Kind) != 0 && b.Target.Kind != "Node" {
		errs = append(errs, field.NotSupported(field.NewPath("target", "kind"), b.Target.Kind, []string{"Node", "<empty>"}))
	}
	if len(b.Target.Name) == 0 {
		errs = append(errs, field.Required(field.NewPath("target", "name"), ""))
	}
	return errs
}

// ValidatePodSpec checks a pod spec. meta is the pod's metadata, or nil for
// a template. apps and batch call it for their pod templates.
func ValidatePodSpec(spec *PodSpec, meta *metav1.ObjectMeta, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	gracePeriod := int64(DefaultTerminationGracePeriodSeconds)
	if spec.TerminationGracePeriodSeconds != nil {
		gracePeriod = *spec.TerminationGracePeriodSeconds
	}
	vols, volErrs := validateVolumes(spec.Volumes, meta, fldPath.Child("volumes"))
	errs = append(errs, volErrs...)
	claims, claimErrs := validatePodResourceClaims(spec.ResourceClaims, fldPath.Child("resourceClaims"))
	errs = append(errs, claimErrs...)
	c := containerContext{spec: spec, volumes: vols, claims: claims, gracePeriod: gracePeriod}
	errs = append(errs, c.validateContainers(fldPath.Child("containers"))...)
	errs = append(errs, c.validateInitContainers(fldPath.Child("initContainers"))...)
	errs = append(errs, c.validateEphemeralContainers(fldPath.Child("ephemeralContainers"))...)
	errs = append(errs, validateHostPorts(spec, fldPath)...)
	if spec.Resources != nil {
		errs = append(errs, validatePodLevelResources(spec.Resources, fldPath.Child("resources"))...)
	}
	errs = append(errs, validateRestartPolicy(spec.RestartPolicy, fldPath.Child("restartPolicy"))...)
	errs = append(errs, validateDNSPolicy(spec.DNSPolicy, fldPath.Child("dnsPolicy"))...)
	errs = append(errs, apivalidation.ValidateLabels(spec.NodeSelector, fldPath.Child("nodeSelector"))...)
	errs = append(errs, validatePodSecurityContext(spec, fldPath.Child("securityContext"))...)
	errs = append(errs, validateAffinity(spec.Affinity, fldPath.Child("affinity"))...)
	errs = append(errs, validatePodDNSConfig(spec.DNSConfig, spec.DNSPolicy, fldPath.Child("dnsConfig"))...)
	errs = append(errs, validateReadinessGates(spec.ReadinessGates, fldPath.Child("readinessGates"))...)
	errs = append(errs, validateSchedulingGates(spec.SchedulingGates, fldPath.Child("schedulingGates"))...)
	errs = append(errs, validateTopologySpreadConstraints(spec.TopologySpreadConstraints, fldPath.Child("topologySpreadConstraints"))...)
	if spec.ServiceAccountName != "" {
		for _, msg := range apivalidation.ValidateServiceAccountName(spec.ServiceAccountName, false) {
			errs = append(errs, field.Invalid(fldPath.Child("serviceAccountName"), spec.ServiceAccountName, msg))
		}
	}
	if spec.NodeName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(spec.NodeName, false) {
			errs = append(errs, field.Invalid(fldPath.Child("nodeName"), spec.NodeName, msg))
		}
	}
	if spec.ActiveDeadlineSeconds != nil {
		if v := *spec.ActiveDeadlineSeconds; v < 1 || v > math.MaxInt32 {
			errs = append(errs, field.Invalid(fldPath.Child("activeDeadlineSeconds"), v, validation.InclusiveRangeError(1, math.MaxInt32)))
		}
	}
	if spec.Hostname != "" {
		errs = append(errs, apivalidation.ValidateDNS1123Label(spec.Hostname, fldPath.Child("hostname"))...)
	}
	if spec.Subdomain != "" {
		errs = append(errs, apivalidation.ValidateDNS1123Label(spec.Subdomain, fldPath.Child("subdomain"))...)
	}
	errs = append(errs, ValidateTolerations(spec.Tolerations, fldPath.Child("tolerations"))...)
	errs = append(errs, validateHostAliases(spec.HostAliases, fldPath.Child("hostAliases"))...)
	if spec.PriorityClassName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(spec.PriorityClassName, false) {
			errs = append(errs, field.Invalid(fldPath.Child("priorityClassName"), spec.PriorityClassName, msg))
		}
	}
	if spec.RuntimeClassName != nil {
		for _, msg := range apivalidation.NameIsDNSSubdomain(*spec.RuntimeClassName, false) {
			errs = append(errs, field.Invalid(fldPath.Child("runtimeClassName"), *spec.RuntimeClassName, msg))
		}
	}
	if p := spec.PreemptionPolicy; p != nil && *p != PreemptLowerPriority && *p != PreemptNever {
		errs = append(errs, field.NotSupported(fldPath.Child("preemptionPolicy"), *p, []PreemptionPolicy{PreemptLowerPriority, PreemptNever}))
	}
	if spec.Overhead != nil {
		for name, q := range spec.Overhead {
			p := fldPath.Child("overhead").Key(string(name))
			errs = append(errs, ValidateContainerResourceName(name, p)...)
			errs = append(errs, ValidateResourceQuantityValue(name, q, p)...)
		}
	}
	if spec.OS != nil {
		p := fldPath.Child("os", "name")
		switch spec.OS.Name {
		case Linux, Windows:
		case "":
			errs = append(errs, field.Required(p, ""))
		default:
			errs = append(errs, field.NotSupported(p, spec.OS.Name, []OSName{Linux, Windows}))
		}
	}
	return errs
}

// validateRestartPolicy checks spec.restartPolicy.
func validateRestartPolicy(p RestartPolicy, fldPath *field.Path) field.ErrorList {
	switch p {
	case RestartPolicyAlways, RestartPolicyOnFailure, RestartPolicyNever:
		return nil
	case "":
		return field.ErrorList{field.Required(fldPath, "")}
	}
	return field.ErrorList{field.NotSupported(fldPath, p, []RestartPolicy{RestartPolicyAlways, RestartPolicyOnFailure, RestartPolicyNever})}
}

// validateDNSPolicy checks spec.dnsPolicy.
func validateDNSPolicy(p DNSPolicy, fldPath *field.Path) field.ErrorList {
	switch p {
	case DNSClusterFirstWithHostNet, DNSClusterFirst, DNSDefault, DNSNone:
		return nil
	case "":
		return field.ErrorList{field.Required(fldPath, "")}
	}
	return field.ErrorList{field.NotSupported(fldPath, p, []DNSPolicy{DNSClusterFirstWithHostNet, DNSClusterFirst, DNSDefault, DNSNone})}
}

// validatePodDNSConfig checks spec.dnsConfig against the DNS policy.
func validatePodDNSConfig(cfg *PodDNSConfig, policy DNSPolicy, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if policy == DNSNone {
		if cfg == nil {
			return field.ErrorList{field.Required(fldPath, fmt.Sprintf("must provide `dnsConfig` when `dnsPolicy` is %s", DNSNone))}
		}
		if len(cfg.Nameservers) == 0 {
			return field.ErrorList{field.Required(fldPath.Child("nameservers"), fmt.Sprintf("must provide at least one DNS nameserver when `dnsPolicy` is %s", DNSNone))}
		}
	}
	if cfg == nil {
		return nil
	}
	if len(cfg.Nameservers) > MaxDNSNameservers {
		errs = append(errs, field.Invalid(fldPath.Child("nameservers"), cfg.Nameservers, fmt.Sprintf("must not have more than %v nameservers", MaxDNSNameservers)))
	}
	for i, ns := range cfg.Nameservers {
		errs = append(errs, validation.IsValidIP(fldPath.Child("nameservers").Index(i), ns)...)
	}
	if len(cfg.Searches) > MaxDNSSearchPaths {
		errs = append(errs, field.Invalid(fldPath.Child("searches"), cfg.Searches, fmt.Sprintf("must not have more than %v search paths", MaxDNSSearchPaths)))
	}
	if len(strings.Join(cfg.Searches, " ")) > MaxDNSSearchListChars {
		errs = append(errs, field.Invalid(fldPath.Child("searches"), cfg.Searches, fmt.Sprintf("must not have more than %v characters (including spaces) in the search list", MaxDNSSearchListChars)))
	}
	for i, search := range cfg.Searches {
		if search == "." {
			continue
		}
		errs = append(errs, apivalidation.ValidateDNS1123Subdomain(strings.TrimSuffix(search, "."), fldPath.Child("searches").Index(i))...)
	}
	for i, opt := range cfg.Options {
		if opt.Name == "" {
			errs = append(errs, field.Required(fldPath.Child("options").Index(i), "Option.Name must not be empty"))
		}
	}
	return errs
}

// ValidateTolerations checks a list of tolerations.
func ValidateTolerations(tolerations []Toleration, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, t := range tolerations {
		p := fldPath.Index(i)
		if t.Key != "" {
			errs = append(errs, apivalidation.ValidateLabelName(t.Key, p.Child("key"))...)
		}
		if t.Key == "" && t.Operator != TolerationOpExists {
			errs = append(errs, field.Invalid(p.Child("operator"), t.Operator, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
		}
		if t.TolerationSeconds != nil && t.Effect != TaintEffectNoExecute {
			errs = append(errs, field.Invalid(p.Child("effect"), t.Effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
		}
		switch t.Operator {
		case TolerationOpEqual, "":
			if msgs := validation.IsValidLabelValue(t.Value); len(msgs) != 0 {
				errs = append(errs, field.Invalid(p.Child("operator"), t.Value, strings.Join(msgs, ";")))
			}
		case TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, field.Invalid(p.Child("operator"), t, "value must be empty when `operator` is 'Exists'"))
			}
		default:
			errs = append(errs, field.NotSupported(p.Child("operator"), t.Operator, []TolerationOperator{TolerationOpEqual, TolerationOpExists}))
		}
		if t.Effect != "" {
			errs = append(errs, validateTaintEffect(t.Effect, p.Child("effect"))...)
		}
	}
	return errs
}

// validateTaintEffect checks a taint or toleration effect.
func validateTaintEffect(e TaintEffect, fldPath *field.Path) field.ErrorList {
	switch e {
	case TaintEffectNoSchedule, TaintEffectPreferNoSchedule, TaintEffectNoExecute:
		return nil
	}
	return field.ErrorList{field.NotSupported(fldPath, e, []TaintEffect{TaintEffectNoSchedule, TaintEffectPreferNoSchedule, TaintEffectNoExecute})}
}

// validateHostAliases checks spec.hostAliases.
func validateHostAliases(aliases []HostAlias, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, a := range aliases {
		errs = append(errs, validation.IsValidIP(fldPath.Index(i).Child("ip"), a.IP)...)
		for j, h := range a.Hostnames {
			errs = append(errs, apivalidation.ValidateDNS1123Subdomain(h, fldPath.Index(i).Child("hostnames").Index(j))...)
		}
	}
	return errs
}

// validateReadinessGates checks spec.readinessGates.
func validateReadinessGates(gates []PodReadinessGate, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, g := range gates {
		errs = append(errs, apivalidation.ValidateQualifiedName(string(g.ConditionType), fldPath.Index(i).Child("conditionType"))...)
	}
	return errs
}

// validateSchedulingGates checks spec.schedulingGates: qualified, unique names.
func validateSchedulingGates(gates []PodSchedulingGate, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, g := range gates {
		errs = append(errs, apivalidation.ValidateQualifiedName(g.Name, fldPath.Index(i))...)
		if seen[g.Name] {
			errs = append(errs, field.Duplicate(fldPath.Index(i), g.Name))
		}
		seen[g.Name] = true
	}
	return errs
}

// validatePodResourceClaims checks spec.resourceClaims and returns their names.
func validatePodResourceClaims(claims []PodResourceClaim, fldPath *field.Path) (map[string]bool, field.ErrorList) {
	var errs field.ErrorList
	names := map[string]bool{}
	for i, c := range claims {
		p := fldPath.Index(i)
		if c.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), ""))
		} else {
			errs = append(errs, apivalidation.ValidateDNS1123Label(c.Name, p.Child("name"))...)
		}
		if names[c.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), c.Name))
		}
		names[c.Name] = true
		n := 0
		if c.ResourceClaimName != nil {
			n++
		}
		if c.ResourceClaimTemplateName != nil {
			n++
		}
		if n != 1 {
			errs = append(errs, field.Invalid(p, c, "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"))
		}
	}
	return names, errs
}

// sysctlRegexp matches a sysctl name written with dots or slashes.
var sysctlRegexp = regexp.MustCompile(`^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`)

// validatePodSecurityContext checks spec.securityContext and the namespace
// sharing settings it interacts with.
func validatePodSecurityContext(spec *PodSpec, fldPath *field.Path) field.ErrorList {
	sc := spec.SecurityContext
	if sc == nil {
		return nil
	}
	var errs field.ErrorList
	if sc.FSGroup != nil {
		for _, msg := range validation.IsValidGroupID(*sc.FSGroup) {
			errs = append(errs, field.Invalid(fldPath.Child("fsGroup"), *sc.FSGroup, msg))
		}
	}
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
	for i, gid := range sc.SupplementalGroups {
		for _, msg := range validation.IsValidGroupID(gid) {
			errs = append(errs, field.Invalid(fldPath.Child("supplementalGroups").Index(i), gid, msg))
		}
	}
	if spec.ShareProcessNamespace != nil && *spec.ShareProcessNamespace && spec.HostPID {
		errs = append(errs, field.Invalid(fldPath.Child("shareProcessNamespace"), true, "ShareProcessNamespace and HostPID cannot both be enabled"))
	}
	seen := map[string]bool{}
	for i, s := range sc.Sysctls {
		p := fldPath.Child("sysctls").Index(i).Child("name")
		switch {
		case s.Name == "":
			errs = append(errs, field.Required(p, ""))
		case len(s.Name) > 253 || !sysctlRegexp.MatchString(s.Name):
			errs = append(errs, field.Invalid(p, s.Name, fmt.Sprintf("must have at most %d characters and match regex %s", 253, sysctlRegexp.String()[1:len(sysctlRegexp.String())-1])))
		case seen[strings.ReplaceAll(s.Name, "/", ".")]:
			errs = append(errs, field.Duplicate(p, s.Name))
		}
		seen[strings.ReplaceAll(s.Name, "/", ".")] = true
	}
	if p := sc.FSGroupChangePolicy; p != nil && *p != FSGroupChangeOnRootMismatch && *p != FSGroupChangeAlways {
		errs = append(errs, field.NotSupported(fldPath.Child("fsGroupChangePolicy"), *p, []PodFSGroupChangePolicy{FSGroupChangeOnRootMismatch, FSGroupChangeAlways}))
	}
	if p := sc.SupplementalGroupsPolicy; p != nil && *p != SupplementalGroupsPolicyMerge && *p != SupplementalGroupsPolicyStrict {
		errs = append(errs, field.NotSupported(fldPath.Child("supplementalGroupsPolicy"), *p, []SupplementalGroupsPolicy{SupplementalGroupsPolicyMerge, SupplementalGroupsPolicyStrict}))
	}
	if p := sc.SELinuxChangePolicy; p != nil && *p != SELinuxChangePolicyRecursive && *p != SELinuxChangePolicyMountOption {
		errs = append(errs, field.NotSupported(fldPath.Child("seLinuxChangePolicy"), *p, []PodSELinuxChangePolicy{SELinuxChangePolicyRecursive, SELinuxChangePolicyMountOption}))
	}
	errs = append(errs, validateSeccompProfile(sc.SeccompProfile, fldPath.Child("seccompProfile"))...)
	errs = append(errs, validateAppArmorProfile(sc.AppArmorProfile, fldPath.Child("appArmorProfile"))...)
	return errs
}

// validateSeccompProfile checks a seccomp profile selection.
func validateSeccompProfile(sp *SeccompProfile, fldPath *field.Path) field.ErrorList {
	if sp == nil {
		return nil
	}
	var errs field.ErrorList
	switch sp.Type {
	case SeccompProfileTypeLocalhost:
		if sp.LocalhostProfile == nil {
			errs = append(errs, field.Required(fldPath.Child("localhostProfile"), "must be set when seccomp type is Localhost"))
		} else {
			errs = append(errs, validateLocalDescendingPath(*sp.LocalhostProfile, fldPath.Child("localhostProfile"))...)
		}
		return errs
	case SeccompProfileTypeRuntimeDefault, SeccompProfileTypeUnconfined:
	case "":
		errs = append(errs, field.Required(fldPath.Child("type"), "type is required when seccompProfile is set"))
	default:
		errs = append(errs, field.NotSupported(fldPath.Child("type"), sp.Type, []SeccompProfileType{SeccompProfileTypeLocalhost, SeccompProfileTypeRuntimeDefault, SeccompProfileTypeUnconfined}))
	}
	if sp.LocalhostProfile != nil {
		errs = append(errs, field.Invalid(fldPath.Child("localhostProfile"), sp, "can only be set when seccomp type is Localhost"))
	}
	return errs
}

// validateAppArmorProfile checks an AppArmor profile selection.
func validateAppArmorProfile(ap *AppArmorProfile, fldPath *field.Path) field.ErrorList {
	if ap == nil {
		return nil
	}
	var errs field.ErrorList
	switch ap.Type {
	case AppArmorProfileTypeLocalhost:
		if ap.LocalhostProfile == nil || *ap.LocalhostProfile == "" {
			errs = append(errs, field.Required(fldPath.Child("localhostProfile"), "must be set when AppArmor type is Localhost"))
		} else if len(*ap.LocalhostProfile) > 4095 {
			errs = append(errs, field.TooLong(fldPath.Child("localhostProfile"), *ap.LocalhostProfile, 4095))
		}
		return errs
	case AppArmorProfileTypeRuntimeDefault, AppArmorProfileTypeUnconfined:
	case "":
		errs = append(errs, field.Required(fldPath.Child("type"), "type is required when appArmorProfile is set"))
	default:
		errs = append(errs, field.NotSupported(fldPath.Child("type"), ap.Type, []AppArmorProfileType{AppArmorProfileTypeLocalhost, AppArmorProfileTypeRuntimeDefault, AppArmorProfileTypeUnconfined}))
	}
	if ap.LocalhostProfile != nil {
		errs = append(errs, field.Invalid(fldPath.Child("localhostProfile"), ap, "can only be set when AppArmor type is Localhost"))
	}
	return errs
}

// validatePodIPs checks status.podIPs: valid addresses, at most one per family.
func validatePodIPs(pod *Pod) field.ErrorList {
	p := field.NewPath("status", "podIPs")
	var errs field.ErrorList
	v4, v6 := 0, 0
	for i, ip := range pod.Status.PodIPs {
		ipErrs := validation.IsValidIP(p.Index(i), ip.IP)
		errs = append(errs, ipErrs...)
		if len(ipErrs) == 0 {
			if strings.Contains(ip.IP, ":") {
				v6++
			} else {
				v4++
			}
		}
	}
	if v4 > 1 || v6 > 1 {
		errs = append(errs, field.Invalid(p, pod.Status.PodIPs, "may specify no more than one IP for each IP family"))
	}
	return errs
}
