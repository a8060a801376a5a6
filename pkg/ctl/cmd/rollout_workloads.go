package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	"keel.dev/keel/pkg/ctl/client"
)

// Rollout of DaemonSets and StatefulSets: their history is the
// ControllerRevisions they control, each holding a strategic merge patch
// that puts the revision's pod template back.

// rolloutStatus returns the rollout message of a Deployment, DaemonSet or
// StatefulSet and whether the rollout is done.
func rolloutStatus(kind string, obj map[string]any) (string, bool, error) {
	switch kind {
	case "DaemonSet":
		return daemonSetStatus(obj)
	case "StatefulSet":
		return statefulSetStatus(obj)
	}
	return deploymentStatus(obj)
}

// errOnlyRollingUpdate is the answer for workloads updated OnDelete.
var errOnlyRollingUpdate = fmt.Errorf("rollout status is only available for RollingUpdate strategy type")

func strategyType(obj map[string]any) string {
	return gets(obj, "spec", "updateStrategy", "type")
}

func daemonSetStatus(ds map[string]any) (string, bool, error) {
	if t := strategyType(ds); t != "" && t != "RollingUpdate" {
		return "", false, errOnlyRollingUpdate
	}
	name := metaString(ds, "name")
	if num(ds, "metadata", "generation") > num(ds, "status", "observedGeneration") {
		return "Waiting for daemon set spec update to be observed...\n", false, nil
	}
	desired := num(ds, "status", "desiredNumberScheduled")
	if updated := num(ds, "status", "updatedNumberScheduled"); updated < desired {
		return fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d out of %d new pods have been updated...\n", name, updated, desired), false, nil
	}
	if available := num(ds, "status", "numberAvailable"); available < desired {
		return fmt.Sprintf("Waiting for daemon set %q rollout to finish: %d of %d updated pods are available...\n", name, available, desired), false, nil
	}
	return fmt.Sprintf("daemon set %q successfully rolled out\n", name), true, nil
}

func statefulSetStatus(sts map[string]any) (string, bool, error) {
	if t := strategyType(sts); t != "" && t != "RollingUpdate" {
		return "", false, errOnlyRollingUpdate
	}
	observed := num(sts, "status", "observedGeneration")
	if observed == 0 || num(sts, "metadata", "generation") > observed {
		return "Waiting for statefulset spec update to be observed...\n", false, nil
	}
	replicas, hasReplicas := get(sts, "spec", "replicas"), get(sts, "spec", "replicas") != nil
	want := numValue(replicas)
	if ready := num(sts, "status", "readyReplicas"); hasReplicas && ready < want {
		return fmt.Sprintf("Waiting for %d pods to be ready...\n", want-ready), false, nil
	}
	updated := num(sts, "status", "updatedReplicas")
	if ru, ok := get(sts, "spec", "updateStrategy", "rollingUpdate").(map[string]any); ok && strategyType(sts) == "RollingUpdate" {
		if partition := ru["partition"]; hasReplicas && partition != nil {
			if left := want - numValue(partition); updated < left {
				return fmt.Sprintf("Waiting for partitioned roll out to finish: %d out of %d new pods have been updated...\n", updated, left), false, nil
			}
		}
		return fmt.Sprintf("partitioned roll out complete: %d new pods have been updated...\n", updated), true, nil
	}
	updateRev, currentRev := gets(sts, "status", "updateRevision"), gets(sts, "status", "currentRevision")
	if updateRev != currentRev {
		return fmt.Sprintf("waiting for statefulset rolling update to complete %d pods at revision %s...\n", updated, updateRev), false, nil
	}
	return fmt.Sprintf("statefulset rolling update complete %d pods at revision %s...\n", num(sts, "status", "currentReplicas"), currentRev), true, nil
}

// controllerRevisions returns the workload and the ControllerRevisions it
// controls, oldest revision first.
func (f *Factory) controllerRevisions(ctx context.Context, c *client.Client, o object) (map[string]any, []revision, error) {
	obj, err := getJSON(ctx, c, o.info, o.ns, o.name)
	if err != nil {
		return nil, nil, err
	}
	crInfo, err := f.Resolve(ctx, "controllerrevisions.apps")
	if err != nil {
		return nil, nil, err
	}
	items, _, err := listJSON(ctx, c, crInfo, o.ns, listOptions{labelSelector: selectorString(obj)})
	if err != nil {
		return nil, nil, err
	}
	uid := metaString(obj, "uid")
	var revs []revision
	for _, cr := range items {
		if !controlledBy(cr, uid) {
			continue
		}
		revs = append(revs, revision{number: num(cr, "revision"), rs: cr})
	}
	sort.SliceStable(revs, func(i, j int) bool { return revs[i].number < revs[j].number })
	return obj, revs, nil
}

// controlledBy reports whether obj's controller owner has uid.
func controlledBy(obj map[string]any, uid string) bool {
	refs, _ := get(obj, "metadata", "ownerReferences").([]any)
	for _, r := range refs {
		rm, _ := r.(map[string]any)
		if rm["uid"] == uid && rm["controller"] == true {
			return true
		}
	}
	return false
}

// revisionTemplate returns the pod template a ControllerRevision's patch
// sets, without the patch directive.
func revisionTemplate(cr map[string]any) (map[string]any, []byte, error) {
	data, ok := cr["data"]
	if !ok || data == nil {
		return nil, nil, fmt.Errorf("controller revision %q has no data", metaString(cr, "name"))
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, nil, err
	}
	tmpl, _ := get(data.(map[string]any), "spec", "template").(map[string]any)
	clean := map[string]any{}
	for k, v := range tmpl {
		if k != "$patch" {
			clean[k] = v
		}
	}
	return clean, raw, nil
}

// undoControllerRevision rolls a DaemonSet or StatefulSet back to
// toRevision (0: the one before the newest) by applying the revision's
// patch, and returns what to print.
func (f *Factory) undoControllerRevision(ctx context.Context, c *client.Client, o object, toRevision int64) (string, error) {
	obj, revs, err := f.controllerRevisions(ctx, c, o)
	if err != nil {
		return "", err
	}
	var target *revision
	switch {
	case toRevision == 0 && len(revs) > 1:
		target = &revs[len(revs)-2]
	case toRevision != 0:
		for i := range revs {
			if revs[i].number == toRevision {
				target = &revs[i]
			}
		}
	}
	if target == nil {
		return "", fmt.Errorf("unable to find specified revision %d in history", toRevision)
	}
	tmpl, patch, err := revisionTemplate(target.rs)
	if err != nil {
		return "", err
	}
	current, _ := get(obj, "spec", "template").(map[string]any)
	if reflect.DeepEqual(withoutNulls(normalizeJSON(current)), withoutNulls(normalizeJSON(tmpl))) {
		return fmt.Sprintf("%s/%s skipped rollback (current template already matches revision %d)\n", o.info.KindForName(), o.name, toRevision), nil
	}
	if _, err := f.patchObject(ctx, o, "", "application/strategic-merge-patch+json", "", patch); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/%s rolled back\n", o.info.KindForName(), o.name), nil
}

// withoutNulls drops null members of objects (a revision written by an
// older client may carry "creationTimestamp": null where the server omits
// the field).
func withoutNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
				continue
			}
			x[k] = withoutNulls(e)
		}
	case []any:
		for i, e := range x {
			x[i] = withoutNulls(e)
		}
	}
	return v
}
