package authn

import (
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTokens(t *testing.T) {
	cases := []struct {
		name    string
		csv     string
		token   string
		want    *UserInfo
		wantErr string
	}{
		{"a line with quoted groups gives the user its groups", "abc,alice,1001,\"dev,ops\"\n", "abc",
			&UserInfo{Name: "alice", UID: "1001", Groups: []string{"dev", "ops"}}, ""},
		{"a line without groups gives a user with none", "t1,bob,u2\n", "t1", &UserInfo{Name: "bob", UID: "u2"}, ""},
		{"blank lines are skipped", "\n\nt1,bob,u2\n\n", "t1", &UserInfo{Name: "bob", UID: "u2"}, ""},
		{"a line with two columns is rejected with its number", "t1,bob,u2\nt2,carol\n", "", nil, "line 2: want at least 3 columns"},
		{"an empty token is rejected", "t1,bob,u2\n ,carol,u3\n", "", nil, "line 2: empty token"},
		{"an empty user is rejected", "t1,,u2\n", "", nil, "line 1: empty user name"},
		{"a duplicate token is rejected", "t1,bob,u2\nt1,carol,u3\n", "", nil, "line 2: duplicate token"},
		{"an unbalanced quote is rejected", "t1,bob,u2,\"dev\n", "", nil, "line 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tf, err := ParseTokens(strings.NewReader(c.csv))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, tf.tokens[c.token]); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestLoadTokenFileNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.csv")
	if err := os.WriteFile(path, []byte("only-one-column\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadTokenFile(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenFileAuthenticate(t *testing.T) {
	tf, err := ParseTokens(strings.NewReader("good,alice,1,\"dev\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		header  string
		wantOK  bool
		wantErr error
	}{
		{"a known bearer token authenticates", "Bearer good", true, nil},
		{"the scheme is case-insensitive", "bearer good", true, nil},
		{"an unknown token is an error", "Bearer bad", false, ErrInvalidToken},
		{"no header is no opinion", "", false, nil},
		{"another scheme is no opinion", "Basic Zm9vOmJhcg==", false, nil},
		{"an empty bearer token is no opinion", "Bearer ", false, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api", nil)
			if c.header != "" {
				r.Header.Set("Authorization", c.header)
			}
			u, ok, err := tf.AuthenticateRequest(r)
			if ok != c.wantOK || !errors.Is(err, c.wantErr) {
				t.Fatalf("ok=%v err=%v, want ok=%v err=%v", ok, err, c.wantOK, c.wantErr)
			}
			if ok {
				if u.Name != "alice" || u.UID != "1" || !u.InGroup("dev") {
					t.Errorf("user = %+v", u)
				}
				if r.Header.Get("Authorization") != "" {
					t.Error("the Authorization header was not removed after authentication")
				}
			}
		})
	}
}
