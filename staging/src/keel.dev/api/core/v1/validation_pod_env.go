package v1

import (
	"fmt"
	"strings"
	"unicode"

	"keel.dev/apimachinery/pkg/api/resource"
	apivalidation "keel.dev/apimachinery/pkg/api/validation"
	"keel.dev/apimachinery/pkg/util/validation"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// envVarNameErrMsg is Kubernetes' message for an environment variable name
// outside printable ASCII or containing '='.
const envVarNameErrMsg = "a valid environment variable name must consist only of printable ASCII characters other than '='"

// isEnvVarName checks an environment variable name or envFrom prefix the way
// Kubernetes does since relaxed names became the default.
func isEnvVarName(s string) []string {
	var msgs []string
	if s == "" {
		msgs = append(msgs, "environment variable name "+validation.EmptyError())
	}
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || r == '=' {
			msgs = append(msgs, envVarNameErrMsg)
			break
		}
	}
	return msgs
}

// envFieldPaths are the pod fields an env var may reference.
var envFieldPaths = []string{
	"metadata.name", "metadata.namespace", "metadata.uid",
	"spec.nodeName", "spec.serviceAccountName",
	"status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
}

// volumeFieldPaths are the pod fields a downward API file may reference.
var volumeFieldPaths = []string{
	"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
}

// knownFieldLabels are the pod field paths the v1 downward API understands at all.
var knownFieldLabels = map[string]bool{
	"metadata.annotations": true, "metadata.labels": true, "metadata.name": true,
	"metadata.namespace": true, "metadata.uid": true, "spec.nodeName": true,
	"spec.restartPolicy": true, "spec.serviceAccountName": true, "spec.schedulerName": true,
	"status.phase": true, "status.hostIP": true, "status.hostIPs": true,
	"status.podIP": true, "status.podIPs": true,
}

// envResourcePaths are the container resources an env var or file may reference.
var envResourcePaths = []string{
	"limits.cpu", "limits.ephemeral-storage", "limits.memory",
	"requests.cpu", "requests.ephemeral-storage", "requests.memory",
}

// validateEnv checks a container's env list.
func validateEnv(vars []EnvVar, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, ev := range vars {
		p := fldPath.Index(i)
		// Kubernetes reports an empty name twice: required, and not a name.
		if ev.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), ""))
		}
		for _, msg := range isEnvVarName(ev.Name) {
			errs = append(errs, field.Invalid(p.Child("name"), ev.Name, msg))
		}
		errs = append(errs, validateEnvVarValueFrom(ev, p.Child("valueFrom"))...)
	}
	return errs
}

// validateEnvVarValueFrom checks that valueFrom names exactly one valid source.
func validateEnvVarValueFrom(ev EnvVar, fldPath *field.Path) field.ErrorList {
	src := ev.ValueFrom
	if src == nil {
		return nil
	}
	var errs field.ErrorList
	n := 0
	if src.FieldRef != nil {
		n++
		errs = append(errs, validateObjectFieldSelector(src.FieldRef, envFieldPaths, fldPath.Child("fieldRef"))...)
	}
	if src.ResourceFieldRef != nil {
		n++
		errs = append(errs, validateResourceFieldSelector(src.ResourceFieldRef, false, fldPath.Child("resourceFieldRef"))...)
	}
	if src.ConfigMapKeyRef != nil {
		n++
		errs = append(errs, validateKeySelector(src.ConfigMapKeyRef.Name, src.ConfigMapKeyRef.Key, fldPath.Child("configMapKeyRef"))...)
	}
	if src.SecretKeyRef != nil {
		n++
		errs = append(errs, validateKeySelector(src.SecretKeyRef.Name, src.SecretKeyRef.Key, fldPath.Child("secretKeyRef"))...)
	}
	if src.FileKeyRef != nil {
		n++
		errs = append(errs, validateFileKeySelector(src.FileKeyRef, fldPath.Child("fileKeyRef"))...)
	}
	switch {
	case n == 0:
		errs = append(errs, field.Invalid(fldPath, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
	case ev.Value != "":
		errs = append(errs, field.Invalid(fldPath, "", "may not be specified when `value` is not empty"))
	case n > 1:
		errs = append(errs, field.Invalid(fldPath, "", "may not have more than one field specified at a time"))
	}
	return errs
}

// validateKeySelector checks the name and key of a ConfigMap or Secret key selector.
func validateKeySelector(name, key string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range apivalidation.NameIsDNSSubdomain(name, false) {
		errs = append(errs, field.Invalid(fldPath.Child("name"), name, msg))
	}
	if key == "" {
		errs = append(errs, field.Required(fldPath.Child("key"), ""))
	} else {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(fldPath.Child("key"), key, msg))
		}
	}
	return errs
}

