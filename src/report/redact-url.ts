/**
 * A URL (or any text quoting one: git's stderr) with the credentials it carries replaced:
 * `https://user:token@host/x` → `https://***@host/x`, `https://token@host/x` → `https://***@host/x`.
 * Query strings are kept apart from userinfo, and scp-like `user@host:path` names (no secret in
 * them) are left alone. A password must never reach a terminal, a CI log or a report.
 */
export function redactUrl(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1***@');
}
