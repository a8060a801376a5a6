package serviceaccount

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	authenticationv1 "keel.dev/api/authentication/v1"
)

func TestReviewTokenChecksTheAskedAudiences(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	tk := newTokens(t, testRSA(t), &now, nil)
	objs := world()
	a := NewAuthenticator(tk, objs)
	issue := func(auds ...string) string {
		t.Helper()
		tr, err := requestToken(t, NewTokenREST(tk, objs), "robot", authenticationv1.TokenRequestSpec{Audiences: auds})
		if err != nil {
			t.Fatal(err)
		}
		return tr.Status.Token
	}
	api, vault := issue(), issue("vault", "other")
	cases := []struct {
		name      string
		token     string
		audiences []string
		ok        bool
		want      []string
		err       error
	}{
		{name: "an API token is valid for the API audience", token: api, audiences: []string{DefaultIssuer}, ok: true, want: []string{DefaultIssuer}},
		{name: "a token for other audiences reports those asked for", token: vault, audiences: []string{"x", "vault"}, ok: true, want: []string{"vault"}},
		{name: "a token for other audiences is refused for the API", token: vault, audiences: []string{DefaultIssuer}, err: ErrWrongAudience},
		{name: "the audience check of a cached token still applies", token: vault, audiences: []string{"nope"}, err: ErrWrongAudience},
		{name: "a token that is not a JWT is left to others", token: "opaque", audiences: []string{DefaultIssuer}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, got, ok, err := a.ReviewToken(context.Background(), c.token, c.audiences)
			if ok != c.ok || !errors.Is(err, c.err) || (c.err == nil && err != nil) {
				t.Fatalf("ok %v err %v, want ok %v err %v", ok, err, c.ok, c.err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("audiences = %v, want %v", got, c.want)
			}
			if ok && u.Name != "system:serviceaccount:ns:robot" {
				t.Errorf("user = %+v", u)
			}
		})
	}
}
