package v1

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"strings"

	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// Name validators of the non-pod kinds.
var (
	// ValidateNodeName checks a node name (an RFC 1123 subdomain).
	ValidateNodeName = apivalidation.NameIsDNSSubdomain
	// ValidateServiceName checks a service name (an RFC 1035 label).
	ValidateServiceName = apivalidation.NameIsDNS1035Label
	// ValidateConfigMapName checks a config map name.
	ValidateConfigMapName = apivalidation.NameIsDNSSubdomain
	// ValidateSecretName checks a secret name.
	ValidateSecretName = apivalidation.NameIsDNSSubdomain
	// ValidateEndpointsName checks an Endpoints name.
	ValidateEndpointsName = apivalidation.NameIsDNSSubdomain
	// ValidatePersistentVolumeName checks a persistent volume or claim name.
	ValidatePersistentVolumeName = apivalidation.NameIsDNSSubdomain
	// ValidateResourceQuotaName checks a resource quota name.
	ValidateResourceQuotaName = apivalidation.NameIsDNSSubdomain
	// ValidateLimitRangeName checks a limit range name.
	ValidateLimitRangeName = apivalidation.NameIsDNSSubdomain
	// ValidateReplicationControllerName checks a replication controller name.
	ValidateReplicationControllerName = apivalidation.NameIsDNSSubdomain
	// ValidateClassName checks a storage or volume attributes class name.
	ValidateClassName = apivalidation.NameIsDNSSubdomain
)

// registerValidation registers the validators of the non-pod kinds.
func registerValidation(s *runtime.Scheme) {
	runtime.AddTypedValidator(s, func(obj, old *Namespace) field.ErrorList {
		if old == nil {
			return ValidateNamespace(obj)
		}
		return ValidateNamespaceUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *Node) field.ErrorList {
		if old == nil {
			return ValidateNode(obj)
		}
		return ValidateNodeUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *Service) field.ErrorList {
		if old == nil {
			return ValidateService(obj)
		}
		return ValidateServiceUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *Endpoints) field.ErrorList {
		if old == nil {
			return ValidateEndpoints(obj)
		}
		return ValidateEndpointsUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *ConfigMap) field.ErrorList {
		if old == nil {
			return ValidateConfigMap(obj)
		}
		return ValidateConfigMapUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *Secret) field.ErrorList {
		if old == nil {
			return ValidateSecret(obj)
		}
		return ValidateSecretUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *ServiceAccount) field.ErrorList {
		if old == nil {
			return ValidateServiceAccount(obj)
		}
		return ValidateServiceAccountUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, _ *Event) field.ErrorList {
		return ValidateEvent(obj)
	})
	runtime.AddTypedValidator(s, func(obj, old *PersistentVolume) field.ErrorList {
		if old == nil {
			return ValidatePersistentVolume(obj)
		}
		return ValidatePersistentVolumeUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *PersistentVolumeClaim) field.ErrorList {
		if old == nil {
			return ValidatePersistentVolumeClaim(obj)
		}
		return ValidatePersistentVolumeClaimUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *ResourceQuota) field.ErrorList {
		if old == nil {
			return ValidateResourceQuota(obj)
		}
		return ValidateResourceQuotaUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *LimitRange) field.ErrorList {
		if old == nil {
			return ValidateLimitRange(obj)
		}
		return ValidateLimitRangeUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *ReplicationController) field.ErrorList {
		if old == nil {
			return ValidateReplicationController(obj)
		}
		return ValidateReplicationControllerUpdate(obj, old)
	})
}

// validateMeta checks object metadata as the core group does: the generic
// checks plus Kubernetes' finalizer naming rule.
func validateMeta(meta *metav1.ObjectMeta, namespaced bool, nameFn apivalidation.ValidateNameFunc) field.ErrorList {
	fldPath := field.NewPath("metadata")
	errs := apivalidation.ValidateObjectMeta(meta, namespaced, nameFn, fldPath)
	errs = append(errs, validateKubeFinalizers(meta.Finalizers, fldPath.Child("finalizers"))...)
	return errs
}

// validateMetaUpdate checks metadata changes on update.
func validateMetaUpdate(meta, old *metav1.ObjectMeta) field.ErrorList {
	fldPath := field.NewPath("metadata")
	errs := apivalidation.ValidateObjectMetaUpdate(meta, old, fldPath)
	errs = append(errs, validateKubeFinalizers(meta.Finalizers, fldPath.Child("finalizers"))...)
	return errs
}

