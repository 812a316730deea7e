import { KEY_ID, keyIdShown, secretShown } from './shown-name.js';

/** A run a secret access key, or part of one, could be (16 base64 characters or more). */
const SECRET_RUN = /[A-Za-z0-9+/]{16,}/g;

/**
 * The name of a member inside a file, as reports show it. It comes from the file's content (a
 * zip's entry name, the name a gzip header stores), where anyone can write a key pair: a key ID
 * is shown as every report shows one (its prefix and last four), and a run that could be a secret
 * or part of one keeps only its last four: 16 base64 characters or more, in both cases, with a
 * digit or a `+` (a secret has one but about once in five thousand; a name cut at a `/` it holds
 * is still such a run). Other names, hashes (one case of letters) and paths of words among them,
 * are shown as they are. Generous on purpose: nothing matches a member's name. A name on disk (a
 * path, a ref) is shown through `shownName` instead, which hides what the engine found there and
 * only runs that read as random: SARIF locations and annotations must still name ordinary files.
 */
export function memberName(name: string): string {
  return name
    .replace(KEY_ID, keyIdShown)
    .replace(SECRET_RUN, (run) =>
      /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9+]/.test(run) ? secretShown(run) : run,
    );
}
