package analysis

import (
	"fmt"
	"slices"
)

// datastoreChecker: a VM runs only on a host that mounts all its datastores
// (HA restarts a VM only on a host with access to its files).
type datastoreChecker struct{}

func (datastoreChecker) name() string                 { return "datastores" }
func (datastoreChecker) hostOnly() bool               { return false }
func (datastoreChecker) static() bool                 { return true }
func (datastoreChecker) ok(p *problem, v, h int) bool { return p.w.mountsAll(h, v) }
func (datastoreChecker) why(p *problem, v, h int) string {
	host := p.w.hosts[h]
	for _, d := range p.w.vms[v].Datastores {
		if !slices.Contains(host.Datastores, d) {
			return fmt.Sprintf("does not mount datastore %q that VM %q is on", d, p.w.vms[v].Name)
		}
	}
	return "does not mount the VM's datastores"
}
