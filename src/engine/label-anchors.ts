import type { CompiledRule } from '../model/rule.js';
import type { KeywordHits } from './prefilter.js';

/** Characters of a name, as label reading takes them (`[A-Za-z0-9_.\-:/@$]`): one lookup each. */
const NAME_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-:/@$')
  NAME_CHAR[c.charCodeAt(0)] = 1;
/** Characters of a written value (`[A-Za-z0-9+/=%\\_-]`, escapes included). */
const VALUE_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=%\\_-')
  VALUE_CHAR[c.charCodeAt(0)] = 1;

/** How far a phrase around a keyword is read each way (`AWS Access Key [None]: `). */
const PHRASE_REACH = 64;

const isName = (code: number) => NAME_CHAR[code] === 1;
const isGap = (code: number) => code === 32 || code === 9;

/**
 * The words around `[at, end)` as label reading joins them: name characters and single gaps of
 * one or two spaces or tabs, at most PHRASE_REACH characters each way. Returns the normalised
 * phrase and the normalised name that holds the keyword.
 */
function phraseAround(text: string, at: number, end: number): { phrase: string; name: string } {
  let nameStart = at;
  while (nameStart > 0 && at - nameStart < PHRASE_REACH && isName(text.charCodeAt(nameStart - 1)))
    nameStart--;
  let nameEnd = end;
  while (nameEnd < text.length && nameEnd - end < PHRASE_REACH && isName(text.charCodeAt(nameEnd)))
    nameEnd++;
  let start = nameStart;
  for (;;) {
    let s = start;
    let gap = 0;
    while (s > 0 && gap < 3 && isGap(text.charCodeAt(s - 1))) {
      s--;
      gap++;
    }
    if (gap === 0 || gap > 2 || s === 0 || !isName(text.charCodeAt(s - 1))) break;
    while (s > 0 && at - s < PHRASE_REACH && isName(text.charCodeAt(s - 1))) s--;
    if (at - s >= PHRASE_REACH) break;
    start = s;
  }
  let stop = nameEnd;
  for (;;) {
    let e = stop;
    let gap = 0;
    while (e < text.length && gap < 3 && isGap(text.charCodeAt(e))) {
      e++;
      gap++;
    }
    if (gap === 0 || gap > 2 || e >= text.length || !isName(text.charCodeAt(e))) break;
    while (e < text.length && e - end < PHRASE_REACH && isName(text.charCodeAt(e))) e++;
    if (e - end >= PHRASE_REACH) break;
    stop = e;
  }
  const normalise = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return {
    phrase: normalise(text.slice(start, stop)),
    name: normalise(text.slice(nameStart, nameEnd)),
  };
}

/** Whether `[at, end)` lies inside a run of value characters at least `min` long. */
function insideValue(text: string, at: number, end: number, min: number): boolean {
  let s = at;
  while (s > 0 && end - s < min && VALUE_CHAR[text.charCodeAt(s - 1)] === 1) s--;
  let e = end;
  while (e < text.length && e - s < min && VALUE_CHAR[text.charCodeAt(e)] === 1) e++;
  return e - s >= min;
}

/**
 * Offsets of the keywords of a labelled rule that can anchor it: where the keyword is part of a
 * name (or phrase) its labels accept, or part of a value as long as the rule's values (a keyword
 * inside the value itself, like the STS marker of a session token). A keyword anywhere else
 * (`AWS_REGION_KEY`, `discrete`) says nothing about a value nearby, so the rule's regex does not
 * run there. That lets a rule anchor on label words (a secret named `AWS_KEY` or `awsAccessKey`
 * says no "secret") and still cost only where a label is written.
 *
 * Linear: each occurrence reads at most a few hundred characters around itself.
 */
export function labelAnchorOffsets(text: string, rule: CompiledRule, hits: KeywordHits): number[] {
  const offsets: number[] = [];
  const labels = rule.labels;
  const minRun = rule.spec.minValueRun;
  for (const k of new Set(rule.keywords)) {
    for (const at of hits.offsetsOf(k)) {
      if (labels === undefined || minRun === undefined) {
        offsets.push(at);
        continue;
      }
      const end = at + k.length;
      if (insideValue(text, at, end, minRun)) {
        offsets.push(at);
        continue;
      }
      const { phrase, name } = phraseAround(text, at, end);
      if (labels.strong.test(phrase) || labels.strong.test(name) || labels.weak?.test(name))
        offsets.push(at);
    }
  }
  return offsets;
}
