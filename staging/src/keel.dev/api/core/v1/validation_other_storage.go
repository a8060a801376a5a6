package v1

import (
	"path"
	"reflect"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

var (
	accessModes     = []PersistentVolumeAccessMode{ReadOnlyMany, ReadWriteMany, ReadWriteOnce, ReadWriteOncePod}
	volumeModes     = []PersistentVolumeMode{PersistentVolumeBlock, PersistentVolumeFilesystem}
	reclaimPolicies = []PersistentVolumeReclaimPolicy{PersistentVolumeReclaimDelete, PersistentVolumeReclaimRecycle, PersistentVolumeReclaimRetain}
)

// validateAccessModes checks each access mode and that ReadWriteOncePod
// stands alone.
func validateAccessModes(modes []PersistentVolumeAccessMode, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	rwop, other := false, false
	for _, m := range modes {
		if !oneOf(m, accessModes) {
			errs = append(errs, field.NotSupported(fldPath, m, accessModes))
		}
		if m == ReadWriteOncePod {
			rwop = true
		} else {
			other = true
		}
	}
	if rwop && other {
		errs = append(errs, field.Forbidden(fldPath, "may not use ReadWriteOncePod with other access modes"))
	}
	return errs
}

// validateClassName checks a storage or attributes class name.
func validateClassName(name string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range ValidateClassName(name, false) {
		errs = append(errs, field.Invalid(fldPath, name, msg))
	}
	return errs
}

// ValidatePersistentVolume checks a persistent volume on create.
func ValidatePersistentVolume(pv *PersistentVolume) field.ErrorList {
	errs := validateMeta(&pv.ObjectMeta, false, ValidatePersistentVolumeName)
	return append(errs, validatePersistentVolumeSpec(&pv.Spec, field.NewPath("spec"))...)
}

// validatePersistentVolumeSpec checks access modes, capacity, classes,
// reclaim policy, node affinity and that exactly one source is set.
func validatePersistentVolumeSpec(spec *PersistentVolumeSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(spec.AccessModes) == 0 {
		errs = append(errs, field.Required(fldPath.Child("accessModes"), ""))
	}
	errs = append(errs, validateAccessModes(spec.AccessModes, fldPath.Child("accessModes"))...)

	capPath := fldPath.Child("capacity")
	if len(spec.Capacity) == 0 {
		errs = append(errs, field.Required(capPath, ""))
	}
	if _, ok := spec.Capacity[ResourceStorage]; !ok || len(spec.Capacity) > 1 {
		errs = append(errs, field.NotSupported(capPath, spec.Capacity, []ResourceName{ResourceStorage}))
	}
	for _, name := range sortedResourceNames(spec.Capacity) {
		q := spec.Capacity[name]
		if q.Value() < 0 {
			errs = append(errs, field.Invalid(capPath.Key(string(name)), q.Value(), "must be a valid resource quantity"))
		}
		errs = append(errs, ValidatePositiveQuantityValue(q, capPath.Key(string(name)))...)
	}

	if spec.StorageClassName != "" {
		errs = append(errs, validateClassName(spec.StorageClassName, fldPath.Child("storageClassName"))...)
	}
	if spec.VolumeMode != nil && !oneOf(*spec.VolumeMode, volumeModes) {
		errs = append(errs, field.NotSupported(fldPath.Child("volumeMode"), *spec.VolumeMode, volumeModes))
	}
	if vac := spec.VolumeAttributesClassName; vac != nil {
		if *vac == "" {
			errs = append(errs, field.Required(fldPath.Child("volumeAttributesClassName"), "an empty string is disallowed"))
		} else {
			errs = append(errs, validateClassName(*vac, fldPath.Child("volumeAttributesClassName"))...)
		}
		if spec.CSI == nil {
			errs = append(errs, field.Required(fldPath.Child("csi"), "has to be specified when using volumeAttributesClassName"))
		}
	}
	if p := spec.PersistentVolumeReclaimPolicy; p != "" && !oneOf(p, reclaimPolicies) {
		errs = append(errs, field.NotSupported(fldPath.Child("persistentVolumeReclaimPolicy"), p, reclaimPolicies))
	}

	hasNodeAffinity := false
	if na := spec.NodeAffinity; na != nil {
		hasNodeAffinity = true
		if na.Required != nil {
			errs = append(errs, ValidateNodeSelector(na.Required, fldPath.Child("nodeAffinity", "required"))...)
		} else {
			errs = append(errs, field.Required(fldPath.Child("nodeAffinity", "required"), "must specify required node constraints"))
		}
	}

	errs = append(errs, validatePersistentVolumeSource(&spec.PersistentVolumeSource, hasNodeAffinity, fldPath)...)

	if spec.HostPath != nil && path.Clean(spec.HostPath.Path) == "/" && spec.PersistentVolumeReclaimPolicy == PersistentVolumeReclaimRecycle {
		errs = append(errs, field.Forbidden(fldPath.Child("persistentVolumeReclaimPolicy"), "may not be 'recycle' for a hostPath mount of '/'"))
	}
	return errs
}

// validatePersistentVolumeSource requires exactly one source and checks the
// required fields of the common ones.
func validatePersistentVolumeSource(src *PersistentVolumeSource, hasNodeAffinity bool, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	count := 0
	// Sources in the order Kubernetes checks them; the first one set counts,
	// each further one is forbidden.
	type source struct {
		name  string
		set   bool
		check func(*field.Path) field.ErrorList
	}
	sources := []source{
		{"hostPath", src.HostPath != nil, func(p *field.Path) field.ErrorList {
			return requireString(src.HostPath.Path, p.Child("path"))
		}},
		{"gcePersistentDisk", src.GCEPersistentDisk != nil, func(p *field.Path) field.ErrorList {
			return requireString(src.GCEPersistentDisk.PDName, p.Child("pdName"))
		}},
		{"awsElasticBlockStore", src.AWSElasticBlockStore != nil, func(p *field.Path) field.ErrorList {
			return requireString(src.AWSElasticBlockStore.VolumeID, p.Child("volumeID"))
		}},
		{"glusterfs", src.Glusterfs != nil, func(p *field.Path) field.ErrorList {
			errs := requireString(src.Glusterfs.EndpointsName, p.Child("endpoints"))
			return append(errs, requireString(src.Glusterfs.Path, p.Child("path"))...)
		}},
		{"flocker", src.Flocker != nil, nil},
		{"nfs", src.NFS != nil, func(p *field.Path) field.ErrorList {
			errs := requireString(src.NFS.Server, p.Child("server"))
			if src.NFS.Path == "" {
				errs = append(errs, field.Required(p.Child("path"), ""))
			} else if !path.IsAbs(src.NFS.Path) {
				errs = append(errs, field.Invalid(p.Child("path"), src.NFS.Path, "must be an absolute path"))
			}
			return errs
		}},
		{"rbd", src.RBD != nil, func(p *field.Path) field.ErrorList {
			var errs field.ErrorList
			if len(src.RBD.CephMonitors) == 0 {
				errs = append(errs, field.Required(p.Child("monitors"), ""))
			}
			return append(errs, requireString(src.RBD.RBDImage, p.Child("image"))...)
		}},
		{"quobyte", src.Quobyte != nil, func(p *field.Path) field.ErrorList {
			errs := requireString(src.Quobyte.Registry, p.Child("registry"))
			return append(errs, requireString(src.Quobyte.Volume, p.Child("volume"))...)
		}},
		{"cephfs", src.CephFS != nil, func(p *field.Path) field.ErrorList {
			if len(src.CephFS.Monitors) == 0 {
				return field.ErrorList{field.Required(p.Child("monitors"), "")}
			}
			return nil
		}},
		{"iscsi", src.ISCSI != nil, func(p *field.Path) field.ErrorList {
			errs := requireString(src.ISCSI.TargetPortal, p.Child("targetPortal"))
			return append(errs, requireString(src.ISCSI.IQN, p.Child("iqn"))...)
		}},
		{"cinder", src.Cinder != nil, func(p *field.Path) field.ErrorList {
			return requireString(src.Cinder.VolumeID, p.Child("volumeID"))
		}},
		{"fc", src.FC != nil, nil},
		{"flexVolume", src.FlexVolume != nil, func(p *field.Path) field.ErrorList {
			return requireString(src.FlexVolume.Driver, p.Child("driver"))
		}},
		{"azureFile", src.AzureFile != nil, func(p *field.Path) field.ErrorList {
			errs := requireString(src.AzureFile.SecretName, p.Child("secretName"))
			return append(errs, requireString(src.AzureFile.ShareName, p.Child("shareName"))...)
		}},
		{"vsphereVolume", src.VsphereVolume != nil, func(p *field.Path) field.ErrorList {
			return requireString(src.VsphereVolume.VolumePath, p.Child("volumePath"))
		}},
		{"photonPersistentDisk", src.PhotonPersistentDisk != nil, func(p *field.Path) field.ErrorList {
			return requireString(src.PhotonPersistentDisk.PdID, p.Child("pdID"))
		}},
		{"portworxVolume", src.PortworxVolume != nil, func(p *field.Path) field.ErrorList {
			return requireString(src.PortworxVolume.VolumeID, p.Child("volumeID"))
		}},
		{"azureDisk", src.AzureDisk != nil, func(p *field.Path) field.ErrorList {
			errs := requireString(src.AzureDisk.DiskName, p.Child("diskName"))
			return append(errs, requireString(src.AzureDisk.DataDiskURI, p.Child("diskURI"))...)
		}},
		{"scaleIO", src.ScaleIO != nil, func(p *field.Path) field.ErrorList {
			errs := requireString(src.ScaleIO.Gateway, p.Child("gateway"))
			errs = append(errs, requireString(src.ScaleIO.System, p.Child("system"))...)
			return append(errs, requireString(src.ScaleIO.VolumeName, p.Child("volumeName"))...)
		}},
		{"local", src.Local != nil, func(p *field.Path) field.ErrorList {
			var errs field.ErrorList
			if !hasNodeAffinity {
				errs = append(errs, field.Required(fldPath.Child("nodeAffinity"), "Local volume requires node affinity"))
			}
			return append(errs, requireString(src.Local.Path, p.Child("path"))...)
		}},
		{"storageos", src.StorageOS != nil, func(p *field.Path) field.ErrorList {
			return requireString(src.StorageOS.VolumeName, p.Child("volumeName"))
		}},
		{"csi", src.CSI != nil, func(p *field.Path) field.ErrorList {
			var errs field.ErrorList
			if src.CSI.Driver == "" {
				errs = append(errs, field.Required(p.Child("driver"), ""))
			} else {
				errs = append(errs, validateCSIDriverName(src.CSI.Driver, p.Child("driver"))...)
			}
			return append(errs, requireString(src.CSI.VolumeHandle, p.Child("volumeHandle"))...)
		}},
	}
	for _, s := range sources {
		if !s.set {
			continue
		}
		p := fldPath.Child(s.name)
		if count > 0 {
			errs = append(errs, field.Forbidden(p, "may not specify more than 1 volume type"))
			continue
		}
		count++
		if s.check != nil {
			errs = append(errs, s.check(p)...)
		}
	}
	if count == 0 {
		errs = append(errs, field.Required(fldPath, "must specify a volume type"))
	}
	return errs
}

// requireString reports an empty required string.
func requireString(v string, fldPath *field.Path) field.ErrorList {
	if v == "" {
		return field.ErrorList{field.Required(fldPath, "")}
	}
	return nil
}

// validateCSIDriverName checks a CSI driver name: at most 63 characters, a
// DNS subdomain once lower-cased.
func validateCSIDriverName(name string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(name) > 63 {
		errs = append(errs, field.TooLong(fldPath, name, 63))
	}
	for _, msg := range validation.IsDNS1123Subdomain(strings.ToLower(name)) {
		errs = append(errs, field.Invalid(fldPath, name, msg))
	}
	return errs
}

// ValidatePersistentVolumeUpdate checks a persistent volume update: the
// source and volume mode are fixed, node affinity may only be added.
func ValidatePersistentVolumeUpdate(pv, old *PersistentVolume) field.ErrorList {
	errs := validateMetaUpdate(&pv.ObjectMeta, &old.ObjectMeta)
	errs = append(errs, ValidatePersistentVolume(pv)...)
	newSrc := pv.Spec.PersistentVolumeSource
	// A CSI controllerExpandSecretRef may be set once.
	if old.Spec.CSI != nil && old.Spec.CSI.ControllerExpandSecretRef == nil && newSrc.CSI != nil && newSrc.CSI.ControllerExpandSecretRef != nil {
		csi := *newSrc.CSI
		csi.ControllerExpandSecretRef = nil
		newSrc.CSI = &csi
	}
	if !reflect.DeepEqual(newSrc, old.Spec.PersistentVolumeSource) {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "persistentvolumesource"), "spec.persistentvolumesource is immutable after creation"))
	}
	errs = append(errs, apivalidation.ValidateImmutableField(pv.Spec.VolumeMode, old.Spec.VolumeMode, field.NewPath("volumeMode"))...)
	if old.Spec.NodeAffinity != nil && !reflect.DeepEqual(pv.Spec.NodeAffinity, old.Spec.NodeAffinity) {
		errs = append(errs, field.Invalid(field.NewPath("nodeAffinity"), pv.Spec.NodeAffinity,
			apivalidation.FieldImmutableErrorMsg+", except for updating from beta label to GA"))
	}
	return errs
}

