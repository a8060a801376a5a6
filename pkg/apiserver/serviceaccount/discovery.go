package serviceaccount

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"math/big"
	"net/http"
	"slices"
)

// The paths of the service account issuer discovery documents.
const (
	OpenIDConfigPath = "/.well-known/openid-configuration"
	JWKSPath         = "/openid/v1/jwks"
)

// openIDConfig is the OpenID provider metadata Kubernetes publishes.
type openIDConfig struct {
	Issuer        string   `json:"issuer"`
	JWKSURI       string   `json:"jwks_uri"`
	ResponseTypes []string `json:"response_types_supported"`
	SubjectTypes  []string `json:"subject_types_supported"`
	SigningAlgs   []string `json:"id_token_signing_alg_values_supported"`
}

// jwk is one JSON Web Key (RFC 7517) of the key set.
type jwk struct {
	Use string `json:"use"`
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// KeySet returns the JWKS document of the accepted public keys.
func (t *Tokens) KeySet() ([]byte, error) {
	set := struct {
		Keys []jwk `json:"keys"`
	}{Keys: []jwk{}}
	for _, k := range t.keys {
		j := jwk{Use: "sig", Kid: k.kid, Alg: k.alg}
		switch pub := k.pub.(type) {
		case *rsa.PublicKey:
			j.Kty, j.N, j.E = "RSA", b64(pub.N.Bytes()), b64(big.NewInt(int64(pub.E)).Bytes())
		case *ecdsa.PublicKey:
			size := (pub.Curve.Params().BitSize + 7) / 8
			x, y := make([]byte, size), make([]byte, size)
			pub.X.FillBytes(x)
			pub.Y.FillBytes(y)
			j.Kty, j.Crv, j.X, j.Y = "EC", pub.Curve.Params().Name, b64(x), b64(y)
		}
		set.Keys = append(set.Keys, j)
	}
	return json.Marshal(set)
}

// OpenIDConfiguration returns the discovery document, naming jwksURI.
func (t *Tokens) OpenIDConfiguration(jwksURI string) ([]byte, error) {
	var algs []string
	for _, k := range t.keys {
		if !slices.Contains(algs, k.alg) {
			algs = append(algs, k.alg)
		}
	}
	slices.Sort(algs)
	return json.Marshal(openIDConfig{
		Issuer: t.Issuer(), JWKSURI: jwksURI,
		ResponseTypes: []string{"id_token"}, SubjectTypes: []string{"public"}, SigningAlgs: algs,
	})
}

// DiscoveryHandler serves the discovery document and the key set on their
// paths and passes every other request to next.
func (t *Tokens) DiscoveryHandler(jwksURI string, next http.Handler) (http.Handler, error) {
	config, err := t.OpenIDConfiguration(jwksURI)
	if err != nil {
		return nil, err
	}
	keys, err := t.KeySet()
	if err != nil {
		return nil, err
	}
	serve := func(w http.ResponseWriter, r *http.Request, body []byte, contentType string) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case OpenIDConfigPath:
			serve(w, r, config, "application/json")
		case JWKSPath:
			serve(w, r, keys, "application/jwk-set+json")
		default:
			next.ServeHTTP(w, r)
		}
	}), nil
}
