package v1

import (
	"fmt"
	"reflect"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	utilvalidation "keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"

	corev1 "keel.dev/api/core/v1"
)

// Limits of storage class parameters.
const (
	maxParameterBytes = 256 * (1 << 10)
	maxParameterCount = 512
	csiDriverNameMax  = 63
	csiNodeIDMax      = 192
	maxTopologyKeys   = 128
)

var (
	reclaimPolicies = []corev1.PersistentVolumeReclaimPolicy{corev1.PersistentVolumeReclaimDelete, corev1.PersistentVolumeReclaimRetain}
	bindingModes    = []VolumeBindingMode{VolumeBindingImmediate, VolumeBindingWaitForFirstConsumer}
	fsGroupPolicies = []FSGroupPolicy{FileFSGroupPolicy, NoneFSGroupPolicy, ReadWriteOnceWithFSTypeFSGroupPolicy}
	lifecycleModes  = []VolumeLifecycleMode{VolumeLifecycleEphemeral, VolumeLifecyclePersistent}
)

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ValidateStorageClass checks a storage class on create.
func ValidateStorageClass(sc *StorageClass) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&sc.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	errs = append(errs, validateProvisioner(sc.Provisioner, field.NewPath("provisioner"))...)
	errs = append(errs, validateParameters(sc.Parameters, field.NewPath("parameters"))...)
	if sc.ReclaimPolicy != nil && *sc.ReclaimPolicy != "" && !contains(reclaimPolicies, *sc.ReclaimPolicy) {
		errs = append(errs, field.NotSupported(field.NewPath("reclaimPolicy"), *sc.ReclaimPolicy, reclaimPolicies))
	}
	if sc.VolumeBindingMode == nil {
		errs = append(errs, field.Required(field.NewPath("volumeBindingMode"), ""))
	} else if !contains(bindingModes, *sc.VolumeBindingMode) {
		errs = append(errs, field.NotSupported(field.NewPath("volumeBindingMode"), *sc.VolumeBindingMode, bindingModes))
	}
	return append(errs, validateAllowedTopologies(sc.AllowedTopologies, field.NewPath("allowedTopologies"))...)
}

// ValidateStorageClassUpdate checks a storage class on update: provisioner,
// parameters, reclaim policy and binding mode are fixed.
func ValidateStorageClassUpdate(sc, old *StorageClass) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&sc.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	if !reflect.DeepEqual(sc.Parameters, old.Parameters) && (len(sc.Parameters) > 0 || len(old.Parameters) > 0) {
		errs = append(errs, field.Forbidden(field.NewPath("parameters"), "updates to parameters are forbidden."))
	}
	if sc.Provisioner != old.Provisioner {
		errs = append(errs, field.Forbidden(field.NewPath("provisioner"), "updates to provisioner are forbidden."))
	}
	if deref(sc.ReclaimPolicy) != deref(old.ReclaimPolicy) {
		errs = append(errs, field.Forbidden(field.NewPath("reclaimPolicy"), "updates to reclaimPolicy are forbidden."))
	}
	return append(errs, apivalidation.ValidateImmutableField(sc.VolumeBindingMode, old.VolumeBindingMode, field.NewPath("volumeBindingMode"))...)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func validateProvisioner(provisioner string, fldPath *field.Path) field.ErrorList {
	if provisioner == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	return apivalidation.ValidateQualifiedName(strings.ToLower(provisioner), fldPath)
}

func validateParameters(params map[string]string, fldPath *field.Path) field.ErrorList {
	if len(params) > maxParameterCount {
		return field.ErrorList{field.TooLong(fldPath, "Provisioner Parameters exceeded max allowed", maxParameterCount)}
	}
	var errs field.ErrorList
	total := 0
	for k, v := range params {
		if k == "" {
			errs = append(errs, field.Invalid(fldPath, k, "field can not be empty."))
		}
		total += len(k) + len(v)
	}
	if total > maxParameterBytes {
		errs = append(errs, field.TooLong(fldPath, "", maxParameterBytes))
	}
	return errs
}

