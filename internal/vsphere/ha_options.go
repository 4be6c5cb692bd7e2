package vsphere

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/vim25/types"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// The vSphere HA advanced options the analysis depends on. vCenter keeps
// option keys as typed, so they are matched case-insensitively; values are
// strings.
const (
	optRespectAntiAffinity = "das.respectvmvmantiaffinityrules"
	optVMCPUMinMHz         = "das.vmcpuminmhz"
	optVMMemoryMinMB       = "das.vmmemoryminmb"
)

// haOptionsFrom reads the advanced options; other options are not the estate's business.
func haOptionsFrom(options []types.BaseOptionValue) (inventory.HAOptions, []string) {
	var out inventory.HAOptions
	var warnings []string
	for _, o := range options {
		ov := o.GetOptionValue()
		value := strings.TrimSpace(fmt.Sprint(ov.Value))
		switch strings.ToLower(ov.Key) {
		case optRespectAntiAffinity:
			switch strings.ToLower(value) {
			case "true":
				out.RespectVMAntiAffinityRules = types.NewBool(true)
			case "false":
				out.RespectVMAntiAffinityRules = types.NewBool(false)
			default:
				warnings = append(warnings, fmt.Sprintf("HA option %s = %q is not true or false; using vSphere's default true", ov.Key, value))
			}
		case optVMCPUMinMHz:
			out.VMCPUMinMHz = wholeOption(ov.Key, value, "MHz", inventory.DefaultVMCPUMinMHz, &warnings)
		case optVMMemoryMinMB:
			out.VMMemoryMinMB = wholeOption(ov.Key, value, "MB", inventory.DefaultVMMemoryMinMB, &warnings)
		}
	}
	return out, warnings
}

// wholeOption parses a non-negative whole number, or warns and returns nil (vSphere's default).
func wholeOption(key, value, unit string, def int64, warnings *[]string) *int64 {
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || n < 0 {
		*warnings = append(*warnings, fmt.Sprintf("HA option %s = %q is not a whole number of %s ≥ 0; using vSphere's default %d", key, value, unit, def))
		return nil
	}
	return &n
}

// haOptionValues writes the set options in vCenter's spelling.
func haOptionValues(o inventory.HAOptions) []types.BaseOptionValue {
	var out []types.BaseOptionValue
	if o.RespectVMAntiAffinityRules != nil {
		out = append(out, &types.OptionValue{Key: optRespectAntiAffinity, Value: strconv.FormatBool(*o.RespectVMAntiAffinityRules)})
	}
	if o.VMCPUMinMHz != nil {
		out = append(out, &types.OptionValue{Key: optVMCPUMinMHz, Value: strconv.FormatInt(*o.VMCPUMinMHz, 10)})
	}
	if o.VMMemoryMinMB != nil {
		out = append(out, &types.OptionValue{Key: optVMMemoryMinMB, Value: strconv.FormatInt(*o.VMMemoryMinMB, 10)})
	}
	return out
}

// invalidValue words a warning about an unknown enum value vCenter reported.
func invalidValue[T ~string](property, got string, valid []T, def string) string {
	return fmt.Sprintf("%s = %q is not one of %s; using vSphere's default %s", property, got, strings.Join(inventory.Strings(valid), ", "), def)
}
