package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/client"
)

const (
	revisionAnnotation    = "deployment.kubernetes.io/revision"
	changeCauseAnnotation = "kubernetes.io/change-cause"
)

// NewRolloutCommand returns `rollout` and its subcommands.
func NewRolloutCommand(f *Factory) *cobra.Command {
	c := &cobra.Command{Use: "rollout SUBCOMMAND", Short: "Manage the rollout of a resource"}
	c.AddCommand(newRolloutStatus(f), newRolloutHistory(f), newRolloutUndo(f), newRolloutRestart(f),
		newRolloutPauseResume(f, true), newRolloutPauseResume(f, false))
	return c
}

// rolloutKinds are the kinds rollout status, history, undo and restart work on.
var rolloutKinds = map[string]bool{"Deployment": true, "DaemonSet": true, "StatefulSet": true}

// rolloutObjects resolves the arguments, all of which must be of a kind
// with rollout support.
func (f *Factory) rolloutObjects(ctx context.Context, args []string) ([]object, error) {
	objs, err := f.objectsFor(ctx, args, "", false)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if !rolloutKinds[o.info.Kind] {
			return nil, fmt.Errorf("no rollout support has been implemented for %q", o.info.GroupKind())
		}
	}
	return objs, nil
}

func num(m map[string]any, path ...string) int64 {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return 0
		}
		cur = mm[p]
	}
	switch v := cur.(type) {
	case json.Number:
		n, _ := v.Int64()
		return n
	case float64:
		return int64(v)
	}
	return 0
}

// deploymentStatus returns the rollout message and whether it is done.
func deploymentStatus(d map[string]any) (string, bool, error) {
	name := metaString(d, "name")
	md, _ := d["metadata"].(map[string]any)
	if num(md, "generation") > num(d, "status", "observedGeneration") {
		return "Waiting for deployment spec update to be observed...\n", false, nil
	}
	status, _ := d["status"].(map[string]any)
	conds, _ := status["conditions"].([]any)
	for _, c := range conds {
		cm, _ := c.(map[string]any)
		if cm["type"] == "Progressing" && cm["reason"] == "ProgressDeadlineExceeded" {
			return "", false, fmt.Errorf("deployment %q exceeded its progress deadline", name)
		}
	}
	want := int64(1)
	if spec, _ := d["spec"].(map[string]any); spec != nil && spec["replicas"] != nil {
		want = num(d, "spec", "replicas")
	}
	updated, replicas, available := num(d, "status", "updatedReplicas"), num(d, "status", "replicas"), num(d, "status", "availableReplicas")
	switch {
	case updated < want:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...\n", name, updated, want), false, nil
	case replicas > updated:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...\n", name, replicas-updated), false, nil
	case available < updated:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...\n", name, available, updated), false, nil
	}
	return fmt.Sprintf("deployment %q successfully rolled out\n", name), true, nil
}

func newRolloutStatus(f *Factory) *cobra.Command {
	var watch bool
	var timeout time.Duration
	c := &cobra.Command{
		Use:   "status (TYPE NAME | TYPE/NAME)",
		Short: "Show the status of the rollout",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			objs, err := f.rolloutObjects(ctx, args)
			if err != nil {
				return err
			}
			if len(objs) != 1 {
				return fmt.Errorf("rollout status is only supported on individual resources and resource collections, but %d resources were found", len(objs))
			}
			o := objs[0]
			if timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			if _, err := getJSON(ctx, c, o.info, o.ns, o.name); err != nil {
				return err
			}
			last := ""
			sel := "metadata.name=" + o.name
			for {
				items, rv, err := listJSON(ctx, c, o.info, o.ns, listOptions{fieldSelector: sel, extra: url.Values{"resourceVersion": {"0"}}})
				if err != nil {
					return err
				}
				if len(items) == 0 {
					return fmt.Errorf("object has been deleted")
				}
				msg, done, err := rolloutStatus(o.info.Kind, items[0])
				if err != nil {
					return err
				}
				if msg != last {
					fmt.Fprint(f.Out, msg)
					last = msg
				}
				if done || !watch {
					return nil
				}
				q := url.Values{"fieldSelector": {sel}, "watch": {"true"}, "resourceVersion": {rv}, "allowWatchBookmarks": {"true"}, "timeoutSeconds": {"300"}}
				events, err := c.Watch(ctx, client.Request{Method: http.MethodGet, Path: o.info.Path(o.ns, ""), Query: q})
				if err != nil {
					return err
				}
				for ev := range events {
					if ev.Type == "DELETED" {
						return fmt.Errorf("object has been deleted")
					}
					if ev.Type != "ADDED" && ev.Type != "MODIFIED" {
						continue
					}
					d, err := decodeMap(ev.Object)
					if err != nil {
						return err
					}
					msg, done, err := rolloutStatus(o.info.Kind, d)
					if err != nil {
						return err
					}
					if msg != last {
						fmt.Fprint(f.Out, msg)
						last = msg
					}
					if done {
						return nil
					}
				}
				if ctx.Err() != nil {
					return fmt.Errorf("timed out waiting for the condition")
				}
			}
		},
	}
	c.Flags().BoolVarP(&watch, "watch", "w", true, "Watch the status of the rollout until it's done")
	c.Flags().DurationVar(&timeout, "timeout", 0, "The length of time to wait before ending watch, zero means never")
	return c
}

