package app

import (
	"testing"
	"time"
)

func TestStaticPodAndLogFlags(t *testing.T) {
	t.Run("the defaults are Kubernetes'", func(t *testing.T) {
		o := NewOptions()
		n, err := o.LogMaxSize()
		if err != nil || n != 10<<20 || o.ContainerLogMaxFiles != 5 || o.FileCheckFrequency != 20*time.Second || o.PodManifestPath != "" {
			t.Errorf("defaults: size %d (%v) files %d check %v path %q", n, err, o.ContainerLogMaxFiles, o.FileCheckFrequency, o.PodManifestPath)
		}
	})
	t.Run("the flags parse", func(t *testing.T) {
		o := parse(t, "--pod-manifest-path=/etc/keel/manifests", "--container-log-max-size=1Ki", "--container-log-max-files=3",
			"--file-check-frequency=5s")
		n, err := o.LogMaxSize()
		if err != nil || n != 1024 || o.ContainerLogMaxFiles != 3 || o.PodManifestPath != "/etc/keel/manifests" || o.FileCheckFrequency != 5*time.Second {
			t.Errorf("parsed: %+v size %d %v", o, n, err)
		}
		if err := o.Validate(); err != nil {
			t.Errorf("Validate: %v", err)
		}
	})
	bad := []struct {
		name string
		args []string
	}{
		{"a size that is no quantity", []string{"--container-log-max-size=big"}},
		{"a zero size", []string{"--container-log-max-size=0"}},
		{"a single log file", []string{"--container-log-max-files=1"}},
		{"no file checks", []string{"--file-check-frequency=0s"}},
	}
	for _, b := range bad {
		t.Run("Validate rejects "+b.name, func(t *testing.T) {
			if err := parse(t, b.args...).Validate(); err == nil {
				t.Error("no error")
			}
		})
	}
}
