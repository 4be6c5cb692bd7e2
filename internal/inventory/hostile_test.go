package inventory_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// endless is /dev/zero: it never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestDecodeRefusesInputAboveTheSizeLimit(t *testing.T) {
	defer func(old int64) { inventory.MaxSnapshotBytes = old }(inventory.MaxSnapshotBytes)
	inventory.MaxSnapshotBytes = 1 << 20
	_, err := inventory.Decode(endless{})
	want := "snapshot is larger than the limit of 1 MiB: not an estate.snapshot/v1 file (real estates are a few MiB)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	// A document exactly at the limit is read.
	doc := `{"format":"estate.snapshot/v1"}`
	inventory.MaxSnapshotBytes = int64(len(doc))
	if _, err := inventory.Decode(strings.NewReader(doc)); err != nil {
		t.Errorf("document at the limit: %v", err)
	}
}

func TestDecodeRefusesInvalidUTF8(t *testing.T) {
	doc := "{\"format\":\"estate.snapshot/v1\",\n\"hosts\":[{\"name\":\"esx-\xff\"}]}"
	_, err := inventory.Decode(strings.NewReader(doc))
	want := "snapshot is not valid UTF-8 at line 2, column 23: JSON text must be UTF-8"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestValidationClipsLongNames(t *testing.T) {
	long := strings.Repeat("a", 1<<20)
	doc := fmt.Sprintf(`{"format":"estate.snapshot/v1","hosts":[{"name":"h1"}],"vms":[{"name":%q,"host":%q}]}`, long, long)
	_, err := inventory.Decode(strings.NewReader(doc))
	clipped := `"` + strings.Repeat("a", inventory.MaxEchoedName) + `… (1048576 bytes)"`
	want := `vms[0] ` + clipped + `.host: unknown host ` + clipped + `: known hosts are h1`
	if err == nil || err.Error() != want {
		t.Fatalf("got (%d bytes) %.300s\nwant %s", len(fmt.Sprint(err)), err, want)
	}
}

func TestValidationListsTheFirstProblemsAndCountsTheRest(t *testing.T) {
	var vms []string
	for i := range 5000 {
		vms = append(vms, fmt.Sprintf(`{"name":"vm-%d","host":"nowhere"}`, i))
	}
	doc := `{"format":"estate.snapshot/v1","vms":[` + strings.Join(vms, ",") + `]}`
	_, err := inventory.Decode(strings.NewReader(doc))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != inventory.MaxListedProblems+1 {
		t.Fatalf("%d lines, want %d:\n%v", len(lines), inventory.MaxListedProblems+1, err)
	}
	if lines[0] != `vms[0] "vm-0".host: unknown host "nowhere": there are no hosts` {
		t.Errorf("first line %q", lines[0])
	}
	if want := fmt.Sprintf("… and %d more problems (5000 in all)", 5000-inventory.MaxListedProblems); lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
	}
}

var _ io.Reader = endless{}
