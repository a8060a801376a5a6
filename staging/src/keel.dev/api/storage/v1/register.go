package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "storage.k8s.io"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of storage.k8s.io/v1 with
// their defaulting and validation.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion,
		&StorageClass{}, &StorageClassList{},
		&VolumeAttachment{}, &VolumeAttachmentList{},
		&CSIDriver{}, &CSIDriverList{},
		&CSINode{}, &CSINodeList{},
		&CSIStorageCapacity{}, &CSIStorageCapacityList{},
		&VolumeAttributesClass{}, &VolumeAttributesClassList{},
	)
	res := func(plural, kind, singular string, namespaced bool, short []string, subs ...runtime.SubresourceInfo) runtime.ResourceInfo {
		return runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource(plural),
			Kind:                 kind,
			Singular:             singular,
			ShortNames:           short,
			Namespaced:           namespaced,
			Subresources:         subs,
		}
	}
	s.AddResources(
		res("csidrivers", "CSIDriver", "csidriver", false, nil),
		res("csinodes", "CSINode", "csinode", false, nil),
		res("csistoragecapacities", "CSIStorageCapacity", "csistoragecapacity", true, nil),
		res("storageclasses", "StorageClass", "storageclass", false, []string{"sc"}),
		res("volumeattachments", "VolumeAttachment", "volumeattachment", false, nil,
			runtime.SubresourceInfo{Name: "status", Verbs: []string{"get", "patch", "update"}}),
		res("volumeattributesclasses", "VolumeAttributesClass", "volumeattributesclass", false, []string{"vac"}),
	)
	registerDefaults(s)
	registerValidation(s)
	return nil
}

func registerValidation(s *runtime.Scheme) {
	runtime.AddTypedValidator(s, func(obj, old *StorageClass) field.ErrorList {
		if old == nil {
			return ValidateStorageClass(obj)
		}
		return ValidateStorageClassUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *VolumeAttachment) field.ErrorList {
		if old == nil {
			return ValidateVolumeAttachment(obj)
		}
		return ValidateVolumeAttachmentUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *CSIDriver) field.ErrorList {
		if old == nil {
			return ValidateCSIDriver(obj)
		}
		return ValidateCSIDriverUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *CSINode) field.ErrorList {
		if old == nil {
			return ValidateCSINode(obj)
		}
		return ValidateCSINodeUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *CSIStorageCapacity) field.ErrorList {
		if old == nil {
			return ValidateCSIStorageCapacity(obj)
		}
		return ValidateCSIStorageCapacityUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *VolumeAttributesClass) field.ErrorList {
		if old == nil {
			return ValidateVolumeAttributesClass(obj)
		}
		return ValidateVolumeAttributesClassUpdate(obj, old)
	})
}
