// Package deployment rolls Deployments out through ReplicaSets.
//
//	Deployment/RS/pod informers ──► queue ──► sync
//	   claim RSes ─► paused? scale only ─► scaling event? proportional scale
//	   ─► Recreate | RollingUpdate ─► history cleanup ─► status + conditions
//
// Glossary: the new RS is the one whose pod template equals the
// deployment's (ignoring the pod-template-hash label); every other owned RS
// is old. Revisions number templates in the order they became new; a
// rollback is a template change back to an old RS, which is reused and
// renumbered. Progress is tracked in the Progressing condition, which
// turns False (ProgressDeadlineExceeded) when no progress was seen for
// progressDeadlineSeconds.
package deployment
