package endpoints

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer"

	"keel.dev/keel/pkg/apiserver/request"
)

// The conversions a client may ask for with as=… in Accept.
const (
	asTable       = "Table"
	asPartial     = "PartialObjectMetadata"
	asPartialList = "PartialObjectMetadataList"
	metaGroup     = metav1.GroupName
)

// output is the negotiated form of a response.
type output struct {
	info serializer.SerializerInfo
	// pretty asks for indented JSON.
	pretty bool
	// as is "", Table, PartialObjectMetadata or PartialObjectMetadataList;
	// version is its meta.k8s.io version (v1 or v1beta1).
	as, version string
	// include is the includeObject policy of Tables.
	include metav1.IncludeObjectPolicy
}

// negotiate picks the response form from Accept for the request's verb:
// Tables for get, list and watch; PartialObjectMetadata for single objects
// and watches; PartialObjectMetadataList for lists. It answers 406 when no
// entry of Accept can be served.
func (s *scope) negotiate(r *http.Request) (output, error) {
	verb := s.info.Verb
	q := r.URL.Query()
	out := output{pretty: prettyPrint(r)}
	for _, mt := range request.ParseAccept(r.Header.Get("Accept")) {
		typ := mt.Type
		if typ == "*/*" || typ == "application/*" {
			typ = request.MediaJSON
		}
		info, ok := s.h.cfg.Codecs.SerializerForMediaType(typ)
		if !ok || (verb == "watch" && info.StreamSerializer == nil) {
			continue
		}
		if mt.As != "" {
			if mt.Group != metaGroup || (mt.Version != "v1" && mt.Version != "v1beta1") {
				continue
			}
			switch mt.As {
			case asTable:
				if verb != "get" && verb != "list" && verb != "watch" {
					continue
				}
			case asPartial:
				if verb == "list" {
					continue
				}
			case asPartialList:
				if verb != "list" {
					continue
				}
			default:
				continue
			}
			if info.MediaType == request.MediaProtobuf && (mt.Version != "v1" || mt.As == asTable) {
				continue // Tables are served as JSON only
			}
		}
		out.info, out.as, out.version = info, mt.As, mt.Version
		if out.as == asTable {
			switch p := metav1.IncludeObjectPolicy(q.Get("includeObject")); p {
			case "", metav1.IncludeMetadata, metav1.IncludeNone, metav1.IncludeObject:
				out.include = p
			default:
				return out, apierrors.NewBadRequest(fmt.Sprintf("includeObject: Unsupported value: %q: supported values: %q, %q, %q",
					p, metav1.IncludeMetadata, metav1.IncludeNone, metav1.IncludeObject))
			}
		}
		return out, nil
	}
	var types []string
	for _, i := range s.h.cfg.Codecs.SupportedMediaTypes() {
		types = append(types, i.MediaType)
	}
	return out, apierrors.NewNotAcceptable("only the following media types are accepted: " + strings.Join(types, ", "))
}

// contentType is the Content-Type header of a response in this form: the
// bare media type, as Kubernetes answers even for converted kinds.
func (o output) contentType() string {
	return o.info.MediaType
}