type revision struct {
	number int64
	rs     map[string]any
}

// revisions lists the ReplicaSets a deployment controls, by revision.
func (f *Factory) revisions(ctx context.Context, c *client.Client, o object) (map[string]any, []revision, error) {
	d, err := getJSON(ctx, c, o.info, o.ns, o.name)
	if err != nil {
		return nil, nil, err
	}
	rsInfo, err := f.Resolve(ctx, "replicasets.apps")
	if err != nil {
		return nil, nil, err
	}
	items, _, err := listJSON(ctx, c, rsInfo, o.ns, listOptions{labelSelector: selectorString(d)})
	if err != nil {
		return nil, nil, err
	}
	uid := metaString(d, "uid")
	var revs []revision
	for _, rs := range items {
		md, _ := rs["metadata"].(map[string]any)
		owned := false
		refs, _ := md["ownerReferences"].([]any)
		for _, r := range refs {
			rm, _ := r.(map[string]any)
			if rm["uid"] == uid && rm["controller"] == true {
				owned = true
			}
		}
		if !owned {
			continue
		}
		ann, _ := md["annotations"].(map[string]any)
		n, err := strconv.ParseInt(fmt.Sprint(ann[revisionAnnotation]), 10, 64)
		if err != nil {
			continue
		}
		revs = append(revs, revision{number: n, rs: rs})
	}
	sort.Slice(revs, func(i, j int) bool { return revs[i].number < revs[j].number })
	return d, revs, nil
}

func newRolloutUndo(f *Factory) *cobra.Command {
	var toRevision int64
	c := &cobra.Command{
		Use:   "undo (TYPE NAME | TYPE/NAME) [flags]",
		Short: "Undo a previous rollout",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			objs, err := f.rolloutObjects(ctx, args)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			for _, o := range objs {
				if o.info.Kind != "Deployment" {
					msg, err := f.undoControllerRevision(ctx, c, o, toRevision)
					if err != nil {
						return err
					}
					fmt.Fprint(f.Out, msg)
					continue
				}
				d, revs, err := f.revisions(ctx, c, o)
				if err != nil {
					return err
				}
				var target *revision
				if toRevision == 0 {
					if len(revs) < 2 {
						return fmt.Errorf("no rollout history found for deployment %q", o.name)
					}
					target = &revs[len(revs)-2]
				} else {
					for i := range revs {
						if revs[i].number == toRevision {
							target = &revs[i]
						}
					}
					if target == nil {
						return fmt.Errorf("unable to find specified revision %d in history", toRevision)
					}
				}
				rsSpec, _ := target.rs["spec"].(map[string]any)
				tmpl, _ := rsSpec["template"].(map[string]any)
				if tmd, ok := tmpl["metadata"].(map[string]any); ok {
					if l, ok := tmd["labels"].(map[string]any); ok {
						delete(l, "pod-template-hash")
					}
				}
				dSpec, _ := d["spec"].(map[string]any)
				if reflect.DeepEqual(normalizeJSON(dSpec["template"]), normalizeJSON(tmpl)) {
					fmt.Fprintf(f.Out, "%s/%s skipped rollback (current template already matches revision %d)\n", o.info.KindForName(), o.name, target.number)
					continue
				}
				dmd, _ := d["metadata"].(map[string]any)
				ann, _ := dmd["annotations"].(map[string]any)
				annOp := "replace"
				if ann == nil {
					ann, annOp = map[string]any{}, "add"
				}
				rsmd, _ := target.rs["metadata"].(map[string]any)
				if rsAnn, ok := rsmd["annotations"].(map[string]any); ok {
					if cause, ok := rsAnn[changeCauseAnnotation]; ok {
						ann[changeCauseAnnotation] = cause
					}
				}
				patch, _ := json.Marshal([]any{
					map[string]any{"op": "replace", "path": "/spec/template", "value": tmpl},
					map[string]any{"op": annOp, "path": "/metadata/annotations", "value": ann},
				})
				if _, err := f.patchObject(ctx, o, "", "application/json-patch+json", "", patch); err != nil {
					return err
				}
				fmt.Fprintf(f.Out, "%s/%s rolled back\n", o.info.KindForName(), o.name)
			}
			return nil
		},
	}
	c.Flags().Int64Var(&toRevision, "to-revision", 0, "The revision to rollback to. Default to 0 (last revision).")
	return c
}

func normalizeJSON(v any) any {
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	return out
}

