package providers

import (
	// Importing a provider package runs its init, which registers it.
	"keel.dev/keel/pkg/cloudprovider/providers/fake"
	"keel.dev/keel/pkg/cloudprovider/providers/local"
)

// Builtins returns the names of the providers this package links in and
// registers.
func Builtins() []string { return []string{fake.ProviderName, local.ProviderName} }
