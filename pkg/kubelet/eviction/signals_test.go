package eviction

import (
	"strings"
	"testing"
	"time"
)

func TestParseThresholds(t *testing.T) {
	cases := []struct {
		name                          string
		hard, soft, grace, minReclaim string
		want                          []string
		wantErr                       string
	}{
		{name: "the default hard thresholds parse", hard: DefaultEvictionHard,
			want: []string{"imagefs.available<15%", "memory.available<100Mi", "nodefs.available<10%", "nodefs.inodesFree<5%"}},
		{name: "a soft threshold takes its grace period", soft: "memory.available<1Gi", grace: "memory.available=1m30s",
			want: []string{"memory.available<1Gi (grace 1m30s)"}},
		{name: "a soft threshold without grace period is an error", soft: "memory.available<1Gi", wantErr: "grace period must be specified"},
		{name: "an unknown signal is an error", hard: "cpu.available<1", wantErr: "unsupported eviction signal cpu.available"},
		{name: "0% disables a signal", hard: "memory.available<0%,nodefs.available<100%", want: nil},
		{name: "a percentage above 100 is an error", hard: "nodefs.available<120%", wantErr: "between 0% and 100%"},
		{name: "a zero quantity is an error", hard: "memory.available<0", wantErr: "must be positive"},
		{name: "a statement without operator is an error", hard: "memory.available=1Gi", wantErr: "want signal<value"},
		{name: "a negative grace period is an error", soft: "memory.available<1Gi", grace: "memory.available=-1s", wantErr: "non-negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseThresholds(tc.hard, tc.soft, tc.grace, tc.minReclaim)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, th := range got {
				s = append(s, th.String())
			}
			if strings.Join(s, ";") != strings.Join(tc.want, ";") {
				t.Errorf("thresholds = %v, want %v", s, tc.want)
			}
		})
	}
}

func TestMinimumReclaimAttachesToItsSignal(t *testing.T) {
	got, err := ParseThresholds("memory.available<100Mi,nodefs.available<10%", "", "", "memory.available=50Mi")
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range got {
		has := th.MinReclaim != nil
		if has != (th.Signal == SignalMemoryAvailable) {
			t.Errorf("%s: min reclaim set = %v", th.Signal, has)
		}
	}
	if got[0].Value.Of(SignalMemoryAvailable, 0).Value() != 100<<20 {
		t.Errorf("memory threshold = %v", got[0].Value)
	}
}

func TestPercentageOfCapacity(t *testing.T) {
	v := Value{Percentage: 0.1}
	if got := v.Of(SignalNodeFsAvailable, 1000).Value(); got != 100 {
		t.Errorf("10%% of 1000 = %d", got)
	}
	if SignalNodeFsInodesFree.Condition() != "DiskPressure" || SignalMemoryAvailable.Condition() != "MemoryPressure" {
		t.Error("signal conditions are wrong")
	}
	_ = time.Second
}
