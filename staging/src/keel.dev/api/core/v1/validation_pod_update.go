package v1

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// updatablePodSpecFields lists, in Kubernetes' words, what a pod update may change.
var updatablePodSpecFields = []string{
	"`spec.containers[*].image`",
	"`spec.initContainers[*].image`",
	"`spec.activeDeadlineSeconds`",
	"`spec.tolerations` (only additions to existing tolerations)",
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
}

// ValidatePodUpdate checks an update of a pod's metadata and spec: the spec
// is immutable except for images, activeDeadlineSeconds, added tolerations
// and removed scheduling gates (plus nodeSelector additions while gated).
func ValidatePodUpdate(newPod, oldPod *Pod) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validatePodMetadataAndSpec(newPod)...)
	specPath := field.NewPath("spec")

	ctrErrs, stop := validateContainerUpdates(newPod.Spec.Containers, oldPod.Spec.Containers, specPath.Child("containers"))
	errs = append(errs, ctrErrs...)
	if stop {
		return errs
	}
	ctrErrs, stop = validateContainerUpdates(newPod.Spec.InitContainers, oldPod.Spec.InitContainers, specPath.Child("initContainers"))
	errs = append(errs, ctrErrs...)
	if stop {
		return errs
	}

	adsPath := specPath.Child("activeDeadlineSeconds")
	if newPod.Spec.ActiveDeadlineSeconds != nil {
		v := *newPod.Spec.ActiveDeadlineSeconds
		if v < 0 || v > math.MaxInt32 {
			return append(errs, field.Invalid(adsPath, v, validation.InclusiveRangeError(0, math.MaxInt32)))
		}
		if old := oldPod.Spec.ActiveDeadlineSeconds; old != nil && *old < v {
			return append(errs, field.Invalid(adsPath, v, "must be less than or equal to previous value"))
		}
	} else if oldPod.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Invalid(adsPath, newPod.Spec.ActiveDeadlineSeconds, "must not update from a positive integer to nil value"))
	}

	errs = append(errs, validateOnlyAddedTolerations(newPod.Spec.Tolerations, oldPod.Spec.Tolerations, specPath.Child("tolerations"))...)
	errs = append(errs, validateOnlyDeletedSchedulingGates(newPod.Spec.SchedulingGates, oldPod.Spec.SchedulingGates, specPath.Child("schedulingGates"))...)

	if reflect.DeepEqual(newPod.Spec, oldPod.Spec) {
		return errs
	}
	// Put the old values of the mutable fields into a copy of the new spec;
	// whatever still differs was not allowed to change.
	munged := newPod.Spec.DeepCopy()
	for i := range munged.Containers {
		munged.Containers[i].Image = oldPod.Spec.Containers[i].Image
	}
	for i := range munged.InitContainers {
		munged.InitContainers[i].Image = oldPod.Spec.InitContainers[i].Image
	}
	munged.ActiveDeadlineSeconds = oldPod.Spec.ActiveDeadlineSeconds
	munged.SchedulingGates = oldPod.Spec.SchedulingGates
	munged.Tolerations = oldPod.Spec.Tolerations
	if old := oldPod.Spec.TerminationGracePeriodSeconds; old != nil && *old < 0 &&
		munged.TerminationGracePeriodSeconds != nil && *munged.TerminationGracePeriodSeconds == 1 {
		munged.TerminationGracePeriodSeconds = old
	}
	if len(oldPod.Spec.SchedulingGates) > 0 && !reflect.DeepEqual(munged.NodeSelector, oldPod.Spec.NodeSelector) {
		errs = append(errs, validateNodeSelectorAdditions(munged.NodeSelector, oldPod.Spec.NodeSelector, specPath.Child("nodeSelector"))...)
		munged.NodeSelector = oldPod.Spec.NodeSelector
	}
	if !semanticEqualSpec(munged, &oldPod.Spec) {
		errs = append(errs, field.Forbidden(specPath, fmt.Sprintf("pod updates may not change fields other than %s\n%s",
			strings.Join(updatablePodSpecFields, ","), specDiff(&oldPod.Spec, munged))))
	}
	return errs
}

