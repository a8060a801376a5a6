package serviceaccount

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"strings"
)

// ErrMalformed is returned for a string that is not a compact JWS.
var ErrMalformed = errors.New("malformed JWT")

// ErrSignature is returned when no accepted key verifies a token.
var ErrSignature = errors.New("token signature is not valid for any accepted key")

// header is the JOSE header of the tokens we issue.
type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid,omitempty"`
	Typ string `json:"typ,omitempty"`
}

// Signer signs tokens with one private key.
type Signer struct {
	key crypto.Signer
	alg string
	kid string
}

// NewSigner returns a signer for an RSA or ECDSA key.
func NewSigner(key crypto.Signer) (*Signer, error) {
	alg, err := algorithmOf(key.Public())
	if err != nil {
		return nil, err
	}
	kid, err := KeyID(key.Public())
	if err != nil {
		return nil, err
	}
	return &Signer{key: key, alg: alg, kid: kid}, nil
}

// KeyID is the kid header of the tokens the signer makes.
func (s *Signer) KeyID() string { return s.kid }

// Public is the signer's public key.
func (s *Signer) Public() crypto.PublicKey { return s.key.Public() }

// Sign returns the compact JWS of claims (any value encoding to a JSON
// object).
func (s *Signer) Sign(claims any) (string, error) {
	h, err := json.Marshal(header{Alg: s.alg, Kid: s.kid})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	input := b64(h) + "." + b64(payload)
	hf := hashFor(s.alg)
	hf.Write([]byte(input))
	digest := hf.Sum(nil)
	var sig []byte
	switch k := s.key.(type) {
	case *ecdsa.PrivateKey:
		r, ss, err := ecdsa.Sign(rand.Reader, k, digest)
		if err != nil {
			return "", fmt.Errorf("sign token: %w", err)
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		sig = make([]byte, 2*size)
		r.FillBytes(sig[:size])
		ss.FillBytes(sig[size:])
	default:
		sig, err = s.key.Sign(rand.Reader, digest, cryptoHash(s.alg))
		if err != nil {
			return "", fmt.Errorf("sign token: %w", err)
		}
	}
	return input + "." + b64(sig), nil
}

// parsed is a decoded compact JWS.
type parsed struct {
	header  header
	payload []byte
	input   string
	sig     []byte
}

// parseJWS splits and decodes a compact JWS without verifying it.
func parseJWS(token string) (*parsed, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, ErrMalformed
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, ErrMalformed
	}
	p := &parsed{input: parts[0] + "." + parts[1]}
	if err := json.Unmarshal(hb, &p.header); err != nil || p.header.Alg == "" {
		return nil, ErrMalformed
	}
	if p.payload, err = base64.RawURLEncoding.DecodeString(parts[1]); err != nil {
		return nil, ErrMalformed
	}
	if p.sig, err = base64.RawURLEncoding.DecodeString(parts[2]); err != nil {
		return nil, ErrMalformed
	}
	return p, nil
}

// verify checks the signature with the keys whose algorithm matches the
// header (the key with the header's kid first).
func (p *parsed) verify(keys []verifyKey) error {
	for _, k := range keys {
		if k.alg != p.header.Alg {
			continue
		}
		if p.header.Kid != "" && k.kid != p.header.Kid {
			continue
		}
		if k.check(p.input, p.sig) {
			return nil
		}
	}
	return ErrSignature
}

// verifyKey is one accepted public key.
type verifyKey struct {
	pub crypto.PublicKey
	alg string
	kid string
}

func newVerifyKey(pub crypto.PublicKey) (verifyKey, error) {
	alg, err := algorithmOf(pub)
	if err != nil {
		return verifyKey{}, err
	}
	kid, err := KeyID(pub)
	if err != nil {
		return verifyKey{}, err
	}
	return verifyKey{pub: pub, alg: alg, kid: kid}, nil
}

func (k verifyKey) check(input string, sig []byte) bool {
	hf := hashFor(k.alg)
	hf.Write([]byte(input))
	digest := hf.Sum(nil)
	switch pub := k.pub.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(pub, cryptoHash(k.alg), digest, sig) == nil
	case *ecdsa.PublicKey:
		size := (pub.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return false
		}
		r := new(big.Int).SetBytes(sig[:size])
		s := new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(pub, digest, r, s)
	}
	return false
}

func hashFor(alg string) hash.Hash {
	switch alg {
	case "ES384":
		return sha512.New384()
	case "ES512":
		return sha512.New()
	}
	return sha256.New()
}

func cryptoHash(alg string) crypto.Hash {
	switch alg {
	case "ES384":
		return crypto.SHA384
	case "ES512":
		return crypto.SHA512
	}
	return crypto.SHA256
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