// validateKubeFinalizers rejects unqualified finalizers that are not standard.
func validateKubeFinalizers(finalizers []string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, f := range finalizers {
		if !strings.Contains(f, "/") && !standardFinalizerNames[f] {
			errs = append(errs, field.Invalid(fldPath.Index(i), f, "name is neither a standard finalizer name nor is it fully qualified"))
		}
	}
	return errs
}

// ValidateNamespace checks a namespace on create.
func ValidateNamespace(ns *Namespace) field.ErrorList {
	errs := validateMeta(&ns.ObjectMeta, false, apivalidation.ValidateNamespaceName)
	for _, f := range ns.Spec.Finalizers {
		errs = append(errs, ValidateFinalizerName(string(f), field.NewPath("spec", "finalizers"))...)
	}
	return errs
}

// ValidateNamespaceUpdate checks a namespace update; only metadata may
// change (the apiserver keeps spec and status from the stored object).
func ValidateNamespaceUpdate(ns, old *Namespace) field.ErrorList {
	return validateMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta)
}

// ValidateNamespaceStatusUpdate checks an update of namespaces/status: the
// phase must agree with deletionTimestamp.
func ValidateNamespaceStatusUpdate(ns, old *Namespace) field.ErrorList {
	errs := validateMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta)
	phasePath := field.NewPath("status", "Phase")
	if ns.DeletionTimestamp == nil || ns.DeletionTimestamp.IsZero() {
		if ns.Status.Phase != NamespaceActive {
			errs = append(errs, field.Invalid(phasePath, ns.Status.Phase, "may only be 'Active' if `deletionTimestamp` is empty"))
		}
	} else if ns.Status.Phase != NamespaceTerminating {
		errs = append(errs, field.Invalid(phasePath, ns.Status.Phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"))
	}
	return errs
}

// ValidateNamespaceFinalizeUpdate checks an update of namespaces/finalize.
func ValidateNamespaceFinalizeUpdate(ns, old *Namespace) field.ErrorList {
	errs := validateMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta)
	fldPath := field.NewPath("spec", "finalizers")
	for i, f := range ns.Spec.Finalizers {
		errs = append(errs, ValidateFinalizerName(string(f), fldPath.Index(i))...)
	}
	return errs
}

// ValidateConfigMap checks a config map: keys, no key in both data maps,
// and a total size of at most 1 MiB.
func ValidateConfigMap(cm *ConfigMap) field.ErrorList {
	errs := validateMeta(&cm.ObjectMeta, true, ValidateConfigMapName)
	size := 0
	dataPath, binPath := field.NewPath("data"), field.NewPath("binaryData")
	for _, key := range slices.Sorted(maps.Keys(cm.Data)) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(dataPath.Key(key), key, msg))
		}
		if _, dup := cm.BinaryData[key]; dup {
			errs = append(errs, field.Invalid(dataPath.Key(key), key, "duplicate of key present in binaryData"))
		}
		size += len(cm.Data[key])
	}
	for _, key := range slices.Sorted(maps.Keys(cm.BinaryData)) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(binPath.Key(key), key, msg))
		}
		size += len(cm.BinaryData[key])
	}
	if size > MaxSecretSize {
		errs = append(errs, field.TooLong(field.NewPath(""), "", MaxSecretSize))
	}
	return errs
}