// semanticEqualSpec compares two specs by their JSON form, so that nil and
// empty collections and equal quantities written differently compare equal.
func semanticEqualSpec(a, b *PodSpec) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

// specDiff lists the top-level spec fields that differ, with both values.
func specDiff(oldSpec, newSpec *PodSpec) string {
	var oldMap, newMap map[string]json.RawMessage
	ob, _ := json.Marshal(oldSpec)
	nb, _ := json.Marshal(newSpec)
	_ = json.Unmarshal(ob, &oldMap)
	_ = json.Unmarshal(nb, &newMap)
	var b strings.Builder
	b.WriteString("  v1.PodSpec{\n")
	keys := map[string]bool{}
	for k := range oldMap {
		keys[k] = true
	}
	for k := range newMap {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		if string(oldMap[k]) == string(newMap[k]) {
			continue
		}
		if oldMap[k] != nil {
			fmt.Fprintf(&b, "- \t%s: %s,\n", k, oldMap[k])
		}
		if newMap[k] != nil {
			fmt.Fprintf(&b, "+ \t%s: %s,\n", k, newMap[k])
		}
	}
	b.WriteString("  }\n")
	return b.String()
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// validateContainerUpdates forbids adding or removing containers and checks
// the new images; stop is true when the lists differ in length.
func validateContainerUpdates(newCtrs, oldCtrs []Container, fldPath *field.Path) (field.ErrorList, bool) {
	if len(newCtrs) != len(oldCtrs) {
		return field.ErrorList{field.Forbidden(fldPath, "pod updates may not add or remove containers")}, true
	}
	var errs field.ErrorList
	for i, c := range newCtrs {
		if c.Image == "" {
			errs = append(errs, field.Required(fldPath.Index(i).Child("image"), ""))
		}
	}
	return errs, false
}

// validateOnlyAddedTolerations allows new tolerations and changed
// tolerationSeconds, nothing else.
func validateOnlyAddedTolerations(newTols, oldTols []Toleration, fldPath *field.Path) field.ErrorList {
	for _, old := range oldTols {
		found := false
		for _, n := range newTols {
			cmp := old
			cmp.TolerationSeconds = n.TolerationSeconds
			if reflect.DeepEqual(cmp, n) {
				found = true
				break
			}
		}
		if !found {
			return field.ErrorList{field.Forbidden(fldPath, "existing toleration can not be modified except its tolerationSeconds")}
		}
	}
	return ValidateTolerations(newTols, fldPath)
}

// validateOnlyDeletedSchedulingGates forbids adding scheduling gates.
func validateOnlyDeletedSchedulingGates(newGates, oldGates []PodSchedulingGate, fldPath *field.Path) field.ErrorList {
	old := map[string]bool{}
	for _, g := range oldGates {
		old[g.Name] = true
	}
	var errs field.ErrorList
	for i, g := range newGates {
		if !old[g.Name] {
			errs = append(errs, field.Forbidden(fldPath.Index(i).Child("name"), fmt.Sprintf("only deletion is allowed, but found new scheduling gate '%s'", g.Name)))
		}
	}
	return errs
}

// validateNodeSelectorAdditions allows a gated pod to add nodeSelector
// entries but not to change or remove them.
func validateNodeSelectorAdditions(newSel, oldSel map[string]string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range sortedKeys(keySet(oldSel)) {
		if v, ok := newSel[k]; !ok || v != oldSel[k] {
			errs = append(errs, field.Invalid(fldPath, newSel, "only additions to spec.nodeSelector are allowed (no mutations or deletions)"))
			break
		}
	}
	return errs
}

// keySet returns the keys of m as a set.
func keySet(m map[string]string) map[string]bool {
	s := make(map[string]bool, len(m))
	for k := range m {
		s[k] = true
	}
	return s
}

// ValidatePodStatusUpdate checks a write to pods/status: the spec's nodeName
// may not change, QoS class is fixed, and containers of pods that do not
// restart may not leave the terminated state.
func ValidatePodStatusUpdate(newPod, oldPod *Pod) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, field.NewPath("metadata"))
	statusPath := field.NewPath("status")
	errs = append(errs, validatePodConditions(newPod.Status.Conditions, statusPath.Child("conditions"))...)
	if newPod.Spec.NodeName != oldPod.Spec.NodeName {
		errs = append(errs, field.Forbidden(statusPath.Child("nodeName"), "may not be changed directly"))
	}
	if n := newPod.Status.NominatedNodeName; n != "" && n != oldPod.Status.NominatedNodeName {
		for _, msg := range apivalidation.NameIsDNSSubdomain(n, false) {
			errs = append(errs, field.Invalid(statusPath.Child("nominatedNodeName"), n, msg))
		}
	}
	if newPod.Status.ObservedGeneration < 0 {
		errs = append(errs, field.Invalid(statusPath.Child("observedGeneration"), newPod.Status.ObservedGeneration, "must be a non-negative integer"))
	}
	if oldPod.Status.QOSClass != "" {
		errs = append(errs, apivalidation.ValidateImmutableField(newPod.Status.QOSClass, oldPod.Status.QOSClass, statusPath.Child("qosClass"))...)
	}
	errs = append(errs, validateContainerStateTransition(newPod.Status.ContainerStatuses, oldPod.Status.ContainerStatuses, statusPath.Child("containerStatuses"), oldPod.Spec.RestartPolicy)...)
	errs = append(errs, validateContainerStateTransition(newPod.Status.InitContainerStatuses, oldPod.Status.InitContainerStatuses, statusPath.Child("initContainerStatuses"), oldPod.Spec.RestartPolicy)...)
	errs = append(errs, validateContainerStateTransition(newPod.Status.EphemeralContainerStatuses, oldPod.Status.EphemeralContainerStatuses, statusPath.Child("ephemeralContainerStatuses"), RestartPolicyNever)...)
	errs = append(errs, validatePodIPs(newPod)...)
	for i, ip := range newPod.Status.HostIPs {
		errs = append(errs, validation.IsValidIP(statusPath.Child("hostIPs").Index(i), ip.IP)...)
	}
	return errs
}

