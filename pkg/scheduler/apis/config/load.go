package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"

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
