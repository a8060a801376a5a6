module example.com/cloud-provider-sample

go 1.26

require (
	keel.dev/api v0.0.0
	keel.dev/cloud-provider v0.0.0
)

require (
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	keel.dev/apimachinery v0.0.0 // indirect
	keel.dev/client v0.0.0 // indirect
	sigs.k8s.io/yaml v1.6.0 // indirect
)

replace (
	keel.dev/api => ../../staging/src/keel.dev/api
	keel.dev/apimachinery => ../../staging/src/keel.dev/apimachinery
	keel.dev/client => ../../staging/src/keel.dev/client
	keel.dev/cloud-provider => ../../staging/src/keel.dev/cloud-provider
)