// validateFileKeySelector checks a fileKeyRef.
func validateFileKeySelector(s *FileKeySelector, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.VolumeName == "" {
		errs = append(errs, field.Required(fldPath.Child("volumeName"), ""))
	}
	if s.Path == "" {
		errs = append(errs, field.Required(fldPath.Child("path"), ""))
	} else {
		errs = append(errs, validateLocalDescendingPath(s.Path, fldPath.Child("path"))...)
	}
	if s.Key == "" {
		errs = append(errs, field.Required(fldPath.Child("key"), ""))
	}
	return errs
}

// splitSubscript splits "metadata.labels['key']" into path and key.
func splitSubscript(p string) (string, string, bool) {
	if !strings.HasSuffix(p, "']") {
		return p, "", false
	}
	base, sub, ok := strings.Cut(strings.TrimSuffix(p, "']"), "['")
	return base, sub, ok
}

// validateObjectFieldSelector checks a fieldRef against the allowed paths.
func validateObjectFieldSelector(fs *ObjectFieldSelector, allowed []string, fldPath *field.Path) field.ErrorList {
	if fs.APIVersion == "" {
		return field.ErrorList{field.Required(fldPath.Child("apiVersion"), "")}
	}
	if fs.FieldPath == "" {
		return field.ErrorList{field.Required(fldPath.Child("fieldPath"), "")}
	}
	if fs.APIVersion != "v1" {
		return field.ErrorList{field.Invalid(fldPath.Child("fieldPath"), fs.FieldPath, fmt.Sprintf("error converting fieldPath: unsupported pod version: %s", fs.APIVersion))}
	}
	base, sub, subscripted := splitSubscript(fs.FieldPath)
	if !knownFieldLabels[base] {
		return field.ErrorList{field.Invalid(fldPath.Child("fieldPath"), fs.FieldPath, fmt.Sprintf("error converting fieldPath: field label not supported: %s", fs.FieldPath))}
	}
	if subscripted {
		switch base {
		case "metadata.annotations":
			return apivalidation.ValidateQualifiedName(strings.ToLower(sub), fldPath)
		case "metadata.labels":
			return apivalidation.ValidateQualifiedName(sub, fldPath)
		}
		return field.ErrorList{field.Invalid(fldPath, base, "does not support subscript")}
	}
	for _, a := range allowed {
		if a == base {
			return nil
		}
	}
	return field.ErrorList{field.NotSupported(fldPath.Child("fieldPath"), base, allowed)}
}

// validateResourceFieldSelector checks a resourceFieldRef; files (volume)
// must name their container.
func validateResourceFieldSelector(fs *ResourceFieldSelector, volume bool, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch {
	case volume && fs.ContainerName == "":
		errs = append(errs, field.Required(fldPath.Child("containerName"), ""))
	case fs.Resource == "":
		errs = append(errs, field.Required(fldPath.Child("resource"), ""))
	case !contains(envResourcePaths, fs.Resource) &&
		!strings.HasPrefix(fs.Resource, "limits.hugepages-") && !strings.HasPrefix(fs.Resource, "requests.hugepages-"):
		errs = append(errs, field.NotSupported(fldPath.Child("resource"), fs.Resource, envResourcePaths))
	}
	return append(errs, validateResourceDivisor(fs.Resource, fs.Divisor, fldPath)...)
}

// validateResourceDivisor checks the divisor of a resourceFieldRef.
func validateResourceDivisor(res string, divisor resource.Quantity, fldPath *field.Path) field.ErrorList {
	if divisor.IsZero() {
		return nil
	}
	var valid []string
	var msg string
	switch {
	case strings.HasSuffix(res, ".cpu"):
		valid, msg = []string{"1m", "1"}, "only divisor's values 1m and 1 are supported with the cpu resource"
	case strings.HasSuffix(res, ".memory"), strings.HasSuffix(res, ".ephemeral-storage"), strings.Contains(res, ".hugepages-"):
		valid = []string{"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"}
		kind := "memory"
		if strings.HasSuffix(res, ".ephemeral-storage") {
			kind = "local ephemeral storage"
		} else if strings.Contains(res, ".hugepages-") {
			kind = "hugepages"
		}
		msg = "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the " + kind + " resource"
	default:
		return nil
	}
	for _, v := range valid {
		if divisor.Cmp(resource.MustParse(v)) == 0 {
			return nil
		}
	}
	return field.ErrorList{field.Invalid(fldPath.Child("divisor"), divisor.String(), msg)}
}

