package v1

import (
	"fmt"
	"path"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// fileModeErrorMsg is Kubernetes' message for an out-of-range file mode.
const fileModeErrorMsg = "must be a number between 0 and 0777 (octal), both inclusive"

// validateVolumes checks spec.volumes and returns the valid ones by name.
// Ephemeral volumes of a named pod must also yield a valid PVC name
// ("<pod>-<volume>").
func validateVolumes(volumes []Volume, meta *metav1.ObjectMeta, fldPath *field.Path) (map[string]VolumeSource, field.ErrorList) {
	var errs field.ErrorList
	valid := map[string]VolumeSource{}
	names := map[string]bool{}
	for i, vol := range volumes {
		p := fldPath.Index(i)
		el := validateVolumeSource(&vol.VolumeSource, p)
		if vol.Name == "" {
			el = append(el, field.Required(p.Child("name"), ""))
		} else {
			el = append(el, apivalidation.ValidateDNS1123Label(vol.Name, p.Child("name"))...)
		}
		if names[vol.Name] {
			el = append(el, field.Duplicate(p.Child("name"), vol.Name))
		}
		if vol.Ephemeral != nil && meta != nil && meta.Name != "" && vol.Name != "" {
			pvcName := meta.Name + "-" + vol.Name
			for _, msg := range apivalidation.NameIsDNSSubdomain(pvcName, false) {
				el = append(el, field.Invalid(p.Child("name"), vol.Name, fmt.Sprintf("PVC name %q: %v", pvcName, msg)))
			}
		}
		if len(el) == 0 {
			names[vol.Name] = true
			valid[vol.Name] = vol.VolumeSource
		} else {
			errs = append(errs, el...)
		}
	}
	return valid, errs
}

// validateVolumeSource requires exactly one source and checks it.
func validateVolumeSource(vs *VolumeSource, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	one := func(name string, set bool, check func(p *field.Path) field.ErrorList) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, field.Forbidden(fldPath.Child(name), "may not specify more than 1 volume type"))
			return
		}
		n++
		errs = append(errs, check(fldPath.Child(name))...)
	}
	req := func(p *field.Path, pairs ...string) field.ErrorList {
		var el field.ErrorList
		for i := 0; i+1 < len(pairs); i += 2 {
			if pairs[i+1] == "" {
				el = append(el, field.Required(p.Child(pairs[i]), ""))
			}
		}
		return el
	}
	one("emptyDir", vs.EmptyDir != nil, func(p *field.Path) field.ErrorList {
		if vs.EmptyDir.SizeLimit != nil && vs.EmptyDir.SizeLimit.Sign() < 0 {
			return field.ErrorList{field.Forbidden(p.Child("sizeLimit"), "SizeLimit field must be a valid resource quantity")}
		}
		return nil
	})
	one("hostPath", vs.HostPath != nil, func(p *field.Path) field.ErrorList { return validateHostPathVolumeSource(vs.HostPath, p) })
	one("gitRepo", vs.GitRepo != nil, func(p *field.Path) field.ErrorList {
		el := req(p, "repository", vs.GitRepo.Repository)
		return append(el, validateLocalDescendingPath(vs.GitRepo.Directory, p.Child("directory"))...)
	})
	one("gcePersistentDisk", vs.GCEPersistentDisk != nil, func(p *field.Path) field.ErrorList {
		el := req(p, "pdName", vs.GCEPersistentDisk.PDName)
		if vs.GCEPersistentDisk.Partition < 0 || vs.GCEPersistentDisk.Partition > 255 {
			el = append(el, field.Invalid(p.Child("partition"), vs.GCEPersistentDisk.Partition, "must be between 0 and 255"))
		}
		return el
	})
	one("awsElasticBlockStore", vs.AWSElasticBlockStore != nil, func(p *field.Path) field.ErrorList {
		el := req(p, "volumeID", vs.AWSElasticBlockStore.VolumeID)
		if vs.AWSElasticBlockStore.Partition < 0 || vs.AWSElasticBlockStore.Partition > 255 {
			el = append(el, field.Invalid(p.Child("partition"), vs.AWSElasticBlockStore.Partition, "must be between 0 and 255"))
		}
		return el
	})
	one("secret", vs.Secret != nil, func(p *field.Path) field.ErrorList {
		el := req(p, "secretName", vs.Secret.SecretName)
		el = append(el, validateFileMode(vs.Secret.DefaultMode, p.Child("defaultMode"))...)
		return append(el, validateKeyToPaths(vs.Secret.Items, p.Child("items"))...)
	})
	one("nfs", vs.NFS != nil, func(p *field.Path) field.ErrorList {
		el := req(p, "server", vs.NFS.Server, "path", vs.NFS.Path)
		if vs.NFS.Path != "" && !path.IsAbs(vs.NFS.Path) {
			el = append(el, field.Invalid(p.Child("path"), vs.NFS.Path, "must be an absolute path"))
		}
		return el
	})
	one("iscsi", vs.ISCSI != nil, func(p *field.Path) field.ErrorList {
		el := req(p, "targetPortal", vs.ISCSI.TargetPortal, "iqn", vs.ISCSI.IQN)
		if vs.ISCSI.Lun < 0 || vs.ISCSI.Lun > 255 {
			el = append(el, field.Invalid(p.Child("lun"), vs.ISCSI.Lun, "must be between 0 and 255"))
		}
		return el
	})
	one("glusterfs", vs.Glusterfs != nil, func(p *field.Path) field.ErrorList {
		return req(p, "endpoints", vs.Glusterfs.EndpointsName, "path", vs.Glusterfs.Path)
	})
	one("flocker", vs.Flocker != nil, func(p *field.Path) field.ErrorList {
		f := vs.Flocker
		if (f.DatasetName == "") == (f.DatasetUUID == "") {
			return field.ErrorList{field.Required(p, "one of datasetName and datasetUUID is required")}
		}
		if strings.Contains(f.DatasetName, "/") {
			return field.ErrorList{field.Invalid(p.Child("datasetName"), f.DatasetName, "must not contain '/'")}
		}
		return nil
	})
	one("persistentVolumeClaim", vs.PersistentVolumeClaim != nil, func(p *field.Path) field.ErrorList {
		return req(p, "claimName", vs.PersistentVolumeClaim.ClaimName)
	})
	one("rbd", vs.RBD != nil, func(p *field.Path) field.ErrorList {
		el := req(p, "image", vs.RBD.RBDImage)
		if len(vs.RBD.CephMonitors) == 0 {
			el = append(el, field.Required(p.Child("monitors"), ""))
		}
		return el
	})
	one("cinder", vs.Cinder != nil, func(p *field.Path) field.ErrorList { return req(p, "volumeID", vs.Cinder.VolumeID) })
	one("cephfs", vs.CephFS != nil, func(p *field.Path) field.ErrorList {
		if len(vs.CephFS.Monitors) == 0 {
			return field.ErrorList{field.Required(p.Child("monitors"), "")}
		}
		return nil
	})
	one("flexVolume", vs.FlexVolume != nil, func(p *field.Path) field.ErrorList { return req(p, "driver", vs.FlexVolume.Driver) })
	one("downwardAPI", vs.DownwardAPI != nil, func(p *field.Path) field.ErrorList {
		el := validateFileMode(vs.DownwardAPI.DefaultMode, p.Child("defaultMode"))
		for i := range vs.DownwardAPI.Items {
			el = append(el, validateDownwardAPIFile(&vs.DownwardAPI.Items[i], p.Child("items").Index(i))...)
		}
		return el
	})
	one("fc", vs.FC != nil, func(p *field.Path) field.ErrorList {
		fc := vs.FC
		switch {
		case len(fc.TargetWWNs) == 0 && len(fc.WWIDs) == 0:
			return field.ErrorList{field.Required(p.Child("targetWWNs"), "must specify either targetWWNs or wwids, but not both")}
		case len(fc.TargetWWNs) != 0 && len(fc.WWIDs) != 0:
			return field.ErrorList{field.Invalid(p.Child("targetWWNs"), fc.TargetWWNs, "targetWWNs and wwids can not be specified simultaneously")}
		case len(fc.TargetWWNs) != 0 && fc.Lun == nil:
			return field.ErrorList{field.Required(p.Child("lun"), "lun is required if targetWWNs is specified")}
		case fc.Lun != nil && (*fc.Lun < 0 || *fc.Lun > 255):
			return field.ErrorList{field.Invalid(p.Child("lun"), *fc.Lun, "must be between 0 and 255")}
		}
		return nil
	})
	one("azureFile", vs.AzureFile != nil, func(p *field.Path) field.ErrorList {
		return req(p, "secretName", vs.AzureFile.SecretName, "shareName", vs.AzureFile.ShareName)
	})
	one("configMap", vs.ConfigMap != nil, func(p *field.Path) field.ErrorList {
		el := req(p, "name", vs.ConfigMap.Name)
		el = append(el, validateFileMode(vs.ConfigMap.DefaultMode, p.Child("defaultMode"))...)
		return append(el, validateKeyToPaths(vs.ConfigMap.Items, p.Child("items"))...)
	})
	one("vsphereVolume", vs.VsphereVolume != nil, func(p *field.Path) field.ErrorList {
		return req(p, "volumePath", vs.VsphereVolume.VolumePath)
	})
	one("quobyte", vs.Quobyte != nil, func(p *field.Path) field.ErrorList {
		return req(p, "registry", vs.Quobyte.Registry, "volume", vs.Quobyte.Volume)
	})
	one("azureDisk", vs.AzureDisk != nil, func(p *field.Path) field.ErrorList {
		return req(p, "diskName", vs.AzureDisk.DiskName, "diskURI", vs.AzureDisk.DataDiskURI)
	})
	one("photonPersistentDisk", vs.PhotonPersistentDisk != nil, func(p *field.Path) field.ErrorList {
		return req(p, "pdID", vs.PhotonPersistentDisk.PdID)
	})
	one("portworxVolume", vs.PortworxVolume != nil, func(p *field.Path) field.ErrorList {
		return req(p, "volumeID", vs.PortworxVolume.VolumeID)
	})
	one("scaleIO", vs.ScaleIO != nil, func(p *field.Path) field.ErrorList {
		el := req(p, "gateway", vs.ScaleIO.Gateway, "system", vs.ScaleIO.System, "volumeName", vs.ScaleIO.VolumeName)
		if vs.ScaleIO.SecretRef == nil {
			el = append(el, field.Required(p.Child("secretRef"), ""))
		}
		return el
	})
	one("storageos", vs.StorageOS != nil, func(p *field.Path) field.ErrorList {
		return req(p, "volumeName", vs.StorageOS.VolumeName)
	})
	one("projected", vs.Projected != nil, func(p *field.Path) field.ErrorList { return validateProjectedVolumeSource(vs.Projected, p) })
	one("csi", vs.CSI != nil, func(p *field.Path) field.ErrorList {
		if vs.CSI.Driver == "" {
			return field.ErrorList{field.Required(p.Child("driver"), "")}
		}
		return apivalidation.ValidateDNS1123Subdomain(strings.ToLower(vs.CSI.Driver), p.Child("driver"))
	})
	one("ephemeral", vs.Ephemeral != nil, func(p *field.Path) field.ErrorList {
		if vs.Ephemeral.VolumeClaimTemplate == nil {
			return field.ErrorList{field.Required(p.Child("volumeClaimTemplate"), "")}
		}
		t := vs.Ephemeral.VolumeClaimTemplate
		tp := p.Child("volumeClaimTemplate")
		el := apivalidation.ValidateLabels(t.Labels, tp.Child("metadata", "labels"))
		el = append(el, apivalidation.ValidateAnnotations(t.Annotations, tp.Child("metadata", "annotations"))...)
		if len(t.Spec.AccessModes) == 0 {
			el = append(el, field.Required(tp.Child("spec", "accessModes"), "at least 1 access mode is required"))
		}
		return el
	})
	one("image", vs.Image != nil, func(p *field.Path) field.ErrorList {
		el := req(p, "reference", vs.Image.Reference)
		switch vs.Image.PullPolicy {
		case "", PullAlways, PullIfNotPresent, PullNever:
		default:
			el = append(el, field.NotSupported(p.Child("pullPolicy"), vs.Image.PullPolicy, []PullPolicy{PullAlways, PullIfNotPresent, PullNever}))
		}
		return el
	})
	if n == 0 {
		errs = append(errs, field.Required(fldPath, "must specify a volume type"))
	}
	return errs
}

