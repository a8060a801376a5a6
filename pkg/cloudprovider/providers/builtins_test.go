package providers

import (
	"slices"
	"testing"

	cloudprovider "keel.dev/cloud-provider"
)

func TestBuiltinsAreRegistered(t *testing.T) {
	names := cloudprovider.ProviderNames()
	for _, n := range Builtins() {
		if !slices.Contains(names, n) {
			t.Errorf("built-in provider %q is not registered (registered: %v)", n, names)
		}
		cloud, err := cloudprovider.InitCloudProvider(n, "")
		if err != nil {
			t.Errorf("InitCloudProvider(%q) with no config: %v", n, err)
			continue
		}
		if cloud.ProviderName() != n {
			t.Errorf("provider %q reports name %q", n, cloud.ProviderName())
		}
	}
}
