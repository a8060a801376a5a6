package compat

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"keel.dev/apimachinery/pkg/runtime/schema"
)

// leafTypes have a hand-written wire form on both sides; only their names
// are compared.
var leafTypes = map[string]bool{
	"Quantity": true, "IntOrString": true, "Time": true, "MicroTime": true,
	"Duration": true, "FieldsV1": true, "RawExtension": true,
}

// protoTag is the part of a protobuf struct tag that decides the wire form.
type protoTag struct {
	wire, label string
	num         string
}

func parseProtoTag(tag string) (protoTag, bool) {
	if tag == "" || tag == "-" {
		return protoTag{}, false
	}
	parts := strings.Split(tag, ",")
	pt := protoTag{wire: parts[0]}
	if len(parts) > 1 {
		pt.num = parts[1]
	}
	for _, p := range parts[2:] {
		if p == "opt" || p == "rep" || p == "req" {
			pt.label = p
		}
	}
	return pt, true
}

func (p protoTag) String() string {
	return fmt.Sprintf("%s,%s,%s", p.wire, p.num, p.label)
}

// normalizeJSONTag makes the spellings of an inlined embedded struct
// (no tag, `json:",inline"`) compare equal.
func normalizeJSONTag(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if name, _, _ := strings.Cut(tag, ","); f.Anonymous && name == "" {
		// Any option on an inlined struct is without effect.
		return ",inline"
	}
	return tag
}

// shape describes a Go type the way the codec sees it: pointer, slice
// (named or not), map, leaf, struct or basic kind.
func shape(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + shape(t.Elem())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "[]byte"
		}
		if t.Name() != "" {
			return "named[]" + shape(t.Elem())
		}
		return "[]" + shape(t.Elem())
	case reflect.Map:
		return "map[" + shape(t.Key()) + "]" + shape(t.Elem())
	case reflect.Struct:
		if leafTypes[t.Name()] {
			return t.Name()
		}
		return "struct"
	case reflect.Int, reflect.Int64:
		return "int64"
	default:
		return t.Kind().String()
	}
}

// typeComparer walks a Keel type and the Kubernetes type of the same kind
// side by side and collects every difference once per struct pair.
type typeComparer struct {
	seen     map[[2]reflect.Type]bool
	problems []string
	// missing holds the Go names of Kubernetes fields Keel lacks.
	missing map[string]bool
}

func newTypeComparer() *typeComparer {
	return &typeComparer{seen: map[[2]reflect.Type]bool{}, missing: map[string]bool{}}
}

func typeName(t reflect.Type) string {
	pkg := t.PkgPath()
	for _, prefix := range []string{"keel.dev/apimachinery/pkg/apis/", "keel.dev/api/", "k8s.io/api/", "k8s.io/apimachinery/pkg/apis/"} {
		pkg = strings.TrimPrefix(pkg, prefix)
	}
	return pkg + "." + t.Name()
}

func (c *typeComparer) addf(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// compare checks two types reached at the same place.
func (c *typeComparer) compare(keel, k8s reflect.Type, where string) {
	if ks, gs := shape(keel), shape(k8s); ks != gs {
		c.addf("%s: Keel type %v has shape %s, Kubernetes %v has %s", where, keel, ks, k8s, gs)
		return
	}
	switch keel.Kind() {
	case reflect.Pointer, reflect.Slice:
		if keel.Elem().Kind() != reflect.Uint8 {
			c.compare(keel.Elem(), k8s.Elem(), where)
		}
	case reflect.Map:
		c.compare(keel.Key(), k8s.Key(), where+" (map key)")
		c.compare(keel.Elem(), k8s.Elem(), where+" (map value)")
	case reflect.Struct:
		if leafTypes[keel.Name()] {
			if keel.Name() != k8s.Name() {
				c.addf("%s: Keel uses %v where Kubernetes uses %v", where, keel, k8s)
			}
			return
		}
		c.compareStructs(keel, k8s)
	}
}

// exportedFields returns t's exported fields by Go name, in order.
func exportedFields(t reflect.Type) ([]string, map[string]reflect.StructField) {
	var names []string
	byName := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		names = append(names, f.Name)
		byName[f.Name] = f
	}
	return names, byName
}

