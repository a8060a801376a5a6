package authn

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func fixed(u *UserInfo, ok bool, err error) Authenticator {
	return AuthenticatorFunc(func(*http.Request) (*UserInfo, bool, error) { return u, ok, err })
}

func TestComposition(t *testing.T) {
	alice := &UserInfo{Name: "alice", Groups: []string{"dev"}}
	boom := errors.New("bad credential")
	cases := []struct {
		name       string
		a          Authenticator
		wantUser   string
		wantGroups []string
		wantErr    bool
	}{
		{"an authenticated user gets system:authenticated",
			WithAuthenticatedGroup(Union(fixed(alice, true, nil))), "alice", []string{"dev", AllAuthenticated}, false},
		{"the first authenticator that finds a user wins over an earlier error",
			WithAuthenticatedGroup(Union(fixed(nil, false, boom), fixed(alice, true, nil))), "alice", []string{"dev", AllAuthenticated}, false},
		{"no credentials with anonymous on gives system:anonymous",
			WithAnonymous(WithAuthenticatedGroup(Union(fixed(nil, false, nil)))), Anonymous, []string{AllUnauthenticated}, false},
		{"a rejected credential is refused even with anonymous on",
			WithAnonymous(WithAuthenticatedGroup(Union(fixed(nil, false, boom)))), "", nil, true},
		{"no credentials with anonymous off finds nobody",
			WithAuthenticatedGroup(Union(fixed(nil, false, nil))), "", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, ok, err := c.a.AuthenticateRequest(httptest.NewRequest("GET", "/", nil))
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v", err)
			}
			if c.wantUser == "" {
				if ok {
					t.Fatalf("found user %+v", u)
				}
				return
			}
			if !ok || u.Name != c.wantUser || strings.Join(u.Groups, ",") != strings.Join(c.wantGroups, ",") {
				t.Fatalf("user = %+v ok=%v", u, ok)
			}
		})
	}
	if len(alice.Groups) != 1 {
		t.Errorf("the authenticator's user was modified: %+v", alice)
	}
}

func TestNewTriesExtraTokenAuthenticatorsAfterTheTokenFile(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/tokens.csv"
	if err := writeFile(path, "filetoken,fileuser,1\n"); err != nil {
		t.Fatal(err)
	}
	robot := &UserInfo{Name: "system:serviceaccount:ns:robot"}
	extra := AuthenticatorFunc(func(r *http.Request) (*UserInfo, bool, error) {
		if tok, _ := BearerToken(r); tok == "jwt" {
			return robot, true, nil
		}
		return nil, false, nil
	})
	a, err := New(Config{TokenFile: path, Tokens: []Authenticator{extra}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ token, want string }{{"filetoken", "fileuser"}, {"jwt", robot.Name}} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Authorization", "Bearer "+tc.token)
		u, ok, err := a.AuthenticateRequest(r)
		if err != nil || !ok || u.Name != tc.want || !u.InGroup(AllAuthenticated) {
			t.Errorf("token %q: user %+v ok %v err %v, want %s", tc.token, u, ok, err, tc.want)
		}
	}
}

func writeFile(path, data string) error { return os.WriteFile(path, []byte(data), 0o600) }