func validateAllowedTopologies(terms []corev1.TopologySelectorTerm, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, term := range terms {
		p := fldPath.Index(i)
		if len(term.MatchLabelExpressions) == 0 {
			errs = append(errs, field.Required(p, "must contain at least one requirement"))
		}
		keys := map[string]bool{}
		for j, req := range term.MatchLabelExpressions {
			rp := p.Child("matchLabelExpressions").Index(j)
			errs = append(errs, apivalidation.ValidateLabelName(req.Key, rp.Child("key"))...)
			if keys[req.Key] {
				errs = append(errs, field.Duplicate(rp.Child("key"), req.Key))
			}
			keys[req.Key] = true
			if len(req.Values) == 0 {
				errs = append(errs, field.Required(rp.Child("values"), "must specify as least one value"))
			}
			for k, v := range req.Values {
				for _, msg := range utilvalidation.IsValidLabelValue(v) {
					errs = append(errs, field.Invalid(rp.Child("values").Index(k), v, msg))
				}
			}
		}
		key := fmt.Sprint(term.MatchLabelExpressions)
		if seen[key] {
			errs = append(errs, field.Duplicate(p, term))
		}
		seen[key] = true
	}
	return errs
}

// ValidateVolumeAttachment checks an attachment on create.
func ValidateVolumeAttachment(va *VolumeAttachment) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&va.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	spec := field.NewPath("spec")
	errs = append(errs, ValidateCSIDriverName(va.Spec.Attacher, spec.Child("attacher"))...)
	src := va.Spec.Source
	srcPath := spec.Child("source")
	const exactlyOne = "must specify exactly one of inlineVolumeSpec and persistentVolumeName"
	switch {
	case src.InlineVolumeSpec == nil && src.PersistentVolumeName == nil:
		errs = append(errs, field.Required(srcPath, exactlyOne))
	case src.InlineVolumeSpec != nil && src.PersistentVolumeName != nil:
		errs = append(errs, field.Forbidden(srcPath, exactlyOne))
	case src.PersistentVolumeName != nil && *src.PersistentVolumeName == "":
		errs = append(errs, field.Required(srcPath.Child("persistentVolumeName"), "must specify non empty persistentVolumeName"))
	}
	if va.Spec.NodeName == "" {
		errs = append(errs, field.Required(spec.Child("nodeName"), "node name must be specified"))
	} else {
		for _, msg := range apivalidation.NameIsDNSSubdomain(va.Spec.NodeName, false) {
			errs = append(errs, field.Invalid(spec.Child("nodeName"), va.Spec.NodeName, msg))
		}
	}
	return errs
}

// ValidateVolumeAttachmentUpdate checks an attachment on update; the spec is
// immutable.
func ValidateVolumeAttachmentUpdate(va, old *VolumeAttachment) field.ErrorList {
	errs := ValidateVolumeAttachment(va)
	errs = append(errs, apivalidation.ValidateObjectMetaUpdate(&va.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))...)
	if !reflect.DeepEqual(va.Spec, old.Spec) {
		errs = append(errs, field.Invalid(field.NewPath("spec"), va.Spec, "field is immutable"))
	}
	return errs
}

// ValidateCSIDriverName checks a CSI driver name: required, at most 63
// characters, a DNS subdomain once lower-cased.
func ValidateCSIDriverName(name string, fldPath *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	var errs field.ErrorList
	if len(name) > csiDriverNameMax {
		errs = append(errs, field.TooLong(fldPath, name, csiDriverNameMax))
	}
	for _, msg := range utilvalidation.IsDNS1123Subdomain(strings.ToLower(name)) {
		errs = append(errs, field.Invalid(fldPath, name, msg))
	}
	return errs
}

