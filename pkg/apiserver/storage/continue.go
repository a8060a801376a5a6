package storage

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// continueToken is the decoded form of a list's continue parameter: the
// revision the first page was read at and the key, relative to the listed
// directory, the next page starts from.
type continueToken struct {
	APIVersion string `json:"v"`
	RV         int64  `json:"rv"`
	StartKey   string `json:"start"`
}

const continueVersion = "meta.k8s.io/v1"

// ExpiredContinueMessage is the detail of the ErrExpired error for a
// continue token whose revision was compacted.
const ExpiredContinueMessage = "The provided continue parameter is too old to display a consistent list result. " +
	"You can start a new list without the continue parameter."

// EncodeContinue makes the continue token for the page after lastKey of the
// listing of prefix read at revision rv. lastKey must start with prefix.
func EncodeContinue(lastKey, prefix string, rv int64) (string, error) {
	rel := strings.TrimPrefix(lastKey, prefix)
	if rel == lastKey && prefix != "" {
		return "", fmt.Errorf("key %q is not under %q", lastKey, prefix)
	}
	// The next page starts just after lastKey.
	data, err := json.Marshal(continueToken{APIVersion: continueVersion, RV: rv, StartKey: rel + "\x00"})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(data), nil
}

// DecodeContinue returns the full start key and revision of a continue token
// for the listing of prefix, or ErrInvalidArgument.
func DecodeContinue(token, prefix string) (startKey string, rv int64, err error) {
	bad := func(why string) error {
		return &StorageError{Code: ErrCodeInvalidArgument, Detail: "invalid continue token: " + why}
	}
	data, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", 0, bad(err.Error())
	}
	var t continueToken
	if err := json.Unmarshal(data, &t); err != nil {
		return "", 0, bad(err.Error())
	}
	if t.APIVersion != continueVersion {
		return "", 0, bad(fmt.Sprintf("unknown version %q", t.APIVersion))
	}
	if t.RV <= 0 {
		return "", 0, bad("no resource version")
	}
	if t.StartKey == "" || strings.Contains(t.StartKey, "..") || strings.HasPrefix(t.StartKey, "/") {
		return "", 0, bad("bad start key")
	}
	return prefix + t.StartKey, t.RV, nil
}
