import type { Output } from './command-io.js';

export interface ProgressLine {
  update(done: number, total: number, detail?: string): void;
  /** Erases the line (the report follows on a clean terminal). */
  done(): void;
}

const INTERVAL_MS = 100;

/**
 * A single self-rewriting status line on stderr, only when stderr is a terminal and not in CI:
 * redirected output and CI logs stay free of carriage-return noise.
 */
export function createProgressLine(
  stderr: Output,
  env: Readonly<Record<string, string | undefined>>,
  label: string,
): ProgressLine {
  const enabled = stderr.isTTY && (env.CI === undefined || env.CI === '' || env.CI === 'false');
  const started = performance.now();
  let last = 0;
  let shown = false;
  return {
    update(done, total, detail) {
      if (!enabled) return;
      const now = performance.now();
      if (now - last < INTERVAL_MS && done < total) return;
      last = now;
      const seconds = Math.max((now - started) / 1000, 0.001);
      const rate = Math.round(done / seconds);
      const pct = total > 0 ? ` ${Math.floor((done / total) * 100)}%` : '';
      const extra = detail === undefined ? '' : `, ${detail}`;
      stderr.write(`\r\x1b[2K${label} ${done}/${total}${pct} (${rate}/s${extra})`);
      shown = true;
    },
    done() {
      if (enabled && shown) stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