// validateEnvFrom checks a container's envFrom list.
func validateEnvFrom(vars []EnvFromSource, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, ev := range vars {
		p := fldPath.Index(i)
		if ev.Prefix != "" {
			for _, msg := range isEnvVarName(ev.Prefix) {
				errs = append(errs, field.Invalid(p.Child("prefix"), ev.Prefix, msg))
			}
		}
		n := 0
		if ev.ConfigMapRef != nil {
			n++
			errs = append(errs, validateEnvSourceName(ev.ConfigMapRef.Name, p.Child("configMapRef"))...)
		}
		if ev.SecretRef != nil {
			n++
			errs = append(errs, validateEnvSourceName(ev.SecretRef.Name, p.Child("secretRef"))...)
		}
		if n == 0 {
			errs = append(errs, field.Invalid(fldPath, "", "must specify one of: `configMapRef` or `secretRef`"))
		}
		if n > 1 {
			errs = append(errs, field.Invalid(fldPath, "", "may not have more than one field specified at a time"))
		}
	}
	return errs
}

// validateEnvSourceName checks the object name of an envFrom source.
func validateEnvSourceName(name string, fldPath *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(fldPath.Child("name"), "")}
	}
	var errs field.ErrorList
	for _, msg := range apivalidation.NameIsDNSSubdomain(name, true) {
		errs = append(errs, field.Invalid(fldPath.Child("name"), name, msg))
	}
	return errs
}

// ValidateResourceRequirements checks a container's requests and limits:
// known names, non-negative amounts, requests no larger than limits, and
// requests equal to limits for resources that cannot be overcommitted.
func ValidateResourceRequirements(r *ResourceRequirements, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	limPath, reqPath := fldPath.Child("limits"), fldPath.Child("requests")
	for _, name := range sortedResourceNames(r.Limits) {
		p := limPath.Key(string(name))
		errs = append(errs, ValidateContainerResourceName(name, p)...)
		errs = append(errs, ValidateResourceQuantityValue(name, r.Limits[name], p)...)
	}
	for _, name := range sortedResourceNames(r.Requests) {
		q := r.Requests[name]
		p := reqPath.Key(string(name))
		errs = append(errs, ValidateContainerResourceName(name, p)...)
		errs = append(errs, ValidateResourceQuantityValue(name, q, p)...)
		overcommit := IsOvercommitAllowed(name)
		if limit, ok := r.Limits[name]; ok {
			if q.Cmp(limit) != 0 && !overcommit {
				errs = append(errs, field.Invalid(reqPath, q.String(), fmt.Sprintf("must be equal to %s limit of %s", name, limit.String())))
			} else if q.Cmp(limit) > 0 {
				errs = append(errs, field.Invalid(reqPath, q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, limit.String())))
			}
		} else if !overcommit {
			errs = append(errs, field.Required(limPath, "Limit must be set for non overcommitable resources"))
		}
	}
	for i, c := range r.Claims {
		if c.Name == "" {
			errs = append(errs, field.Required(fldPath.Child("claims").Index(i).Child("name"), ""))
		}
	}
	return errs
}

// validatePodLevelResources checks spec.resources: cpu, memory and hugepages only.
func validatePodLevelResources(r *ResourceRequirements, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	supported := []ResourceName{ResourceCPU, ResourceMemory}
	for _, part := range []struct {
		name string
		list ResourceList
	}{{"requests", r.Requests}, {"limits", r.Limits}} {
		for _, name := range sortedResourceNames(part.list) {
			if name != ResourceCPU && name != ResourceMemory && !IsHugePageResourceName(name) {
				errs = append(errs, field.NotSupported(fldPath.Child(part.name).Key(string(name)), name, supported))
			}
		}
	}
	if len(r.Claims) > 0 {
		errs = append(errs, field.Forbidden(fldPath.Child("claims"), "claims may not be set for Resources at pod-level"))
	}
	if len(errs) != 0 {
		return errs
	}
	return ValidateResourceRequirements(r, fldPath)
}

// contains reports whether s is in list.
func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
