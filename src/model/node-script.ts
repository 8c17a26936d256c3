// The fixed scripts kdiag runs inside an agent container (issue #13): the node-side filter of the LB map,
// its digest, and the one script per node that prints several reads as sections. Plain text, here in the
// bottom layer so the engine (which runs them: gather-filter.ts, gather-digest.ts, gather-combined.ts)
// and the simulator (which answers them, src/sim/api/exec-script.ts) share one copy byte for byte.
// Values (the CLI name, the filter's frontends) are positional arguments, never part of the text.

/**
 * The filter (`$1` is the CLI, the rest `ip=ADDR` / `port=N` keys). It keeps the header, each row whose
 * frontend IP or port is wanted, and that row's backend continuation lines, and appends the CLI's own
 * exit code as a last `kdiag-exit N` line (sh has no pipefail).
 */
export const NODE_FILTER_SCRIPT =
  'cli=$1; shift; { "$cli" service list; echo "kdiag-exit $?"; } | awk \'' +
  'BEGIN { for (i = 1; i < ARGC; i++) want[ARGV[i]] = 1; ARGC = 1 } ' +
  'NR == 1 || /^kdiag-exit / { print; next } ' +
  '/^[0-9]/ { fe = $2; sub(/\\/[A-Za-z]+$/, "", fe); port = fe; sub(/.*:/, "", port); ip = fe; ' +
  'sub(/:[0-9]+$/, "", ip); gsub(/[][]/, "", ip); keep = (("ip=" ip) in want) || (("port=" port) in want) } ' +
  'keep\' "$@"';

/** `$0` of the filter run alone (nodeFilterArgv). */
export const NODE_FILTER_NAME = 'kdiag-filter';

/**
 * The digest (`$1` is the CLI). awk joins each map row with its backend continuation lines into one
 * canonical line: the ID column and the backends' `N =>` numbers are left out (IDs are per agent), and a
 * NodePort row's frontend IP is written `*` (each node lists its own addresses; the join with the
 * Services is by port, src/cilium/lb-drift.ts). Everything else stays, backend states included. The
 * lines are sorted and hashed with sha256sum; the row count and the CLI's own exit code go to stderr as
 * one `kdiag-digest rows=N exit=C` line (sh has no pipefail).
 */
export const NODE_DIGEST_SCRIPT =
  'cli=$1; { "$cli" service list; echo "kdiag-exit $?"; } | awk \'' +
  'function flush() { if (row != "") { print row; n++ } row = "" } ' +
  '/^kdiag-exit / { flush(); code = $2; seen = 1; next } ' +
  'NR == 1 { next } ' +
  '/^[0-9]/ { flush(); fe = $2; if ($3 == "NodePort") sub(/^.*:/, "*:", fe); row = fe " " $3; ' +
  'for (i = 4; i <= NF; i++) if ($(i) != "=>" && $(i + 1) != "=>") row = row " " $(i); next } ' +
  '/^[ \\t]/ { for (i = 1; i <= NF; i++) if ($(i) != "=>" && $(i + 1) != "=>") row = row " " $(i); next } ' +
  '{ flush(); print "?" $0; n++ } ' +
  'END { flush(); printf "kdiag-digest rows=%d exit=%s\\n", n, (seen ? code : "none") > "/dev/stderr" }\' ' +
  '| LC_ALL=C sort | sha256sum';

/** `$0` of the digest run alone (nodeDigestArgv). */
export const NODE_DIGEST_NAME = 'kdiag-digest';

/** The sections of the per-node script, in the order it prints them. */
export const SECTIONS = ['progs', 'status', 'mounts', 'filter', 'digest', 'nat'] as const;
export type SectionName = (typeof SECTIONS)[number];

/** The separator lines around each section: `BEGIN NAME` before, `END NAME exit=C` after. */
export const SECTION_BEGIN = '--- kdiag-section ';
export const SECTION_END = '--- kdiag-end ';

/**
 * The per-node script. `$1` is the agent CLI, `$2` the sections to print (space-separated names from
 * SECTIONS), the rest the filter's `ip=ADDR` / `port=N` keys. The filter and digest sections are the
 * one-purpose scripts above as shell functions, so they behave exactly as when run alone. Each section
 * prints `--- kdiag-section NAME`, the command's stdout (stderr dropped; the digest's stderr is kept, it
 * carries `kdiag-digest rows=N exit=C`), then a newline and `--- kdiag-end NAME exit=C` with the
 * command's own exit code. The script itself always exits 0.
 */
export const NODE_SCRIPT =
  'cli=$1; secs=$2; shift 2; ' +
  `kdiag_filter() { ${NODE_FILTER_SCRIPT}; }; ` +
  `kdiag_digest() { ${NODE_DIGEST_SCRIPT}; }; ` +
  `for s in $secs; do printf '%s\\n' "${SECTION_BEGIN}$s"; case $s in ` +
  'progs) bpftool -j prog show 2>/dev/null ;; ' +
  'status) "$cli" status 2>/dev/null ;; ' +
  'mounts) cat /proc/mounts 2>/dev/null ;; ' +
  'filter) kdiag_filter "$cli" "$@" 2>/dev/null ;; ' +
  'digest) kdiag_digest "$cli" 2>&1 ;; ' +
  'nat) iptables-save -t nat 2>/dev/null ;; ' +
  '*) false ;; esac; ' +
  `printf '\\n${SECTION_END}%s exit=%s\\n' "$s" "$?"; done; exit 0`;

/** `$0` of the per-node script (nodeScriptArgv). */
export const NODE_SCRIPT_NAME = 'kdiag-node';
