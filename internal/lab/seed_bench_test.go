package lab_test

import (
	"context"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/lab"
)

// BenchmarkSeed measures starting a lab with 10,000 VMs on 320 hosts.
func BenchmarkSeed10000VMs(b *testing.B) {
	snap := lab.Synthetic(320, 10000)
	for b.Loop() {
		l, err := lab.Start(context.Background(), snap, lab.Options{})
		if err != nil {
			b.Fatal(err)
		}
		l.Close()
	}
}
