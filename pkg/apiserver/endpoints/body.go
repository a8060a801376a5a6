package endpoints

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"unicode"

	"sigs.k8s.io/yaml"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"

	"keel.dev/keel/pkg/apiserver/filters"
	"keel.dev/keel/pkg/apiserver/request"
)

// The fieldValidation values.
const (
	validationIgnore = "Ignore"
	validationWarn   = "Warn"
	validationStrict = "Strict"
)

// writeOptions are the query parameters shared by create, update and patch.
type writeOptions struct {
	dryRun []string
	// manager is the fieldManager parameter, or the default derived from
	// the User-Agent when absent.
	manager string
	// explicitManager is the fieldManager parameter as sent.
	explicitManager string
	// validation is Ignore, Warn or Strict (Warn when absent).
	validation string
}

// parseWriteOptions reads and checks dryRun, fieldManager and
// fieldValidation; kind names the options kind in the 422 answer.
func parseWriteOptions(r *http.Request, kind string) (writeOptions, error) {
	q := r.URL.Query()
	o := writeOptions{dryRun: q["dryRun"], explicitManager: q.Get("fieldManager"), validation: q.Get("fieldValidation")}
	var errs field.ErrorList
	errs = append(errs, validateDryRun(o.dryRun)...)
	switch o.validation {
	case "", validationIgnore, validationWarn, validationStrict:
	default:
		errs = append(errs, field.NotSupported(field.NewPath("fieldValidation"), o.validation,
			[]string{"", validationIgnore, validationStrict, validationWarn}))
	}
	if len(o.explicitManager) > 128 {
		errs = append(errs, field.TooLong(field.NewPath("fieldManager"), "", 128))
	}
	for i, c := range o.explicitManager {
		if !unicode.IsPrint(c) {
			errs = append(errs, field.Invalid(field.NewPath("fieldManager"), o.explicitManager,
				fmt.Sprintf("invalid character %#U (at position %d)", c, i)))
		}
	}
	if len(errs) > 0 {
		return o, invalidOptions(kind, errs)
	}
	if o.validation == "" {
		o.validation = validationWarn
	}
	o.manager = o.explicitManager
	if o.manager == "" {
		o.manager = managerFromUserAgent(r.UserAgent())
	}
	return o, nil
}

// validateDryRun allows only "All".
func validateDryRun(dryRun []string) field.ErrorList {
	for _, d := range dryRun {
		if d != "All" {
			return field.ErrorList{field.NotSupported(field.NewPath("dryRun"), dryRun, []string{"All"})}
		}
	}
	return nil
}

// managerFromUserAgent is the default field manager: the User-Agent up to
// its first "/", at most 128 bytes.
func managerFromUserAgent(ua string) string {
	m := strings.SplitN(ua, "/", 2)[0]
	if len(m) > 128 {
		m = m[:128]
	}
	return m
}

// readBody reads the request body within the configured limit (413 beyond).
func (s *scope) readBody(r *http.Request) ([]byte, error) {
	return filters.ReadBody(r, s.h.cfg.MaxRequestBodyBytes)
}

// decodeBody decodes a create or update body of the scope's kind from any
// supported media type. Unknown and duplicate fields come back as warnings
// with fieldValidation=Warn and fail the request with Strict.
func (s *scope) decodeBody(r *http.Request, body []byte, validation string) (runtime.Object, []string, error) {
	ct := r.Header.Get("Content-Type")
	if strings.TrimSpace(ct) == "" {
		ct = request.MediaJSON
	}
	info, ok := s.h.cfg.Codecs.SerializerForMediaType(ct)
	if !ok {
		return nil, nil, apierrors.NewUnsupportedMediaType(ct)
	}
	want := s.kind
	dec := info.Serializer
	if validation != validationIgnore {
		dec = info.StrictSerializer
	}
	into := s.storage.New()
	obj, gvk, err := dec.Decode(body, &want, into)
	var warnings []string
	var strict *runtime.StrictDecodingError
	switch {
	case err == nil:
	case errors.As(err, &strict) && obj != nil && validation != validationStrict:
		if validation == validationWarn {
			warnings = strict.Errors
		}
	default:
		if info.EncodesAsText {
			// Say why in Kubernetes' words: unreadable data, or a kind
			// that is not the URL's.
			if perr := precheckText(want, info.MediaType, body); perr != nil {
				return nil, nil, perr
			}
		}
		if inner := errors.Unwrap(err); inner != nil && strings.HasPrefix(err.Error(), "json: decode ") {
			err = inner
		}
		return nil, nil, decodeError(want, gvk, err, body)
	}
	if err := checkKind(want, gvk, obj, into); err != nil {
		return nil, nil, err
	}
	obj.GetObjectKind().SetGroupVersionKind(want)
	return obj, warnings, nil
}

