package analysis

import (
	"fmt"

	"github.com/estate-tf/terraform-provider-estate/internal/inventory"
)

// availableChecker: a host takes VMs only while connected, out of
// maintenance, and not itself failing or leaving in this problem.
type availableChecker struct{}

func (availableChecker) name() string   { return "available" }
func (availableChecker) hostOnly() bool { return true }
func (availableChecker) static() bool   { return true }
func (availableChecker) ok(p *problem, _, h int) bool {
	return p.w.hosts[h].Available() && !p.isGone(h)
}
func (availableChecker) why(p *problem, _, h int) string {
	host := p.w.hosts[h]
	switch {
	case p.isGone(h) && p.purpose == restart:
		return "fails in this scenario"
	case p.isGone(h):
		return "is being emptied"
	case host.Maintenance && host.Connection != inventory.Connected:
		return fmt.Sprintf("is %s and in maintenance mode", host.Connection)
	case host.Maintenance:
		return "is in maintenance mode"
	}
	return fmt.Sprintf("is %s", host.Connection)
}
