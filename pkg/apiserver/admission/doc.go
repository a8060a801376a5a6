// Package admission is the apiserver's admission chain: named plugins that
// default (mutate) and check (validate) writes after the registry's own
// preparation, as Kubernetes' admission controllers do. The registry's
// generic Store calls the chain: mutating plugins after defaulting and
// before validation, validating plugins after validation and before the
// write. Writes to subresources (status, eviction, token, ...) run the
// parent resource's chain with Attributes.Subresource set; only plugins
// implementing SubresourceHandler see them. Plugins live in sub-packages;
// package admission/plugins names them and builds a chain from
// --enable/--disable-admission-plugins.
package admission
