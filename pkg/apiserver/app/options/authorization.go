package options

import (
	"fmt"
	"slices"
	"strings"
)

// The authorization modes (--authorization-mode), named as in Kubernetes.
const (
	ModeAlwaysAllow = "AlwaysAllow"
	ModeAlwaysDeny  = "AlwaysDeny"
	ModeRBAC        = "RBAC"
	ModeNode        = "Node"
)

// AuthorizationModes are the modes Keel implements, in the order the help
// text lists them.
var AuthorizationModes = []string{ModeAlwaysAllow, ModeAlwaysDeny, ModeRBAC, ModeNode}

// ValidateAuthorizationModes checks a --authorization-mode list with
// Kubernetes' messages. Kubernetes' ABAC and Webhook modes are refused
// as unsupported rather than ignored: ignoring an authorizer would widen
// access.
func ValidateAuthorizationModes(modes []string) []error {
	var errs []error
	if len(modes) == 0 {
		errs = append(errs, fmt.Errorf("at least one authorization-mode must be passed"))
	}
	seen := map[string]bool{}
	dup := false
	for _, m := range modes {
		switch {
		case slices.Contains(AuthorizationModes, m):
		case m == "ABAC" || m == "Webhook":
			errs = append(errs, fmt.Errorf("authorization-mode %q is not supported by Keel (supported: %s)", m, strings.Join(AuthorizationModes, ",")))
		default:
			errs = append(errs, fmt.Errorf("authorization-mode %q is not a valid mode", m))
		}
		dup = dup || seen[m]
		seen[m] = true
	}
	if dup {
		errs = append(errs, fmt.Errorf("authorization-mode %q has mode specified more than once", modes))
	}
	return errs
}