// validateHostPathVolumeSource checks a hostPath volume.
func validateHostPathVolumeSource(h *HostPathVolumeSource, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if h.Path == "" {
		errs = append(errs, field.Required(fldPath.Child("path"), ""))
	}
	errs = append(errs, validatePathNoBacksteps(h.Path, fldPath.Child("path"))...)
	if h.Type != nil {
		valid := []HostPathType{HostPathUnset, HostPathBlockDev, HostPathCharDev, HostPathDirectory,
			HostPathDirectoryOrCreate, HostPathFile, HostPathFileOrCreate, HostPathSocket}
		ok := false
		for _, v := range valid {
			ok = ok || v == *h.Type
		}
		if !ok {
			errs = append(errs, field.NotSupported(fldPath.Child("type"), *h.Type, valid))
		}
	}
	return errs
}

// validateProjectedVolumeSource checks each projection and path conflicts.
func validateProjectedVolumeSource(pv *ProjectedVolumeSource, fldPath *field.Path) field.ErrorList {
	errs := validateFileMode(pv.DefaultMode, fldPath.Child("defaultMode"))
	paths := map[string]bool{}
	addPath := func(pth string, p *field.Path) {
		if paths[pth] {
			errs = append(errs, field.Invalid(p, pth, "conflicting duplicate paths"))
		}
		paths[pth] = true
	}
	for i, src := range pv.Sources {
		sp := fldPath.Child("sources").Index(i)
		n := 0
		if s := src.Secret; s != nil {
			n++
			p := sp.Child("secret")
			if s.Name == "" {
				errs = append(errs, field.Required(p.Child("name"), ""))
			}
			errs = append(errs, validateKeyToPaths(s.Items, p.Child("items"))...)
			for j, kp := range s.Items {
				addPath(kp.Path, p.Child("items").Index(j).Child("path"))
			}
		}
		if s := src.ConfigMap; s != nil {
			n++
			p := sp.Child("configMap")
			if s.Name == "" {
				errs = append(errs, field.Required(p.Child("name"), ""))
			}
			errs = append(errs, validateKeyToPaths(s.Items, p.Child("items"))...)
			for j, kp := range s.Items {
				addPath(kp.Path, p.Child("items").Index(j).Child("path"))
			}
		}
		if s := src.DownwardAPI; s != nil {
			n++
			p := sp.Child("downwardAPI")
			for j := range s.Items {
				errs = append(errs, validateDownwardAPIFile(&s.Items[j], p.Child("items").Index(j))...)
				addPath(s.Items[j].Path, p.Child("items").Index(j).Child("path"))
			}
		}
		if s := src.ServiceAccountToken; s != nil {
			n++
			p := sp.Child("serviceAccountToken")
			if s.ExpirationSeconds != nil {
				if *s.ExpirationSeconds < 10*60 {
					errs = append(errs, field.Invalid(p.Child("expirationSeconds"), *s.ExpirationSeconds, "may not specify a duration less than 10 minutes"))
				}
				if *s.ExpirationSeconds > 1<<32 {
					errs = append(errs, field.Invalid(p.Child("expirationSeconds"), *s.ExpirationSeconds, "may not specify a duration larger than 2^32 seconds"))
				}
			}
			if s.Path == "" {
				errs = append(errs, field.Required(p.Child("path"), ""))
			} else {
				errs = append(errs, validateLocalNonReservedPath(s.Path, p.Child("path"))...)
				addPath(s.Path, p.Child("path"))
			}
		}
		if s := src.ClusterTrustBundle; s != nil {
			n++
			p := sp.Child("clusterTrustBundle")
			if s.Path == "" {
				errs = append(errs, field.Required(p.Child("path"), ""))
			} else {
				errs = append(errs, validateLocalNonReservedPath(s.Path, p.Child("path"))...)
				addPath(s.Path, p.Child("path"))
			}
		}
		if s := src.PodCertificate; s != nil {
			n++
			p := sp.Child("podCertificate")
			if s.SignerName == "" {
				errs = append(errs, field.Required(p.Child("signerName"), ""))
			}
		}
		if n > 1 {
			errs = append(errs, field.Forbidden(sp, "may not specify more than 1 volume type per source"))
		}
	}
	return errs
}

