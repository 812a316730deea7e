import { fingerprintOf } from '../engine/fingerprint.js';
import { type NameMasker, nameMasker } from '../filters/name-masker.js';
import type { Finding, Location } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';

/** A path as shown, with its exact bytes only where the mask left it as it was. */
function shownPath(
  place: { readonly path: string; readonly pathBytes?: string },
  show: NameMasker,
): { path: string; pathBytes?: string } {
  const path = show(place.path);
  // The exact bytes would give back what the mask hides: a masked name goes without them.
  return place.pathBytes !== undefined && path === place.path
    ? { path, pathBytes: place.pathBytes }
    : { path };
}

function shownLocation(l: Location, show: NameMasker): Location {
  const { nameSpan: _span, pathBytes: _bytes, ...rest } = l;
  return { ...rest, ...shownPath(l, show) };
}

function shownFinding(f: Finding, show: NameMasker): Finding {
  const location = shownLocation(f.location, show);
  const changed = location.path !== f.location.path;
  return {
    ...f,
    location,
    ...(f.partner === undefined ? {} : { partner: shownLocation(f.partner, show) }),
    // Made from the path as shown: a key ID in the name would otherwise be hashed whole.
    ...(changed
      ? { fingerprint: fingerprintOf(f.ruleId, location.path, f, f.location.where) }
      : {}),
  };
}

/**
 * The outcome as every output shows it: each path, ref and text that can quote one (a skip's
 * detail, a suppression's entry, a coverage fact such as a pushed ref, a warning) through the
 * one masker, with what the engine found in each name (see nameMasker). The scan matched the
 * names as they are (allowlists, baselines, history attribution) before this point; nothing after
 * it sees them.
 */
export function shownOutcome<T extends ScanOutcome>(outcome: T): T {
  const show = nameMasker([...outcome.findings, ...outcome.suppressed.map((s) => s.finding)]);
  const coverage = outcome.coverage;
  return {
    ...outcome,
    findings: outcome.findings.map((f) => shownFinding(f, show)),
    suppressed: outcome.suppressed.map((s) => ({
      finding: shownFinding(s.finding, show),
      reason: { ...s.reason, entry: show(s.reason.entry), reason: show(s.reason.reason) },
    })),
    skipped: outcome.skipped.map((s) => {
      const { pathBytes: _bytes, ...rest } = s;
      return {
        ...rest,
        ...shownPath(s, show),
        ...(s.detail === undefined ? {} : { detail: show(s.detail) }),
      };
    }),
    ...(outcome.staleBaseline === undefined
      ? {}
      : { staleBaseline: outcome.staleBaseline.map((e) => ({ ...e, path: show(e.path) })) }),
    warnings: outcome.warnings.map((w) => ({ ...w, message: show(w.message) })),
    ...(coverage === undefined
      ? {}
      : {
          coverage: Object.fromEntries(
            Object.entries(coverage).map(([k, v]) => [k, typeof v === 'string' ? show(v) : v]),
          ),
        }),
  };
}