// ValidatePersistentVolumeStatusUpdate checks an update of persistentvolumes/status.
func ValidatePersistentVolumeStatusUpdate(pv, old *PersistentVolume) field.ErrorList {
	return validateMetaUpdate(&pv.ObjectMeta, &old.ObjectMeta)
}

// ValidatePersistentVolumeClaim checks a claim on create.
func ValidatePersistentVolumeClaim(pvc *PersistentVolumeClaim) field.ErrorList {
	errs := validateMeta(&pvc.ObjectMeta, true, ValidatePersistentVolumeName)
	return append(errs, ValidatePersistentVolumeClaimSpec(&pvc.Spec, field.NewPath("spec"))...)
}

// ValidatePersistentVolumeClaimSpec checks a claim spec (also used by
// ephemeral volume and StatefulSet claim templates).
func ValidatePersistentVolumeClaimSpec(spec *PersistentVolumeClaimSpec, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(spec.AccessModes) == 0 {
		errs = append(errs, field.Required(fldPath.Child("accessModes"), "at least 1 access mode is required"))
	}
	if spec.Selector != nil {
		errs = append(errs, apivalidation.ValidateLabelSelector(spec.Selector, apivalidation.LabelSelectorValidationOptions{}, fldPath.Child("selector"))...)
	}
	errs = append(errs, validateAccessModes(spec.AccessModes, fldPath.Child("accessModes"))...)

	storagePath := fldPath.Child("resources").Key(string(ResourceStorage))
	if q, ok := spec.Resources.Requests[ResourceStorage]; !ok {
		errs = append(errs, field.Required(storagePath, ""))
	} else if qErrs := ValidatePositiveQuantityValue(q, storagePath); len(qErrs) > 0 {
		errs = append(errs, qErrs...)
	} else {
		errs = append(errs, ValidateResourceQuantityValue(ResourceStorage, q, storagePath)...)
	}

	if spec.StorageClassName != nil && *spec.StorageClassName != "" {
		errs = append(errs, validateClassName(*spec.StorageClassName, fldPath.Child("storageClassName"))...)
	}
	if spec.VolumeMode != nil && !oneOf(*spec.VolumeMode, volumeModes) {
		errs = append(errs, field.NotSupported(fldPath.Child("volumeMode"), *spec.VolumeMode, volumeModes))
	}
	if ds := spec.DataSource; ds != nil {
		errs = append(errs, validateDataSource(ds.APIGroup, ds.Kind, ds.Name, fldPath.Child("dataSource"))...)
	}
	if ref := spec.DataSourceRef; ref != nil {
		p := fldPath.Child("dataSourceRef")
		errs = append(errs, validateDataSource(ref.APIGroup, ref.Kind, ref.Name, p)...)
		if ref.Namespace != nil && *ref.Namespace != "" {
			errs = append(errs, apivalidation.ValidateDNS1123Label(*ref.Namespace, p.Child("namespace"))...)
		}
	}
	if ref := spec.DataSourceRef; ref != nil && ref.Namespace != nil && *ref.Namespace != "" {
		if spec.DataSource != nil {
			errs = append(errs, field.Invalid(fldPath, fldPath.Child("dataSource"), "may not be specified when dataSourceRef.namespace is specified"))
		}
	} else if spec.DataSource != nil && spec.DataSourceRef != nil && !sameDataSource(spec.DataSource, spec.DataSourceRef) {
		errs = append(errs, field.Invalid(fldPath, fldPath.Child("dataSource"), "must match dataSourceRef"))
	}
	if vac := spec.VolumeAttributesClassName; vac != nil && *vac != "" {
		errs = append(errs, validateClassName(*vac, fldPath.Child("volumeAttributesClassName"))...)
	}
	return errs
}

