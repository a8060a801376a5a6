package cmd

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

func newCreateNamespace(f *Factory) *cobra.Command {
	w := &writeOptions{}
	c := &cobra.Command{
		Use:     "namespace NAME",
		Aliases: []string{"ns"},
		Short:   "Create a namespace with the specified name",
		Args:    exactName,
		RunE: func(cmd *cobra.Command, args []string) error {
			obj := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": args[0]}}
			return f.generate(cmd.Context(), w, "namespaces", obj)
		},
	}
	w.addCreateFlags(c)
	return c
}

func exactName(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("exactly one NAME is required, got 0")
	}
	if cmd.ArgsLenAtDash() >= 0 && cmd.ArgsLenAtDash() != 1 {
		return fmt.Errorf("exactly one NAME is required, got %d", cmd.ArgsLenAtDash())
	}
	if cmd.ArgsLenAtDash() < 0 && len(args) != 1 {
		return fmt.Errorf("exactly one NAME is required, got %d", len(args))
	}
	return nil
}

// containerName derives a container name from an image as kubectl does:
// the last path element without tag or digest.
func containerName(image string) string {
	name := image
	if i := strings.Index(name, "@"); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.Index(name, ":"); i >= 0 {
		name = name[:i]
	}
	return name
}

func newCreateDeployment(f *Factory) *cobra.Command {
	w := &writeOptions{}
	var images []string
	var replicas, port int32
	c := &cobra.Command{
		Use:     "deployment NAME --image=image -- [COMMAND] [args...]",
		Aliases: []string{"deploy"},
		Short:   "Create a deployment with the specified name",
		Args:    exactName,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(images) == 0 {
				return fmt.Errorf("required flag(s) \"image\" not set")
			}
			name := args[0]
			labels := map[string]any{"app": name}
			var containers []any
			for _, img := range images {
				ct := map[string]any{"name": containerName(img), "image": img, "resources": map[string]any{}}
				if port >= 0 {
					ct["ports"] = []any{map[string]any{"containerPort": port}}
				}
				if len(args) > 1 && len(images) == 1 {
					ct["command"] = toAny(args[1:])
				}
				containers = append(containers, ct)
			}
			obj := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
				"metadata": map[string]any{"name": name, "labels": labels},
				"spec": map[string]any{"replicas": replicas, "selector": map[string]any{"matchLabels": labels},
					"strategy": map[string]any{},
					"template": map[string]any{"metadata": map[string]any{"labels": labels}, "spec": map[string]any{"containers": containers}}},
				"status": map[string]any{}}
			return f.generate(cmd.Context(), w, "deployments.apps", obj)
		},
	}
	c.Flags().StringSliceVar(&images, "image", nil, "Image names to run")
	c.Flags().Int32VarP(&replicas, "replicas", "r", 1, "Number of replicas to create")
	c.Flags().Int32Var(&port, "port", -1, "The containerPort that this deployment exposes")
	w.addCreateFlags(c)
	return c
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func newCreateService(f *Factory) *cobra.Command {
	c := &cobra.Command{Use: "service", Aliases: []string{"svc"}, Short: "Create a service using a specified subcommand"}
	for _, typ := range []string{"ClusterIP", "NodePort"} {
		typ := typ
		w := &writeOptions{}
		var tcp []string
		var nodePort int
		var clusterIP string
		sc := &cobra.Command{
			Use:   strings.ToLower(typ) + " NAME [--tcp=<port>:<targetPort>]",
			Short: "Create a " + typ + " service",
			Args:  exactName,
			RunE: func(cmd *cobra.Command, args []string) error {
				name := args[0]
				var ports []any
				for _, spec := range tcp {
					p, tp, _ := strings.Cut(spec, ":")
					if tp == "" {
						tp = p
					}
					port, err := strconv.Atoi(p)
					if err != nil {
						return fmt.Errorf("invalid --tcp %q: %w", spec, err)
					}
					var target any = tp
					if n, err := strconv.Atoi(tp); err == nil {
						target = n
					}
					pm := map[string]any{"name": p + "-" + tp, "port": port, "targetPort": target, "protocol": "TCP"}
					if nodePort > 0 {
						pm["nodePort"] = nodePort
					}
					ports = append(ports, pm)
				}
				spec := map[string]any{"ports": ports, "selector": map[string]any{"app": name}, "type": typ}
				if clusterIP != "" {
					spec["clusterIP"] = clusterIP
				}
				obj := map[string]any{"apiVersion": "v1", "kind": "Service",
					"metadata": map[string]any{"name": name, "labels": map[string]any{"app": name}}, "spec": spec, "status": map[string]any{"loadBalancer": map[string]any{}}}
				return f.generate(cmd.Context(), w, "services", obj)
			},
		}
		sc.Flags().StringSliceVar(&tcp, "tcp", nil, "Port pairs <port>:<targetPort>")
		if typ == "NodePort" {
			sc.Flags().IntVar(&nodePort, "node-port", 0, "Port used to expose the service on each node")
		} else {
			sc.Flags().StringVar(&clusterIP, "clusterip", "", "Assign your own ClusterIP or set to 'None' for a headless service")
		}
		w.addCreateFlags(sc)
		c.AddCommand(sc)
	}
	return c
}

