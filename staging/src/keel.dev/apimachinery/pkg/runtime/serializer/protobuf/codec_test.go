package protobuf

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"time"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

type inner struct {
	Name  string `protobuf:"bytes,1,opt,name=name"`
	Count *int32 `protobuf:"varint,2,opt,name=count"`
}

type names []string

type sample struct {
	Skipped   string            `json:"skipped"`
	Str       string            `protobuf:"bytes,1,opt,name=str"`
	Int32     int32             `protobuf:"varint,2,opt,name=int32"`
	Int64     int64             `protobuf:"varint,3,opt,name=int64"`
	Bool      bool              `protobuf:"varint,4,opt,name=bool"`
	StrPtr    *string           `protobuf:"bytes,5,opt,name=strPtr"`
	Bytes     []byte            `protobuf:"bytes,6,opt,name=bytes"`
	Strings   []string          `protobuf:"bytes,7,rep,name=strings"`
	Ints      []int64           `protobuf:"varint,8,rep,name=ints"`
	Inner     inner             `protobuf:"bytes,9,opt,name=inner"`
	InnerPtr  *inner            `protobuf:"bytes,10,opt,name=innerPtr"`
	Inners    []inner           `protobuf:"bytes,11,rep,name=inners"`
	Labels    map[string]string `protobuf:"bytes,12,rep,name=labels"`
	ByteMap   map[string][]byte `protobuf:"bytes,13,rep,name=byteMap"`
	InnerMap  map[string]inner  `protobuf:"bytes,14,rep,name=innerMap"`
	Names     names             `protobuf:"bytes,15,opt,name=names"`
	When      metav1.Time       `protobuf:"bytes,16,opt,name=when"`
	WhenPtr   *metav1.Time      `protobuf:"bytes,17,opt,name=whenPtr"`
	Float     float64           `protobuf:"fixed64,18,opt,name=float"`
	InnerPtrs []*inner          `protobuf:"bytes,19,rep,name=innerPtrs"`
	Later     string            `protobuf:"bytes,200,opt,name=later"`
}

func hexOf(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMarshalWritesKubernetesWireForm(t *testing.T) {
	// Every always-written field of a zero sample, in field order: str,
	// int32, int64, bool, inner {name}, when (empty Timestamp), float, later.
	zero := "0a00 1000 1800 2000 4a02 0a00 8201 00 9101 0000000000000000 c20c 00"
	cases := []struct {
		name string
		in   sample
		want string
	}{
		{"a zero struct writes every non-pointer field", sample{}, zero},
		{"negative int32 values are sign-extended to ten bytes", sample{Int32: -1},
			"0a00 10ffffffffffffffffff01 1800 2000 4a02 0a00 8201 00 9101 0000000000000000 c20c 00"},
		{"pointers, byte slices and named slices are written only when non-nil",
			sample{StrPtr: new(string), Bytes: []byte{}, Names: names{}},
			"0a00 1000 1800 2000 2a00 3200 4a02 0a00 7a00 8201 00 9101 0000000000000000 c20c 00"},
		{"repeated fields are unpacked, maps sorted by key, named slices wrapped",
			sample{
				Ints:    []int64{1, 2},
				Strings: []string{"a"},
				Labels:  map[string]string{"b": "2", "a": "1"},
				ByteMap: map[string][]byte{"k": nil},
				Names:   names{"x", "y"},
			},
			"0a00 1000 1800 2000 3a0161 4001 4002 4a02 0a00" +
				" 6206 0a0161 120131 6206 0a0162 120132" +
				" 6a03 0a016b" +
				" 7a06 0a0178 0a0179" +
				" 8201 00 9101 0000000000000000 c20c 00"},
		{"times are seconds with zero nanos", sample{When: metav1.Unix(1700000000, 999)},
			"0a00 1000 1800 2000 4a02 0a00 8201 08 0880e2cfaa06 1000 9101 0000000000000000 c20c 00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Marshal(&c.in)
			if err != nil {
				t.Fatal(err)
			}
			if want := hexOf(t, c.want); !bytes.Equal(got, want) {
				t.Errorf("Marshal:\n got %x\nwant %x", got, want)
			}
			n, err := Size(&c.in)
			if err != nil || n != len(got) {
				t.Errorf("Size = %d, %v; want %d", n, err, len(got))
			}
		})
	}
}

func populated() sample {
	s := "ptr"
	c := int32(-7)
	return sample{
		Str: "hello", Int32: -5, Int64: 1 << 40, Bool: true, StrPtr: &s,
		Bytes: []byte{0, 1, 2}, Strings: []string{"a", "", "c"}, Ints: []int64{-1, 0, 300},
		Inner:     inner{Name: "in", Count: &c},
		InnerPtr:  &inner{Name: "p"},
		Inners:    []inner{{Name: "x"}, {}},
		Labels:    map[string]string{"app": "web", "": ""},
		ByteMap:   map[string][]byte{"a": {1}, "b": {}},
		InnerMap:  map[string]inner{"z": {Name: "zz"}, "a": {Count: &c}},
		Names:     names{"v"},
		When:      metav1.Unix(1700000000, 0),
		WhenPtr:   &metav1.Time{},
		Float:     2.5,
		InnerPtrs: []*inner{{Name: "q"}},
		Later:     "late",
	}
}

