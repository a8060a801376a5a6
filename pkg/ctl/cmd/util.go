package cmd

import (
	"encoding/json"
	"sort"

	"sigs.k8s.io/yaml"
)

func sortStrings(s []string) { sort.Strings(s) }

// parseAny decodes YAML or JSON into a generic value.
func parseAny(b []byte) (any, error) {
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(j, &v); err != nil {
		return nil, err
	}
	return v, nil
}