// validateDownwardAPIFile checks one file of a downward API volume or projection.
func validateDownwardAPIFile(f *DownwardAPIVolumeFile, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if f.Path == "" {
		errs = append(errs, field.Required(fldPath.Child("path"), ""))
	}
	errs = append(errs, validateLocalNonReservedPath(f.Path, fldPath.Child("path"))...)
	switch {
	case f.FieldRef != nil && f.ResourceFieldRef != nil:
		errs = append(errs, field.Invalid(fldPath, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"))
	case f.FieldRef != nil:
		errs = append(errs, validateObjectFieldSelector(f.FieldRef, volumeFieldPaths, fldPath.Child("fieldRef"))...)
	case f.ResourceFieldRef != nil:
		errs = append(errs, validateResourceFieldSelector(f.ResourceFieldRef, true, fldPath.Child("resourceFieldRef"))...)
	default:
		errs = append(errs, field.Required(fldPath, "one of fieldRef and resourceFieldRef is required"))
	}
	return append(errs, validateFileMode(f.Mode, fldPath.Child("mode"))...)
}

// validateKeyToPaths checks the items of a Secret or ConfigMap volume.
func validateKeyToPaths(items []KeyToPath, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, kp := range items {
		p := fldPath.Index(i)
		if kp.Key == "" {
			errs = append(errs, field.Required(p.Child("key"), ""))
		}
		if kp.Path == "" {
			errs = append(errs, field.Required(p.Child("path"), ""))
		}
		errs = append(errs, validateLocalNonReservedPath(kp.Path, p.Child("path"))...)
		errs = append(errs, validateFileMode(kp.Mode, p.Child("mode"))...)
	}
	return errs
}

// validateFileMode checks an optional file mode (0 to 0777).
func validateFileMode(mode *int32, fldPath *field.Path) field.ErrorList {
	if mode != nil && (*mode > 0777 || *mode < 0) {
		return field.ErrorList{field.Invalid(fldPath, *mode, fileModeErrorMsg)}
	}
	return nil
}

// validatePathNoBacksteps rejects paths with a ".." element.
func validatePathNoBacksteps(target string, fldPath *field.Path) field.ErrorList {
	for _, part := range strings.Split(strings.ReplaceAll(target, "\\", "/"), "/") {
		if part == ".." {
			return field.ErrorList{field.Invalid(fldPath, target, "must not contain '..'")}
		}
	}
	return nil
}

// validateLocalDescendingPath requires a relative path without "..".
func validateLocalDescendingPath(target string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if path.IsAbs(target) || strings.HasPrefix(target, "\\") {
		errs = append(errs, field.Invalid(fldPath, target, "must be a relative path"))
	}
	return append(errs, validatePathNoBacksteps(target, fldPath)...)
}

// validateLocalNonReservedPath also rejects paths starting with "..".
func validateLocalNonReservedPath(target string, fldPath *field.Path) field.ErrorList {
	errs := validateLocalDescendingPath(target, fldPath)
	if strings.HasPrefix(target, "..") && !strings.HasPrefix(target, "../") {
		errs = append(errs, field.Invalid(fldPath, target, "must not start with '..'"))
	}
	return errs
}

// validateVolumeMounts checks a container's volumeMounts against the pod's volumes.
func (c *containerContext) validateVolumeMounts(ctr *Container, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	mountPaths := map[string]bool{}
	devNames, devPaths := map[string]bool{}, map[string]bool{}
	for _, d := range ctr.VolumeDevices {
		devNames[d.Name] = true
		devPaths[d.DevicePath] = true
	}
	privileged := ctr.SecurityContext != nil && ctr.SecurityContext.Privileged != nil && *ctr.SecurityContext.Privileged
	for i, m := range ctr.VolumeMounts {
		p := fldPath.Index(i)
		if m.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), ""))
		}
		if _, ok := c.volumes[m.Name]; !ok {
			errs = append(errs, field.NotFound(p.Child("name"), m.Name))
		}
		if m.MountPath == "" {
			errs = append(errs, field.Required(p.Child("mountPath"), ""))
		}
		if mountPaths[m.MountPath] {
			errs = append(errs, field.Invalid(p.Child("mountPath"), m.MountPath, "must be unique"))
		}
		mountPaths[m.MountPath] = true
		if devNames[m.Name] {
			errs = append(errs, field.Invalid(p.Child("name"), m.Name, "must not already exist in volumeDevices"))
		}
		if devPaths[m.MountPath] {
			errs = append(errs, field.Invalid(p.Child("mountPath"), m.MountPath, "must not already exist as a path in volumeDevices"))
		}
		if m.SubPath != "" {
			errs = append(errs, validateLocalDescendingPath(m.SubPath, p.Child("subPath"))...)
		}
		if m.SubPathExpr != "" {
			if m.SubPath != "" {
				errs = append(errs, field.Invalid(p.Child("subPathExpr"), m.SubPathExpr, "subPathExpr and subPath are mutually exclusive"))
			}
			errs = append(errs, validateLocalDescendingPath(m.SubPathExpr, p.Child("subPathExpr"))...)
		}
		if mp := m.MountPropagation; mp != nil {
			switch *mp {
			case MountPropagationBidirectional:
				if !privileged {
					errs = append(errs, field.Forbidden(p.Child("mountPropagation"), "Bidirectional mount propagation is available only to privileged containers"))
				}
			case MountPropagationHostToContainer, MountPropagationNone:
			default:
				errs = append(errs, field.NotSupported(p.Child("mountPropagation"), *mp, []MountPropagationMode{MountPropagationBidirectional, MountPropagationHostToContainer, MountPropagationNone}))
			}
		}
		if rro := m.RecursiveReadOnly; rro != nil {
			switch *rro {
			case RecursiveReadOnlyDisabled:
			case RecursiveReadOnlyIfPossible, RecursiveReadOnlyEnabled:
				if !m.ReadOnly {
					errs = append(errs, field.Forbidden(p.Child("recursiveReadOnly"), "may only be specified when readOnly is true"))
				}
				if m.MountPropagation != nil && *m.MountPropagation != MountPropagationNone {
					errs = append(errs, field.Forbidden(p.Child("recursiveReadOnly"), "may only be specified when mountPropagation is None or not specified"))
				}
			default:
				errs = append(errs, field.NotSupported(p.Child("recursiveReadOnly"), *rro, []RecursiveReadOnlyMode{RecursiveReadOnlyDisabled, RecursiveReadOnlyIfPossible, RecursiveReadOnlyEnabled}))
			}
		}
	}
	return errs
}

