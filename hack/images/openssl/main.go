// Command openssl is the TLS helper of the keel.local/busybox image. It
// implements only what busybox's wget runs for an https:// URL:
//
//	openssl s_client -quiet -connect HOST:PORT [-servername NAME]
//	        [-verify N -verify_return_error (-verify_ip IP | -verify_hostname NAME)]
//
// and copies its standard input to the TLS connection and the connection to
// its standard output.
//
// Busybox prefers this helper to its built-in TLS client, which sends no
// signature_algorithms extension: Go TLS servers since Go 1.25 (the
// apiserver, the kubelet) refuse such TLS 1.2 clients with a
// handshake_failure alert (RFC 9155). Verification uses the system roots,
// which honour SSL_CERT_FILE and SSL_CERT_DIR; wget's
// --no-check-certificate turns it off.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "openssl:", err)
		os.Exit(1)
	}
}

// options are the s_client flags busybox passes.
type options struct {
	connect    string
	serverName string
	verify     bool
	verifyName string // an IP or a host name, without a port
}

func parse(args []string) (options, error) {
	var o options
	if len(args) == 0 || args[0] != "s_client" {
		return o, errors.New("only the s_client command is implemented (for busybox wget)")
	}
	for i := 1; i < len(args); i++ {
		value := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("%s needs a value", args[i])
			}
			i++
			return args[i], nil
		}
		var err error
		switch args[i] {
		case "-quiet", "-verify_return_error", "-no_ign_eof":
		case "-connect":
			o.connect, err = value()
		case "-servername":
			o.serverName, err = value()
		case "-verify":
			o.verify = true
			_, err = value()
		case "-verify_ip", "-verify_hostname":
			var v string
			v, err = value()
			if h, _, serr := net.SplitHostPort(v); serr == nil {
				v = h
			}
			o.verifyName = v
		default:
			return o, fmt.Errorf("unsupported option %s", args[i])
		}
		if err != nil {
			return o, err
		}
	}
	if o.connect == "" {
		return o, errors.New("-connect HOST:PORT is required")
	}
	return o, nil
}

// config builds the client TLS configuration of o.
func config(o options) (*tls.Config, error) {
	host, _, err := net.SplitHostPort(o.connect)
	if err != nil {
		return nil, fmt.Errorf("-connect %s: %w", o.connect, err)
	}
	cfg := &tls.Config{ServerName: o.serverName, InsecureSkipVerify: !o.verify}
	if !o.verify {
		return cfg, nil
	}
	if o.verifyName != "" {
		cfg.ServerName = o.verifyName
	} else if cfg.ServerName == "" {
		cfg.ServerName = strings.Trim(host, "[]")
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		return nil, fmt.Errorf("system roots: %w", err)
	}
	cfg.RootCAs = roots
	return cfg, nil
}

func run(args []string, in io.Reader, out io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	cfg, err := config(o)
	if err != nil {
		return err
	}
	conn, err := tls.Dial("tcp", o.connect, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	// the request goes up in the background; the answer ends the session
	// (the request side may still wait for input that never comes).
	go func() {
		_, _ = io.Copy(conn, in)
		_ = conn.CloseWrite()
	}()
	if _, err := io.Copy(out, conn); err != nil {
		return err
	}
	return nil
}
