package authz

import (
	"context"
	"fmt"

	authorizationv1 "keel.dev/api/authorization/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/validation/field"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// The access review storages answer authorization.k8s.io/v1 questions with
// an Authorizer; nothing is stored.
type (
	// SubjectAccessReviewREST serves POST subjectaccessreviews.
	SubjectAccessReviewREST struct{ a Authorizer }
	// LocalSubjectAccessReviewREST serves POST localsubjectaccessreviews.
	LocalSubjectAccessReviewREST struct{ a Authorizer }
	// SelfSubjectAccessReviewREST serves POST selfsubjectaccessreviews.
	SelfSubjectAccessReviewREST struct{ a Authorizer }
)

var (
	_ rest.Creater = (*SubjectAccessReviewREST)(nil)
	_ rest.Creater = (*LocalSubjectAccessReviewREST)(nil)
	_ rest.Creater = (*SelfSubjectAccessReviewREST)(nil)
)

// NewAccessReviews returns the storages of subjectaccessreviews,
// localsubjectaccessreviews and selfsubjectaccessreviews over a.
func NewAccessReviews(a Authorizer) (*SubjectAccessReviewREST, *LocalSubjectAccessReviewREST, *SelfSubjectAccessReviewREST) {
	return &SubjectAccessReviewREST{a}, &LocalSubjectAccessReviewREST{a}, &SelfSubjectAccessReviewREST{a}
}

func typeMeta(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: authorizationv1.SchemeGroupVersion.String(), Kind: kind}
}

// New implements rest.Storage.
func (r *SubjectAccessReviewREST) New() runtime.Object {
	return &authorizationv1.SubjectAccessReview{TypeMeta: typeMeta("SubjectAccessReview")}
}

// Create implements rest.Creater.
func (r *SubjectAccessReviewREST) Create(ctx context.Context, obj runtime.Object, _ *metav1.CreateOptions) (runtime.Object, error) {
	in, ok := obj.(*authorizationv1.SubjectAccessReview)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a SubjectAccessReview: %T", obj))
	}
	if errs := validateSubject(&in.Spec); len(errs) > 0 {
		return nil, apierrors.NewInvalid(authorizationv1.SchemeGroupVersion.WithKind("SubjectAccessReview").GroupKind(), "", errs)
	}
	out := in.DeepCopy()
	out.TypeMeta = typeMeta("SubjectAccessReview")
	out.Status = decide(ctx, r.a, userOfSpec(&in.Spec), in.Spec.ResourceAttributes, in.Spec.NonResourceAttributes)
	return out, nil
}

// New implements rest.Storage.
func (r *LocalSubjectAccessReviewREST) New() runtime.Object {
	return &authorizationv1.LocalSubjectAccessReview{TypeMeta: typeMeta("LocalSubjectAccessReview")}
}

// Create implements rest.Creater: the review's namespace must be the one
// its resource attributes name.
func (r *LocalSubjectAccessReviewREST) Create(ctx context.Context, obj runtime.Object, _ *metav1.CreateOptions) (runtime.Object, error) {
	in, ok := obj.(*authorizationv1.LocalSubjectAccessReview)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a LocalSubjectAccessReview: %T", obj))
	}
	errs := validateSubject(&in.Spec)
	if in.Spec.NonResourceAttributes != nil {
		errs = append(errs, field.Invalid(field.NewPath("spec", "nonResourceAttributes"), in.Spec.NonResourceAttributes, "disallowed on this kind of request"))
	}
	if len(errs) > 0 {
		return nil, apierrors.NewInvalid(authorizationv1.SchemeGroupVersion.WithKind("LocalSubjectAccessReview").GroupKind(), "", errs)
	}
	ns := rest.NamespaceFrom(ctx)
	if in.Spec.ResourceAttributes.Namespace != ns {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("spec.resourceAttributes.namespace must match namespace: %v", ns))
	}
	out := in.DeepCopy()
	out.TypeMeta = typeMeta("LocalSubjectAccessReview")
	out.Status = decide(ctx, r.a, userOfSpec(&in.Spec), in.Spec.ResourceAttributes, nil)
	return out, nil
}

