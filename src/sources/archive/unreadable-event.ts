import type { ContainerEvent } from './container-event.js';

/**
 * A container's `archive-unreadable` skip: of the container itself (name '') or of one member.
 * Every reader (zip, tar, gzip, PNG, PDF) reports faults through this one shape.
 */
export function unreadable(detail: string, name = ''): ContainerEvent {
  return { kind: 'skipped', name, reason: 'archive-unreadable', detail };
}
