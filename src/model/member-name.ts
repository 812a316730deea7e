/** Any AWS key ID, glued to other text or not (`A` + three capitals + sixteen capitals or digits). */
const KEY_ID = /A[A-Z]{3}[A-Z0-9]{16}/g;
/** A run a secret access key could be (40 base64 characters or more). */
const SECRET_RUN = /[A-Za-z0-9+/]{40,}/g;
const KEEP = 4;

/**
 * The name of a member inside a file, as reports show it. It comes from the file's content (a
 * zip's entry name, the name a gzip header stores), where anyone can write a key pair: a key ID
 * is shown as every report shows one (its prefix and last four), and a run that could be a secret
 * (40 base64 characters or more, capitals, small letters and digits mixed) keeps only its last
 * four. Other names, hashes (one case of letters) among them, are shown as they are. A name on
 * disk is the user's own and is never changed: allowlists and SARIF locations match it.
 */
export function memberName(name: string): string {
  const secrets = name.replace(SECRET_RUN, (run) =>
    /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run)
      ? `${'*'.repeat(run.length - KEEP)}${run.slice(-KEEP)}`
      : run,
  );
  return secrets.replace(
    KEY_ID,
    (id) => `${id.slice(0, KEEP)}${'*'.repeat(id.length - 2 * KEEP)}${id.slice(-KEEP)}`,
  );
}
