package v1

import (
	"net/netip"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// ValidateNode checks a node on create: metadata, taints, resource
// quantities and pod CIDRs.
func ValidateNode(node *Node) field.ErrorList {
	metaPath := field.NewPath("metadata")
	errs := validateMeta(&node.ObjectMeta, false, ValidateNodeName)
	// Kubernetes reports spec.taints errors under metadata.taints.
	errs = append(errs, validateNodeTaints(node.Spec.Taints, metaPath.Child("taints"))...)
	errs = append(errs, validateNodeResources(node)...)
	if len(node.Spec.PodCIDRs) > 0 {
		cidrPath := field.NewPath("spec", "podCIDRs")
		for i, cidr := range node.Spec.PodCIDRs {
			errs = append(errs, validation.IsValidCIDR(cidrPath.Index(i), cidr)...)
		}
		if len(node.Spec.PodCIDRs) > 1 {
			if len(node.Spec.PodCIDRs) > 2 || !isDualStackCIDRs(node.Spec.PodCIDRs) {
				errs = append(errs, field.Invalid(cidrPath, node.Spec.PodCIDRs, "may specify no more than one CIDR for each IP family"))
			}
			seen := map[string]bool{}
			for i, cidr := range node.Spec.PodCIDRs {
				if seen[cidr] {
					errs = append(errs, field.Duplicate(cidrPath.Index(i), cidr))
				}
				seen[cidr] = true
			}
		}
	}
	return errs
}

// ValidateNodeUpdate checks a node update: pod CIDRs and provider ID may
// only go from empty to set, externalID never changes, addresses are unique.
func ValidateNodeUpdate(node, old *Node) field.ErrorList {
	metaPath := field.NewPath("metadata")
	errs := validateMetaUpdate(&node.ObjectMeta, &old.ObjectMeta)
	errs = append(errs, validateNodeResources(node)...)

	seen := map[NodeAddress]bool{}
	for i, addr := range node.Status.Addresses {
		if seen[addr] {
			errs = append(errs, field.Duplicate(field.NewPath("status", "addresses").Index(i), addr))
		}
		seen[addr] = true
	}

	const cidrMsg = "node updates may not change podCIDR except from \"\" to valid"
	if len(old.Spec.PodCIDRs) > 0 {
		cidrPath := field.NewPath("spec", "podCIDRs")
		if len(old.Spec.PodCIDRs) != len(node.Spec.PodCIDRs) {
			errs = append(errs, field.Forbidden(cidrPath, cidrMsg))
		} else {
			for i, cidr := range old.Spec.PodCIDRs {
				if cidr != node.Spec.PodCIDRs[i] {
					errs = append(errs, field.Forbidden(cidrPath, cidrMsg))
				}
			}
		}
	}
	if old.Spec.ProviderID != "" && old.Spec.ProviderID != node.Spec.ProviderID {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "providerID"), "node updates may not change providerID except from \"\" to valid"))
	}
	if node.Spec.ConfigSource != nil {
		errs = append(errs, validateNodeConfigSource(node.Spec.ConfigSource, false, field.NewPath("spec", "configSource"))...)
	}
	if cfg := node.Status.Config; cfg != nil {
		p := field.NewPath("status", "config")
		for _, src := range []struct {
			name string
			s    *NodeConfigSource
		}{{"assigned", cfg.Assigned}, {"active", cfg.Active}, {"lastKnownGood", cfg.LastKnownGood}} {
			if src.s != nil {
				errs = append(errs, validateNodeConfigSource(src.s, true, p.Child(src.name))...)
			}
		}
	}
	errs = append(errs, validateNodeTaints(node.Spec.Taints, metaPath.Child("taints"))...)
	if node.Spec.DoNotUseExternalID != old.Spec.DoNotUseExternalID {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "externalID"), "may not be updated"))
	}
	return errs
}

