package options

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func TestServiceAccountFlags(t *testing.T) {
	o := NewOptions()
	fs := pflag.NewFlagSet("apiserver", pflag.ContinueOnError)
	o.AddFlags(fs)
	err := fs.Parse([]string{
		"--service-account-issuer=https://a", "--service-account-issuer=https://b",
		"--api-audiences=x,y", "--service-account-max-token-expiration=24h",
		"--service-account-jwks-uri=https://keys/jwks",
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := o.Config()
	if err != nil {
		t.Fatal(err)
	}
	sa := c.ServiceAccount
	if strings.Join(sa.Issuers, ",") != "https://a,https://b" || strings.Join(sa.APIAudiences, ",") != "x,y" ||
		sa.MaxTokenExpiration != 24*time.Hour || sa.JWKSURI != "https://keys/jwks" {
		t.Errorf("config = %+v", sa)
	}
}

func TestServiceAccountValidate(t *testing.T) {
	tests := []struct {
		name string
		o    ServiceAccountOptions
		want string
	}{
		{"a missing signing key file", ServiceAccountOptions{SigningKeyFile: "/does/not/exist"}, "service account key"},
		{"a missing public key file", ServiceAccountOptions{KeyFiles: []string{"/does/not/exist"}}, "service account key"},
		{"an empty issuer", ServiceAccountOptions{Issuers: []string{""}}, "--service-account-issuer"},
		{"a maximum expiration under an hour", ServiceAccountOptions{MaxTokenExpiration: time.Minute}, "--service-account-max-token-expiration"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.o.Validate()
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Fatalf("errors = %v, want one mentioning %q", errs, tc.want)
			}
		})
	}
	if errs := (&ServiceAccountOptions{}).Validate(); len(errs) != 0 {
		t.Errorf("the zero options do not validate: %v", errs)
	}
}
