package validation

import (
	"fmt"
	"slices"
	"unicode"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// Limits on managedFields entries.
const (
	// FieldManagerMaxLength is the longest field manager name.
	FieldManagerMaxLength = 128
	// MaxSubresourceNameLength is the longest subresource name in managedFields.
	MaxSubresourceNameLength = 256
)

// BannedOwners are kinds that may not appear as an owner reference.
var BannedOwners = map[schema.GroupVersionKind]struct{}{
	{Group: "", Version: "v1", Kind: "Event"}: {},
}

// ValidateObjectMeta checks the metadata of an object being created:
// name (or generateName) through nameFn, namespace presence, generation,
// labels, annotations, owner references, finalizers and managed fields.
func ValidateObjectMeta(meta *metav1.ObjectMeta, requiresNamespace bool, nameFn ValidateNameFunc, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if meta.GenerateName != "" {
		errs = append(errs, invalidEach(fldPath.Child("generateName"), meta.GenerateName, nameFn(meta.GenerateName, true))...)
	}
	if meta.Name == "" {
		errs = append(errs, field.Required(fldPath.Child("name"), "name or generateName is required"))
	} else {
		errs = append(errs, invalidEach(fldPath.Child("name"), meta.Name, nameFn(meta.Name, false))...)
	}
	if requiresNamespace {
		if meta.Namespace == "" {
			errs = append(errs, field.Required(fldPath.Child("namespace"), ""))
		} else {
			errs = append(errs, invalidEach(fldPath.Child("namespace"), meta.Namespace, ValidateNamespaceName(meta.Namespace, false))...)
		}
	} else if meta.Namespace != "" {
		errs = append(errs, field.Forbidden(fldPath.Child("namespace"), "not allowed on this type"))
	}
	errs = append(errs, ValidateNonnegativeField(meta.Generation, fldPath.Child("generation"))...)
	errs = append(errs, ValidateLabels(meta.Labels, fldPath.Child("labels"))...)
	errs = append(errs, ValidateAnnotations(meta.Annotations, fldPath.Child("annotations"))...)
	errs = append(errs, ValidateOwnerReferences(meta.OwnerReferences, fldPath.Child("ownerReferences"))...)
	errs = append(errs, ValidateFinalizers(meta.Finalizers, fldPath.Child("finalizers"))...)
	errs = append(errs, ValidateManagedFields(meta.ManagedFields, fldPath.Child("managedFields"))...)
	return errs
}

// ValidateObjectMetaUpdate checks new metadata against the stored one:
// identity fields are immutable, resourceVersion is required, generation
// never goes down, and no finalizer may be added once deletion began.
func ValidateObjectMetaUpdate(newMeta, oldMeta *metav1.ObjectMeta, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if oldMeta.DeletionTimestamp != nil {
		errs = append(errs, ValidateNoNewFinalizers(newMeta.Finalizers, oldMeta.Finalizers, fldPath.Child("finalizers"))...)
	}
	if newMeta.ResourceVersion == "" {
		errs = append(errs, field.Invalid(fldPath.Child("resourceVersion"), newMeta.ResourceVersion, "must be specified for an update"))
	}
	errs = append(errs, ValidateNonnegativeField(newMeta.Generation, fldPath.Child("generation"))...)
	if newMeta.Generation < oldMeta.Generation {
		errs = append(errs, field.Invalid(fldPath.Child("generation"), newMeta.Generation, "must not be decremented"))
	}
	errs = append(errs, ValidateImmutableField(newMeta.Name, oldMeta.Name, fldPath.Child("name"))...)
	errs = append(errs, ValidateImmutableField(newMeta.Namespace, oldMeta.Namespace, fldPath.Child("namespace"))...)
	errs = append(errs, ValidateImmutableField(newMeta.UID, oldMeta.UID, fldPath.Child("uid"))...)
	errs = append(errs, ValidateImmutableField(newMeta.CreationTimestamp, oldMeta.CreationTimestamp, fldPath.Child("creationTimestamp"))...)
	errs = append(errs, ValidateImmutableField(newMeta.DeletionTimestamp, oldMeta.DeletionTimestamp, fldPath.Child("deletionTimestamp"))...)
	errs = append(errs, ValidateImmutableField(newMeta.DeletionGracePeriodSeconds, oldMeta.DeletionGracePeriodSeconds, fldPath.Child("deletionGracePeriodSeconds"))...)
	errs = append(errs, ValidateLabels(newMeta.Labels, fldPath.Child("labels"))...)
	errs = append(errs, ValidateAnnotations(newMeta.Annotations, fldPath.Child("annotations"))...)
	errs = append(errs, ValidateOwnerReferences(newMeta.OwnerReferences, fldPath.Child("ownerReferences"))...)
	errs = append(errs, ValidateManagedFields(newMeta.ManagedFields, fldPath.Child("managedFields"))...)
	return errs
}

// ValidateOwnerReferences checks each reference and that at most one is the controller.
func ValidateOwnerReferences(refs []metav1.OwnerReference, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	controller := ""
	for i, ref := range refs {
		errs = append(errs, validateOwnerReference(ref, fldPath.Index(i))...)
		if ref.Controller == nil || !*ref.Controller {
			continue
		}
		name := ref.Kind + "/" + ref.Name
		if controller == "" {
			controller = name
			continue
		}
		errs = append(errs, field.Invalid(fldPath, refs, fmt.Sprintf(
			"Only one reference can have Controller set to true. Found \"true\" in references for %v and %v", controller, name)))
	}
	return errs
}

func validateOwnerReference(ref metav1.OwnerReference, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if ref.APIVersion == "" {
		errs = append(errs, field.Required(fldPath.Child("apiVersion"), "must not be empty"))
	} else if err != nil || gv.Version == "" {
		errs = append(errs, field.Invalid(fldPath.Child("apiVersion"), ref.APIVersion, "must be <group>/<version> or <version>"))
	}
	if ref.Kind == "" {
		errs = append(errs, field.Required(fldPath.Child("kind"), "must not be empty"))
	}
	if ref.Name == "" {
		errs = append(errs, field.Required(fldPath.Child("name"), "must not be empty"))
	}
	if ref.UID == "" {
		errs = append(errs, field.Required(fldPath.Child("uid"), "must not be empty"))
	}
	gvk := gv.WithKind(ref.Kind)
	if _, banned := BannedOwners[gvk]; banned {
		errs = append(errs, field.Invalid(fldPath, ref, fmt.Sprintf("%s is disallowed from being an owner", gvk)))
	}
	return errs
}

// ValidateFinalizerName requires a qualified-name finalizer.
func ValidateFinalizerName(name string, fldPath *field.Path) field.ErrorList {
	return invalidEach(fldPath, name, validation.IsQualifiedName(name))
}

// ValidateFinalizers checks each finalizer name and forbids asking for both
// orphan and foreground deletion.
func ValidateFinalizers(finalizers []string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, f := range finalizers {
		errs = append(errs, ValidateFinalizerName(f, fldPath)...)
	}
	if slices.Contains(finalizers, metav1.FinalizerOrphanDependents) && slices.Contains(finalizers, metav1.FinalizerDeleteDependents) {
		errs = append(errs, field.Invalid(fldPath, finalizers, fmt.Sprintf("finalizer %s and %s cannot be both set",
			metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents)))
	}
	return errs
}

// ValidateNoNewFinalizers forbids finalizers in newFinalizers that were not in oldFinalizers.
func ValidateNoNewFinalizers(newFinalizers, oldFinalizers []string, fldPath *field.Path) field.ErrorList {
	var extra []string
	for _, f := range newFinalizers {
		if !slices.Contains(oldFinalizers, f) && !slices.Contains(extra, f) {
			extra = append(extra, f)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	slices.Sort(extra)
	return field.ErrorList{field.Forbidden(fldPath, fmt.Sprintf(
		"no new finalizers can be added if the object is being deleted, found new finalizers %#v", extra))}
}

// ValidateManagedFields checks each managedFields entry's operation, type,
// manager name and subresource.
func ValidateManagedFields(entries []metav1.ManagedFieldsEntry, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, e := range entries {
		p := fldPath.Index(i)
		switch e.Operation {
		case "":
			errs = append(errs, field.Required(p.Child("operation"), "must not be empty"))
		case metav1.ManagedFieldsOperationApply, metav1.ManagedFieldsOperationUpdate:
		default:
			errs = append(errs, field.NotSupported(p.Child("operation"), e.Operation,
				[]metav1.ManagedFieldsOperationType{metav1.ManagedFieldsOperationApply, metav1.ManagedFieldsOperationUpdate}))
		}
		if e.FieldsType != "" && e.FieldsType != "FieldsV1" {
			errs = append(errs, field.Invalid(p.Child("fieldsType"), e.FieldsType, "must be `FieldsV1`"))
		}
		errs = append(errs, ValidateFieldManager(e.Manager, p.Child("manager"))...)
		if len(e.Subresource) > MaxSubresourceNameLength {
			errs = append(errs, field.TooLong(p.Child("subresource"), "", MaxSubresourceNameLength))
		}
	}
	return errs
}

// ValidateFieldManager checks a field manager name: at most 128 bytes, printable.
func ValidateFieldManager(manager string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(manager) > FieldManagerMaxLength {
		errs = append(errs, field.TooLong(fldPath, "", FieldManagerMaxLength))
	}
	for i, r := range manager {
		if !unicode.IsPrint(r) {
			errs = append(errs, field.Invalid(fldPath, manager, fmt.Sprintf("invalid character %#U (at position %d)", r, i)))
		}
	}
	return errs
}
