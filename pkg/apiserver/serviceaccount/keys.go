package serviceaccount

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// SigningKeyFile is the name of the signing key generated into the
// certificate directory when no --service-account-signing-key-file is given.
const SigningKeyFile = "sa.key"

// ParsePrivateKey reads the first RSA or ECDSA (P-256) private key of a PEM
// file's contents (PKCS#1, SEC 1 or PKCS#8).
func ParsePrivateKey(data []byte) (crypto.Signer, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errors.New("no RSA or ECDSA private key found in PEM data")
		}
		var key any
		var err error
		switch block.Type {
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", block.Type, err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("unsupported private key type %T", key)
		}
		if _, err := algorithmOf(signer.Public()); err != nil {
			return nil, err
		}
		return signer, nil
	}
}

// ParsePublicKeys reads every public key of a PEM file's contents: public
// keys (PKIX or PKCS#1), the public half of private keys, and the keys of
// certificates. It fails when there is none.
func ParsePublicKeys(data []byte) ([]crypto.PublicKey, error) {
	var out []crypto.PublicKey
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		var pub any
		var err error
		switch block.Type {
		case "PUBLIC KEY":
			pub, err = x509.ParsePKIXPublicKey(block.Bytes)
		case "RSA PUBLIC KEY":
			pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
		case "CERTIFICATE":
			var cert *x509.Certificate
			if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
				pub = cert.PublicKey
			}
		case "RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY":
			var s crypto.Signer
			if s, err = ParsePrivateKey(pem.EncodeToMemory(block)); err == nil {
				pub = s.Public()
			}
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", block.Type, err)
		}
		if _, err := algorithmOf(pub); err != nil {
			return nil, err
		}
		out = append(out, pub)
	}
	if len(out) == 0 {
		return nil, errors.New("no public key found in PEM data")
	}
	return out, nil
}

// LoadPrivateKey reads a private key file.
func LoadPrivateKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("service account signing key: %w", err)
	}
	k, err := ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("service account signing key %s: %w", path, err)
	}
	return k, nil
}

// LoadPublicKeys reads the public keys of every file.
func LoadPublicKeys(paths ...string) ([]crypto.PublicKey, error) {
	var out []crypto.PublicKey
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("service account key file: %w", err)
		}
		keys, err := ParsePublicKeys(data)
		if err != nil {
			return nil, fmt.Errorf("service account key file %s: %w", p, err)
		}
		out = append(out, keys...)
	}
	return out, nil
}

// LoadOrCreateSigningKey returns the key in dir/sa.key, generating an RSA
// 2048 key there first when the file does not exist. Creation is atomic:
// apiservers sharing dir that start together end up with the same key.
func LoadOrCreateSigningKey(dir string) (crypto.Signer, error) {
	path := filepath.Join(dir, SigningKeyFile)
	if k, err := LoadPrivateKey(path); err == nil || !errors.Is(err, os.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("service account key directory: %w", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate service account key: %w", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	tmp, err := os.CreateTemp(dir, ".sa-key-*")
	if err != nil {
		return nil, fmt.Errorf("write service account key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write service account key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write service account key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write service account key: %w", err)
	}
	// link fails when another apiserver created the file first; its key wins.
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("write service account key: %w", err)
	}
	return LoadPrivateKey(path)
}

// KeyID derives the "kid" of a public key: the unpadded base64url SHA-256
// of its PKIX DER encoding, so every server holding the key agrees on it.
func KeyID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("key id: %w", err)
	}
	sum := sha256.Sum256(der)
	return base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

// algorithmOf returns the JWS algorithm used with a public key.
func algorithmOf(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "RS256", nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return "ES256", nil
		case elliptic.P384():
			return "ES384", nil
		case elliptic.P521():
			return "ES512", nil
		}
		return "", fmt.Errorf("ECDSA curve %s is not supported", k.Curve.Params().Name)
	}
	return "", fmt.Errorf("unsupported public key type %T", pub)
}
