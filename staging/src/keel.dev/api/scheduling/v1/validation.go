package v1

import (
	"fmt"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"

	corev1 "keel.dev/api/core/v1"
)

// systemClasses are the only classes allowed the "system-" prefix, with the
// values they must carry.
var systemClasses = []PriorityClass{
	{Value: SystemCriticalPriority + 1000, Description: "Used for system critical pods that must not be moved from their current node."},
	{Value: SystemCriticalPriority, Description: "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."},
}

func init() {
	systemClasses[0].Name = SystemNodeCritical
	systemClasses[1].Name = SystemClusterCritical
}

// SystemPriorityClasses returns copies of the built-in system classes.
func SystemPriorityClasses() []*PriorityClass {
	out := make([]*PriorityClass, 0, len(systemClasses))
	for i := range systemClasses {
		out = append(out, systemClasses[i].DeepCopy())
	}
	return out
}

// IsKnownSystemPriorityClass reports whether name, value and globalDefault
// match a built-in system class, and why not.
func IsKnownSystemPriorityClass(name string, value int32, globalDefault bool) (bool, error) {
	for _, c := range systemClasses {
		if c.Name != name {
			continue
		}
		if c.Value != value {
			return false, fmt.Errorf("value of %v PriorityClass must be %v", c.Name, c.Value)
		}
		if c.GlobalDefault != globalDefault {
			return false, fmt.Errorf("globalDefault of %v PriorityClass must be %v", c.Name, c.GlobalDefault)
		}
		return true, nil
	}
	return false, fmt.Errorf("%v is not a known system priority class", name)
}

// ValidatePriorityClass checks a priority class on create.
func ValidatePriorityClass(pc *PriorityClass) field.ErrorList {
	errs := apivalidation.ValidateObjectMeta(&pc.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))
	if strings.HasPrefix(pc.Name, SystemPriorityClassPrefix) {
		if ok, err := IsKnownSystemPriorityClass(pc.Name, pc.Value, pc.GlobalDefault); !ok {
			errs = append(errs, field.Forbidden(field.NewPath("metadata", "name"),
				"priority class names with '"+SystemPriorityClassPrefix+"' prefix are reserved for system use only. error: "+err.Error()))
		}
	} else if pc.Value > HighestUserDefinablePriority {
		errs = append(errs, field.Forbidden(field.NewPath("value"),
			fmt.Sprintf("maximum allowed value of a user defined priority is %v", HighestUserDefinablePriority)))
	}
	if pc.PreemptionPolicy != nil {
		switch *pc.PreemptionPolicy {
		case corev1.PreemptLowerPriority, corev1.PreemptNever:
		default:
			errs = append(errs, field.NotSupported(field.NewPath("preemptionPolicy"), *pc.PreemptionPolicy,
				[]corev1.PreemptionPolicy{corev1.PreemptLowerPriority, corev1.PreemptNever}))
		}
	}
	return errs
}

// ValidatePriorityClassUpdate checks a priority class on update: value and
// preemption policy are fixed once created.
func ValidatePriorityClassUpdate(pc, old *PriorityClass) field.ErrorList {
	errs := apivalidation.ValidateObjectMetaUpdate(&pc.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	if pc.Value != old.Value {
		errs = append(errs, field.Forbidden(field.NewPath("value"), "may not be changed in an update."))
	}
	return append(errs, apivalidation.ValidateImmutableField(pc.PreemptionPolicy, old.PreemptionPolicy, field.NewPath("preemptionPolicy"))...)
}
