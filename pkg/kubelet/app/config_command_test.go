package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"keel.dev/keel/pkg/kubelet/nodestatus"
)

func TestConfigReachesKubeletConfig(t *testing.T) {
	const head = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
	cases := []struct {
		name                                   string
		body                                   string
		noLocalStorageLimits, noEphemeral, off bool
	}{
		{"by default local storage is isolated and profiling served", "", false, false, false},
		{"localStorageCapacityIsolation false turns off storage limits and the ephemeral-storage capacity",
			"localStorageCapacityIsolation: false\n", true, true, false},
		{"localStorageCapacityIsolation true is the default", "localStorageCapacityIsolation: true\n", false, false, false},
		{"enableProfilingHandler false turns off /debug/pprof", "enableProfilingHandler: false\n", false, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, _, err := load(t, "--runtime=fake", "--config="+writeConfig(t, "c.yaml", head+c.body))
			if err != nil {
				t.Fatal(err)
			}
			if err := o.Validate(); err != nil {
				t.Fatal(err)
			}
			machine := nodestatus.Machine{NumCPU: 2, MemoryBytes: 4 << 30, EphemeralBytes: 20 << 30}
			cfg, cleanup, err := Config(context.Background(), o, nil, machine, "n1", t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(cleanup)
			if cfg.Eviction == nil {
				t.Fatal("no eviction config")
			}
			if cfg.Eviction.DisableLocalStorageLimits != c.noLocalStorageLimits {
				t.Errorf("DisableLocalStorageLimits = %v", cfg.Eviction.DisableLocalStorageLimits)
			}
			if cfg.Node.OmitEphemeralStorage != c.noEphemeral {
				t.Errorf("OmitEphemeralStorage = %v", cfg.Node.OmitEphemeralStorage)
			}
			if cfg.DisableProfiling != c.off {
				t.Errorf("DisableProfiling = %v", cfg.DisableProfiling)
			}
		})
	}
}

func TestHelpListsConfig(t *testing.T) {
	cmd := NewCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "--config string") || !strings.Contains(out.String(), "kubelet.config.k8s.io/v1beta1") {
		t.Errorf("--help does not describe --config:\n%s", out.String())
	}
}

// TestKubeletBinaryRejectsBadConfig builds cmd/kubelet and runs it with a
// config file of the wrong apiVersion: it must exit 1 before doing
// anything else, naming the file and what it found.
func TestKubeletBinaryRejectsBadConfig(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH, so cmd/kubelet cannot be built")
	}
	bin := filepath.Join(t.TempDir(), "kubelet")
	build := exec.Command(goTool, "build", "-o", bin, "keel.dev/keel/cmd/kubelet")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	file := writeConfig(t, "kubelet.yaml", "apiVersion: kubelet.config.k8s.io/v1alpha9\nkind: KubeletConfiguration\nmaxPods: 10\n")
	cases := []struct {
		name string
		args []string
	}{
		{"the file alone", []string{"--config", file}},
		{"with flags that would otherwise start a fake node", []string{"--runtime=fake", "--kubeconfig=/nonexistent", "--config=" + file}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			run := exec.Command(bin, c.args...)
			run.Stderr = &stderr
			err := run.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v, want status 1; stderr:\n%s", err, stderr.String())
			}
			msg := stderr.String()
			for _, want := range []string{
				"kubelet: failed to load kubelet config file, path: " + file,
				`no kind "KubeletConfiguration" is registered for version "kubelet.config.k8s.io/v1alpha9"`,
			} {
				if !strings.Contains(msg, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, msg)
				}
			}
		})
	}
	t.Run("the help lists --config", func(t *testing.T) {
		out, err := exec.Command(bin, "--help").Output()
		if err != nil || !bytes.Contains(out, []byte("--config string")) {
			t.Errorf("--help: %v\n%s", err, out)
		}
	})
	_ = os.Remove(bin)
}
