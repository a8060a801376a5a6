package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/proxy/iptables"
	"keel.dev/keel/pkg/proxy/nftables"
)

// Cleanup removes the rules of both proxy modes, in both IP families and
// for every installed iptables variant. Runners set in cfg (tests) replace
// the binaries; otherwise families or variants whose binaries are missing
// are skipped.
func Cleanup(ctx context.Context, cfg *Config) error {
	var errs []error
	if cfg.IPTablesRunner != nil {
		if err := iptables.Cleanup(ctx, cfg.IPTablesRunner); err != nil {
			errs = append(errs, fmt.Errorf("iptables: %w", err))
		}
	} else {
		variants := []string{cfg.IPTablesVariant}
		for _, v := range []string{"", "legacy", "nft"} {
			if v != cfg.IPTablesVariant {
				variants = append(variants, v)
			}
		}
		for _, fam := range []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol} {
			for _, v := range variants {
				r := &iptables.ExecRunner{Family: fam, Variant: v, Prefix: cfg.CommandPrefix}
				if !installed(iptablesBinary(fam, v)) {
					continue
				}
				// Merely running the legacy tools loads the kernel's legacy
				// tables, so they are only cleaned when already in use.
				if v == "legacy" && cfg.IPTablesVariant != "legacy" && !legacyInUse(ctx, cfg.CommandPrefix, fam) {
					continue
				}
				if err := iptables.Cleanup(ctx, r); err != nil {
					errs = append(errs, fmt.Errorf("iptables (%s, variant %q): %w", fam, v, err))
				}
			}
		}
	}
	var nft nftables.Runner = cfg.NFTRunner
	if nft == nil && installed("nft") {
		nft = &nftables.ExecRunner{Prefix: cfg.CommandPrefix}
	}
	if nft != nil {
		for _, fam := range []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol} {
			if err := nft.Apply(ctx, nftables.CleanupScript(nftables.Config{Family: fam})); err != nil {
				errs = append(errs, fmt.Errorf("nftables (%s): %w", fam, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	cfg.logger().Info("removed the proxy's rules of both modes")
	return nil
}

// iptablesBinary names the restore binary of a family and variant.
func iptablesBinary(fam corev1.IPFamily, variant string) string {
	name := "iptables"
	if fam == corev1.IPv6Protocol {
		name = "ip6tables"
	}
	if variant != "" {
		name += "-" + variant
	}
	return name + "-restore"
}

// legacyInUse reports whether legacy (x_tables) tables of fam exist in the
// network namespace the commands run in.
func legacyInUse(ctx context.Context, prefix []string, fam corev1.IPFamily) bool {
	file := "/proc/net/ip_tables_names"
	if fam == corev1.IPv6Protocol {
		file = "/proc/net/ip6_tables_names"
	}
	var out []byte
	var err error
	if len(prefix) == 0 {
		out, err = os.ReadFile(file)
	} else {
		argv := append(slices.Clone(prefix), "cat", file)
		out, err = exec.CommandContext(ctx, argv[0], argv[1:]...).Output()
	}
	return err == nil && len(bytes.TrimSpace(out)) > 0
}

// installed reports whether a binary is on PATH.
func installed(bin string) bool {
	_, err := exec.LookPath(bin)
	return err == nil
}
