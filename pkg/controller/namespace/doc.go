// Package namespace empties namespaces being deleted and then releases
// them by removing the "kubernetes" finalizer through the finalize
// subresource.
//
//	namespace informer ──► queue ──► sync: for every namespaced resource with
//	list+delete: DeleteCollection ─► count what remains ─► conditions
//	   ─► remaining? requeue : PUT namespaces/{name}/finalize
package namespace
