// The agent cannot reach the API server: k8s-service-host points at the `kubernetes` Service's ClusterIP
// while nothing translates it yet (kube-proxy removed), so the agent crash loops. Lines as
// pkg/k8s/client logs them (msg "Unable to contact k8s api-server", field ipAddr) and the hive's
// "Start hook failed"; the shape is the one quoted in Cilium's install troubleshooting docs.
import { z } from 'zod';
import { defineFault, faultBase, type FaultLogs } from './types.js';

export default defineFault({
  schema: z
    .object({
      kind: z.literal('api-server-unreachable'),
      ...faultBase,
      /** The address the agent was told to use. */
      host: z.string().default('https://10.96.0.1:443'),
      restarts: z.number().int().min(1).default(7),
      /**
       * How the dial fails: `timeout` (nothing translates the ClusterIP), `refused` (wrong k8s-service-port),
       * `x509` (the address is not in the API server certificate's SANs, cilium/cilium#34153, #8310).
       */
      error: z.enum(['timeout', 'refused', 'x509']).default('timeout'),
      /** The SANs the API server certificate names (for `x509`). */
      certSans: z.array(z.string().min(1)).min(1).default(['10.96.0.1', '172.18.0.4', '127.0.0.1']),
    })
    .strict(),
  fixedByRestart: false,
  health: () => 'crashloop',
  restarts: (f) => f.restarts,
  logs: (f): FaultLogs => {
    const hostPort = f.host.replace(/^https?:\/\//, '');
    const host = hostPort.replace(/:\d+$/, '');
    // Go's net/http, net and crypto/tls + crypto/x509 (HostnameError) wording, as the reports quote it.
    const cause = {
      timeout: `dial tcp ${hostPort}: i/o timeout`,
      refused: `dial tcp ${hostPort}: connect: connection refused`,
      x509: `tls: failed to verify certificate: x509: certificate is valid for ${f.certSans.join(', ')}, not ${host}`,
    }[f.error];
    const error = `Get "${f.host}/api/v1/namespaces/kube-system": ${cause}`;
    return {
      records: [
        { level: 'info', msg: 'Establishing connection to apiserver', subsys: 'k8s-client', fields: { host: f.host } },
        {
          level: 'error',
          msg: 'Unable to contact k8s api-server',
          subsys: 'k8s-client',
          fields: { error, ipAddr: f.host },
        },
        { level: 'error', msg: 'Start hook failed', subsys: 'hive', fields: { error } },
      ],
    };
  },
});
