module keel.dev/cloud-provider

go 1.26

require (
	keel.dev/api v0.0.0
	keel.dev/client v0.0.0
)

require (
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	keel.dev/apimachinery v0.0.0 // indirect
	sigs.k8s.io/yaml v1.6.0 // indirect
)

replace (
	keel.dev/api => ../api
	keel.dev/apimachinery => ../apimachinery
	keel.dev/client => ../client
)
