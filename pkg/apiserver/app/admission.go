package app

import (
	"fmt"

	"keel.dev/keel/pkg/apiserver/admission/plugins"
	"keel.dev/keel/pkg/apiserver/registry"
)

// installAdmission installs the admission plugins the flags select in the
// stores.
func installAdmission(storages *registry.Storages, c *Config) error {
	sel, err := plugins.Select(c.EnableAdmissionPlugins, c.DisableAdmissionPlugins)
	if err != nil {
		return fmt.Errorf("admission: %w", err)
	}
	if err := plugins.Install(storages, sel); err != nil {
		return fmt.Errorf("admission: %w", err)
	}
	if c.Logger != nil {
		c.Logger.Info("admission plugins", "enabled", plugins.Describe(sel))
	}
	return nil
}