// ValidateConfigMapUpdate checks a config map update, enforcing immutability.
func ValidateConfigMapUpdate(cm, old *ConfigMap) field.ErrorList {
	errs := validateMetaUpdate(&cm.ObjectMeta, &old.ObjectMeta)
	if isSetTrue(old.Immutable) {
		if !isSetTrue(cm.Immutable) {
			errs = append(errs, field.Forbidden(field.NewPath("immutable"), "field is immutable when `immutable` is set"))
		}
		if !reflect.DeepEqual(cm.Data, old.Data) {
			errs = append(errs, field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set"))
		}
		if !reflect.DeepEqual(cm.BinaryData, old.BinaryData) {
			errs = append(errs, field.Forbidden(field.NewPath("binaryData"), "field is immutable when `immutable` is set"))
		}
	}
	return append(errs, ValidateConfigMap(cm)...)
}

// ValidateSecret checks a secret: keys, total size, and the keys its type requires.
func ValidateSecret(secret *Secret) field.ErrorList {
	errs := validateMeta(&secret.ObjectMeta, true, ValidateSecretName)
	dataPath := field.NewPath("data")
	size := 0
	for _, key := range slices.Sorted(maps.Keys(secret.Data)) {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(dataPath.Key(key), key, msg))
		}
		size += len(secret.Data[key])
	}
	if size > MaxSecretSize {
		errs = append(errs, field.TooLong(dataPath, "", MaxSecretSize))
	}
	requireJSON := func(key string) {
		raw, ok := secret.Data[key]
		if !ok {
			errs = append(errs, field.Required(dataPath.Key(key), ""))
			return
		}
		if err := json.Unmarshal(raw, &map[string]any{}); err != nil {
			errs = append(errs, field.Invalid(dataPath.Key(key), "<secret contents redacted>", err.Error()))
		}
	}
	switch secret.Type {
	case SecretTypeServiceAccountToken:
		if secret.Annotations[ServiceAccountNameKey] == "" {
			errs = append(errs, field.Required(field.NewPath("metadata", "annotations").Key(ServiceAccountNameKey), ""))
		}
	case SecretTypeDockercfg:
		requireJSON(DockerConfigKey)
	case SecretTypeDockerConfigJson:
		requireJSON(DockerConfigJsonKey)
	case SecretTypeBasicAuth:
		_, hasUser := secret.Data[BasicAuthUsernameKey]
		_, hasPassword := secret.Data[BasicAuthPasswordKey]
		if !hasUser && !hasPassword {
			errs = append(errs, field.Required(dataPath.Key(BasicAuthUsernameKey), ""),
				field.Required(dataPath.Key(BasicAuthPasswordKey), ""))
		}
	case SecretTypeSSHAuth:
		if len(secret.Data[SSHAuthPrivateKey]) == 0 {
			errs = append(errs, field.Required(dataPath.Key(SSHAuthPrivateKey), ""))
		}
	case SecretTypeTLS:
		if _, ok := secret.Data[TLSCertKey]; !ok {
			errs = append(errs, field.Required(dataPath.Key(TLSCertKey), ""))
		}
		if _, ok := secret.Data[TLSPrivateKeyKey]; !ok {
			errs = append(errs, field.Required(dataPath.Key(TLSPrivateKeyKey), ""))
		}
	}
	return errs
}