func newRolloutRestart(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "restart RESOURCE",
		Short: "Restart a resource",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			objs, err := f.rolloutObjects(ctx, args)
			if err != nil {
				return err
			}
			for _, o := range objs {
				patch := fmt.Sprintf(`{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":%q}}}}}`, nowFunc().Format(time.RFC3339))
				if _, err := f.patchObject(ctx, o, "", "application/strategic-merge-patch+json", managerRollout, []byte(patch)); err != nil {
					return err
				}
				fmt.Fprintf(f.Out, "%s/%s restarted\n", o.info.KindForName(), o.name)
			}
			return nil
		},
	}
}

func newRolloutPauseResume(f *Factory, pause bool) *cobra.Command {
	use, verb, patch, doing := "resume", "resumed", `{"spec":{"paused":null}}`, "resuming"
	if pause {
		use, verb, patch, doing = "pause", "paused", `{"spec":{"paused":true}}`, "pausing"
	}
	return &cobra.Command{
		Use:   use + " RESOURCE",
		Short: "Mark the provided resource as " + verb,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			objs, err := f.rolloutObjects(ctx, args)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			var errs Aggregate
			for _, o := range objs {
				if o.info.Kind != "Deployment" {
					errs = append(errs, fmt.Errorf("%s %q %s is not supported", o.info.GroupResource(), o.name, doing))
					continue
				}
				d, err := getJSON(ctx, c, o.info, o.ns, o.name)
				if err != nil {
					return err
				}
				spec, _ := d["spec"].(map[string]any)
				if paused, _ := spec["paused"].(bool); paused == pause {
					state := "not paused"
					if pause {
						state = "already paused"
					}
					errs = append(errs, fmt.Errorf("%s %q is %s", o.info.GroupResource(), o.name, state))
					continue
				}
				if _, err := f.patchObject(ctx, o, "", "application/strategic-merge-patch+json", managerRollout, []byte(patch)); err != nil {
					return err
				}
				fmt.Fprintf(f.Out, "%s/%s %s\n", o.info.KindForName(), o.name, verb)
			}
			return errs.ErrOrNil()
		},
	}
}

// NewSetCommand returns `set` with `set image`.
func NewSetCommand(f *Factory) *cobra.Command {
	c := &cobra.Command{Use: "set SUBCOMMAND", Short: "Set specific features on objects"}
	img := &cobra.Command{
		Use:   "image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N",
		Short: "Update the image of a pod template",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var resArgs []string
			images := map[string]string{}
			for _, a := range args {
				if k, v, ok := cutEq(a); ok {
					images[k] = v
				} else {
					resArgs = append(resArgs, a)
				}
			}
			if len(images) == 0 {
				return fmt.Errorf("at least one image update is required")
			}
			objs, err := f.objectsFor(ctx, resArgs, "", false)
			if err != nil {
				return err
			}
			c, err := f.Client()
			if err != nil {
				return err
			}
			for _, o := range objs {
				obj, err := getJSON(ctx, c, o.info, o.ns, o.name)
				if err != nil {
					return err
				}
				podSpec, path := podSpecOf(obj)
				if podSpec == nil {
					return fmt.Errorf("%s/%s has no pod template", o.info.KindForName(), o.name)
				}
				patchSpec := map[string]any{}
				found := map[string]bool{}
				for _, field := range []string{"initContainers", "containers"} {
					cs, _ := podSpec[field].([]any)
					var upd []any
					for _, ct := range cs {
						cm, _ := ct.(map[string]any)
						name, _ := cm["name"].(string)
						img, ok := images[name]
						if !ok {
							img, ok = images["*"]
						}
						if ok {
							found[name] = true
							upd = append(upd, map[string]any{"name": name, "image": img})
						}
					}
					if len(upd) > 0 {
						patchSpec[field] = upd
					}
				}
				for name := range images {
					if name != "*" && !found[name] {
						return fmt.Errorf("unable to find container named %q", name)
					}
				}
				var patch any = map[string]any{"spec": patchSpec}
				for i := len(path) - 1; i >= 0; i-- {
					patch = map[string]any{path[i]: patch}
				}
				body, _ := json.Marshal(patch)
				if _, err := f.patchObject(ctx, o, "", "application/strategic-merge-patch+json", managerSet, body); err != nil {
					return err
				}
				fmt.Fprintf(f.Out, "%s/%s image updated\n", o.info.KindForName(), o.name)
			}
			return nil
		},
	}
	c.AddCommand(img)
	return c
}

func cutEq(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

// podSpecOf finds the pod spec of a pod, a workload's template or a cronjob's job template.
func podSpecOf(obj map[string]any) (map[string]any, []string) {
	spec, _ := obj["spec"].(map[string]any)
	if obj["kind"] == "Pod" {
		return spec, nil
	}
	if jt, ok := spec["jobTemplate"].(map[string]any); ok {
		js, _ := jt["spec"].(map[string]any)
		t, _ := js["template"].(map[string]any)
		ps, _ := t["spec"].(map[string]any)
		return ps, []string{"spec", "jobTemplate", "spec", "template"}
	}
	t, _ := spec["template"].(map[string]any)
	ps, _ := t["spec"].(map[string]any)
	return ps, []string{"spec", "template"}
}