// fromSources collects --from-literal and --from-file data.
func fromSources(literals, files []string, encode bool) (map[string]any, error) {
	data := map[string]any{}
	for _, l := range literals {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("invalid literal source %s, expected key=value", l)
		}
		if _, dup := data[k]; dup {
			return nil, fmt.Errorf("cannot add key %s, another key by that name already exists", k)
		}
		data[k] = v
	}
	for _, spec := range files {
		key, path, ok := strings.Cut(spec, "=")
		if !ok {
			path, key = spec, filepath.Base(spec)
		}
		paths := []string{path}
		if st, err := os.Stat(path); err == nil && st.IsDir() && !ok {
			entries, err := os.ReadDir(path)
			if err != nil {
				return nil, err
			}
			paths = nil
			for _, e := range entries {
				if !e.IsDir() {
					paths = append(paths, filepath.Join(path, e.Name()))
				}
			}
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("error reading %s: %w", p, err)
			}
			k := key
			if len(paths) > 1 || k == "" || (!ok && p != path) {
				k = filepath.Base(p)
			}
			data[k] = string(b)
		}
	}
	if encode {
		for k, v := range data {
			data[k] = base64.StdEncoding.EncodeToString([]byte(v.(string)))
		}
	}
	return data, nil
}

func newCreateConfigMap(f *Factory) *cobra.Command {
	w := &writeOptions{}
	var literals, files []string
	c := &cobra.Command{
		Use:     "configmap NAME [--from-file=[key=]source] [--from-literal=key1=value1]",
		Aliases: []string{"cm"},
		Short:   "Create a config map from a local file, directory or literal value",
		Args:    exactName,
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := fromSources(literals, files, false)
			if err != nil {
				return err
			}
			obj := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": args[0]}}
			if len(data) > 0 {
				obj["data"] = data
			}
			return f.generate(cmd.Context(), w, "configmaps", obj)
		},
	}
	c.Flags().StringArrayVar(&literals, "from-literal", nil, "A key and literal value (key=value)")
	c.Flags().StringSliceVar(&files, "from-file", nil, "Key files: a file path, [key=]path, or a directory")
	w.addCreateFlags(c)
	return c
}

func newCreateSecret(f *Factory) *cobra.Command {
	c := &cobra.Command{Use: "secret", Short: "Create a secret using a specified subcommand"}
	w := &writeOptions{}
	var literals, files []string
	var typ string
	g := &cobra.Command{
		Use:   "generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1]",
		Short: "Create a secret from a local file, directory, or literal value",
		Args:  exactName,
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := fromSources(literals, files, true)
			if err != nil {
				return err
			}
			obj := map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": args[0]}}
			if len(data) > 0 {
				obj["data"] = data
			}
			if typ != "" {
				obj["type"] = typ
			}
			return f.generate(cmd.Context(), w, "secrets", obj)
		},
	}
	g.Flags().StringArrayVar(&literals, "from-literal", nil, "A key and literal value (key=value)")
	g.Flags().StringSliceVar(&files, "from-file", nil, "Key files: a file path, [key=]path, or a directory")
	g.Flags().StringVar(&typ, "type", "", "The type of secret to create")
	w.addCreateFlags(g)
	c.AddCommand(g)
	return c
}

func newCreateJob(f *Factory) *cobra.Command {
	w := &writeOptions{}
	var image string
	c := &cobra.Command{
		Use:   "job NAME --image=image [-- COMMAND] [args...]",
		Short: "Create a job with the specified name",
		Args:  exactName,
		RunE: func(cmd *cobra.Command, args []string) error {
			if image == "" {
				return fmt.Errorf("--image must be specified")
			}
			ct := map[string]any{"name": args[0], "image": image, "resources": map[string]any{}}
			if len(args) > 1 {
				ct["command"] = toAny(args[1:])
			}
			obj := map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": map[string]any{"name": args[0]},
				"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{},
					"spec": map[string]any{"containers": []any{ct}, "restartPolicy": "Never"}}},
				"status": map[string]any{}}
			return f.generate(cmd.Context(), w, "jobs.batch", obj)
		},
	}
	c.Flags().StringVar(&image, "image", "", "Image name to run")
	w.addCreateFlags(c)
	return c
}

func newCreateCronJob(f *Factory) *cobra.Command {
	w := &writeOptions{}
	var image, schedule, restart string
	c := &cobra.Command{
		Use:     "cronjob NAME --image=image --schedule='0/5 * * * ?' -- [COMMAND] [args...]",
		Aliases: []string{"cj"},
		Short:   "Create a cron job with the specified name",
		Args:    exactName,
		RunE: func(cmd *cobra.Command, args []string) error {
			if image == "" {
				return fmt.Errorf("--image must be specified")
			}
			if schedule == "" {
				return fmt.Errorf("--schedule must be specified")
			}
			ct := map[string]any{"name": args[0], "image": image, "resources": map[string]any{}}
			if len(args) > 1 {
				ct["command"] = toAny(args[1:])
			}
			obj := map[string]any{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": map[string]any{"name": args[0]},
				"spec": map[string]any{"schedule": schedule, "jobTemplate": map[string]any{"metadata": map[string]any{"name": args[0]},
					"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{},
						"spec": map[string]any{"containers": []any{ct}, "restartPolicy": restart}}}}},
				"status": map[string]any{}}
			return f.generate(cmd.Context(), w, "cronjobs.batch", obj)
		},
	}
	c.Flags().StringVar(&image, "image", "", "Image name to run")
	c.Flags().StringVar(&schedule, "schedule", "", "A schedule in the Cron format the job should be run with")
	c.Flags().StringVar(&restart, "restart", "OnFailure", "job's restart policy: OnFailure or Never")
	w.addCreateFlags(c)
	return c
}
