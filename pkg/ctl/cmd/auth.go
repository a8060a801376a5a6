package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/client"
)

// canIOptions are the flags of `auth can-i`.
type canIOptions struct {
	allNS, quiet, list, noHeaders bool
	sub                           string
}

// NewAuthCommand returns `auth can-i`.
func NewAuthCommand(f *Factory) *cobra.Command {
	c := &cobra.Command{Use: "auth", Short: "Inspect authorization"}
	var o canIOptions
	can := &cobra.Command{
		Use:   "can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL]",
		Short: "Check whether an action is allowed",
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.list {
				return runCanIList(cmd, f, o, args)
			}
			return runCanI(cmd, f, o, args)
		},
	}
	can.Flags().BoolVarP(&o.allNS, "all-namespaces", "A", false, "Check in all namespaces")
	can.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "Only the exit code tells the answer")
	can.Flags().StringVar(&o.sub, "subresource", "", "SubResource such as pod/log or deployment/scale")
	can.Flags().BoolVar(&o.list, "list", false, "Print every allowed action")
	can.Flags().BoolVar(&o.noHeaders, "no-headers", false, "With --list, print the allowed actions without headers")
	c.AddCommand(can)
	return c
}

// runCanI asks a SelfSubjectAccessReview and prints yes or no; "no" exits 1.
func runCanI(cmd *cobra.Command, f *Factory, o canIOptions, args []string) error {
	ctx := cmd.Context()
	if len(args) < 2 {
		return fmt.Errorf("you must specify two arguments: verb resource or verb resource/resourceName")
	}
	if o.noHeaders {
		return errors.New("--no-headers cannot be set without --list specified")
	}
	attrs := map[string]any{"verb": args[0]}
	spec := map[string]any{}
	if strings.HasPrefix(args[1], "/") {
		spec["nonResourceAttributes"] = map[string]any{"verb": args[0], "path": args[1]}
	} else {
		typ, name, _ := strings.Cut(args[1], "/")
		if len(args) > 2 {
			name = args[2]
		}
		info, err := f.Resolve(ctx, typ)
		if err != nil {
			fmt.Fprintf(f.ErrOut, "Warning: the server doesn't have a resource type '%s'\n\n", typ)
			attrs["resource"] = typ
		} else {
			attrs["resource"], attrs["group"] = info.Resource, info.Group
		}
		if name != "" {
			attrs["name"] = name
		}
		if o.sub != "" {
			attrs["subresource"] = o.sub
		}
		if !o.allNS {
			ns, _ := f.DefaultNamespace()
			attrs["namespace"] = ns
		}
		spec["resourceAttributes"] = attrs
	}
	body, _ := json.Marshal(map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview", "spec": spec})
	c, err := f.Client()
	if err != nil {
		return err
	}
	resp, err := c.Do(ctx, client.Request{Method: "POST", Path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", ContentType: "application/json", Body: body})
	if err != nil {
		return err
	}
	var out struct {
		Status struct {
			Allowed bool   `json:"allowed"`
			Reason  string `json:"reason"`
		} `json:"status"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return err
	}
	if out.Status.Allowed {
		if !o.quiet {
			fmt.Fprintln(f.Out, "yes")
		}
		return nil
	}
	if !o.quiet {
		if out.Status.Reason != "" {
			fmt.Fprintf(f.Out, "no - %s\n", out.Status.Reason)
		} else {
			fmt.Fprintln(f.Out, "no")
		}
	}
	return &ExitError{Code: 1}
}

// runCanIList asks a SelfSubjectRulesReview about the namespace and prints
// the caller's rules as kubectl does (authrules.go).
func runCanIList(cmd *cobra.Command, f *Factory, o canIOptions, args []string) error {
	if len(args) != 0 {
		return errors.New("list option must be specified with no arguments")
	}
	if o.quiet || o.allNS || o.sub != "" {
		return errors.New("list option can't be specified with neither quiet, all-namespaces nor subresource options")
	}
	ns, _ := f.DefaultNamespace()
	body, _ := json.Marshal(map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview",
		"spec": map[string]any{"namespace": ns}})
	c, err := f.Client()
	if err != nil {
		return err
	}
	resp, err := c.Do(cmd.Context(), client.Request{Method: "POST", Path: "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", ContentType: "application/json", Body: body})
	if err != nil {
		return err
	}
	var review struct {
		Status rulesStatus `json:"status"`
	}
	if err := json.Unmarshal(resp.Body, &review); err != nil {
		return fmt.Errorf("decoding the SelfSubjectRulesReview: %w", err)
	}
	if review.Status.Incomplete {
		fmt.Fprintf(f.ErrOut, "Warning: the list may be incomplete: %s\n", review.Status.EvaluationError)
	}
	return printRules(f.Out, review.Status, !o.noHeaders)
}