// ValidateSecretUpdate checks a secret update: the type never changes and
// immutable secrets keep their data.
func ValidateSecretUpdate(secret, old *Secret) field.ErrorList {
	errs := validateMetaUpdate(&secret.ObjectMeta, &old.ObjectMeta)
	errs = append(errs, apivalidation.ValidateImmutableField(secret.Type, old.Type, field.NewPath("type"))...)
	if isSetTrue(old.Immutable) {
		if !isSetTrue(secret.Immutable) {
			errs = append(errs, field.Forbidden(field.NewPath("immutable"), "field is immutable when `immutable` is set"))
		}
		if !reflect.DeepEqual(secret.Data, old.Data) {
			errs = append(errs, field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set"))
		}
	}
	return append(errs, ValidateSecret(secret)...)
}

// ValidateServiceAccount checks a service account (metadata only).
func ValidateServiceAccount(sa *ServiceAccount) field.ErrorList {
	return validateMeta(&sa.ObjectMeta, true, apivalidation.ValidateServiceAccountName)
}

// ValidateServiceAccountUpdate checks a service account update.
func ValidateServiceAccountUpdate(sa, old *ServiceAccount) field.ErrorList {
	errs := validateMetaUpdate(&sa.ObjectMeta, &old.ObjectMeta)
	return append(errs, ValidateServiceAccount(sa)...)
}

// Length limits of event fields.
const (
	eventReportingInstanceMaxLength = 128
	eventActionMaxLength            = 128
	eventReasonMaxLength            = 128
	eventNoteMaxLength              = 1024
)

// ValidateEvent checks a core/v1 event on create and update, with the
// lenient rules Kubernetes keeps for this API version: old-style events
// (no eventTime) only need a consistent namespace; new-style events also
// need the reporting fields, an action and a reason.
func ValidateEvent(ev *Event) field.ErrorList {
	var errs field.ErrorList
	nsPath := field.NewPath("involvedObject", "namespace")
	mismatch := func() {
		errs = append(errs, field.Invalid(nsPath, ev.InvolvedObject.Namespace, "does not match event.namespace"))
	}
	tooLong := func(p *field.Path, max int) {
		errs = append(errs, field.Invalid(p, "", fmt.Sprintf("can have at most %v characters", max)))
	}
	if ev.EventTime.IsZero() {
		if ev.InvolvedObject.Namespace == "" {
			if ev.Namespace != eventNamespaceNone && ev.Namespace != eventNamespaceDefault {
				mismatch()
			}
		} else if ev.Namespace != ev.InvolvedObject.Namespace {
			mismatch()
		}
	} else {
		if ev.InvolvedObject.Namespace == "" && ev.Namespace != eventNamespaceDefault && ev.Namespace != eventNamespaceSystem {
			mismatch()
		}
		controllerPath := field.NewPath("reportingComponent")
		if ev.ReportingController == "" {
			errs = append(errs, field.Required(controllerPath, ""))
		}
		errs = append(errs, apivalidation.ValidateQualifiedName(ev.ReportingController, controllerPath)...)
		if ev.ReportingInstance == "" {
			errs = append(errs, field.Required(field.NewPath("reportingInstance"), ""))
		}
		if len(ev.ReportingInstance) > eventReportingInstanceMaxLength {
			tooLong(field.NewPath("reportingInstance"), eventReportingInstanceMaxLength)
		}
		if ev.Action == "" {
			errs = append(errs, field.Required(field.NewPath("action"), ""))
		}
		if len(ev.Action) > eventActionMaxLength {
			tooLong(field.NewPath("action"), eventActionMaxLength)
		}
		if ev.Reason == "" {
			errs = append(errs, field.Required(field.NewPath("reason"), ""))
		}
		if len(ev.Reason) > eventReasonMaxLength {
			tooLong(field.NewPath("reason"), eventReasonMaxLength)
		}
		if len(ev.Message) > eventNoteMaxLength {
			tooLong(field.NewPath("message"), eventNoteMaxLength)
		}
	}
	for _, msg := range validation.IsDNS1123Subdomain(ev.Namespace) {
		errs = append(errs, field.Invalid(field.NewPath("namespace"), ev.Namespace, msg))
	}
	return errs
}

// isSetTrue reports whether b is set and true.
func isSetTrue(b *bool) bool { return b != nil && *b }

// Namespaces the event rules treat specially.
const (
	eventNamespaceNone    = ""
	eventNamespaceDefault = "default"
	eventNamespaceSystem  = "kube-system"
)

// ValidateNonSpecialIP rejects unspecified, loopback and link-local
// addresses, which make no sense as service or endpoint IPs.
func ValidateNonSpecialIP(ip string, fldPath *field.Path) field.ErrorList {
	addr, err := netip.ParseAddr(stripIPv4LeadingZeros(ip))
	if err != nil {
		return field.ErrorList{field.Invalid(fldPath, ip, "must be a valid IP address")}
	}
	addr = addr.Unmap()
	var errs field.ErrorList
	if addr.IsUnspecified() {
		errs = append(errs, field.Invalid(fldPath, ip, fmt.Sprintf("may not be unspecified (%v)", ip)))
	}
	if addr.IsLoopback() {
		errs = append(errs, field.Invalid(fldPath, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
	}
	if addr.IsLinkLocalUnicast() {
		errs = append(errs, field.Invalid(fldPath, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
	}
	if addr.IsLinkLocalMulticast() {
		errs = append(errs, field.Invalid(fldPath, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
	}
	return errs
}

// stripIPv4LeadingZeros turns "010.001.0.1" into "10.1.0.1" so legacy
// addresses stored before strict parsing still parse.
func stripIPv4LeadingZeros(ip string) string {
	if strings.Contains(ip, ":") || !strings.Contains(ip, ".") {
		return ip
	}
	parts := strings.Split(ip, ".")
	for i, p := range parts {
		trimmed := strings.TrimLeft(p, "0")
		if trimmed == "" && p != "" {
			trimmed = "0"
		}
		parts[i] = trimmed
	}
	return strings.Join(parts, ".")
}
