package lab

import (
	"bytes"
	"embed"
	"fmt"
	"slices"
	"strings"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

//go:embed estates/*.json
var estateFiles embed.FS

// BuiltIn returns a built-in estate by name: "demo" (generated, see Demo)
// or one of the snapshot files under estates/ ("small").
func BuiltIn(name string) (*inventory.Snapshot, error) {
	if name == "demo" {
		return Demo(), nil
	}
	data, err := estateFiles.ReadFile("estates/" + name + ".json")
	if err != nil {
		return nil, fmt.Errorf("unknown built-in estate %q: built-in estates are %s", name, strings.Join(BuiltInNames(), ", "))
	}
	return inventory.Decode(bytes.NewReader(data))
}

// BuiltInNames lists the built-in estates.
func BuiltInNames() []string {
	names := []string{"demo"}
	entries, _ := estateFiles.ReadDir("estates")
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(names)
	return names
}
