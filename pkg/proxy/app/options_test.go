package app

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	corev1 "keel.dev/api/core/v1"
)

func TestFlagDefaults(t *testing.T) {
	cmd := NewCommand()
	if err := cmd.Flags().Parse(nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"proxy-mode":           "iptables",
		"min-sync-period":      "1s",
		"sync-period":          "30s",
		"healthz-bind-address": "0.0.0.0:10256",
		"metrics-bind-address": "127.0.0.1:10249",
		"masquerade-all":       "false",
		"cleanup":              "false",
		"iptables-variant":     "",
		"kube-api-qps":         "5",
		"kube-api-burst":       "10",
		"v":                    "0",
	}
	for name, w := range want {
		f := cmd.Flags().Lookup(name)
		if f == nil {
			t.Errorf("flag --%s is missing", name)
			continue
		}
		if f.DefValue != w {
			t.Errorf("--%s default = %q, want %q", name, f.DefValue, w)
		}
	}
	for _, name := range []string{"kubeconfig", "hostname-override", "cluster-cidr", "nodeport-addresses"} {
		if cmd.Flags().Lookup(name) == nil {
			t.Errorf("flag --%s is missing", name)
		}
	}
}

func TestOptionsValidation(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "the defaults are valid", args: nil},
		{name: "nftables mode with every flag set is valid", args: []string{"--proxy-mode=nftables",
			"--cluster-cidr=10.244.0.0/16", "--nodeport-addresses=192.168.0.0/24,10.0.0.0/8",
			"--min-sync-period=2s", "--sync-period=1m", "--masquerade-all", "--iptables-variant=legacy",
			"--healthz-bind-address=", "--metrics-bind-address=[::1]:10249", "--kube-api-qps=-1", "--v=4"}},
		{name: "the primary keyword is accepted for node ports", args: []string{"--nodeport-addresses=primary"}},
		{name: "an unknown proxy mode is rejected", args: []string{"--proxy-mode=ipvs"}, wantErr: "--proxy-mode"},
		{name: "an unknown iptables variant is rejected", args: []string{"--iptables-variant=xtables"}, wantErr: "--iptables-variant"},
		{name: "a malformed cluster CIDR is rejected", args: []string{"--cluster-cidr=10.244.0.0"}, wantErr: "--cluster-cidr"},
		{name: "a malformed node port CIDR is rejected", args: []string{"--nodeport-addresses=10.0.0.1"}, wantErr: "--nodeport-addresses"},
		{name: "primary mixed with CIDRs is rejected", args: []string{"--nodeport-addresses=primary,10.0.0.0/8"}, wantErr: "cannot be combined"},
		{name: "a zero sync period is rejected", args: []string{"--sync-period=0"}, wantErr: "--sync-period"},
		{name: "a minimum sync period above the sync period is rejected", args: []string{"--min-sync-period=1m", "--sync-period=30s"}, wantErr: "--min-sync-period"},
		{name: "a masquerade bit above 31 is rejected", args: []string{"--masquerade-bit=32"}, wantErr: "--masquerade-bit"},
		{name: "a bind address without a port is rejected", args: []string{"--healthz-bind-address=0.0.0.0"}, wantErr: "--healthz-bind-address"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fresh := NewOptions()
			set := newFlagSet(fresh)
			if err := set.Parse(tc.args); err != nil {
				t.Fatalf("parse %v: %v", tc.args, err)
			}
			err := fresh.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Validate() = %v, want an error mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestOptionsResolveIntoConfig(t *testing.T) {
	o := NewOptions()
	fs := newFlagSet(o)
	if err := fs.Parse([]string{"--cleanup", "--hostname-override=Node-A ", "--proxy-mode=nftables",
		"--cluster-cidr=fd00:10:244::1/48", "--nodeport-addresses=fd00::/64", "--min-sync-period=3s",
		"--masquerade-all", "--iptables-variant=legacy"}); err != nil {
		t.Fatal(err)
	}
	cfg, err := o.Config()
	if err != nil {
		t.Fatalf("Config: %v", err)
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"node name is lower-cased and trimmed", cfg.NodeName, "node-a"},
		{"mode", cfg.Mode, ModeNFTables},
		{"an IPv6 cluster CIDR selects IPv6", cfg.Family, corev1.IPv6Protocol},
		{"cluster CIDR is masked", cfg.ClusterCIDR, netip.MustParsePrefix("fd00:10:244::/48")},
		{"node port addresses", len(cfg.NodePortAddresses), 1},
		{"min sync period", cfg.MinSyncPeriod, 3 * time.Second},
		{"masquerade all", cfg.MasqueradeAll, true},
		{"variant", cfg.IPTablesVariant, "legacy"},
		{"cleanup", cfg.Cleanup, true},
		{"cleanup needs no kubeconfig", cfg.REST == nil, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
}

// newFlagSet returns a flag set bound to o.
func newFlagSet(o *Options) *pflag.FlagSet {
	fs := pflag.NewFlagSet("proxy", pflag.ContinueOnError)
	o.AddFlags(fs)
	return fs
}
