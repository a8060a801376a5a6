package serviceaccount

import (
	"context"
	"fmt"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"

	authenticationv1 "keel.dev/api/authentication/v1"

	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// TokenREST serves POST serviceaccounts/<name>/token: it issues a token for
// the service account, optionally bound to a Pod, Secret or Node.
type TokenREST struct {
	tokens  *Tokens
	objects Getter
}

var _ rest.Creater = (*TokenREST)(nil)

// NewTokenREST returns the token subresource storage.
func NewTokenREST(tokens *Tokens, objects Getter) *TokenREST {
	return &TokenREST{tokens: tokens, objects: objects}
}

var tokenRequestGVK = authenticationv1.SchemeGroupVersion.WithKind("TokenRequest")

// New implements rest.Storage.
func (r *TokenREST) New() runtime.Object {
	return &authenticationv1.TokenRequest{TypeMeta: metav1.TypeMeta{APIVersion: tokenRequestGVK.GroupVersion().String(), Kind: tokenRequestGVK.Kind}}
}

// Create implements rest.Creater. The request's name (filled from the URL)
// is the service account.
func (r *TokenREST) Create(ctx context.Context, obj runtime.Object, opts *metav1.CreateOptions) (runtime.Object, error) {
	in, ok := obj.(*authenticationv1.TokenRequest)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a TokenRequest: %T", obj))
	}
	req := in.DeepCopy()
	authenticationv1.SetDefaults_TokenRequestSpec(&req.Spec)
	if err := r.admit(ctx, req, opts); err != nil {
		return nil, err
	}
	if errs := authenticationv1.ValidateTokenRequest(req); len(errs) > 0 {
		return nil, apierrors.NewInvalid(tokenRequestGVK.GroupKind(), req.Name, errs)
	}
	if !r.tokens.CanIssue() {
		return nil, apierrors.NewServiceUnavailable("no service account signing key is configured (--service-account-signing-key-file)")
	}
	ns := rest.NamespaceFrom(ctx)
	sa, err := getServiceAccount(ctx, r.objects, ns, req.Name, "", true)
	if err != nil {
		return nil, err
	}
	if sa == nil {
		return nil, apierrors.NewNotFound(serviceAccountsGR, req.Name)
	}
	issue := Request{
		Namespace:      ns,
		ServiceAccount: Ref{Name: sa.Name, UID: string(sa.UID)},
		Audiences:      req.Spec.Audiences,
	}
	if ref := req.Spec.BoundObjectRef; ref != nil {
		if err := r.bind(ctx, ns, sa.Name, ref, &issue); err != nil {
			return nil, err
		}
	}
	if max := r.tokens.cfg.MaxExpiration; max > 0 && *req.Spec.ExpirationSeconds > int64(max/time.Second) {
		secs := int64(max / time.Second)
		req.Spec.ExpirationSeconds = &secs
	}
	issue.Lifetime = time.Duration(*req.Spec.ExpirationSeconds) * time.Second
	if len(req.Spec.Audiences) == 0 {
		req.Spec.Audiences = r.tokens.APIAudiences()
		issue.Audiences = req.Spec.Audiences
	}
	tok, exp, err := r.tokens.Issue(issue)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	req.TypeMeta = metav1.TypeMeta{APIVersion: tokenRequestGVK.GroupVersion().String(), Kind: tokenRequestGVK.Kind}
	req.Namespace = ns
	req.Status = authenticationv1.TokenRequestStatus{Token: tok, ExpirationTimestamp: metav1.NewTime(exp)}
	return req, nil
}

// admit runs the serviceaccounts store's namespace check and admission
// chain on the request as a create of serviceaccounts/token (when the
// objects are read through the registry's stores).
func (r *TokenREST) admit(ctx context.Context, req *authenticationv1.TokenRequest, opts *metav1.CreateOptions) error {
	g, ok := r.objects.(StoreGetter[*generic.Store])
	if !ok || g.Lookup == nil {
		return nil
	}
	st, ok := g.Lookup(serviceAccountsGR)
	if !ok {
		return nil
	}
	return st.AdmitSubresourceCreate(ctx, "token", req.Name, tokenRequestGVK, req, opts != nil && rest.IsDryRun(opts.DryRun))
}

// bind resolves the bound object of a request into issue.
func (r *TokenREST) bind(ctx context.Context, ns, saName string, ref *authenticationv1.BoundObjectReference, issue *Request) error {
	if ref.APIVersion != "" && ref.APIVersion != "v1" {
		return apierrors.NewBadRequest(fmt.Sprintf("cannot bind token to object of apiVersion %q: only v1 Pod, Secret and Node are supported", ref.APIVersion))
	}
	var gr schema.GroupResource
	var uid string
	switch ref.Kind {
	case "Pod":
		gr = podsGR
		pod, err := getPod(ctx, r.objects, ns, ref.Name, "", true)
		if err != nil || pod == nil {
			return notFoundOr(err, gr, ref.Name)
		}
		if pod.Spec.ServiceAccountName != saName {
			return apierrors.NewBadRequest(fmt.Sprintf("cannot bind token for serviceaccount %q to pod running with different serviceaccount name.", saName))
		}
		uid = string(pod.UID)
		issue.Pod = &Ref{Name: pod.Name, UID: uid}
		if n := pod.Spec.NodeName; n != "" {
			issue.Node = &Ref{Name: n}
			if node, err := getNode(ctx, r.objects, n, "", false); err == nil && node != nil {
				issue.Node.UID = string(node.UID)
			}
		}
	case "Secret":
		gr = secretsGR
		s, err := getSecret(ctx, r.objects, ns, ref.Name, "", true)
		if err != nil || s == nil {
			return notFoundOr(err, gr, ref.Name)
		}
		uid = string(s.UID)
		issue.Secret = &Ref{Name: s.Name, UID: uid}
	case "Node":
		gr = nodesGR
		n, err := getNode(ctx, r.objects, ref.Name, "", true)
		if err != nil || n == nil {
			return notFoundOr(err, gr, ref.Name)
		}
		uid = string(n.UID)
		issue.Node = &Ref{Name: n.Name, UID: uid}
	default:
		return apierrors.NewBadRequest(fmt.Sprintf("cannot bind token to object of type %s: only Pod, Secret and Node are supported", ref.Kind))
	}
	if ref.UID != "" && string(ref.UID) != uid {
		return apierrors.NewConflict(gr, ref.Name, fmt.Errorf("the UID in the bound object reference (%s) does not match the UID in record. The object might have been deleted and then recreated", ref.UID))
	}
	return nil
}

func notFoundOr(err error, gr schema.GroupResource, name string) error {
	if err != nil {
		return err
	}
	return apierrors.NewNotFound(gr, name)
}
