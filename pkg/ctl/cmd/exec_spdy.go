package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/moby/spdystream"

	"keel.dev/keel/pkg/ctl/client"
)

// execProtocols are the SPDY stream protocols exec offers, newest first, as
// kubectl does. From v4 on the error stream carries a Status; before, a
// plain message.
var execProtocols = []string{"v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"}

// execSPDY runs an exec over a SPDY/3.1 upgrade of a POST: one stream per
// channel (error, stdin, stdout, stderr, resize), named by a streamType
// header.
func execSPDY(ctx context.Context, c *client.Client, path string, q url.Values, stdin io.Reader, stdout, stderr io.Writer, sizes <-chan termSize) error {
	conn, protocol, err := c.DialSPDY(ctx, path, q, execProtocols...)
	if err != nil {
		var ue *client.UpgradeError
		if errors.As(err, &ue) {
			return ue.Err
		}
		return err
	}
	defer conn.Close()
	open := func(typ string) (*spdystream.Stream, error) {
		s, err := conn.CreateStream(http.Header{"Streamtype": {typ}}, nil, false)
		if err != nil {
			return nil, fmt.Errorf("create %s stream: %w", typ, err)
		}
		if err := s.WaitTimeout(streamReplyTimeout); err != nil {
			return nil, fmt.Errorf("create %s stream: %w", typ, err)
		}
		return s, nil
	}

	errStream, err := open("error")
	if err != nil {
		return err
	}
	// Nothing is written to the error stream.
	errStream.Close()
	result := make(chan error, 1)
	go func() {
		data, err := io.ReadAll(errStream)
		switch {
		case err != nil:
			result <- fmt.Errorf("error reading from error stream: %w", err)
		case len(data) == 0:
			result <- nil
		case protocol == "v4.channel.k8s.io" || protocol == "v5.channel.k8s.io":
			result <- execStatus(data)
		default:
			result <- fmt.Errorf("error executing remote command: %s", data)
		}
	}()

	if stdin != nil {
		in, err := open("stdin")
		if err != nil {
			return err
		}
		go func() {
			io.Copy(in, stdin)
			in.Close()
		}()
	}
	var wg sync.WaitGroup
	for _, o := range []struct {
		typ  string
		dest io.Writer
		on   bool
	}{{"stdout", stdout, q.Get("stdout") == "true"}, {"stderr", stderr, q.Get("stderr") == "true"}} {
		if !o.on {
			continue
		}
		s, err := open(o.typ)
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			io.Copy(o.dest, s)
		}()
	}
	if sizes != nil && q.Get("tty") == "true" {
		rs, err := open("resize")
		if err != nil {
			return err
		}
		go func() {
			enc := json.NewEncoder(rs)
			for sz := range sizes {
				if enc.Encode(sz) != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-result:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
