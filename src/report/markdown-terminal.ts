import pc from 'picocolors';
import { escapeControl } from './escape-control.js';

type Colors = ReturnType<typeof pc.createColors>;

/** `**bold**`, `` `code` ``, `<https://…>`, `[text](url)` and `\*` escapes, for a terminal. */
function inline(c: Colors, text: string): string {
  return text
    .replace(/`([^`]+)`/g, (_, code: string) => c.cyan(code))
    .replace(/\*\*([^*]+)\*\*/g, (_, b: string) => c.bold(b))
    .replace(
      /\[([^\]]+)\]\(([^)\s]+)\)/g,
      (_, t: string, url: string) => `${t} (${c.underline(url)})`,
    )
    .replace(/<(https?:\/\/[^>\s]+)>/g, (_, url: string) => c.underline(url))
    .replace(/\\([\\`*_[\]<>|~#])/g, '$1');
}

/**
 * The guides' Markdown as a terminal shows it: headings bold (underlined by a rule without
 * colour), lists with bullets, code spans and blocks without their backticks (cyan with colour),
 * links as their text and address. Control characters are escaped first, so text from a rule
 * pack cannot drive the terminal whatever markup it holds.
 */
export function markdownForTerminal(markdown: string, color: boolean): string {
  const c = pc.createColors(color);
  const out: string[] = [];
  let fence = false;
  for (const raw of markdown.split('\n')) {
    const line = escapeControl(raw);
    if (/^\s*```/.test(line)) {
      fence = !fence;
      continue;
    }
    if (fence) {
      out.push(`    ${c.cyan(line)}`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading !== null) {
      const level = (heading[1] ?? '').length;
      const text = inline(c, heading[2] ?? '');
      const plain = (heading[2] ?? '').replace(/[`*]/g, '');
      if (color) out.push(level <= 2 ? c.bold(c.underline(text)) : c.bold(text));
      else out.push(text, (level <= 2 ? '=' : '-').repeat(plain.length));
      continue;
    }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (bullet !== null) {
      out.push(`${bullet[1] ?? ''}  • ${inline(c, bullet[2] ?? '')}`);
      continue;
    }
    const numbered = /^(\s*)(\d+)\.\s+(.*)$/.exec(line);
    if (numbered !== null) {
      out.push(`${numbered[1] ?? ''}  ${numbered[2]}. ${inline(c, numbered[3] ?? '')}`);
      continue;
    }
    // A list item's continuation lines keep their place under the item's text.
    out.push(/^\s+\S/.test(line) ? `  ${inline(c, line)}` : inline(c, line));
  }
  return out.join('\n');
}
