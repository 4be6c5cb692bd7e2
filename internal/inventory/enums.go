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

// HostMonitoring is vSphere HA's host monitoring switch (ClusterDasConfigInfo.hostMonitoring).
// With it off, HA does not react to a host failure: nothing is restarted.
type HostMonitoring string

const (
	HostMonitoringEnabled  HostMonitoring = "enabled"
	HostMonitoringDisabled HostMonitoring = "disabled"
)

// HostMonitorings lists every host monitoring state.
var HostMonitorings = []HostMonitoring{HostMonitoringEnabled, HostMonitoringDisabled}

// RestartPriority is vSphere HA's VM restart priority (ClusterDasVmSettingsRestartPriority).
// "disabled" means HA never restarts the VM.
type RestartPriority string

const (
	RestartDisabled RestartPriority = "disabled"
	RestartLowest   RestartPriority = "lowest"
	RestartLow      RestartPriority = "low"
	RestartMedium   RestartPriority = "medium"
	RestartHigh     RestartPriority = "high"
	RestartHighest  RestartPriority = "highest"
)

// RestartPriorities lists every restart priority.
var RestartPriorities = []RestartPriority{RestartDisabled, RestartLowest, RestartLow, RestartMedium, RestartHigh, RestartHighest}

// DRSAutomation is a DRS automation level (DrsBehavior), for a cluster or as a
// VM override; "disabled" is valid only as a VM override (DRS leaves the VM alone).
type DRSAutomation string

const (
	DRSManual             DRSAutomation = "manual"
	DRSPartiallyAutomated DRSAutomation = "partially_automated"
	DRSFullyAutomated     DRSAutomation = "fully_automated"
	DRSDisabledForVM      DRSAutomation = "disabled"
)

// DRSClusterAutomations lists the automation levels a cluster may have.
var DRSClusterAutomations = []DRSAutomation{DRSManual, DRSPartiallyAutomated, DRSFullyAutomated}

// DRSVMAutomations lists the automation overrides a VM may have.
var DRSVMAutomations = []DRSAutomation{DRSManual, DRSPartiallyAutomated, DRSFullyAutomated, DRSDisabledForVM}

// RuleKind is the kind of a DRS rule. VM-VM rules list VMs; VM-Host rules
// relate a VM group to a host group. "must" rules are required: DRS and
// vSphere HA never violate them. "should" rules are preferences that HA may
// violate to restart a VM.
type RuleKind string

const (
	RuleVMAffinity     RuleKind = "vm_affinity"
	RuleVMAntiAffinity RuleKind = "vm_anti_affinity"
	RuleMustRunOn      RuleKind = "must_run_on"
	RuleShouldRunOn    RuleKind = "should_run_on"
	RuleMustNotRunOn   RuleKind = "must_not_run_on"
	RuleShouldNotRunOn RuleKind = "should_not_run_on"
)

// RuleKinds lists every DRS rule kind.
var RuleKinds = []RuleKind{RuleVMAffinity, RuleVMAntiAffinity, RuleMustRunOn, RuleShouldRunOn, RuleMustNotRunOn, RuleShouldNotRunOn}

// VMHost reports whether the rule relates a VM group to a host group.
func (k RuleKind) VMHost() bool {
	return k == RuleMustRunOn || k == RuleShouldRunOn || k == RuleMustNotRunOn || k == RuleShouldNotRunOn
}

// Required reports whether vSphere never violates the rule (a "must" VM-Host rule).
func (k RuleKind) Required() bool { return k == RuleMustRunOn || k == RuleMustNotRunOn }
