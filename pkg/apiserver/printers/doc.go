// Package printers builds the server-side Tables that `kubectl get` prints.
//
// Every resource of keel.dev/api gets the columns, column types and cell
// values Kubernetes' own apiserver sends, including the priority-1 columns
// shown by `-o wide` (the server always fills them; kubectl hides them).
// Resources without a dedicated printer get Kubernetes' default table:
// "Name" (format name) and "Created At" (type date, RFC 3339 in UTC).
//
// Table contents:
//   - metadata: resourceVersion, continue and remainingItemCount of a list;
//     the object's resourceVersion for a single object.
//   - columnDefinitions: always filled; the caller drops them when it must
//     (watch events after the first).
//   - rows: one per object, in list order. rows[i].object is a
//     runtime.RawExtension whose Object is the printed object itself (for a
//     list, a pointer into its Items, neither copied nor given a TypeMeta);
//     the endpoints layer replaces it according to includeObject.
//   - rows[i].conditions: Pods in phase Succeeded or Failed carry the
//     Completed row condition, as in Kubernetes; no other kind sets one
//     (Kubernetes' Job printer does not either).
//   - cells: one per column, except ipaddresses, whose rows carry a trailing
//     Age cell without a column, exactly as Kubernetes sends them.
//
// Limit ranges, roles and cluster roles print the default table, as in
// Kubernetes.
package printers
