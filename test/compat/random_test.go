package compat

import (
	"flag"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/randfill"
)

var randomRounds = flag.Int("random-rounds", 8, "random objects per kind in TestRandomObjectsMatchKubernetes")

// quantities are valid, canonical-or-not quantity strings.
var quantities = []string{"0", "1", "100m", "1500m", "2.5", "1Gi", "64Mi", "128974848", "129e6", "1k", "-3", "0.001", "5Ei"}

// newFiller fills Kubernetes objects with random values that have a JSON
// form (every zero-vs-nil distinction the protobuf carries survives JSON).
func newFiller(seed int64, skip []string) *randfill.Filler {
	f := randfill.NewWithSeed(seed).NilChance(0.35).NumElements(1, 2).MaxDepth(12)
	if len(skip) > 0 {
		f = f.SkipFieldsWithPattern(regexp.MustCompile("^(" + strings.Join(skip, "|") + ")$"))
	}
	return f.Funcs(
		func(t *k8smeta.Time, c randfill.Continue) { *t = k8smeta.Unix(1+c.Int63n(4e9), 0) },
		func(t *k8smeta.MicroTime, c randfill.Continue) {
			*t = k8smeta.NewMicroTime(k8smeta.Unix(1+c.Int63n(4e9), c.Int63n(1e6)*1000).Time)
		},
		func(d *k8smeta.Duration, c randfill.Continue) { d.Duration = timeDuration(c.Int63() - c.Int63()) },
		func(q *resource.Quantity, c randfill.Continue) {
			*q = resource.MustParse(quantities[c.Intn(len(quantities))])
		},
		func(v *intstr.IntOrString, c randfill.Continue) {
			if c.Bool() {
				*v = intstr.FromInt32(c.Int31() - c.Int31())
			} else {
				*v = intstr.FromString(c.String(8))
			}
		},
		func(f *k8smeta.FieldsV1, c randfill.Continue) {
			*f = *k8smeta.NewFieldsV1(fmt.Sprintf(`{"f:x%d":{}}`, c.Intn(100)))
		},
		func(r *k8sruntime.RawExtension, c randfill.Continue) {
			r.Raw = []byte(fmt.Sprintf(`{"apiVersion":"v1","kind":"X%d"}`, c.Intn(100)))
		},
		func(tm *k8smeta.TypeMeta, c randfill.Continue) {},
		func(m *map[string][]byte, c randfill.Continue) {
			*m = map[string][]byte{c.String(5): []byte(c.String(5)), "": {}}
		},
	)
}

// TestRandomObjectsMatchKubernetes fills every kind Keel shares with
// Kubernetes with random values and checks, as for the golden objects,
// byte-identical protobuf and decoding both ways.
func TestRandomObjectsMatchKubernetes(t *testing.T) {
	// Fields Keel lacks are left empty: TestTagsMatchKubernetes reports them.
	pairs, _, _, missing := compareKindsMissing(t)
	if len(missing) > 0 {
		t.Logf("left empty, as Keel lacks them: %s", strings.Join(missing, ", "))
	}
	ks, ours := k8sScheme(t), keelScheme(t)
	for _, p := range pairs {
		if p.gvk.Kind == "Table" || p.gvk.Kind == "WatchEvent" {
			continue // no protobuf form / no kind of its own
		}
		t.Run(p.gvk.String(), func(t *testing.T) {
			for i := 0; i < *randomRounds; i++ {
				obj := reflect.New(p.k8s).Interface().(k8sruntime.Object)
				newFiller(int64(i), missing).Fill(obj)
				obj.GetObjectKind().SetGroupVersionKind(k8sGVK(p.gvk.Group, p.gvk.Version, p.gvk.Kind))
				ok := t.Run(fmt.Sprintf("seed %d", i), func(t *testing.T) {
					compareEnvelopes(t, p.gvk.Kind, obj, ks, ours)
				})
				if !ok {
					break
				}
			}
		})
	}
}
