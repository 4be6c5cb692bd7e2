module github.com/estate-tf/terraform-provider-estate

go 1.26.8
