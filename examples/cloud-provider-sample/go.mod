module example.com/cloud-provider-sample

go 1.26

require (
	github.com/spf13/cobra v1.10.2
	keel.dev/api v0.0.0
	keel.dev/apimachinery v0.0.0
	keel.dev/client v0.0.0
	keel.dev/cloud-provider v0.0.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.10 // indirect
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	sigs.k8s.io/yaml v1.6.0 // indirect
)

replace (
	keel.dev/api => ../../staging/src/keel.dev/api
	keel.dev/apimachinery => ../../staging/src/keel.dev/apimachinery
	keel.dev/client => ../../staging/src/keel.dev/client
	keel.dev/cloud-provider => ../../staging/src/keel.dev/cloud-provider
)