func (c *typeComparer) compareStructs(keel, k8s reflect.Type) {
	key := [2]reflect.Type{keel, k8s}
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	name := typeName(keel)
	knames, kfields := exportedFields(keel)
	gnames, gfields := exportedFields(k8s)
	var missing []string
	for _, n := range gnames {
		gf := gfields[n]
		kf, ok := kfields[n]
		if !ok {
			if gf.Tag.Get("json") == "-" && gf.Tag.Get("protobuf") == "" {
				continue
			}
			missing = append(missing, fmt.Sprintf("%s (json %q, protobuf %q)", n, gf.Tag.Get("json"), gf.Tag.Get("protobuf")))
			c.missing[n] = true
			continue
		}
		where := name + "." + n
		if kj, gj := normalizeJSONTag(kf), normalizeJSONTag(gf); kj != gj {
			c.addf("%s: json tag %q, Kubernetes has %q", where, kj, gj)
		}
		kp, kok := parseProtoTag(kf.Tag.Get("protobuf"))
		gp, gok := parseProtoTag(gf.Tag.Get("protobuf"))
		switch {
		case kok != gok:
			c.addf("%s: protobuf tag %q, Kubernetes has %q", where, kf.Tag.Get("protobuf"), gf.Tag.Get("protobuf"))
		case kp != gp:
			c.addf("%s: protobuf tag %s, Kubernetes has %s", where, kp, gp)
		}
		for _, mt := range []string{"protobuf_key", "protobuf_val"} {
			k, _ := parseProtoTag(kf.Tag.Get(mt))
			g, _ := parseProtoTag(gf.Tag.Get(mt))
			if k.wire != g.wire || k.num != g.num {
				c.addf("%s: %s %q, Kubernetes has %q", where, mt, kf.Tag.Get(mt), gf.Tag.Get(mt))
			}
		}
		if kf.Anonymous != gf.Anonymous {
			c.addf("%s: embedded=%v, Kubernetes embedded=%v", where, kf.Anonymous, gf.Anonymous)
		}
		c.compare(kf.Type, gf.Type, where)
	}
	if len(missing) > 0 {
		c.addf("%s: missing fields that Kubernetes %s has: %s", name, typeName(k8s), strings.Join(missing, "; "))
	}
	var extra []string
	for _, n := range knames {
		if _, ok := gfields[n]; !ok {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		c.addf("%s: fields Kubernetes %s does not have: %s", name, typeName(k8s), strings.Join(extra, ", "))
	}
}

// kindPair is one kind with both Go types.
type kindPair struct {
	gvk       schema.GroupVersionKind
	keel, k8s reflect.Type
}

// compareKinds compares every Keel kind with Kubernetes' kind of the same
// group/version/kind and returns the problems sorted.
func compareKinds(t *testing.T) (pairs []kindPair, problems []string, notInK8s []string) {
	pairs, problems, notInK8s, _ = compareKindsMissing(t)
	return pairs, problems, notInK8s
}

// compareKindsMissing is compareKinds that also returns the names of the
// Kubernetes fields Keel lacks.
func compareKindsMissing(t *testing.T) (pairs []kindPair, problems []string, notInK8s []string, missing []string) {
	t.Helper()
	ours := keelScheme(t)
	theirs := k8sScheme(t)
	c := newTypeComparer()
	k8sTypes := theirs.AllKnownTypes()
	for _, gv := range ours.GroupVersions() {
		for kind, kt := range ours.KnownKinds(gv) {
			gvk := gv.WithKind(kind)
			gt, ok := k8sTypes[k8sschema.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}]
			if !ok {
				notInK8s = append(notInK8s, gvk.String())
				continue
			}
			pairs = append(pairs, kindPair{gvk: gvk, keel: kt, k8s: gt})
			c.compare(kt, gt, gvk.String())
		}
	}
	sort.Strings(c.problems)
	sort.Strings(notInK8s)
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].gvk.String() < pairs[j].gvk.String() })
	for n := range c.missing {
		missing = append(missing, n)
	}
	sort.Strings(missing)
	return pairs, dedupe(c.problems), notInK8s, missing
}

