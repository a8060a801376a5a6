package cloudprovider

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// stubCloud is the smallest Interface: it supports nothing.
type stubCloud struct{ name, config string }

func (s *stubCloud) Initialize(context.Context, ClientBuilder) {}
func (s *stubCloud) LoadBalancer() (LoadBalancer, bool)        { return nil, false }
func (s *stubCloud) Instances() (Instances, bool)              { return nil, false }
func (s *stubCloud) Zones() (Zones, bool)                      { return nil, false }
func (s *stubCloud) Clusters() (Clusters, bool)                { return nil, false }
func (s *stubCloud) Routes() (Routes, bool)                    { return nil, false }
func (s *stubCloud) ProviderName() string                      { return s.name }
func (s *stubCloud) HasClusterID() bool                        { return false }

var _ Interface = (*stubCloud)(nil)

func stubFactory(name string) Factory {
	return func(config io.Reader) (Interface, error) {
		c := &stubCloud{name: name}
		if config != nil {
			b, err := io.ReadAll(config)
			if err != nil {
				return nil, err
			}
			c.config = string(b)
		}
		return c, nil
	}
}

func TestRegistryRegister(t *testing.T) {
	tests := []struct {
		name    string
		setup   []string
		reg     string
		factory Factory
		wantErr error
		wantAny bool
	}{
		{name: "a new name is accepted", reg: "a", factory: stubFactory("a")},
		{name: "a duplicate name is rejected with ErrDuplicateProvider", setup: []string{"a"}, reg: "a", factory: stubFactory("a"), wantErr: ErrDuplicateProvider},
		{name: "an empty name is rejected", reg: "", factory: stubFactory(""), wantAny: true},
		{name: "the reserved external name is rejected", reg: ExternalName, factory: stubFactory("x"), wantAny: true},
		{name: "a nil factory is rejected", reg: "b", wantAny: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRegistry()
			for _, n := range tc.setup {
				if err := r.Register(n, stubFactory(n)); err != nil {
					t.Fatalf("setup register %q: %v", n, err)
				}
			}
			err := r.Register(tc.reg, tc.factory)
			switch {
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("Register(%q) = %v, want %v", tc.reg, err, tc.wantErr)
			case tc.wantAny && err == nil:
				t.Fatalf("Register(%q) succeeded, want an error", tc.reg)
			case tc.wantErr == nil && !tc.wantAny && err != nil:
				t.Fatalf("Register(%q) = %v, want nil", tc.reg, err)
			}
		})
	}
}

func TestRegistryInit(t *testing.T) {
	r := NewRegistry()
	for _, n := range []string{"zeta", "alpha"} {
		if err := r.Register(n, stubFactory(n)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := r.Names(), []string{"alpha", "zeta"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	cfgPath := filepath.Join(t.TempDir(), "cloud.conf")
	if err := os.WriteFile(cfgPath, []byte("region: here"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("an unknown name fails with ErrUnknownProvider", func(t *testing.T) {
		if _, err := r.Init("nope", ""); !errors.Is(err, ErrUnknownProvider) {
			t.Fatalf("Init(nope) = %v, want ErrUnknownProvider", err)
		}
	})
	t.Run("an empty name and external build no provider", func(t *testing.T) {
		for _, n := range []string{"", ExternalName} {
			c, err := r.Init(n, "")
			if c != nil || err != nil {
				t.Fatalf("Init(%q) = %v, %v; want nil, nil", n, c, err)
			}
		}
	})
	t.Run("a config file is passed to the factory", func(t *testing.T) {
		c, err := r.Init("alpha", cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		if c.ProviderName() != "alpha" || c.(*stubCloud).config != "region: here" {
			t.Fatalf("got %+v", c)
		}
	})
	t.Run("a missing config file is an error", func(t *testing.T) {
		if _, err := r.Init("alpha", filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("Init with missing file = %v, want ErrNotExist", err)
		}
	})
	t.Run("a factory error is wrapped", func(t *testing.T) {
		boom := errors.New("boom")
		if err := r.Register("broken", func(io.Reader) (Interface, error) { return nil, boom }); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Get("broken", nil); !errors.Is(err, boom) {
			t.Fatalf("Get(broken) = %v, want boom", err)
		}
	})
}

func TestDefaultRegistry(t *testing.T) {
	name := "registry-test-provider"
	MustRegisterCloudProvider(name, stubFactory(name))
	if !slices.Contains(ProviderNames(), name) {
		t.Fatalf("ProviderNames() = %v, missing %q", ProviderNames(), name)
	}
	if err := RegisterCloudProvider(name, stubFactory(name)); !errors.Is(err, ErrDuplicateProvider) {
		t.Fatalf("second RegisterCloudProvider = %v, want ErrDuplicateProvider", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("MustRegisterCloudProvider with a duplicate name did not panic")
			}
		}()
		MustRegisterCloudProvider(name, stubFactory(name))
	}()
	c, err := InitCloudProvider(name, "")
	if err != nil || c.ProviderName() != name {
		t.Fatalf("InitCloudProvider = %v, %v", c, err)
	}
	if !IsExternal("external") || IsExternal(name) {
		t.Error("IsExternal is wrong")
	}
}