// validateNodeTaints checks taint keys, values and effects, and that no
// two taints share a key and effect.
func validateNodeTaints(taints []Taint, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[TaintEffect]map[string]bool{}
	for i, t := range taints {
		p := fldPath.Index(i)
		errs = append(errs, apivalidation.ValidateLabelName(t.Key, p.Child("key"))...)
		if msgs := validation.IsValidLabelValue(t.Value); len(msgs) != 0 {
			errs = append(errs, field.Invalid(p.Child("value"), t.Value, strings.Join(msgs, ";")))
		}
		if t.Effect == "" {
			errs = append(errs, field.Required(p.Child("effect"), ""))
		} else {
			errs = append(errs, validateTaintEffect(t.Effect, p.Child("effect"))...)
		}
		if seen[t.Effect][t.Key] {
			dup := field.Duplicate(p, t)
			dup.Detail = "taints must be unique by key and effect pair"
			errs = append(errs, dup)
			continue
		}
		if seen[t.Effect] == nil {
			seen[t.Effect] = map[string]bool{}
		}
		seen[t.Effect][t.Key] = true
	}
	return errs
}

// validateNodeResources checks the quantities of capacity and allocatable.
func validateNodeResources(node *Node) field.ErrorList {
	var errs field.ErrorList
	for _, k := range sortedResourceNames(node.Status.Capacity) {
		errs = append(errs, ValidateResourceQuantityValue(k, node.Status.Capacity[k], field.NewPath("status", "capacity", string(k)))...)
	}
	for _, k := range sortedResourceNames(node.Status.Allocatable) {
		errs = append(errs, ValidateResourceQuantityValue(k, node.Status.Allocatable[k], field.NewPath("status", "allocatable", string(k)))...)
	}
	return errs
}

// validateNodeConfigSource checks a node config source of the spec
// (inStatus false: uid and resourceVersion forbidden) or of the status
// (inStatus true: both required).
func validateNodeConfigSource(src *NodeConfigSource, inStatus bool, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if src.ConfigMap == nil {
		return field.ErrorList{field.Invalid(fldPath, src, "exactly one reference subfield must be non-nil")}
	}
	cm, p := src.ConfigMap, fldPath.Child("configMap")
	if inStatus {
		if cm.UID == "" {
			errs = append(errs, field.Required(p.Child("uid"), "uid must be set in status"))
		}
		if cm.ResourceVersion == "" {
			errs = append(errs, field.Required(p.Child("resourceVersion"), "resourceVersion must be set in status"))
		}
	} else {
		if cm.UID != "" {
			errs = append(errs, field.Forbidden(p.Child("uid"), "uid must not be set in spec"))
		}
		if cm.ResourceVersion != "" {
			errs = append(errs, field.Forbidden(p.Child("resourceVersion"), "resourceVersion must not be set in spec"))
		}
	}
	if cm.Namespace == "" {
		errs = append(errs, field.Required(p.Child("namespace"), "namespace must be set"))
	} else {
		for _, msg := range validation.IsDNS1123Label(cm.Namespace) {
			errs = append(errs, field.Invalid(p.Child("namespace"), cm.Namespace, msg))
		}
	}
	if cm.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), "name must be set"))
	} else {
		for _, msg := range ValidateConfigMapName(cm.Name, false) {
			errs = append(errs, field.Invalid(p.Child("name"), cm.Name, msg))
		}
	}
	if cm.KubeletConfigKey == "" {
		errs = append(errs, field.Required(p.Child("kubeletConfigKey"), "kubeletConfigKey must be set"))
	} else {
		for _, msg := range validation.IsConfigMapKey(cm.KubeletConfigKey) {
			errs = append(errs, field.Invalid(p.Child("kubeletConfigKey"), cm.KubeletConfigKey, msg))
		}
	}
	return errs
}

// isDualStackCIDRs reports whether the CIDRs hold both an IPv4 and an IPv6 range.
func isDualStackCIDRs(cidrs []string) bool {
	var v4, v6 bool
	for _, c := range cidrs {
		prefix, err := netip.ParsePrefix(c)
		if err != nil {
			return false
		}
		if prefix.Addr().Unmap().Is4() {
			v4 = true
		} else {
			v6 = true
		}
	}
	return v4 && v6
}