// validateVolumeDevices checks a container's volumeDevices: block volumes
// from claims, unique paths, no overlap with volumeMounts.
func (c *containerContext) validateVolumeDevices(ctr *Container, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	paths, names := map[string]bool{}, map[string]bool{}
	mountNames := map[string]bool{}
	for _, m := range ctr.VolumeMounts {
		mountNames[m.Name] = true
	}
	for i, d := range ctr.VolumeDevices {
		p := fldPath.Index(i)
		if d.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), ""))
		}
		if names[d.Name] {
			errs = append(errs, field.Invalid(p.Child("name"), d.Name, "must be unique"))
		}
		vs, ok := c.volumes[d.Name]
		if !ok {
			errs = append(errs, field.NotFound(p.Child("name"), d.Name))
		} else if vs.PersistentVolumeClaim == nil && vs.Ephemeral == nil {
			errs = append(errs, field.Invalid(p.Child("name"), d.Name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"))
		}
		if d.DevicePath == "" {
			errs = append(errs, field.Required(p.Child("devicePath"), ""))
		}
		if paths[d.DevicePath] {
			errs = append(errs, field.Invalid(p.Child("devicePath"), d.DevicePath, "must be unique"))
		}
		if d.DevicePath != "" && !path.IsAbs(d.DevicePath) {
			errs = append(errs, field.Invalid(p.Child("devicePath"), d.DevicePath, "must be an absolute path"))
		}
		errs = append(errs, validatePathNoBacksteps(d.DevicePath, p.Child("devicePath"))...)
		if mountNames[d.Name] {
			errs = append(errs, field.Invalid(p.Child("name"), d.Name, "must not already exist in volumeMounts"))
		}
		paths[d.DevicePath] = true
		names[d.Name] = true
	}
	return errs
}
