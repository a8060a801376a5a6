// Command apiserver-bench is the apiserver's load program (`make
// bench-apiserver`, part of `make bench`). It starts the built apiserver
// binary (_output/bin/apiserver, from `make build`) as a separate process
// with an embedded etcd in a temporary directory, drives it over HTTPS
// (HTTP/2, admin client certificate) and prints a table:
//
//   - 200 Nodes, then 5,000 pods by 32 concurrent clients: pods/s, p50/p99;
//   - LIST of the 5,000 pods, ~20 runs each: full (consistent), with
//     resourceVersion=0, and in pages of 500: p50/p99;
//   - watch delivery delay for 1,000 pods created one at a time and for
//     1,000 created by 32 clients: p50/p99, measured from the moment the
//     POST is sent to the moment the ADDED event is read by a watcher
//     (so it includes the write itself);
//   - the apiserver's RSS (VmRSS, and the peak VmHWM, of /proc/PID/status)
//     after ~11,000 pods.
//
// Bodies are protobuf (application/vnd.kubernetes.protobuf, as client-go
// sends for built-in kinds) unless -encoding=json; watches and lists are
// read in the same encoding. The whole run is bounded by -timeout (5m).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	binary := flag.String("apiserver", "_output/bin/apiserver", "path of the built apiserver binary")
	encoding := flag.String("encoding", "protobuf", "request and response encoding: protobuf or json")
	timeout := flag.Duration("timeout", 5*time.Minute, "bound on the whole run")
	keep := flag.Bool("keep", false, "keep the temporary directory (etcd data, certificates, log)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	err := run(ctx, *binary, *encoding, *keep)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "apiserver-bench:", err)
		os.Exit(1)
	}
}

// run starts the apiserver, runs every phase and prints the results.
func run(ctx context.Context, binary, encoding string, keep bool) (err error) {
	if encoding != "protobuf" && encoding != "json" {
		return fmt.Errorf("-encoding must be protobuf or json, not %q", encoding)
	}
	dir, err := os.MkdirTemp("", "keel-apiserver-bench-")
	if err != nil {
		return err
	}
	defer func() {
		// Keep the directory (and the apiserver log) when asked or on failure.
		if keep || err != nil {
			fmt.Fprintln(os.Stderr, "kept", dir)
			return
		}
		os.RemoveAll(dir)
	}()
	srv, err := startServer(ctx, binary, dir)
	if err != nil {
		return err
	}
	defer srv.stop()
	c, err := newClient(srv, encoding)
	if err != nil {
		return err
	}
	res := &results{encoding: encoding}
	if err := runPhases(ctx, c, srv, res); err != nil {
		res.print(os.Stdout)
		return fmt.Errorf("%w (apiserver log: %s)", err, srv.logPath)
	}
	res.print(os.Stdout)
	return nil
}
