package cmd

import "testing"

func TestQuantityFormatting(t *testing.T) {
	cases := []struct {
		in       string
		cpu, mem string
	}{
		{"250m", "250m", "0Mi"},
		{"1", "1000m", "0Mi"},
		{"1500000n", "2m", "0Mi"},
		{"64Mi", "67108864000m", "64Mi"},
		{"1Gi", "1073741824000m", "1024Mi"},
	}
	for _, tc := range cases {
		q := parseQuantity(tc.in)
		if got := formatCPU(q); got != tc.cpu {
			t.Errorf("formatCPU(%s) = %s, want %s", tc.in, got, tc.cpu)
		}
		if got := formatMemory(q); got != tc.mem {
			t.Errorf("formatMemory(%s) = %s, want %s", tc.in, got, tc.mem)
		}
	}
	if percent(1, 0) != "<unknown>" || percent(1, 4) != "25%" {
		t.Error("percent is wrong")
	}
}
