// Package labtest starts labs for tests in other packages.
package labtest

import (
	"context"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
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

// StartWith runs a lab seeded with a built-in estate changed by edit, until the test ends.
func StartWith(t testing.TB, estate string, edit func(e *inventory.Estate)) *lab.Lab {
	t.Helper()
	snap, err := lab.BuiltIn(estate)
	if err != nil {
		t.Fatal(err)
	}
	e := snap.Estate()
	edit(&e)
	if snap, err = inventory.New(e); err != nil {
		t.Fatal(err)
	}
	l, err := lab.Start(context.Background(), snap, lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}
