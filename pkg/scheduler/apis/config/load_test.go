package config

import (
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

func TestLoadPluginArgs(t *testing.T) {
	cases := []struct {
		name    string
		yaml    string
		wantErr string
		check   func(t *testing.T, c *KubeSchedulerConfiguration)
	}{
		{
			name: "defaults give System spreading and a 600 s volume bind timeout",
			yaml: "profiles: [{schedulerName: default-scheduler}]",
			check: func(t *testing.T, c *KubeSchedulerConfiguration) {
				if a := c.Profiles[0].Args(names.PodTopologySpread).(*PodTopologySpreadArgs); a.DefaultingType != SystemDefaulting {
					t.Errorf("defaultingType = %q", a.DefaultingType)
				}
				if a := c.Profiles[0].Args(names.VolumeBinding).(*VolumeBindingArgs); *a.BindTimeoutSeconds != 600 {
					t.Errorf("bindTimeoutSeconds = %d", *a.BindTimeoutSeconds)
				}
				if !c.Enables(names.VolumeBinding) {
					t.Error("VolumeBinding is not enabled by default")
				}
			},
		},
		{
			name: "List defaulting keeps the configured constraints",
			yaml: `profiles:
- pluginConfig:
  - name: PodTopologySpread
    args:
      defaultingType: List
      defaultConstraints:
      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}`,
			check: func(t *testing.T, c *KubeSchedulerConfiguration) {
				a := c.Profiles[0].Args(names.PodTopologySpread).(*PodTopologySpreadArgs)
				if len(a.DefaultConstraints) != 1 || a.DefaultConstraints[0].WhenUnsatisfiable != corev1.DoNotSchedule {
					t.Errorf("defaultConstraints = %+v", a.DefaultConstraints)
				}
			},
		},
		{
			name: "System defaulting refuses configured constraints",
			yaml: `profiles:
- pluginConfig:
  - name: PodTopologySpread
    args:
      defaultConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]`,
			wantErr: `when .defaultingType is "System", .defaultConstraints must be empty`,
		},
		{
			name: "a default constraint must not carry a selector",
			yaml: `profiles:
- pluginConfig:
  - name: PodTopologySpread
    args:
      defaultingType: List
      defaultConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]`,
			wantErr: "constraint must not define a selector",
		},
		{
			name: "disabling VolumeBinding turns its informers off, also after defaulting again",
			yaml: "profiles: [{plugins: {multiPoint: {disabled: [{name: VolumeBinding}]}}}]",
			check: func(t *testing.T, c *KubeSchedulerConfiguration) {
				SetDefaults(c) // the app defaults before scheduler.New does
				if c.Enables(names.VolumeBinding) || !c.Enables(names.NodeResourcesFit) {
					t.Error("VolumeBinding still enabled")
				}
			},
		},
		{
			name:    "a non-positive bind timeout is refused",
			yaml:    "profiles: [{pluginConfig: [{name: VolumeBinding, args: {bindTimeoutSeconds: 0}}]}]",
			wantErr: "bindTimeoutSeconds: Invalid value: 0",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load([]byte(tc.yaml))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}
