package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"

	corev1 "keel.dev/api/core/v1"

	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// LoadFile reads, defaults and validates a configuration file.
func LoadFile(path string) (*KubeSchedulerConfiguration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scheduler config: %w", err)
	}
	return Load(data)
}

// Load parses YAML or JSON, decodes the in-tree plugin args, applies defaults and validates.
func Load(data []byte) (*KubeSchedulerConfiguration, error) {
	c := &KubeSchedulerConfiguration{}
	if err := yaml.UnmarshalStrict(data, c); err != nil {
		return nil, fmt.Errorf("decode scheduler config: %w", err)
	}
	for i := range c.Profiles {
		for j := range c.Profiles[i].PluginConfig {
			pc := &c.Profiles[i].PluginConfig[j]
			if err := decodeArgs(pc); err != nil {
				return nil, fmt.Errorf("profile %q plugin %q args: %w", c.Profiles[i].SchedulerName, pc.Name, err)
			}
		}
	}
	SetDefaults(c)
	if err := Validate(c); err != nil {
		return nil, err
	}
	return c, nil
}

func decodeArgs(pc *PluginConfig) error {
	var target any
	switch pc.Name {
	case names.NodeResourcesFit:
		target = &NodeResourcesFitArgs{}
	case names.NodeResourcesBalancedAllocation:
		target = &NodeResourcesBalancedAllocationArgs{}
	case names.InterPodAffinity:
		target = &InterPodAffinityArgs{}
	case names.PodTopologySpread:
		target = &PodTopologySpreadArgs{}
	case names.DefaultPreemption:
		target = &DefaultPreemptionArgs{}
	case names.VolumeBinding:
		target = &VolumeBindingArgs{}
	default:
		return nil
	}
	if len(pc.RawArgs) > 0 {
		dec := json.NewDecoder(bytes.NewReader(pc.RawArgs))
		dec.DisallowUnknownFields()
		if err := dec.Decode(target); err != nil {
			return err
		}
	}
	pc.Args = target
	return nil
}

// Validate checks a defaulted configuration.
func Validate(c *KubeSchedulerConfiguration) error {
	var errs []error
	if c.PercentageOfNodesToScore != nil && (*c.PercentageOfNodesToScore < 0 || *c.PercentageOfNodesToScore > 100) {
		errs = append(errs, fmt.Errorf("percentageOfNodesToScore: Invalid value: %d: not in valid range [0-100]", *c.PercentageOfNodesToScore))
	}
	if c.PodInitialBackoffSeconds <= 0 || c.PodMaxBackoffSeconds < c.PodInitialBackoffSeconds {
		errs = append(errs, fmt.Errorf("podMaxBackoffSeconds: must be >= podInitialBackoffSeconds > 0"))
	}
	seen := map[string]bool{}
	for i, p := range c.Profiles {
		if seen[p.SchedulerName] {
			errs = append(errs, fmt.Errorf("profiles[%d].schedulerName: Duplicate value: %q", i, p.SchedulerName))
		}
		seen[p.SchedulerName] = true
		if v := p.PercentageOfNodesToScore; v != nil && (*v < 0 || *v > 100) {
			errs = append(errs, fmt.Errorf("profiles[%d].percentageOfNodesToScore: Invalid value: %d: not in valid range [0-100]", i, *v))
		}
		for _, pl := range p.Plugins.Score.Enabled {
			if pl.Weight < 0 || pl.Weight > 100 {
				errs = append(errs, fmt.Errorf("profiles[%d].plugins.score.enabled[%s].weight: Invalid value: %d: must be in range [0, 100]", i, pl.Name, pl.Weight))
			}
		}
		if a, ok := p.Args(names.PodTopologySpread).(*PodTopologySpreadArgs); ok {
			errs = append(errs, validateSpreadArgs(i, a)...)
		}
		if a, ok := p.Args(names.VolumeBinding).(*VolumeBindingArgs); ok && a.BindTimeoutSeconds != nil && *a.BindTimeoutSeconds <= 0 {
			errs = append(errs, fmt.Errorf("profiles[%d] VolumeBinding: bindTimeoutSeconds: Invalid value: %d: must be greater than 0", i, *a.BindTimeoutSeconds))
		}
		if a, ok := p.Args(names.NodeResourcesFit).(*NodeResourcesFitArgs); ok {
			switch a.ScoringStrategy.Type {
			case LeastAllocated, MostAllocated:
			case RequestedToCapacityRatio:
				if a.ScoringStrategy.RequestedToCapacityRatio == nil || len(a.ScoringStrategy.RequestedToCapacityRatio.Shape) == 0 {
					errs = append(errs, fmt.Errorf("profiles[%d] NodeResourcesFit: requestedToCapacityRatio.shape: Required value", i))
				}
			default:
				errs = append(errs, fmt.Errorf("profiles[%d] NodeResourcesFit: scoringStrategy.type: Unsupported value: %q", i, a.ScoringStrategy.Type))
			}
		}
	}
	return errors.Join(errs...)
}

// validateSpreadArgs checks PodTopologySpread's defaulting, with
// kube-scheduler's field paths.
func validateSpreadArgs(i int, a *PodTopologySpreadArgs) []error {
	var errs []error
	path := fmt.Sprintf("profiles[%d] PodTopologySpread: ", i)
	switch a.DefaultingType {
	case SystemDefaulting:
		if len(a.DefaultConstraints) > 0 {
			errs = append(errs, fmt.Errorf("%sdefaultConstraints: Invalid value: when .defaultingType is \"System\", .defaultConstraints must be empty", path))
		}
	case ListDefaulting:
	default:
		errs = append(errs, fmt.Errorf("%sdefaultingType: Unsupported value: %q: supported values: \"System\", \"List\"", path, a.DefaultingType))
	}
	seen := map[string]bool{}
	for j, c := range a.DefaultConstraints {
		at := fmt.Sprintf("%sdefaultConstraints[%d]", path, j)
		if c.MaxSkew <= 0 {
			errs = append(errs, fmt.Errorf("%s.maxSkew: Invalid value: %d: must be greater than zero", at, c.MaxSkew))
		}
		if c.TopologyKey == "" {
			errs = append(errs, fmt.Errorf("%s.topologyKey: Required value: can not be empty", at))
		}
		if c.WhenUnsatisfiable != corev1.DoNotSchedule && c.WhenUnsatisfiable != corev1.ScheduleAnyway {
			errs = append(errs, fmt.Errorf("%s.whenUnsatisfiable: Unsupported value: %q: supported values: \"DoNotSchedule\", \"ScheduleAnyway\"", at, c.WhenUnsatisfiable))
		}
		if c.LabelSelector != nil {
			errs = append(errs, fmt.Errorf("%s.labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod", at))
		}
		key := c.TopologyKey + "/" + string(c.WhenUnsatisfiable)
		if seen[key] {
			errs = append(errs, fmt.Errorf("%s.{topologyKey, whenUnsatisfiable}: Duplicate value: {%q, %q}", at, c.TopologyKey, c.WhenUnsatisfiable))
		}
		seen[key] = true
	}
	return errs
}
