// Typed errors: every failure kdiag can explain carries a one-line message, a hint and an exit code.
// The base command's catch() prints `message` (and `hint`) on stderr; stacks only with --verbose or DEBUG.

export const EXIT = {
  OK: 0,
  /** Problems found (drift, failed checks, failed fix). */
  PROBLEMS: 1,
  /** Could not diagnose: API unreachable, no permission, bad input. */
  CANNOT_RUN: 2,
} as const;

/**
 * What a run found, in the terms of the exit codes: `ok` 0, `problems` 1 (something is wrong, or a fix
 * failed), `could-not-run` 2 (not everything could be seen: never a silent "healthy"). The base command
 * maps it (exitCodeFor).
 */
export type Verdict = 'ok' | 'problems' | 'could-not-run';

export type ErrorKind =
  | 'unreachable'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'timeout'
  | 'server'
  | 'rate-limited'
  | 'bad-request'
  | 'config'
  | 'parse'
  | 'not-installed'
  | 'exec'
  | 'usage'
  | 'aborted';

export class KdiagError extends Error {
  readonly kind: ErrorKind;
  readonly hint?: string;
  readonly exitCode: number;
  /** HTTP status when the error came from the API server. */
  readonly status?: number;

  constructor(
    kind: ErrorKind,
    message: string,
    opts: { hint?: string; exitCode?: number; cause?: unknown; status?: number } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'KdiagError';
    this.kind = kind;
    this.hint = opts.hint;
    this.status = opts.status;
    this.exitCode = opts.exitCode ?? EXIT.CANNOT_RUN;
  }
}

/** A 403 from the API server, with the exact permission that is missing. */
export class ForbiddenError extends KdiagError {
  constructor(
    readonly verb: string,
    readonly resource: string,
    readonly namespace: string | undefined,
    serverMessage: string,
    cause?: unknown,
  ) {
    super(
      'forbidden',
      `forbidden: cannot ${verb} ${resource}${namespace ? ` in ${namespace}` : ' (cluster-wide)'}: ${serverMessage}`,
      {
        hint: `grant the ServiceAccount/user "${verb}" on "${resource}"${namespace ? ` in namespace ${namespace}` : ''} (see docs/ci.md for a least-privilege Role)`,
        status: 403,
        cause,
      },
    );
  }
}

/** Output of a command inside a pod (or of a local tool) that could not be parsed. */
export class ParseError extends KdiagError {
  constructor(
    readonly source: string,
    message: string,
    readonly line?: number,
  ) {
    super('parse', `cannot parse ${source}${line !== undefined ? ` (line ${line})` : ''}: ${message}`);
    this.name = 'ParseError';
  }
}

export function isKdiagError(e: unknown): e is KdiagError {
  return e instanceof KdiagError;
}

/** One line, whatever was thrown. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s*\n\s*/g, ' ').trim();
}
