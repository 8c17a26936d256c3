// Socket LB cannot attach: the cgroup_sock_addr programs (cil_sock*, bpf/bpf_sock.c; sock4_* before 1.13)
// are missing while the tc programs are loaded, as on a node without a cgroup v2 root (nested/kind,
// cgroup v1) or without kernel BTF. pkg/socketlb/socketlb.go wraps the attach error ("cgroup attach: …");
// no recorded agent line is at hand, so this fault adds no log line: its evidence is the program listing.
import { z } from 'zod';
import { defineFault, faultBase } from './types.js';

export default defineFault({
  schema: z.object({ kind: z.literal('socket-lb-cannot-attach'), ...faultBase }).strict(),
  fixedByRestart: false,
  dropsProgram: (_f, name) => /^(cil_)?sock[46]?_/.test(name),
});
