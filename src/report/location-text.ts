import type { Location } from '../model/finding.js';

/** What a report says instead of a line for a value written in the path itself. */
export const IN_NAME = 'in the name';

/**
 * Where a finding is, as plain text (each format escapes it its own way): `path:line:column`, or
 * `path (in the name)` for a value written in the file's name or a pushed ref, which has no line.
 */
export function locationText(l: Location, parts: 'line' | 'column' = 'column'): string {
  if (l.where === 'name') return `${l.path} (${IN_NAME})`;
  return parts === 'line' ? `${l.path}:${l.line}` : `${l.path}:${l.line}:${l.column}`;
}
