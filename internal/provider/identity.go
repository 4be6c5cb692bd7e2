package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identities (Terraform 1.12+) of the importable resources: each is known by one name,
// the attribute its configuration already requires (docs/design/identity.md). Terraform before 1.12
// and OpenTofu 1.10 keep no identities; the framework then hands the resource a null one to fill.

// nameIdentity is the identity of estate_host and estate_business_system.
type nameIdentity struct {
	Name types.String `tfsdk:"name"`
}

func nameIdentitySchema(description string) identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"name": identityschema.StringAttribute{RequiredForImport: true, Description: description},
	}}
}

// setNameIdentity records the identity from the resource's `name`.
func setNameIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, name types.String, diags *diagnostics) {
	if identity != nil && !name.IsNull() && !name.IsUnknown() {
		diags.Append(identity.Set(ctx, nameIdentity{Name: name})...)
	}
}

// nameFrom reads the `name` attribute of a plan or a state.
func nameFrom(ctx context.Context, get func(context.Context, path.Path, any) diagnostics, diags *diagnostics) types.String {
	var name types.String
	diags.Append(get(ctx, path.Root("name"), &name)...)
	return name
}

// importByName sets `name` (from the import ID or the identity) and `id`.
func importByName(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("name"), path.Root("name"), req, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	name := nameFrom(ctx, resp.State.GetAttribute, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
}
