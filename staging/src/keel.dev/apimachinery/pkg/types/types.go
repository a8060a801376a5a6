// Package types holds small value types shared by every API kind: UIDs,
// namespaced names and patch content types.
package types

// UID is an object's unique identifier, assigned by the apiserver (a UUID).
type UID string

// NamespacedName identifies an object by namespace and name.
type NamespacedName struct {
	Namespace string
	Name      string
}

// String gives "namespace/name", or "name" for cluster-scoped objects.
func (n NamespacedName) String() string {
	if n.Namespace == "" {
		return n.Name
	}
	return n.Namespace + "/" + n.Name
}

// PatchType is the Content-Type of a PATCH body.
type PatchType string

// The patch content types the apiserver accepts.
const (
	JSONPatchType           PatchType = "application/json-patch+json"
	MergePatchType          PatchType = "application/merge-patch+json"
	StrategicMergePatchType PatchType = "application/strategic-merge-patch+json"
	ApplyPatchType          PatchType = "application/apply-patch+yaml"
	ApplyCBORPatchType      PatchType = "application/apply-patch+cbor"
)
