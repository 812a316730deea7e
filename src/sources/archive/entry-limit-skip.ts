import type { ContainerEvent, ContainerPlace } from './container-event.js';

/** The container-level skip when the file's entry count goes over `maxEntries`. */
export function entryLimitSkip(place: ContainerPlace): ContainerEvent {
  const { maxEntries } = place.budget.limits;
  return {
    kind: 'skipped',
    name: '',
    reason: 'archive-limit',
    detail: `entry limit ${maxEntries} per file reached (counted across nested archives); the rest of the file was not read`,
  };
}
