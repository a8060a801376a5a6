package v1

import (
	"fmt"
	"reflect"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	utilvalidation "keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// Length limits of event fields.
const (
	reportingInstanceMax = 128
	actionMax            = 128
	reasonMax            = 128
	noteMax              = 1024
)

// Field paths below use the core Event field names (involvedObject,
// message, ...) where Kubernetes reports them that way.

// ValidateEventCreate checks an event created through events.k8s.io/v1.
func ValidateEventCreate(ev *Event) field.ErrorList {
	errs := validateCommon(ev)
	errs = append(errs, apivalidation.ValidateObjectMeta(&ev.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	errs = append(errs, validateSeries(ev)...)
	if ev.EventTime.Time.IsZero() {
		errs = append(errs, field.Required(field.NewPath("eventTime"), ""))
	}
	if ev.Type != EventTypeNormal && ev.Type != EventTypeWarning {
		errs = append(errs, field.Invalid(field.NewPath("type"), "", fmt.Sprintf("has invalid value: %v", ev.Type)))
	}
	if !ev.DeprecatedFirstTimestamp.Time.IsZero() {
		errs = append(errs, field.Invalid(field.NewPath("deprecatedFirstTimestamp"), "", "needs to be unset"))
	}
	if !ev.DeprecatedLastTimestamp.Time.IsZero() {
		errs = append(errs, field.Invalid(field.NewPath("deprecatedLastTimestamp"), "", "needs to be unset"))
	}
	if ev.DeprecatedCount != 0 {
		errs = append(errs, field.Invalid(field.NewPath("deprecatedCount"), "", "needs to be unset"))
	}
	if ev.DeprecatedSource.Component != "" || ev.DeprecatedSource.Host != "" {
		errs = append(errs, field.Invalid(field.NewPath("deprecatedSource"), "", "needs to be unset"))
	}
	return errs
}

// ValidateEventUpdate checks an event update: only the series and the
// metadata may change.
func ValidateEventUpdate(ev, old *Event) field.ErrorList {
	errs := validateCommon(ev)
	errs = append(errs, apivalidation.ValidateObjectMetaUpdate(&ev.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))...)
	if !reflect.DeepEqual(ev.Series, old.Series) {
		errs = append(errs, validateSeries(ev)...)
	}
	immutable := []struct {
		name     string
		new, old any
	}{
		{"involvedObject", ev.Regarding, old.Regarding},
		{"reason", ev.Reason, old.Reason},
		{"message", ev.Note, old.Note},
		{"source", ev.DeprecatedSource, old.DeprecatedSource},
		{"firstTimestamp", ev.DeprecatedFirstTimestamp, old.DeprecatedFirstTimestamp},
		{"lastTimestamp", ev.DeprecatedLastTimestamp, old.DeprecatedLastTimestamp},
		{"count", ev.DeprecatedCount, old.DeprecatedCount},
		{"type", ev.Type, old.Type},
		{"eventTime", ev.EventTime, old.EventTime},
		{"action", ev.Action, old.Action},
		{"related", ev.Related, old.Related},
		{"reportingController", ev.ReportingController, old.ReportingController},
		{"reportingInstance", ev.ReportingInstance, old.ReportingInstance},
	}
	for _, f := range immutable {
		errs = append(errs, apivalidation.ValidateImmutableField(f.new, f.old, field.NewPath(f.name))...)
	}
	return errs
}

// validateCommon holds the checks every event passes, whichever API
// version wrote it.
func validateCommon(ev *Event) field.ErrorList {
	var errs field.ErrorList
	nsPath := field.NewPath("involvedObject", "namespace")
	if ev.EventTime.Time.IsZero() {
		if ev.Regarding.Namespace == "" {
			if ev.Namespace != "" && ev.Namespace != "default" {
				errs = append(errs, field.Invalid(nsPath, ev.Regarding.Namespace, "does not match event.namespace"))
			}
		} else if ev.Namespace != ev.Regarding.Namespace {
			errs = append(errs, field.Invalid(nsPath, ev.Regarding.Namespace, "does not match event.namespace"))
		}
	} else {
		if ev.Regarding.Namespace == "" && ev.Namespace != "default" && ev.Namespace != "kube-system" {
			errs = append(errs, field.Invalid(nsPath, ev.Regarding.Namespace, "does not match event.namespace"))
		}
		if ev.ReportingController == "" {
			errs = append(errs, field.Required(field.NewPath("reportingController"), ""))
		}
		errs = append(errs, apivalidation.ValidateQualifiedName(ev.ReportingController, field.NewPath("reportingController"))...)
		errs = append(errs, requiredMax(ev.ReportingInstance, "reportingInstance", reportingInstanceMax, true)...)
		errs = append(errs, requiredMax(ev.Action, "action", actionMax, true)...)
		errs = append(errs, requiredMax(ev.Reason, "reason", reasonMax, true)...)
		errs = append(errs, requiredMax(ev.Note, "message", noteMax, false)...)
	}
	for _, msg := range utilvalidation.IsDNS1123Subdomain(ev.Namespace) {
		errs = append(errs, field.Invalid(field.NewPath("namespace"), ev.Namespace, msg))
	}
	return errs
}

func requiredMax(v, name string, max int, required bool) field.ErrorList {
	var errs field.ErrorList
	if required && v == "" {
		errs = append(errs, field.Required(field.NewPath(name), ""))
	}
	if len(v) > max {
		errs = append(errs, field.Invalid(field.NewPath(name), "", fmt.Sprintf("can have at most %v characters", max)))
	}
	return errs
}

func validateSeries(ev *Event) field.ErrorList {
	if ev.Series == nil {
		return nil
	}
	var errs field.ErrorList
	if ev.Series.Count < 2 {
		errs = append(errs, field.Invalid(field.NewPath("series.count"), "", "should be at least 2"))
	}
	if ev.Series.LastObservedTime.Time.IsZero() {
		errs = append(errs, field.Required(field.NewPath("series.lastObservedTime"), ""))
	}
	return errs
}