func (o output) encoder() runtime.Encoder {
	if o.pretty {
		return o.info.PrettySerializer
	}
	return o.info.Serializer
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeObject converts obj to the negotiated form and writes it with code.
func (s *scope) writeObject(ctx context.Context, w http.ResponseWriter, code int, out output, obj runtime.Object) {
	obj, err := s.transform(ctx, out, obj)
	if err != nil {
		writeError(w, s.apiError(err, s.info.Name))
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() < 16<<20 {
			bufPool.Put(buf)
		}
	}()
	if err := out.encoder().Encode(obj, buf); err != nil {
		writeError(w, apierrors.NewInternalError(fmt.Errorf("encode the response: %w", err)))
		return
	}
	w.Header().Set("Content-Type", out.contentType())
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// transform converts a storage result to the negotiated form.
func (s *scope) transform(ctx context.Context, out output, obj runtime.Object) (runtime.Object, error) {
	if _, isStatus := obj.(*metav1.Status); isStatus {
		return obj, nil
	}
	switch out.as {
	case asTable:
		return s.toTable(ctx, out, obj, true)
	case asPartial, asPartialList:
		return toPartial(obj, out.version), nil
	}
	if isList(obj) {
		return withoutItemKinds(obj), nil
	}
	return obj, nil
}

// isList reports whether obj has an Items slice.
func isList(obj runtime.Object) bool {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return false
	}
	f := v.Elem().FieldByName("Items")
	return f.IsValid() && f.Kind() == reflect.Slice
}

// listItems returns the items of a list as objects (pointers into it).
func listItems(obj runtime.Object) []runtime.Object {
	v := reflect.ValueOf(obj).Elem().FieldByName("Items")
	out := make([]runtime.Object, 0, v.Len())
	for i := 0; i < v.Len(); i++ {
		e := v.Index(i)
		if e.Kind() != reflect.Pointer && e.Kind() != reflect.Interface {
			e = e.Addr()
		}
		if o, ok := e.Interface().(runtime.Object); ok && o != nil {
			out = append(out, o)
		}
	}
	return out
}

// listMeta returns the ListMeta of a list.
func listMeta(obj runtime.Object) metav1.ListMeta {
	v := reflect.ValueOf(obj).Elem().FieldByName("ListMeta")
	if !v.IsValid() {
		return metav1.ListMeta{}
	}
	lm, _ := v.Interface().(metav1.ListMeta)
	return lm
}

var typeMetaType = reflect.TypeOf(metav1.TypeMeta{})

// withoutItemKinds returns the list with apiVersion and kind cleared on its
// items, as Kubernetes writes lists; the list itself is copied, not changed,
// when an item carries them (storage objects are shared and read-only).
func withoutItemKinds(obj runtime.Object) runtime.Object {
	lv := reflect.ValueOf(obj).Elem()
	items := lv.FieldByName("Items")
	if items.Len() == 0 || items.Type().Elem().Kind() != reflect.Struct {
		return obj
	}
	tmIndex := -1
	et := items.Type().Elem()
	for i := 0; i < et.NumField(); i++ {
		if f := et.Field(i); f.Anonymous && f.Type == typeMetaType {
			tmIndex = i
		}
	}
	if tmIndex < 0 {
		return obj
	}
	dirty := false
	for i := 0; i < items.Len() && !dirty; i++ {
		dirty = !items.Index(i).Field(tmIndex).IsZero()
	}
	if !dirty {
		return obj
	}
	cp := reflect.New(lv.Type())
	cp.Elem().Set(lv)
	newItems := reflect.MakeSlice(items.Type(), items.Len(), items.Len())
	reflect.Copy(newItems, items)
	zero := reflect.Zero(typeMetaType)
	for i := 0; i < newItems.Len(); i++ {
		newItems.Index(i).Field(tmIndex).Set(zero)
	}
	cp.Elem().FieldByName("Items").Set(newItems)
	return cp.Interface().(runtime.Object)
}

// toPartial reduces an object to PartialObjectMetadata, or a list to
// PartialObjectMetadataList.
func toPartial(obj runtime.Object, version string) runtime.Object {
	apiVersion := metaGroup + "/" + version
	if isList(obj) {
		out := &metav1.PartialObjectMetadataList{
			TypeMeta: metav1.TypeMeta{APIVersion: apiVersion, Kind: asPartialList},
			ListMeta: listMeta(obj),
		}
		items := listItems(obj)
		out.Items = make([]metav1.PartialObjectMetadata, 0, len(items))
		for _, it := range items {
			out.Items = append(out.Items, metav1.PartialObjectMetadata{
				TypeMeta:   metav1.TypeMeta{APIVersion: apiVersion, Kind: asPartial},
				ObjectMeta: metaOf(it),
			})
		}
		return out
	}
	return &metav1.PartialObjectMetadata{
		TypeMeta:   metav1.TypeMeta{APIVersion: apiVersion, Kind: asPartial},
		ObjectMeta: metaOf(obj),
	}
}

// metaOf returns a shallow copy of obj's ObjectMeta.
func metaOf(obj runtime.Object) metav1.ObjectMeta {
	if a, ok := obj.(interface{ GetObjectMeta() metav1.Object }); ok {
		if om, ok := a.GetObjectMeta().(*metav1.ObjectMeta); ok {
			return *om
		}
	}
	return metav1.ObjectMeta{}
}

// prettyPrint reports whether to indent JSON: ?pretty when given, else for
// the command-line tools and browsers Kubernetes indents for.
func prettyPrint(r *http.Request) bool {
	if v, ok := r.URL.Query()["pretty"]; ok && len(v) > 0 {
		b, _ := strconv.ParseBool(v[0])
		return b
	}
	ua := r.UserAgent()
	return strings.HasPrefix(ua, "curl") || strings.HasPrefix(ua, "Wget") || strings.HasPrefix(ua, "Mozilla/5.0")
}
