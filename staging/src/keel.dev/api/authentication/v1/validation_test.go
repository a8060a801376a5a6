package v1

import (
	"testing"

	"keel.dev/api/internal/testutil"
)

func TestTokenRequest(t *testing.T) {
	tests := []struct {
		name    string
		seconds *int64
		want    []string
		detail  string
	}{
		{"the default of one hour is valid", nil, nil, ""},
		{"five minutes is too short", testutil.Ptr(int64(300)), []string{"spec.expirationSeconds: FieldValueInvalid"}, "may not specify a duration less than 10 minutes"},
		{"more than 2^32 seconds is too long", testutil.Ptr(int64(1<<32 + 1)), []string{"spec.expirationSeconds: FieldValueInvalid"}, "larger than 2^32 seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &TokenRequest{Spec: TokenRequestSpec{ExpirationSeconds: tt.seconds}}
			SetDefaults_TokenRequestSpec(&tr.Spec)
			testutil.ExpectErrors(t, ValidateTokenRequest(tr), tt.want, tt.detail)
		})
	}
}
