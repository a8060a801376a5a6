package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	rbacv1 "keel.dev/api/rbac/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/app/options"
	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/authz"
	"keel.dev/keel/pkg/apiserver/authz/rbac"
	"keel.dev/keel/pkg/apiserver/authz/rbac/bootstrappolicy"
	"keel.dev/keel/pkg/apiserver/authz/rbac/escalation"
	"keel.dev/keel/pkg/apiserver/discovery"
	"keel.dev/keel/pkg/apiserver/registry"
)

// authorization is the server's authorizer (--authorization-mode) and,
// with RBAC, the policy cache that must follow the storages once they
// exist and the RBAC authorizer whose rules the escalation checks use.
type authorization struct {
	authorizer authz.Authorizer
	cache      *rbac.Cache      // nil without RBAC
	rbac       *rbac.Authorizer // nil without RBAC
	nodeGraph  *rbac.NodeGraph  // nil without Node
}

// newAuthorization builds the union of the modes, in order, behind the
// system:masters check Kubernetes always puts first. No modes means
// AlwaysAllow.
func newAuthorization(modes []string, log *slog.Logger) (*authorization, error) {
	if len(modes) == 0 {
		modes = []string{options.ModeAlwaysAllow}
	}
	if errs := options.ValidateAuthorizationModes(modes); len(errs) > 0 {
		return nil, fmt.Errorf("authorization: %w", errors.Join(errs...))
	}
	a := &authorization{}
	chain := []authz.Authorizer{authz.PrivilegedGroups(authn.SystemMasters)}
	for _, m := range modes {
		switch m {
		case options.ModeAlwaysAllow:
			chain = append(chain, authz.AlwaysAllow())
		case options.ModeAlwaysDeny:
			chain = append(chain, authz.AlwaysDeny())
		case options.ModeNode:
			a.nodeGraph = rbac.NewNodeGraph(log)
			chain = append(chain, rbac.NewNodeAuthorizer(a.nodeGraph))
		case options.ModeRBAC:
			a.cache = rbac.NewCache(log)
			a.rbac = rbac.New(a.cache)
			chain = append(chain, a.rbac)
		}
	}
	a.authorizer = authz.Union(chain...)
	return a, nil
}

var rbacResources = []string{"roles", "rolebindings", "clusterroles", "clusterrolebindings"}

// follow starts the Node graph and the RBAC policy cache over the
// storages, until ctx ends (run starts their goroutines), and guards the
// RBAC stores' writes against privilege escalation. Without Node and RBAC
// it does nothing.
func (a *authorization) follow(ctx context.Context, st *registry.Storages, run func(func())) error {
	if err := a.followNodes(ctx, st, run); err != nil {
		return err
	}
	if a.cache == nil {
		return nil
	}
	if err := escalation.Install(st, a.authorizer, a.rbac); err != nil {
		return fmt.Errorf("authorization mode RBAC: %w", err)
	}
	var lws [4]rbac.ListWatcher
	for i, res := range rbacResources {
		s, ok := st.Store(schema.GroupResource{Group: rbacv1.GroupName, Resource: res})
		if !ok {
			return fmt.Errorf("authorization mode RBAC: no storage for %s.%s", res, rbacv1.GroupName)
		}
		lws[i] = rbac.StorageListWatcher(s.Storage, s.KeyRoot)
	}
	run(func() {
		a.cache.Run(ctx, rbac.ListWatchers{Roles: lws[0], RoleBindings: lws[1], ClusterRoles: lws[2], ClusterRoleBindings: lws[3]})
	})
	return nil
}

// followNodes starts the Node authorizer's graph over the pod and
// PersistentVolume storages; without the Node mode it does nothing.
func (a *authorization) followNodes(ctx context.Context, st *registry.Storages, run func(func())) error {
	if a.nodeGraph == nil {
		return nil
	}
	var lws [2]rbac.ListWatcher
	for i, res := range []string{"pods", "persistentvolumes"} {
		s, ok := st.Store(schema.GroupResource{Resource: res})
		if !ok {
			return fmt.Errorf("authorization mode Node: no storage for %s", res)
		}
		lws[i] = rbac.StorageListWatcher(s.Storage, s.KeyRoot)
	}
	run(func() { a.nodeGraph.Run(ctx, lws[0], lws[1]) })
	return nil
}

// selfUser is who the apiserver's own writes of the bootstrap policy are
// made as, like Kubernetes' loopback client: a member of system:masters,
// which the escalation checks let through.
var selfUser = &authn.UserInfo{Name: "system:apiserver", Groups: []string{authn.SystemMasters}}

// ensureRBACPolicy reconciles the bootstrap policy when the RBAC API is
// served, whatever the authorization mode (as Kubernetes'
// rbac/bootstrap-roles hook), after the policy cache (if any) has synced.
func (a *authorization) ensureRBACPolicy(ctx context.Context, st *registry.Storages, enabled discovery.Enabled) error {
	if a.cache != nil {
		if err := a.cache.WaitForSync(ctx); err != nil {
			return err
		}
	}
	if !enabled.Has(rbacv1.SchemeGroupVersion) {
		return nil
	}
	if err := bootstrappolicy.Ensure(authn.WithUser(ctx, selfUser), st); err != nil {
		return fmt.Errorf("RBAC bootstrap policy: %w", err)
	}
	if a.cache != nil {
		return waitForPolicy(ctx, a.cache)
	}
	return nil
}

// waitForPolicy returns once the authorizer's cache holds every bootstrap
// ClusterRole and ClusterRoleBinding just written, so that readiness means
// the default bindings (discovery, health, the components' roles) are in
// force and not merely stored.
func waitForPolicy(ctx context.Context, c *rbac.Cache) error {
	for {
		missing := 0
		for _, r := range bootstrappolicy.ClusterRoles() {
			if _, err := c.ClusterRole(ctx, r.Name); err != nil {
				missing++
			}
		}
		bindings, err := c.ClusterRoleBindings(ctx)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, b := range bindings {
			have[b.Name] = true
		}
		for _, b := range bootstrappolicy.ClusterRoleBindings() {
			if !have[b.Name] {
				missing++
			}
		}
		if missing == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