// validateDataSource checks a claim's data source reference.
func validateDataSource(apiGroup *string, kind, name string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if name == "" {
		errs = append(errs, field.Required(fldPath.Child("name"), ""))
	}
	if kind == "" {
		errs = append(errs, field.Required(fldPath.Child("kind"), ""))
	}
	group := ""
	if apiGroup != nil {
		group = *apiGroup
	}
	if group == "" && kind != "PersistentVolumeClaim" {
		errs = append(errs, field.Invalid(fldPath, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"))
	}
	if group != "" {
		for _, msg := range validation.IsDNS1123Subdomain(group) {
			errs = append(errs, field.Invalid(fldPath.Child("apiGroup"), group, msg))
		}
	}
	return errs
}

// sameDataSource reports whether dataSource and dataSourceRef name the same object.
func sameDataSource(ds *TypedLocalObjectReference, ref *TypedObjectReference) bool {
	group := func(g *string) string {
		if g == nil {
			return ""
		}
		return *g
	}
	return group(ds.APIGroup) == group(ref.APIGroup) && ds.Kind == ref.Kind && ds.Name == ref.Name
}

// ValidatePersistentVolumeClaimUpdate checks a claim update: the spec is
// fixed except volumeName (settable once), the storage request of a bound
// claim (which may grow, or shrink while above status.capacity) and the
// volume attributes class.
func ValidatePersistentVolumeClaimUpdate(pvc, old *PersistentVolumeClaim) field.ErrorList {
	errs := validateMetaUpdate(&pvc.ObjectMeta, &old.ObjectMeta)
	errs = append(errs, ValidatePersistentVolumeClaim(pvc)...)

	newSpec, oldSpec := *pvc.Spec.DeepCopy(), *old.Spec.DeepCopy()
	if oldSpec.VolumeName == "" {
		oldSpec.VolumeName = newSpec.VolumeName
	}
	oldClassAnn, hadClassAnn := old.Annotations[BetaStorageClassAnnotation]
	switch {
	case oldSpec.StorageClassName == nil && newSpec.StorageClassName != nil && hadClassAnn && oldClassAnn == *newSpec.StorageClassName:
		// Moving the class from the beta annotation to the field is allowed.
		newSpec.StorageClassName = nil
	case oldSpec.StorageClassName == nil && newSpec.StorageClassName != nil && !hadClassAnn && old.Spec.VolumeName == "":
		// An unbound claim without a class may get one.
		oldSpec.StorageClassName = newSpec.StorageClassName
	default:
		if pvc.Annotations[BetaStorageClassAnnotation] != oldClassAnn {
			errs = append(errs, field.Forbidden(field.NewPath("metadata", "annotations").Key(BetaStorageClassAnnotation), apivalidation.FieldImmutableErrorMsg))
		}
	}
	if pvc.Status.Phase == ClaimBound && newSpec.Resources.Requests != nil {
		if q, ok := oldSpec.Resources.Requests[ResourceStorage]; ok {
			newSpec.Resources.Requests[ResourceStorage] = q
		} else {
			delete(newSpec.Resources.Requests, ResourceStorage)
		}
	}
	newSpec.VolumeAttributesClassName = oldSpec.VolumeAttributesClassName
	if !reflect.DeepEqual(newSpec, oldSpec) {
		errs = append(errs, field.Forbidden(field.NewPath("spec"), "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"))
	}

	newSize := pvc.Spec.Resources.Requests[ResourceStorage]
	oldSize := old.Spec.Resources.Requests[ResourceStorage]
	statusSize := old.Status.Capacity[ResourceStorage]
	if newSize.Cmp(oldSize) < 0 && newSize.Cmp(statusSize) <= 0 {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "resources", "requests", "storage"), "field can not be less than status.capacity"))
	}
	errs = append(errs, apivalidation.ValidateImmutableField(pvc.Spec.VolumeMode, old.Spec.VolumeMode, field.NewPath("volumeMode"))...)
	return errs
}

// ValidatePersistentVolumeClaimStatusUpdate checks an update of persistentvolumeclaims/status.
func ValidatePersistentVolumeClaimStatusUpdate(pvc, old *PersistentVolumeClaim) field.ErrorList {
	errs := validateMetaUpdate(&pvc.ObjectMeta, &old.ObjectMeta)
	if len(pvc.ResourceVersion) == 0 {
		errs = append(errs, field.Required(field.NewPath("resourceVersion"), ""))
	}
	if len(pvc.Spec.AccessModes) == 0 {
		errs = append(errs, field.Required(field.NewPath("Spec", "accessModes"), ""))
	}
	capPath := field.NewPath("status", "capacity")
	for _, name := range sortedResourceNames(pvc.Status.Capacity) {
		errs = append(errs, ValidateResourceQuantityValue(name, pvc.Status.Capacity[name], capPath.Key(string(name)))...)
	}
	return errs
}