// ValidateCSIDriver checks a CSI driver on create.
func ValidateCSIDriver(d *CSIDriver) field.ErrorList {
	errs := ValidateCSIDriverName(d.Name, field.NewPath("name"))
	return append(errs, validateCSIDriverSpec(&d.Spec, field.NewPath("spec"))...)
}

// ValidateCSIDriverUpdate checks a CSI driver on update; attachRequired,
// podInfoOnMount, fsGroupPolicy and the lifecycle modes are fixed.
func ValidateCSIDriverUpdate(d, old *CSIDriver) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&d.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	spec := field.NewPath("spec")
	errs = append(errs, validateCSIDriverSpec(&d.Spec, spec)...)
	errs = append(errs, apivalidation.ValidateImmutableField(d.Spec.AttachRequired, old.Spec.AttachRequired, spec.Child("attachRequired"))...)
	errs = append(errs, apivalidation.ValidateImmutableField(d.Spec.FSGroupPolicy, old.Spec.FSGroupPolicy, spec.Child("fsGroupPolicy"))...)
	errs = append(errs, apivalidation.ValidateImmutableField(d.Spec.PodInfoOnMount, old.Spec.PodInfoOnMount, spec.Child("podInfoOnMount"))...)
	return append(errs, apivalidation.ValidateImmutableField(d.Spec.VolumeLifecycleModes, old.Spec.VolumeLifecycleModes, spec.Child("volumeLifecycleModes"))...)
}

func validateCSIDriverSpec(spec *CSIDriverSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if spec.AttachRequired == nil {
		errs = append(errs, field.Required(fldPath.Child("attachRequired"), ""))
	}
	if spec.PodInfoOnMount == nil {
		errs = append(errs, field.Required(fldPath.Child("podInfoOnMount"), ""))
	}
	if spec.StorageCapacity == nil {
		errs = append(errs, field.Required(fldPath.Child("storageCapacity"), ""))
	}
	if spec.RequiresRepublish == nil {
		errs = append(errs, field.Required(fldPath.Child("requiresRepublish"), ""))
	}
	if spec.FSGroupPolicy != nil && !contains(fsGroupPolicies, *spec.FSGroupPolicy) {
		errs = append(errs, field.NotSupported(fldPath.Child("fsGroupPolicy"), *spec.FSGroupPolicy, fsGroupPolicies))
	}
	for _, m := range spec.VolumeLifecycleModes {
		if !contains(lifecycleModes, m) {
			errs = append(errs, field.NotSupported(fldPath.Child("volumeLifecycleModes"), m, lifecycleModes))
		}
	}
	audiences := map[string]bool{}
	for i, tr := range spec.TokenRequests {
		p := fldPath.Child("tokenRequests").Index(i)
		if audiences[tr.Audience] {
			errs = append(errs, field.Duplicate(p.Child("audience"), tr.Audience))
		}
		audiences[tr.Audience] = true
		if tr.ExpirationSeconds != nil {
			if *tr.ExpirationSeconds < 10*60 {
				errs = append(errs, field.Invalid(p.Child("expirationSeconds"), *tr.ExpirationSeconds, "may not specify a duration less than 10 minutes"))
			}
			if *tr.ExpirationSeconds > 1<<32 {
				errs = append(errs, field.Invalid(p.Child("expirationSeconds"), *tr.ExpirationSeconds, "may not specify a duration larger than 2^32 seconds"))
			}
		}
	}
	return errs
}