// New implements rest.Storage.
func (r *SelfSubjectAccessReviewREST) New() runtime.Object {
	return &authorizationv1.SelfSubjectAccessReview{TypeMeta: typeMeta("SelfSubjectAccessReview")}
}

// Create implements rest.Creater for the caller's own user.
func (r *SelfSubjectAccessReviewREST) Create(ctx context.Context, obj runtime.Object, _ *metav1.CreateOptions) (runtime.Object, error) {
	in, ok := obj.(*authorizationv1.SelfSubjectAccessReview)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a SelfSubjectAccessReview: %T", obj))
	}
	if errs := validateAttributes(in.Spec.ResourceAttributes, in.Spec.NonResourceAttributes); len(errs) > 0 {
		return nil, apierrors.NewInvalid(authorizationv1.SchemeGroupVersion.WithKind("SelfSubjectAccessReview").GroupKind(), "", errs)
	}
	u, ok := authn.UserFrom(ctx)
	if !ok || u == nil {
		return nil, apierrors.NewBadRequest("no user present on request")
	}
	out := in.DeepCopy()
	out.TypeMeta = typeMeta("SelfSubjectAccessReview")
	out.Status = decide(ctx, r.a, u, in.Spec.ResourceAttributes, in.Spec.NonResourceAttributes)
	return out, nil
}

// validateSubject checks a (local) subject access review's spec.
func validateSubject(spec *authorizationv1.SubjectAccessReviewSpec) field.ErrorList {
	errs := validateAttributes(spec.ResourceAttributes, spec.NonResourceAttributes)
	if spec.User == "" && len(spec.Groups) == 0 {
		errs = append(errs, field.Invalid(field.NewPath("spec", "user"), spec.User, "at least one of user or group must be specified"))
	}
	return errs
}

// validateAttributes requires exactly one of the two kinds of attributes.
func validateAttributes(res *authorizationv1.ResourceAttributes, nonRes *authorizationv1.NonResourceAttributes) field.ErrorList {
	switch {
	case res == nil && nonRes == nil:
		return field.ErrorList{field.Required(field.NewPath("spec", "resourceAttributes"), "exactly one of nonResourceAttributes or resourceAttributes must be specified")}
	case res != nil && nonRes != nil:
		return field.ErrorList{field.Invalid(field.NewPath("spec", "nonResourceAttributes"), nonRes, "cannot be specified in combination with resourceAttributes")}
	}
	return nil
}

// userOfSpec is the user a subject access review asks about.
func userOfSpec(spec *authorizationv1.SubjectAccessReviewSpec) *authn.UserInfo {
	u := &authn.UserInfo{Name: spec.User, UID: spec.UID, Groups: append([]string(nil), spec.Groups...)}
	if len(spec.Extra) > 0 {
		u.Extra = map[string][]string{}
		for k, v := range spec.Extra {
			u.Extra[k] = append([]string(nil), v...)
		}
	}
	return u
}

// decide asks the authorizer and words its answer as a review status.
func decide(ctx context.Context, a Authorizer, u *authn.UserInfo, res *authorizationv1.ResourceAttributes, nonRes *authorizationv1.NonResourceAttributes) authorizationv1.SubjectAccessReviewStatus {
	attrs := Attributes{User: u}
	if res != nil {
		attrs.ResourceRequest = true
		attrs.Verb, attrs.Namespace, attrs.APIGroup, attrs.APIVersion = res.Verb, res.Namespace, res.Group, res.Version
		attrs.Resource, attrs.Subresource, attrs.Name = res.Resource, res.Subresource, res.Name
	} else {
		attrs.Verb, attrs.Path = nonRes.Verb, nonRes.Path
	}
	d, reason, err := a.Authorize(ctx, attrs)
	st := authorizationv1.SubjectAccessReviewStatus{Allowed: d == DecisionAllow, Denied: d == DecisionDeny, Reason: reason}
	if err != nil {
		st.EvaluationError = err.Error()
	}
	return st
}
