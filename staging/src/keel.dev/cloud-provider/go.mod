module keel.dev/cloud-provider

go 1.26

require (
	github.com/spf13/cobra v1.10.2
	github.com/spf13/pflag v1.0.10
	keel.dev/api v0.0.0
	keel.dev/apimachinery v0.0.0
	keel.dev/client v0.0.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	sigs.k8s.io/yaml v1.6.0 // indirect
)

replace (
	keel.dev/api => ../api
	keel.dev/apimachinery => ../apimachinery
	keel.dev/client => ../client
)
