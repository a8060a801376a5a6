module keel.dev/cloud-provider

go 1.26

require (
	keel.dev/api v0.0.0
	keel.dev/apimachinery v0.0.0
	keel.dev/client v0.0.0
)

replace (
	keel.dev/api => ../api
	keel.dev/apimachinery => ../apimachinery
	keel.dev/client => ../client
)