func dedupe(list []string) []string {
	var out []string
	for i, s := range list {
		if i == 0 || list[i-1] != s {
			out = append(out, s)
		}
	}
	return out
}

func TestTagsMatchKubernetes(t *testing.T) {
	pairs, problems, notInK8s := compareKinds(t)
	if len(pairs) == 0 {
		t.Fatal("no kind of Keel's scheme was found in Kubernetes' scheme")
	}
	t.Logf("compared %d kinds with k8s.io/api v0.37.2", len(pairs))
	for _, k := range notInK8s {
		t.Logf("kind %s is not a Kubernetes kind (not compared)", k)
	}
	for _, k := range kindsKeelLacks(t) {
		if !optionKinds[k[strings.LastIndex(k, "=")+1:]] {
			t.Logf("Kubernetes kind %s has no Keel counterpart (a served group version)", k)
		}
	}
	var failures []string
	for _, p := range problems {
		if reason, ok := knownGap(p); ok {
			t.Logf("known gap (%s): %s", reason, p)
			continue
		}
		failures = append(failures, p)
	}
	if len(failures) > 0 {
		t.Errorf("%d differences between Keel's API types and k8s.io/api v0.37.2:\n  %s", len(failures), strings.Join(failures, "\n  "))
	}
}

// kindsKeelLacks lists the Kubernetes kinds of the group versions Keel
// serves that Keel's scheme does not have.
func kindsKeelLacks(t *testing.T) []string {
	ours := keelScheme(t)
	served := map[k8sschema.GroupVersion]bool{}
	for _, gv := range ours.GroupVersions() {
		served[k8sschema.GroupVersion{Group: gv.Group, Version: gv.Version}] = true
	}
	var out []string
	for gvk := range k8sScheme(t).AllKnownTypes() {
		if !served[gvk.GroupVersion()] || gvk.Version == "__internal" {
			continue
		}
		if !ours.Recognizes(schema.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}) {
			out = append(out, gvk.String())
		}
	}
	sort.Strings(out)
	return out
}

// optionKinds are what metav1.AddToGroupVersion registers in every group
// version.
var optionKinds = map[string]bool{
	"CreateOptions": true, "DeleteOptions": true, "GetOptions": true, "ListOptions": true,
	"PatchOptions": true, "UpdateOptions": true, "WatchEvent": true,
}

// TestEveryGroupVersionAcceptsOptions checks that, as in Kubernetes, every
// served group version has the options kinds and WatchEvent, so a body
// {"kind":"DeleteOptions","apiVersion":"apps/v1"} decodes.
func TestEveryGroupVersionAcceptsOptions(t *testing.T) {
	ours := keelScheme(t)
	var missing []string
	for _, gv := range ours.GroupVersions() {
		if gv.Group == "meta.k8s.io" {
			continue
		}
		for kind := range optionKinds {
			if !ours.Recognizes(gv.WithKind(kind)) {
				missing = append(missing, gv.String())
				break
			}
		}
	}
	sort.Strings(missing)
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("group versions without the options kinds (call metav1.AddToGroupVersion(s, gv) when installing them): %s", strings.Join(missing, ", "))
	if reason, ok := knownGap(msg); ok {
		t.Logf("known gap (%s): %s", reason, msg)
		return
	}
	t.Error(msg)
}
