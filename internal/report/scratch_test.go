package report_test

import (
	"os"
	"testing"

	"github.com/estate-tf/terraform-provider-estate/internal/analysis"
	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
	"github.com/estate-tf/terraform-provider-estate/internal/lab"
	"github.com/estate-tf/terraform-provider-estate/internal/report"
)

func TestScratch(t *testing.T) {
	s, _ := lab.BuiltIn("demo")
	t.Logf("hosts %d vms %d systems %d clusters %v", len(s.Hosts()), len(s.VMs()), len(s.BusinessSystems()), s.Clusters()[0].Name)
	p := analysis.DefaultPolicy()
	p.Basis = analysis.BasisConfigured
	p.CPUOvercommit = 4
	ev := analysis.Evacuate(s, p, []inventory.HostName{"esx-a06"})
	var ch []inventory.Change
	for vm, to := range ev.Moves {
		ch = append(ch, inventory.MoveVM{VM: vm, To: to})
	}
	ch = append(ch, inventory.SetMaintenance{Host: "esx-a06", On: true})
	after, err := s.With(ch...)
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Build(s, after, report.Change{Maintenance: []inventory.HostName{"esx-a06"}, Clusters: []inventory.ClusterName{"prod-a", "prod-b"}}, p)
	if err != nil {
		t.Fatal(err)
	}
	report.RenderMarkdown(os.Stdout, r)
	report.RenderText(os.Stdout, r)
}