func TestUnmarshalRoundTrips(t *testing.T) {
	in := populated()
	b, err := Marshal(&in)
	if err != nil {
		t.Fatal(err)
	}
	var out sample
	if err := Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	// A present, empty Timestamp decodes to the zero time.
	if !out.When.Equal(&in.When) || out.WhenPtr == nil || !out.WhenPtr.IsZero() {
		t.Fatalf("times: got %v %v", out.When, out.WhenPtr)
	}
	out.When, in.When = metav1.Time{}, metav1.Time{}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}
}

func TestUnmarshalAcceptsPackedScalarsAndSkipsUnknownFields(t *testing.T) {
	// ints (8) packed [1, 300]; unknown fields 99 (varint), 98 (bytes),
	// 97 (fixed32); str (1) = "ok".
	b := hexOf(t, "4203 01ac02 98060a 92060178 8d0601000000 0a026f6b")
	var out sample
	if err := Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Ints, []int64{1, 300}) || out.Str != "ok" {
		t.Errorf("got ints %v str %q", out.Ints, out.Str)
	}
}

func TestUnmarshalRejectsMalformedInput(t *testing.T) {
	in := populated()
	b, err := Marshal(&in)
	if err != nil {
		t.Fatal(err)
	}
	// Every strict prefix that cuts a field short must fail, never panic.
	failures := 0
	for i := 1; i < len(b); i++ {
		var out sample
		if Unmarshal(b[:i], &out) != nil {
			failures++
		}
	}
	if failures == 0 {
		t.Fatal("no truncated prefix was rejected")
	}
	cases := map[string]string{
		"a string field sent as a varint":  "0801",
		"a length past the end":            "0a05 6869",
		"an overlong varint":               "10 ffffffffffffffffffff01",
		"a field number of zero":           "0001",
		"a map entry with a truncated key": "620 40a0561",
		"a wrapped list with a bad item":   "7a02 0a05",
		"an end-group tag with no start":   "0c",
		"a message field sent as a varint": "4801",
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			var out sample
			if err := Unmarshal(hexOf(t, h), &out); err == nil {
				t.Errorf("Unmarshal(%s) succeeded", h)
			}
		})
	}
}

func TestTypesWithoutProtobufTagsAreRejected(t *testing.T) {
	_, err := Marshal(&metav1.Table{})
	if !IsNotMarshalable(err) {
		t.Fatalf("Marshal(Table) error = %v, want NotMarshalableError", err)
	}
	if err := Unmarshal(nil, &metav1.Table{}); !IsNotMarshalable(err) {
		t.Fatalf("Unmarshal(Table) error = %v, want NotMarshalableError", err)
	}
}

func TestUnsupportedFieldTypesFailAtPlanTime(t *testing.T) {
	type bad struct {
		F func() `protobuf:"bytes,1,opt,name=f"`
	}
	if _, err := Marshal(&bad{}); err == nil || !strings.Contains(err.Error(), "unsupported") {
		t.Fatalf("Marshal error = %v, want unsupported type", err)
	}
}

func TestHandWrittenTypesMatchKubernetes(t *testing.T) {
	micro := metav1.NewMicroTime(time.Unix(10, 123456789))
	cases := []struct {
		name string
		v    any
		want string
	}{
		{"a zero Time is empty", &metav1.Time{}, ""},
		{"a Time keeps whole seconds", ptrTo(metav1.Unix(1, 5)), "0801 1000"},
		{"a MicroTime keeps microseconds", &micro, "080a 108094ef3a"},
		{"a Duration is nanoseconds", &metav1.Duration{Duration: time.Second}, "088094ebdc03"},
		{"an empty FieldsV1 is empty", &metav1.FieldsV1{Raw: []byte{}}, ""},
		{"a FieldsV1 holds its raw JSON", &metav1.FieldsV1{Raw: []byte("{}")}, "0a02 7b7d"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Marshal(c.v)
			if err != nil {
				t.Fatal(err)
			}
			if want := hexOf(t, c.want); !bytes.Equal(got, want) {
				t.Errorf("got %x, want %x", got, want)
			}
		})
	}
	var back metav1.MicroTime
	if err := Unmarshal(hexOf(t, "080a 108094ef3a"), &back); err != nil || back.UnixNano() != 10_123_456_000 {
		t.Errorf("MicroTime decoded to %v (%v)", back.UnixNano(), err)
	}
	var tm metav1.Time
	if err := Unmarshal(hexOf(t, "0801 10ff01"), &tm); err != nil || tm.UnixNano() != 1e9 {
		t.Errorf("Time decoded to %v (%v), want its nanos dropped", tm.UnixNano(), err)
	}
}

func ptrTo[T any](v T) *T { return &v }
