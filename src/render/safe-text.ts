// Text from the cluster (log lines, command output) is data: control characters in it could move the
// cursor, clear the screen or retitle the terminal. They are shown escaped (\x1b, \x07, …); tabs stay.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function safeText(s: string): string {
  return s.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
