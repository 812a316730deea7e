import type { ArchiveItem } from '../../src/sources/archive/index.js';

export type Collected =
  | { readonly kind: 'entry'; readonly path: string; readonly text: string; readonly bytes: number }
  | {
      readonly kind: 'skipped';
      readonly path: string;
      readonly reason: string;
      readonly detail: string;
    };

/** Every item, each entry's data read in full (as latin1 text, so any bytes survive). */
export async function collectArchive(items: AsyncIterable<ArchiveItem>): Promise<Collected[]> {
  const out: Collected[] = [];
  for await (const item of items) {
    if (item.kind === 'skipped') {
      out.push({ kind: 'skipped', path: item.path, reason: item.reason, detail: item.detail });
      continue;
    }
    const parts: Buffer[] = [];
    for await (const piece of item.data) parts.push(piece);
    const data = Buffer.concat(parts);
    out.push({ kind: 'entry', path: item.path, text: data.toString('latin1'), bytes: data.length });
  }
  return out;
}

/** Items with entry data counted, not kept: for large and hostile archives. */
export async function countArchive(items: AsyncIterable<ArchiveItem>): Promise<Collected[]> {
  const out: Collected[] = [];
  for await (const item of items) {
    if (item.kind === 'skipped') {
      out.push({ kind: 'skipped', path: item.path, reason: item.reason, detail: item.detail });
      continue;
    }
    let bytes = 0;
    for await (const piece of item.data) bytes += piece.length;
    out.push({ kind: 'entry', path: item.path, text: '', bytes });
  }
  return out;
}

export function skipsOf(items: readonly Collected[]): Extract<Collected, { kind: 'skipped' }>[] {
  return items.filter((i): i is Extract<Collected, { kind: 'skipped' }> => i.kind === 'skipped');
}

export function entriesOf(items: readonly Collected[]): Extract<Collected, { kind: 'entry' }>[] {
  return items.filter((i): i is Extract<Collected, { kind: 'entry' }> => i.kind === 'entry');
}
