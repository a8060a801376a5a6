package authn

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// ErrInvalidToken is returned for a bearer token that matches no user.
var ErrInvalidToken = errors.New("invalid bearer token")

// TokenFile authenticates bearer tokens listed in a static CSV file, one
// user per line: token,user,uid[,"group1,group2"].
type TokenFile struct {
	tokens map[string]*UserInfo
}

// LoadTokenFile reads a token file; a malformed line fails the load with its
// line number.
func LoadTokenFile(path string) (*TokenFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	defer f.Close()
	tf, err := ParseTokens(f)
	if err != nil {
		return nil, fmt.Errorf("token file %s: %w", path, err)
	}
	return tf, nil
}

// ParseTokens reads token CSV from r.
func ParseTokens(r io.Reader) (*TokenFile, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	tf := &TokenFile{tokens: map[string]*UserInfo{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < 3 {
			return nil, fmt.Errorf("line %d: want at least 3 columns (token, user name, user uid), found %d", line, len(rec))
		}
		token, name := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		switch {
		case token == "":
			return nil, fmt.Errorf("line %d: empty token", line)
		case name == "":
			return nil, fmt.Errorf("line %d: empty user name", line)
		case tf.tokens[token] != nil:
			return nil, fmt.Errorf("line %d: duplicate token (user %q)", line, name)
		}
		u := &UserInfo{Name: name, UID: strings.TrimSpace(rec[2])}
		if len(rec) > 3 {
			for _, g := range strings.Split(rec[3], ",") {
				if g = strings.TrimSpace(g); g != "" {
					u.Groups = append(u.Groups, g)
				}
			}
		}
		tf.tokens[token] = u
	}
	return tf, nil
}

// Len returns the number of tokens loaded.
func (tf *TokenFile) Len() int { return len(tf.tokens) }

// AuthenticateRequest implements Authenticator for the
// "Authorization: Bearer <token>" header. A known token's header is removed
// so it is not forwarded further.
func (tf *TokenFile) AuthenticateRequest(r *http.Request) (*UserInfo, bool, error) {
	token, ok := BearerToken(r)
	if !ok {
		return nil, false, nil
	}
	u := tf.tokens[token]
	if u == nil {
		return nil, false, ErrInvalidToken
	}
	r.Header.Del("Authorization")
	cp := *u
	cp.Groups = append([]string(nil), u.Groups...)
	return &cp, true, nil
}

// BearerToken extracts a non-empty bearer token from the Authorization header.
func BearerToken(r *http.Request) (string, bool) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, token, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
