package cmd

import "github.com/spf13/cobra"

// AddCommands registers every finished command on root.
func AddCommands(root *cobra.Command, f *Factory) {
	root.AddCommand(
		NewGetCommand(f),
		NewCreateCommand(f),
		NewApplyCommand(f),
		NewDeleteCommand(f),
		newMetadataCommand(f, "label", "labels", "labeled", managerLabel),
		newMetadataCommand(f, "annotate", "annotations", "annotated", managerAnnotate),
		NewScaleCommand(f),
		NewPatchCommand(f),
		NewDescribeCommand(f),
		NewLogsCommand(f),
		NewExecCommand(f),
		NewPortForwardCommand(f),
		NewCpCommand(f),
		NewRolloutCommand(f),
		NewSetCommand(f),
		NewEditCommand(f),
		NewAuthCommand(f),
		NewTopCommand(f),
		NewWaitCommand(f),
		newCordonCommand(f, true),
		newCordonCommand(f, false),
		newDrainCommand(f),
		newTaintCommand(f),
		NewAPIResourcesCommand(f),
		NewExplainCommand(f),
		NewAPIVersionsCommand(f),
		NewVersionCommand(f),
		NewConfigCommand(f),
		NewCompletionCommand(f),
	)
}
