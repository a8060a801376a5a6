package app

import (
	"crypto"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"

	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/authn"
	"keel.dev/keel/pkg/apiserver/endpoints"
	"keel.dev/keel/pkg/apiserver/filters"
	"keel.dev/keel/pkg/apiserver/registry"
	"keel.dev/keel/pkg/apiserver/registry/generic"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/serviceaccount"
)

// serviceAccounts is the service account token machinery of one server:
// issuing (serviceaccounts/token), authenticating, and the discovery
// documents. Its object lookups go to the storages once they exist.
type serviceAccounts struct {
	tokens *serviceaccount.Tokens
	jwks   string
	stores atomic.Pointer[registry.Storages]
	auth   *serviceaccount.Authenticator
}

// newServiceAccounts loads (or generates into CertDir) the signing key and
// the verification keys; nil when neither a key nor a directory is given.
func newServiceAccounts(c *Config) (*serviceAccounts, error) {
	sc := c.ServiceAccount
	var key crypto.Signer
	var err error
	switch {
	case sc.SigningKeyFile != "":
		key, err = serviceaccount.LoadPrivateKey(sc.SigningKeyFile)
	case c.CertDir != "":
		key, err = serviceaccount.LoadOrCreateSigningKey(c.CertDir)
	}
	if err != nil {
		return nil, err
	}
	pubs, err := serviceaccount.LoadPublicKeys(sc.KeyFiles...)
	if err != nil {
		return nil, err
	}
	if key == nil && len(pubs) == 0 {
		return nil, nil
	}
	var signer *serviceaccount.Signer
	if key != nil {
		if signer, err = serviceaccount.NewSigner(key); err != nil {
			return nil, fmt.Errorf("service account signing key: %w", err)
		}
		if len(pubs) > 0 {
			// The signing key always verifies what it signed.
			pubs = append(pubs, key.Public())
		}
	}
	issuers := sc.Issuers
	if len(issuers) == 0 {
		issuers = []string{serviceaccount.DefaultIssuer}
	}
	tokens, err := serviceaccount.New(serviceaccount.Config{
		Issuers: issuers, APIAudiences: sc.APIAudiences, Signer: signer, PublicKeys: pubs,
		MaxExpiration: sc.MaxTokenExpiration,
	})
	if err != nil {
		return nil, err
	}
	s := &serviceAccounts{tokens: tokens, jwks: sc.JWKSURI}
	s.auth = serviceaccount.NewAuthenticator(tokens, serviceaccount.StoreGetter[*generic.Store]{Lookup: s.store})
	return s, nil
}

// store looks a resource's store up once the storages exist.
func (s *serviceAccounts) store(gr schema.GroupResource) (*generic.Store, bool) {
	st := s.stores.Load()
	if st == nil {
		return nil, false
	}
	return st.Store(gr)
}

// authenticators are the authenticators to add to the server's union.
func (s *serviceAccounts) authenticators() []authn.Authenticator {
	if s == nil {
		return nil
	}
	return []authn.Authenticator{s.auth}
}

// reviewers are the TokenReview reviewers of service account tokens.
func (s *serviceAccounts) reviewers() []authn.TokenReviewer {
	if s == nil {
		return nil
	}
	return []authn.TokenReviewer{s.auth}
}

// apiAudiences are the audiences of tokens meant for this server.
func (s *serviceAccounts) apiAudiences() []string {
	if s == nil {
		return nil
	}
	return s.tokens.APIAudiences()
}

// withStorages records the storages for lookups and serves the token
// subresource from them.
func (s *serviceAccounts) withStorages(p endpoints.StorageProvider, st *registry.Storages) endpoints.StorageProvider {
	if s == nil {
		return p
	}
	s.stores.Store(st)
	return withTokenRequests{StorageProvider: p,
		token: serviceaccount.NewTokenREST(s.tokens, serviceaccount.StoreGetter[*generic.Store]{Lookup: s.store})}
}

// nonResource serves the issuer discovery documents; jwks_uri defaults to
// the advertised address.
func (s *serviceAccounts) nonResource(advertise string, port int) (http.Handler, error) {
	notFound := http.HandlerFunc(filters.NotFound)
	if s == nil {
		return notFound, nil
	}
	uri := s.jwks
	if uri == "" {
		uri = "https://" + net.JoinHostPort(advertise, strconv.Itoa(port)) + serviceaccount.JWKSPath
	}
	h, err := s.tokens.DiscoveryHandler(uri, notFound)
	if err != nil {
		return nil, fmt.Errorf("service account issuer discovery: %w", err)
	}
	return h, nil
}

// withTokenRequests answers serviceaccounts/token with the token storage.
type withTokenRequests struct {
	endpoints.StorageProvider
	token rest.Storage
}

var serviceAccountsGVR = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}

// For implements endpoints.StorageProvider.
func (p withTokenRequests) For(gvr schema.GroupVersionResource, subresource string) (rest.Storage, bool) {
	if gvr == serviceAccountsGVR && subresource == "token" {
		return p.token, true
	}
	return p.StorageProvider.For(gvr, subresource)
}
