package inventory_test

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// update rewrites the golden files from what the code writes:
//
//	go test ./internal/inventory/ -run Golden -update
var update = flag.Bool("update", false, "rewrite the golden files from the code's output")

// TestGoldenCodecRoundTrip pins the exact bytes a writer produces for the
// fixture estate (sorted collections, field order, empty collections as [],
// two-space indent), and that decoding them and encoding again gives the same bytes.
func TestGoldenCodecRoundTrip(t *testing.T) {
	const path = "testdata/fixture.snapshot.json"
	got, err := inventory.EncodeString(inventory.MustNew(fixture()))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run 'go test ./internal/inventory/ -update' to create it)", err)
	}
	if got != string(want) {
		t.Errorf("Encode differs from %s (if intended, run 'go test ./internal/inventory/ -update' and review the diff):\ngot:\n%s", path, got)
	}
	back, err := inventory.Decode(bytes.NewReader(want))
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	if again, _ := inventory.EncodeString(back); again != string(want) {
		t.Errorf("decode + encode of %s changed the document:\n%s", path, again)
	}
}

// TestExampleEstatesAreValid decodes the estates that the guides show, so an
// example cannot drift out of the format.
func TestExampleEstatesAreValid(t *testing.T) {
	for _, path := range []string{"../../examples/analyze/estate.json", "../lab/estates/small.json"} {
		if _, err := inventory.DecodeFile(path); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

func TestDecodeEmptyCollectionsAndUnknownFields(t *testing.T) {
	s, err := inventory.Decode(strings.NewReader(`{"format":"estate.snapshot/v1","generator":"future","hosts":[{"name":"h1","cpu_cores":2,"cpu_mhz_per_core":1000,"memory_mb":1024,"rack":"r1"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if h, ok := s.Host("h1"); !ok || h.CPUCapacityMHz() != 2000 || h.Kind != inventory.KindESXi {
		t.Errorf("h1 = %+v", h)
	}
	out, _ := inventory.EncodeString(s)
	if !strings.Contains(out, `"vms": []`) {
		t.Errorf("empty collections must encode as []:\n%s", out)
	}
}

// brokenFiles are documents Decode refuses, with the exact message.
var brokenFiles = []struct {
	name string
	doc  string
	want string
}{
	{"no format", `{"hosts":[]}`, `snapshot has no "format" field: want "estate.snapshot/v1"`},
	{"wrong version", `{"format":"estate.snapshot/v2"}`, `unsupported snapshot format "estate.snapshot/v2": this build reads "estate.snapshot/v1"`},
	{"bad JSON", "{\"format\":\"estate.snapshot/v1\",\n\"hosts\": [,]}", `snapshot is not valid JSON at line 2, column 11: invalid character ',' looking for beginning of value`},
	{"wrong type", "{\"format\":\"estate.snapshot/v1\",\n\"hosts\":[{\"name\":\"h1\",\"memory_mb\":\"lots\"}]}", `snapshot field "hosts.memory_mb" ending at line 2, column 41: got JSON string, want int64`},
	{"unknown host referenced by a VM", `{"format":"estate.snapshot/v1","hosts":[{"name":"esx-01"},{"name":"esx-02"}],"vms":[{"name":"a","host":"esx-01"},{"name":"b","host":"esx-7"}]}`,
		`vms[1] "b".host: unknown host "esx-7": known hosts are esx-01, esx-02`},
	{"VM without host", `{"format":"estate.snapshot/v1","vms":[{"name":"a"}]}`,
		`vms[0] "a".host: must name the host the VM is registered on`},
	{"duplicate host", `{"format":"estate.snapshot/v1","hosts":[{"name":"esx-01"},{"name":"esx-01"}]}`,
		`hosts[1] "esx-01": duplicate name: host names must be unique`},
	{"empty name", `{"format":"estate.snapshot/v1","datastores":[{"name":""}]}`, `datastores[0].name: must not be empty`},
	{"negative capacity", `{"format":"estate.snapshot/v1","hosts":[{"name":"esx-01","cpu_cores":-4,"memory_mb":-1}]}`,
		"hosts[0] \"esx-01\".cpu_cores: must not be negative, got -4\nhosts[0] \"esx-01\".memory_mb: must not be negative, got -1"},
	{"free above capacity", `{"format":"estate.snapshot/v1","datastores":[{"name":"ds","capacity_mb":10,"free_mb":11}]}`,
		`datastores[0] "ds".free_mb: free space 11 MiB exceeds capacity 10 MiB`},
	{"bad enum", `{"format":"estate.snapshot/v1","hosts":[{"name":"h","connection":"offline"}]}`,
		`hosts[0] "h".connection: invalid value "offline": must be one of connected, disconnected, not_responding`},
	{"unknown cluster", `{"format":"estate.snapshot/v1","clusters":[{"name":"prod"}],"hosts":[{"name":"h","cluster":"dev"}]}`,
		`hosts[0] "h".cluster: unknown cluster "dev": known clusters are prod`},
	{"failover host in another cluster", `{"format":"estate.snapshot/v1","clusters":[{"name":"a","ha":{"enabled":true,"admission_control":{"policy":"failover_hosts","failover_hosts":["h"]}}},{"name":"b"}],"hosts":[{"name":"h","cluster":"b"}]}`,
		`clusters[0] "a".ha.admission_control.failover_hosts[0]: host "h" is in cluster "b", not in "a"`},
	{"percent out of range", `{"format":"estate.snapshot/v1","clusters":[{"name":"a","ha":{"admission_control":{"policy":"percentage","cpu_percent":150}}}]}`,
		`clusters[0] "a".ha.admission_control.cpu_percent: must be between 0 and 100, got 150`},
	{"unknown member of a business system", `{"format":"estate.snapshot/v1","business_systems":[{"name":"payroll","vms":["pay-01"]}]}`,
		`business_systems[0] "payroll".vms[0]: unknown VM "pay-01": there are no VMs`},
	{"standby group", `{"format":"estate.snapshot/v1","hosts":[{"name":"a"},{"name":"s"}],"standby_groups":[{"name":"g","active":["a"],"standby":["a"],"tolerate":2,"takeover":"hot"}]}`,
		"standby_groups[0] \"g\".takeover: invalid value \"hot\": must be one of whole_host, consolidated\nstandby_groups[0] \"g\".standby[0]: host \"a\" is listed as both active and standby\nstandby_groups[0] \"g\".tolerate: must be between 1 and the number of active hosts (1), got 2"},
	{"many known names are abbreviated", `{"format":"estate.snapshot/v1","hosts":[{"name":"h01"},{"name":"h02"},{"name":"h03"},{"name":"h04"},{"name":"h05"},{"name":"h06"},{"name":"h07"},{"name":"h08"},{"name":"h09"},{"name":"h10"}],"vms":[{"name":"v","host":"h11"}]}`,
		`vms[0] "v".host: unknown host "h11": known hosts are h01, h02, h03, h04, h05, h06, h07, h08 … (10 in all)`},
}

func TestDecodeRejectsBrokenFiles(t *testing.T) {
	for _, tt := range brokenFiles {
		t.Run(tt.name, func(t *testing.T) {
			_, err := inventory.Decode(strings.NewReader(tt.doc))
			if err == nil || err.Error() != tt.want {
				t.Errorf("got error:\n%v\nwant:\n%s", err, tt.want)
			}
		})
	}
}

// TestGuideShowsRealValidationMessages: every message the snapshot-format
// guide quotes under "Validation" is one Decode gives (TestDecodeRejectsBrokenFiles).
func TestGuideShowsRealValidationMessages(t *testing.T) {
	guide, err := os.ReadFile("../../templates/guides/snapshot-format.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(guide), "## Validation\n")
	_, block, ok2 := strings.Cut(section, "```\n")
	block, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("the guide has no code block under ## Validation")
	}
	given := map[string]bool{}
	for _, tt := range brokenFiles {
		for _, line := range strings.Split(tt.want, "\n") {
			given[line] = true
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		if !given[line] {
			t.Errorf("the guide quotes %q, which no test shows Decode giving", line)
		}
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := inventory.EncodeString(inventory.MustNew(fixture()))
	f.Add(good)
	f.Add(`{"format":"estate.snapshot/v1","vms":[{"name":"a","host":"b"}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		s, err := inventory.Decode(strings.NewReader(doc))
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode again to the same document.
		out, err := inventory.EncodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := inventory.Decode(strings.NewReader(out))
		if err != nil {
			t.Fatalf("re-decoding our own output: %v", err)
		}
		if again, _ := inventory.EncodeString(back); again != out {
			t.Fatalf("encoding is not stable")
		}
	})
}