// validatePodConditions requires qualified names for non-system condition types.
func validatePodConditions(conds []PodCondition, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, c := range conds {
		switch c.Type {
		case PodScheduled, PodReady, PodInitialized:
			continue
		}
		errs = append(errs, apivalidation.ValidateQualifiedName(string(c.Type), fldPath.Index(i).Child("Type"))...)
	}
	return errs
}

// validateContainerStateTransition forbids terminated containers from
// running again unless the restart policy allows it.
func validateContainerStateTransition(newStatuses, oldStatuses []ContainerStatus, fldPath *field.Path, policy RestartPolicy) field.ErrorList {
	if policy == RestartPolicyAlways {
		return nil
	}
	var errs field.ErrorList
	for i, old := range oldStatuses {
		if old.State.Terminated == nil {
			continue
		}
		if old.State.Terminated.ExitCode != 0 && policy == RestartPolicyOnFailure {
			continue
		}
		for _, n := range newStatuses {
			if n.Name == old.Name && n.State.Terminated == nil {
				errs = append(errs, field.Forbidden(fldPath.Index(i).Child("state"), "may not be transitioned to non-terminated state"))
			}
		}
	}
	return errs
}

// ValidatePodEphemeralContainersUpdate checks a write to
// pods/ephemeralcontainers: only new ephemeral containers may be added.
func ValidatePodEphemeralContainersUpdate(newPod, oldPod *Pod) field.ErrorList {
	errs := validatePodMetadataAndSpec(newPod)
	specPath := field.NewPath("spec", "ephemeralContainers")
	old := map[string]EphemeralContainer{}
	for _, ec := range oldPod.Spec.EphemeralContainers {
		old[ec.Name] = ec
	}
	seen := map[string]bool{}
	for _, ec := range newPod.Spec.EphemeralContainers {
		seen[ec.Name] = true
		if prev, ok := old[ec.Name]; ok && !reflect.DeepEqual(prev, ec) {
			errs = append(errs, field.Forbidden(specPath, fmt.Sprintf("existing ephemeral containers %q may not be changed", ec.Name)))
		}
	}
	for name := range old {
		if !seen[name] {
			errs = append(errs, field.Forbidden(specPath, fmt.Sprintf("existing ephemeral containers %q may not be removed", name)))
		}
	}
	return errs
}
