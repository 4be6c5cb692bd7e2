// Package labtest starts labs for tests in other packages.
package labtest

import (
	"context"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// Start runs a lab seeded with a built-in estate until the test ends.
func Start(t testing.TB, estate string) *lab.Lab {
	t.Helper()
	snap, err := lab.BuiltIn(estate)
	if err != nil {
		t.Fatal(err)
	}
	l, err := lab.Start(context.Background(), snap, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}
