package inventory

// HostKind says what a host is: an ESXi host read from vCenter or a declared server.
type HostKind string

const (
	KindESXi     HostKind = "esxi"
	KindPhysical HostKind = "physical"
	KindLPAR     HostKind = "lpar"
	KindHyperV   HostKind = "hyperv"
	KindKVM      HostKind = "kvm"
)

// HostKinds lists every host kind, for validators and documentation.
var HostKinds = []HostKind{KindESXi, KindPhysical, KindLPAR, KindHyperV, KindKVM}

// Connection is a host's connection state as vCenter reports it.
type Connection string

const (
	Connected     Connection = "connected"
	Disconnected  Connection = "disconnected"
	NotResponding Connection = "not_responding"
)

// Connections lists every connection state.
var Connections = []Connection{Connected, Disconnected, NotResponding}

// Power is a VM's power state.
type Power string

const (
	PoweredOn  Power = "on"
	PoweredOff Power = "off"
	Suspended  Power = "suspended"
)

// Powers lists every power state.
var Powers = []Power{PoweredOn, PoweredOff, Suspended}

// AdmissionPolicy is a vSphere HA admission-control policy.
type AdmissionPolicy string

const (
	PolicySlot          AdmissionPolicy = "slot"
	PolicyPercentage    AdmissionPolicy = "percentage"
	PolicyFailoverHosts AdmissionPolicy = "failover_hosts"
	PolicyDisabled      AdmissionPolicy = "disabled"
)

// AdmissionPolicies lists every admission-control policy.
var AdmissionPolicies = []AdmissionPolicy{PolicySlot, PolicyPercentage, PolicyFailoverHosts, PolicyDisabled}

// Takeover is how a standby host absorbs failed active hosts.
type Takeover string

const (
	// TakeoverWholeHost: one standby assumes one failed host's role and must be at least as large.
	TakeoverWholeHost Takeover = "whole_host"
	// TakeoverConsolidated: one standby may host the workloads of several failed hosts if they fit.
	TakeoverConsolidated Takeover = "consolidated"
)

// Takeovers lists every takeover mode.
var Takeovers = []Takeover{TakeoverWholeHost, TakeoverConsolidated}

// Criticality ranks business systems in reports.
type Criticality string

const (
	CriticalityCritical Criticality = "critical"
	CriticalityHigh     Criticality = "high"
	CriticalityMedium   Criticality = "medium"
	CriticalityLow      Criticality = "low"
)

// Criticalities lists every criticality.
var Criticalities = []Criticality{CriticalityCritical, CriticalityHigh, CriticalityMedium, CriticalityLow}

// Strings turns a list of typed enum values into plain strings, for validators and messages.
func Strings[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