// ValidateCSINode checks a CSI node on create.
func ValidateCSINode(n *CSINode) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&n.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	drivers := field.NewPath("spec", "drivers")
	names := map[string]bool{}
	for i, d := range n.Spec.Drivers {
		p := drivers.Index(i)
		errs = append(errs, ValidateCSIDriverName(d.Name, p.Child("name"))...)
		if names[d.Name] {
			errs = append(errs, field.Duplicate(p.Child("name"), d.Name))
		}
		names[d.Name] = true
		if d.NodeID == "" {
			errs = append(errs, field.Required(p.Child("nodeID"), ""))
		} else if len(d.NodeID) > csiNodeIDMax {
			errs = append(errs, field.TooLong(p.Child("nodeID"), d.NodeID, csiNodeIDMax))
		}
		if len(d.TopologyKeys) > maxTopologyKeys {
			errs = append(errs, field.TooMany(p.Child("topologyKeys"), len(d.TopologyKeys), maxTopologyKeys))
		}
		for j, k := range d.TopologyKeys {
			errs = append(errs, apivalidation.ValidateQualifiedName(k, p.Child("topologyKeys").Index(j))...)
		}
		if d.Allocatable != nil && d.Allocatable.Count != nil {
			errs = append(errs, apivalidation.ValidateNonnegativeField(int64(*d.Allocatable.Count), p.Child("allocatable", "count"))...)
		}
	}
	return errs
}

// ValidateCSINodeUpdate checks a CSI node on update; a registered driver's
// nodeID and topology keys may not change.
func ValidateCSINodeUpdate(n, old *CSINode) field.ErrorList {
	errs := ValidateCSINode(n)
	errs = append(errs, apivalidation.ValidateObjectMetaUpdate(&n.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))...)
	for _, od := range old.Spec.Drivers {
		for i, d := range n.Spec.Drivers {
			if d.Name != od.Name {
				continue
			}
			p := field.NewPath("spec", "drivers").Index(i)
			if d.NodeID != od.NodeID {
				errs = append(errs, field.Invalid(p.Child("nodeID"), d.NodeID, "field is immutable"))
			}
			if !reflect.DeepEqual(d.TopologyKeys, od.TopologyKeys) {
				errs = append(errs, field.Invalid(p.Child("topologyKeys"), d.TopologyKeys, "field is immutable"))
			}
		}
	}
	return errs
}

// ValidateCSIStorageCapacity checks a capacity object on create.
func ValidateCSIStorageCapacity(c *CSIStorageCapacity) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&c.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	if c.NodeTopology != nil {
		errs = append(errs, apivalidation.ValidateLabelSelector(c.NodeTopology, apivalidation.LabelSelectorValidationOptions{}, field.NewPath("nodeTopology"))...)
	}
	for _, msg := range apivalidation.NameIsDNSSubdomain(c.StorageClassName, false) {
		errs = append(errs, field.Invalid(field.NewPath("storageClassName"), c.StorageClassName, msg))
	}
	return errs
}

// ValidateCSIStorageCapacityUpdate checks a capacity object on update; only
// the capacities may change.
func ValidateCSIStorageCapacityUpdate(c, old *CSIStorageCapacity) field.ErrorList {
	errs := ValidateCSIStorageCapacity(c)
	errs = append(errs, apivalidation.ValidateObjectMetaUpdate(&c.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))...)
	errs = append(errs, apivalidation.ValidateImmutableField(c.NodeTopology, old.NodeTopology, field.NewPath("nodeTopology"))...)
	return append(errs, apivalidation.ValidateImmutableField(c.StorageClassName, old.StorageClassName, field.NewPath("storageClassName"))...)
}

// ValidateVolumeAttributesClass checks a volume attributes class on create.
func ValidateVolumeAttributesClass(c *VolumeAttributesClass) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&c.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	errs = append(errs, ValidateCSIDriverName(c.DriverName, field.NewPath("driverName"))...)
	return append(errs, validateParameters(c.Parameters, field.NewPath("parameters"))...)
}

// ValidateVolumeAttributesClassUpdate checks a volume attributes class on
// update; driver and parameters are fixed.
func ValidateVolumeAttributesClassUpdate(c, old *VolumeAttributesClass) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&c.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	if c.DriverName != old.DriverName {
		errs = append(errs, field.Forbidden(field.NewPath("driverName"), "updates to driverName are forbidden."))
	}
	if !reflect.DeepEqual(c.Parameters, old.Parameters) {
		errs = append(errs, field.Forbidden(field.NewPath("parameters"), "updates to parameters are forbidden."))
	}
	return errs
}
