package serviceaccount

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Claims are the JWT claims of a service account token.
type Claims struct {
	Issuer    string   `json:"iss,omitempty"`
	Subject   string   `json:"sub,omitempty"`
	Audience  Audience `json:"aud,omitempty"`
	Expiry    int64    `json:"exp,omitempty"`
	NotBefore int64    `json:"nbf,omitempty"`
	IssuedAt  int64    `json:"iat,omitempty"`
	ID        string   `json:"jti,omitempty"`
	// Kubernetes holds the private "kubernetes.io" claim.
	Kubernetes *PrivateClaims `json:"kubernetes.io,omitempty"`
}

// PrivateClaims say which service account a token speaks for and which
// objects it is bound to.
type PrivateClaims struct {
	Namespace      string `json:"namespace,omitempty"`
	ServiceAccount Ref    `json:"serviceaccount"`
	Pod            *Ref   `json:"pod,omitempty"`
	Secret         *Ref   `json:"secret,omitempty"`
	Node           *Ref   `json:"node,omitempty"`
	WarnAfter      *int64 `json:"warnafter,omitempty"`
}

// Ref names an object by name and UID.
type Ref struct {
	Name string `json:"name,omitempty"`
	UID  string `json:"uid,omitempty"`
}

// Audience is the "aud" claim: a JSON array, or a single string when read.
type Audience []string

// UnmarshalJSON accepts a string or an array of strings.
func (a *Audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = Audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("aud: %w", err)
	}
	*a = many
	return nil
}

// Intersects reports whether a shares an audience with want.
func (a Audience) Intersects(want []string) bool {
	for _, x := range a {
		for _, y := range want {
			if x == y {
				return true
			}
		}
	}
	return false
}

// The service account user and groups, as Kubernetes names them.
const (
	UserPrefix      = "system:serviceaccount:"
	AllGroup        = "system:serviceaccounts"
	GroupPrefix     = "system:serviceaccounts:"
	ExtraPodName    = "authentication.kubernetes.io/pod-name"
	ExtraPodUID     = "authentication.kubernetes.io/pod-uid"
	ExtraNodeName   = "authentication.kubernetes.io/node-name"
	ExtraNodeUID    = "authentication.kubernetes.io/node-uid"
	ExtraCredential = "authentication.kubernetes.io/credential-id"
)

// UserName is the user a service account's tokens authenticate as.
func UserName(namespace, name string) string {
	return UserPrefix + namespace + ":" + name
}

// SplitUserName returns the namespace and name of a service account user.
func SplitUserName(user string) (namespace, name string, ok bool) {
	rest, found := strings.CutPrefix(user, UserPrefix)
	if !found {
		return "", "", false
	}
	namespace, name, ok = strings.Cut(rest, ":")
	if !ok || namespace == "" || name == "" || strings.Contains(name, ":") {
		return "", "", false
	}
	return namespace, name, true
}
