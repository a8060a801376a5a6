package cmd

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// NewCpCommand returns `cp`, which runs tar in the container through exec.
func NewCpCommand(f *Factory) *cobra.Command {
	var container string
	c := &cobra.Command{
		Use:   "cp <file-spec-src> <file-spec-dest>",
		Short: "Copy files and directories to and from containers",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			srcPod, srcPath, srcRemote := splitRemote(args[0])
			dstPod, dstPath, dstRemote := splitRemote(args[1])
			switch {
			case srcRemote && !dstRemote:
				return f.copyFromPod(ctx, srcPod, srcPath, dstPath, container)
			case !srcRemote && dstRemote:
				return f.copyToPod(ctx, srcPath, dstPod, dstPath, container)
			}
			return fmt.Errorf("one of src or dest must be a local file specification")
		},
	}
	c.Flags().StringVarP(&container, "container", "c", "", "Container name. If omitted, use the default container")
	return c
}

// splitRemote parses [namespace/]pod:path.
func splitRemote(spec string) (string, string, bool) {
	i := strings.Index(spec, ":")
	if i <= 0 || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, ".") {
		return "", spec, false
	}
	return spec[:i], spec[i+1:], true
}

func (f *Factory) podAndNamespace(pod string) (string, string) {
	ns, _ := f.DefaultNamespace()
	if i := strings.Index(pod, "/"); i > 0 {
		return pod[:i], pod[i+1:]
	}
	return ns, pod
}

func (f *Factory) copyFromPod(ctx context.Context, podRef, src, dst, container string) error {
	c, err := f.Client()
	if err != nil {
		return err
	}
	ns, name := f.podAndNamespace(podRef)
	pod, err := f.podFor(ctx, c, ns, name)
	if err != nil {
		return err
	}
	if container == "" {
		container = f.defaultContainer(pod)
	}
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		err := execStream(ctx, c, pod, container, []string{"tar", "cf", "-", src}, nil, pw, f.ErrOut, false)
		pw.CloseWithError(err)
		errc <- err
	}()
	prefix := strings.TrimPrefix(path.Clean(src), "/")
	tr := tar.NewReader(pr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(path.Clean(h.Name), "/"), prefix)
		target := filepath.Join(dst, filepath.FromSlash(rel))
		if !strings.HasPrefix(filepath.Clean(target), filepath.Clean(dst)) {
			return fmt.Errorf("illegal file path %q in archive", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				out.Close()
				return err
			}
			out.Close()
		default:
			fmt.Fprintf(f.ErrOut, "skipping %s: unsupported file type\n", h.Name)
		}
	}
	io.Copy(io.Discard, pr)
	return <-errc
}

func (f *Factory) copyToPod(ctx context.Context, src, podRef, dst, container string) error {
	c, err := f.Client()
	if err != nil {
		return err
	}
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("%s doesn't exist in local filesystem", src)
	}
	ns, name := f.podAndNamespace(podRef)
	pod, err := f.podFor(ctx, c, ns, name)
	if err != nil {
		return err
	}
	if container == "" {
		container = f.defaultContainer(pod)
	}
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		base := path.Base(dst)
		err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			name := path.Join(base, filepath.ToSlash(rel))
			h, err := tar.FileInfoHeader(info, "")
			if err != nil {
				return err
			}
			h.Name = name
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			if info.Mode().IsRegular() {
				in, err := os.Open(p)
				if err != nil {
					return err
				}
				defer in.Close()
				_, err = io.Copy(tw, in)
				return err
			}
			return nil
		})
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
	}()
	dir := path.Dir(dst)
	err = execStream(ctx, c, pod, container, []string{"tar", "-xmf", "-", "-C", dir}, pr, f.Out, f.ErrOut, false)
	var ee *ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("command terminated with exit code %d", ee.Code)
	}
	return err
}
