// bpf-lb-acceleration=native on a node whose NIC driver has no native XDP. Unlike best-effort
// (xdp-driver-unsupported.ts), native returns the attach error (pkg/datapath/loader/base.go
// reinitializeXDPLocked: `attaching XDP program to interface <dev>: <err>`), so the datapath orchestrator's
// re-initialisation fails and is retried every 10 s (pkg/datapath/orchestrator/orchestrator.go: Warn
// "Failed to initialize datapath, retrying later" with error and retry-delay; module id "orchestrator" in its
// cell.go). The inner error is the bpf_link one recorded in cilium/cilium#32699. The agent keeps running with
// the tc programs it has and no cil_xdp_entry. Modelled as 1.16+ (the orchestrator); older agents exit
// instead ("Failed to compile XDP program", cilium/cilium#22970). A restart meets the same driver.
import { defineFault, type FaultLogs } from './types.js';
import { xdpDriverFault } from './xdp-driver-unsupported.js';

export default defineFault({
  ...xdpDriverFault('xdp-native-attach-failed'),
  logs: (f): FaultLogs => ({
    records: [
      {
        level: 'warning',
        msg: 'Failed to initialize datapath, retrying later',
        subsys: 'orchestrator',
        fields: {
          error: `attaching XDP program to interface ${f.device}: program cil_xdp_entry: attaching program cil_xdp_entry using bpf_link: create link: operation not supported`,
          'retry-delay': '10s',
        },
      },
    ],
  }),
});
