// The cluster layer's shapes: client options, request/list/log/exec options and results.

export interface ClientOptions {
  /** Per-request timeout (kubectl's --request-timeout); 0 = none. */
  requestTimeoutMs: number;
  /** Bound on concurrent per-node calls. */
  concurrency: number;
  /** Log streams held open at once (kdiag logs --max-log-requests): sockets on top of the per-node calls. */
  streams?: number;
  /** Client-side rate limit (client-go's QPS and Burst): a token bucket; qps 0 or unset = no limit. */
  qps?: number;
  burst?: number;
  /** Retries for 429/5xx and dropped connections (idempotent requests only). */
  retries?: number;
  /** Called with one line per API call (verbose mode). Never receives credentials. */
  trace?: (line: string) => void;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  timeoutMs?: number;
  accept?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (limit); the continue token fetches the rest. */
  pageSize?: number;
}

export interface LogOptions {
  container?: string;
  tailLines?: number;
  sinceSeconds?: number;
  previous?: boolean;
  follow?: boolean;
  timestamps?: boolean;
  limitBytes?: number;
  timeoutMs?: number;
}

export interface ExecOptions {
  timeoutMs?: number;
  /** Receives stdout chunks as they arrive (then `stdout` in the result stays empty). */
  onStdout?: (chunk: Buffer) => void;
  /** Cap on buffered stdout; beyond it the call fails rather than eat memory. */
  maxBufferBytes?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    continue?: string;
    uid?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface ListResponse<T> {
  items?: T[];
  metadata?: { continue?: string; resourceVersion?: string };
}
