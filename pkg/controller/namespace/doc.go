// Package namespace empties namespaces being deleted and then releases
// them by removing the "kubernetes" finalizer through the finalize
// subresource.
//
//	namespace informer ──► queue ──► sync (one pass):
//	  resources ◄── discovery (/api/v1, /apis/<group>/<preferred>), cached
//	  for each resource not yet known empty in this namespace:
//	    first pass: DELETE collection; its answer lists what only got marked
//	    later passes: list what was marked, delete what was not
//	  ─► conditions ─► content remains? requeue after a growing delay
//	     (capped by the remaining objects' deletion deadline)
//	     : PUT namespaces/{name}/finalize
//
// Nothing can be created in a terminating namespace, so a resource seen
// empty is not asked about again: a namespace costs about one request per
// served resource plus a few for what takes time to go (pods).
package namespace
