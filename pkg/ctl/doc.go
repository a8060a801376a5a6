// Package ctl holds ctl, the kubectl-compatible command-line client of Keel
// (cmd/ctl). Subpackages: app (the cobra root command and global flags),
// cmd (the commands), client (a raw JSON HTTP client with kubectl's error
// wording), resource (name resolution through aggregated or legacy
// discovery), printers (server-side Tables, JSONPath, custom columns,
// yaml/json/name), apply (three-way merge patches for client-side apply)
// and internal/describe (kubectl's describe sections for typed objects,
// such as the pod template that describe and `rollout history --revision`
// print).
//
// Field managers: ctl sends kubectl's manager names with "kubectl" replaced
// by "ctl": ctl-create, ctl-client-side-apply, ctl-label, ctl-annotate,
// ctl-patch, ctl-edit, ctl-rollout, ctl-set, ctl-cordon, ctl-taint, and
// "ctl" for server-side apply (kubectl uses "kubectl"), so the two tools'
// field ownership stays distinguishable. The last-applied annotation keeps
// kubectl's name, kubectl.kubernetes.io/last-applied-configuration, so ctl
// and kubectl can apply the same objects.
package ctl
