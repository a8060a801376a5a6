package options

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"
)

// ServiceAccountOptions are the flags of service account tokens.
type ServiceAccountOptions struct {
	// SigningKeyFile is the private key tokens are signed with; empty
	// generates one into --cert-dir (sa.key).
	SigningKeyFile string
	// KeyFiles hold the public keys tokens are verified with (default: the
	// signing key's).
	KeyFiles []string
	// Issuers are the accepted issuers; the first signs.
	Issuers []string
	// JWKSURI overrides jwks_uri in the discovery document.
	JWKSURI string
	// APIAudiences are the audiences of tokens meant for the API (default:
	// the issuers).
	APIAudiences []string
	// MaxTokenExpiration caps requested token lifetimes (0: no cap).
	MaxTokenExpiration time.Duration
}

// ServiceAccountConfig is the resolved service account token setup.
type ServiceAccountConfig = ServiceAccountOptions

// DefaultServiceAccountIssuer is Kubernetes' default issuer.
const DefaultServiceAccountIssuer = "https://kubernetes.default.svc.cluster.local"

// AddFlags registers the service account flags on fs.
func (o *ServiceAccountOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.SigningKeyFile, "service-account-signing-key-file", o.SigningKeyFile, "Private key (RSA or ECDSA, PEM) that signs service account tokens. Empty generates one into --cert-dir (sa.key), shared by every apiserver using that directory.")
	fs.StringArrayVar(&o.KeyFiles, "service-account-key-file", o.KeyFiles, "PEM file of public keys (or private keys, or certificates) that verify service account tokens; repeatable. Defaults to the signing key.")
	fs.StringArrayVar(&o.Issuers, "service-account-issuer", o.Issuers, "Issuer (iss) of service account tokens; repeatable: the first signs new tokens, all are accepted. Default "+DefaultServiceAccountIssuer+".")
	fs.StringVar(&o.JWKSURI, "service-account-jwks-uri", o.JWKSURI, "jwks_uri in /.well-known/openid-configuration; defaults to https://<advertise-address>:<secure-port>/openid/v1/jwks.")
	fs.StringSliceVar(&o.APIAudiences, "api-audiences", o.APIAudiences, "Audiences of tokens meant for the API; a service account token must name one. Defaults to the issuers.")
	fs.DurationVar(&o.MaxTokenExpiration, "service-account-max-token-expiration", o.MaxTokenExpiration, "Longest lifetime a TokenRequest may be granted (0: no cap); longer requests are shortened.")
}

// Validate checks the service account options.
func (o *ServiceAccountOptions) Validate() []error {
	var errs []error
	for _, f := range append([]string{o.SigningKeyFile}, o.KeyFiles...) {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			errs = append(errs, fmt.Errorf("service account key: %w", err))
		}
	}
	for _, iss := range o.Issuers {
		if iss == "" {
			errs = append(errs, errors.New("--service-account-issuer must not be empty"))
		}
	}
	if o.MaxTokenExpiration != 0 && o.MaxTokenExpiration < time.Hour {
		errs = append(errs, fmt.Errorf("--service-account-max-token-expiration %s must be at least 1h", o.MaxTokenExpiration))
	}
	return errs
}

// Config returns a copy of the options as configuration.
func (o *ServiceAccountOptions) Config() ServiceAccountConfig {
	c := *o
	c.KeyFiles = append([]string(nil), o.KeyFiles...)
	c.Issuers = append([]string(nil), o.Issuers...)
	c.APIAudiences = append([]string(nil), o.APIAudiences...)
	return c
}
