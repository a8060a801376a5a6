package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
)

// SubjectAccessReview asks whether a given user may perform an action.
type SubjectAccessReview struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the user and the action.
	Spec SubjectAccessReviewSpec `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	// Status is the answer.
	Status SubjectAccessReviewStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// SelfSubjectAccessReview asks whether the caller may perform an action.
type SelfSubjectAccessReview struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the action.
	Spec SelfSubjectAccessReviewSpec `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	// Status is the answer.
	Status SubjectAccessReviewStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// LocalSubjectAccessReview is a SubjectAccessReview confined to the
// namespace it is created in.
type LocalSubjectAccessReview struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the user and the action; its namespace must be the review's.
	Spec SubjectAccessReviewSpec `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	// Status is the answer.
	Status SubjectAccessReviewStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// ResourceAttributes describe an action on a resource.
type ResourceAttributes struct {
	// Namespace of the resource; empty for cluster-scoped resources or all namespaces.
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,1,opt,name=namespace"`
	// Verb is the API verb (get, list, create, …, or * for all).
	Verb string `json:"verb,omitempty" protobuf:"bytes,2,opt,name=verb"`
	// Group is the API group ("" for core, * for all).
	Group string `json:"group,omitempty" protobuf:"bytes,3,opt,name=group"`
	// Version is the API version (* for all).
	Version string `json:"version,omitempty" protobuf:"bytes,4,opt,name=version"`
	// Resource is the resource type (* for all).
	Resource string `json:"resource,omitempty" protobuf:"bytes,5,opt,name=resource"`
	// Subresource is the subresource, if any.
	Subresource string `json:"subresource,omitempty" protobuf:"bytes,6,opt,name=subresource"`
	// Name of the object; empty for all.
	Name string `json:"name,omitempty" protobuf:"bytes,7,opt,name=name"`
}

// NonResourceAttributes describe an action on a non-resource path.
type NonResourceAttributes struct {
	// Path is the URL path.
	Path string `json:"path,omitempty" protobuf:"bytes,1,opt,name=path"`
	// Verb is the lower-case HTTP method.
	Verb string `json:"verb,omitempty" protobuf:"bytes,2,opt,name=verb"`
}

// SubjectAccessReviewSpec names a user and exactly one of a resource or a
// non-resource action.
type SubjectAccessReviewSpec struct {
	// ResourceAttributes describe a resource action.
	ResourceAttributes *ResourceAttributes `json:"resourceAttributes,omitempty" protobuf:"bytes,1,opt,name=resourceAttributes"`
	// NonResourceAttributes describe a non-resource action.
	NonResourceAttributes *NonResourceAttributes `json:"nonResourceAttributes,omitempty" protobuf:"bytes,2,opt,name=nonResourceAttributes"`
	// User is the user name to check.
	User string `json:"user,omitempty" protobuf:"bytes,3,opt,name=user"`
	// Groups the user belongs to.
	Groups []string `json:"groups,omitempty" protobuf:"bytes,4,rep,name=groups"`
	// Extra holds the user's other authenticator-provided attributes.
	Extra map[string]ExtraValue `json:"extra,omitempty" protobuf:"bytes,5,rep,name=extra"`
	// UID identifies the user.
	UID string `json:"uid,omitempty" protobuf:"bytes,6,opt,name=uid"`
}

// ExtraValue is the value list of one extra user attribute.
type ExtraValue []string

// SelfSubjectAccessReviewSpec is the caller's action: exactly one of the two.
type SelfSubjectAccessReviewSpec struct {
	// ResourceAttributes describe a resource action.
	ResourceAttributes *ResourceAttributes `json:"resourceAttributes,omitempty" protobuf:"bytes,1,opt,name=resourceAttributes"`
	// NonResourceAttributes describe a non-resource action.
	NonResourceAttributes *NonResourceAttributes `json:"nonResourceAttributes,omitempty" protobuf:"bytes,2,opt,name=nonResourceAttributes"`
}

// SubjectAccessReviewStatus is the authorizer's answer.
type SubjectAccessReviewStatus struct {
	// Allowed says the action is allowed.
	Allowed bool `json:"allowed" protobuf:"varint,1,opt,name=allowed"`
	// Denied says the action is explicitly denied (not merely not allowed).
	Denied bool `json:"denied,omitempty" protobuf:"varint,4,opt,name=denied"`
	// Reason explains the answer.
	Reason string `json:"reason,omitempty" protobuf:"bytes,2,opt,name=reason"`
	// EvaluationError reports an authorizer failure; the answer may still be usable.
	EvaluationError string `json:"evaluationError,omitempty" protobuf:"bytes,3,opt,name=evaluationError"`
}

// SelfSubjectRulesReview lists what the caller may do in a namespace. The
// list serves user interfaces deciding what to offer; it may be incomplete
// and is never a substitute for asking a SubjectAccessReview.
type SelfSubjectRulesReview struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec names the namespace.
	Spec SelfSubjectRulesReviewSpec `json:"spec" protobuf:"bytes,2,opt,name=spec"`
	// Status holds the rules found.
	Status SubjectRulesReviewStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// SelfSubjectRulesReviewSpec is what a SelfSubjectRulesReview asks about.
type SelfSubjectRulesReviewSpec struct {
	// Namespace whose rules are listed; required.
	Namespace string `json:"namespace,omitempty" protobuf:"bytes,1,opt,name=namespace"`
}

// SubjectRulesReviewStatus is the rules a subject has. Order carries no
// meaning and duplicates may occur.
type SubjectRulesReviewStatus struct {
	// ResourceRules are the allowed actions on resources.
	ResourceRules []ResourceRule `json:"resourceRules" protobuf:"bytes,1,rep,name=resourceRules"`
	// NonResourceRules are the allowed actions on non-resource paths.
	NonResourceRules []NonResourceRule `json:"nonResourceRules" protobuf:"bytes,2,rep,name=nonResourceRules"`
	// Incomplete says the authorizer could not list every rule, for
	// example because it cannot enumerate rules at all.
	Incomplete bool `json:"incomplete" protobuf:"bytes,3,rep,name=incomplete"`
	// EvaluationError says why the list is incomplete, if it is.
	EvaluationError string `json:"evaluationError,omitempty" protobuf:"bytes,4,opt,name=evaluationError"`
}

// ResourceRule allows verbs on resources; "*" in a list means all.
type ResourceRule struct {
	// Verbs allowed (get, list, create, …, or *).
	Verbs []string `json:"verbs" protobuf:"bytes,1,rep,name=verbs"`
	// APIGroups the resources belong to ("" for core, * for all).
	APIGroups []string `json:"apiGroups,omitempty" protobuf:"bytes,2,rep,name=apiGroups"`
	// Resources the rule covers, subresources as "resource/subresource";
	// "*/sub" covers a subresource of every resource.
	Resources []string `json:"resources,omitempty" protobuf:"bytes,3,rep,name=resources"`
	// ResourceNames restricts the rule to these objects; empty allows all.
	ResourceNames []string `json:"resourceNames,omitempty" protobuf:"bytes,4,rep,name=resourceNames"`
}

// NonResourceRule allows verbs on non-resource URL paths.
type NonResourceRule struct {
	// Verbs allowed: lower-case HTTP methods or *.
	Verbs []string `json:"verbs" protobuf:"bytes,1,rep,name=verbs"`
	// NonResourceURLs are the paths; a trailing * matches a prefix.
	NonResourceURLs []string `json:"nonResourceURLs,omitempty" protobuf:"bytes,2,rep,name=nonResourceURLs"`
}