// precheckText reads the apiVersion and kind of a JSON or YAML body that
// failed to decode, and reports a malformed body or a foreign kind.
func precheckText(want schema.GroupVersionKind, mediaType string, body []byte) error {
	js := body
	if mediaType == request.MediaYAML {
		var err error
		if js, err = yaml.YAMLToJSON(body); err != nil {
			return decodeError(want, nil, fmt.Errorf("error converting YAML to JSON: %w", err), body)
		}
	}
	var tm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := json.Unmarshal(js, &tm); err != nil {
		return decodeError(want, nil, fmt.Errorf("couldn't get version/kind; json parse error: %w", err), body)
	}
	got := schema.FromAPIVersionAndKind(tm.APIVersion, tm.Kind)
	if tm.APIVersion == "" {
		got.Group, got.Version = want.Group, want.Version
	}
	if tm.Kind == "" {
		got.Kind = want.Kind
	}
	return checkKind(want, &got, nil, nil)
}

// checkKind refuses a body whose apiVersion or kind is not the URL's.
func checkKind(want schema.GroupVersionKind, got *schema.GroupVersionKind, obj, into runtime.Object) error {
	if got != nil && got.GroupVersion() != want.GroupVersion() {
		return apierrors.NewBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)",
			got.GroupVersion().String(), want.GroupVersion().String()))
	}
	if (got != nil && got.Kind != want.Kind) || reflect.TypeOf(obj) != reflect.TypeOf(into) {
		k := ""
		if got != nil {
			k = got.Kind
		}
		return apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: the kind in the data (%s) does not match the expected kind (%s)",
			k, want.Version, want.Kind, k, want.Kind))
	}
	return nil
}

// checkNamespace fills an object's empty namespace from the request and
// refuses a different one; cluster-scoped objects lose theirs.
func (s *scope) checkNamespace(obj runtime.Object) error {
	m, ok := objectMeta(obj)
	if !ok {
		return nil
	}
	switch ns := m.GetNamespace(); {
	case ns == s.namespace:
	case !s.res.Namespaced:
		m.SetNamespace("")
	case ns == "":
		m.SetNamespace(s.namespace)
	default:
		return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}

// checkName fills an object's empty name from the URL and refuses a
// different one.
func (s *scope) checkName(obj runtime.Object) error {
	m, ok := objectMeta(obj)
	if !ok || s.info.Name == "" {
		return nil
	}
	switch n := m.GetName(); n {
	case s.info.Name:
	case "":
		m.SetName(s.info.Name)
	default:
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", n, s.info.Name))
	}
	return nil
}

// toMap returns obj as decoded JSON (numbers kept as json.Number).
func toMap(obj runtime.Object) (map[string]any, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return jsonMap(data)
}

func jsonMap(data []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// subresourceName is the scope's subresource, "" for the resource.
func (s *scope) subresourceName() string {
	if s.sub == nil {
		return ""
	}
	return s.sub.Name
}

// trackFields records in obj's managedFields that manager wrote obj over
// old (nil on create). Entries come from obj when the client sent some,
// else from old. Kinds other than the resource's own are not tracked.
func (s *scope) trackFields(old, obj runtime.Object, manager string) {
	if !s.ownKind() {
		return
	}
	m, ok := objectMeta(obj)
	if !ok {
		return
	}
	entries := m.GetManagedFields()
	if entries == nil && old != nil {
		if om, ok := objectMeta(old); ok {
			entries = om.GetManagedFields()
		}
	}
	newMap, err := toMap(obj)
	if err != nil {
		return
	}
	var oldMap map[string]any
	if old != nil {
		if oldMap, err = toMap(old); err != nil {
			return
		}
	}
	out, err := s.h.manager(s.kind, obj).Update(oldMap, newMap, entries, manager, s.subresourceName())
	if err != nil {
		// Unreadable entries from the client: start over, as Kubernetes does.
		out, err = s.h.manager(s.kind, obj).Update(oldMap, newMap, nil, manager, s.subresourceName())
		if err != nil {
			return
		}
	}
	m.SetManagedFields(out)
}
