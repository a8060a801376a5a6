package resource

import "testing"

// benchInputs mixes common amounts with a fractional binary one and a huge
// one, which take the arbitrary-precision path.
var benchInputs = []string{"100m", "1.5Gi", "2", "512Mi", "250m", "4", "1e3", "123456789012345678901234567890"}

// int64Inputs all fit the allocation-free path.
var int64Inputs = []string{"100m", "2", "512Mi", "250m", "4", "1e3", "1536Mi", "0.5"}

func BenchmarkParseQuantity(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ParseQuantity(benchInputs[i%len(benchInputs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseQuantityInt64Only(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ParseQuantity(int64Inputs[i%len(int64Inputs)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkString(b *testing.B) {
	qs := make([]Quantity, len(benchInputs))
	for i, s := range benchInputs {
		q := MustParse(s)
		q.s = "" // measure formatting, not the cached text
		qs[i] = q
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = qs[i%len(qs)].String()
	}
}

func BenchmarkCmp(b *testing.B) {
	requests := []Quantity{MustParse("100m"), MustParse("250m"), MustParse("1500m"), MustParse("512Mi"), MustParse("1Gi")}
	allocatable := []Quantity{MustParse("4"), MustParse("3800m"), MustParse("8Gi"), MustParse("16Gi")}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := &requests[i%len(requests)]
		_ = r.Cmp(allocatable[i%len(allocatable)])
	}
}

func BenchmarkAdd(b *testing.B) {
	parts := []Quantity{MustParse("100m"), MustParse("250m"), MustParse("1"), MustParse("1500m")}
	b.ReportAllocs()
	var sum Quantity
	for i := 0; b.Loop(); i++ {
		if i%1000 == 0 {
			sum = Quantity{}
		}
		sum.Add(parts[i%len(parts)])
	}
}

func BenchmarkAppendProto(b *testing.B) {
	qs := []Quantity{MustParse("100m"), MustParse("1Gi"), *NewMilliQuantity(2500, DecimalSI), *NewQuantity(3<<30, BinarySI)}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q := &qs[i%len(qs)]
		buf = q.AppendProto(buf[:0])
		if len(buf) != q.ProtoSize() {
			b.Fatal("ProtoSize disagrees with AppendProto")
		}
	}
}
