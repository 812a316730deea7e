import type { PdfDocument, PdfObject } from './pdf-document.js';
import { isDict, nameOf, type PdfDict, PdfRef, type PdfValue } from './pdf-value.js';

/** A page: its content streams in order and its resources (inherited ones included). */
export interface PdfPage {
  readonly contents: readonly PdfObject[];
  readonly resources: PdfDict | undefined;
}

/** Page-tree levels followed: real trees are a few deep; a deeper one is a loop or an attack. */
const MAX_TREE_DEPTH = 64;

/**
 * The pages in reading order, by walking the page tree from the catalog (each node once, so a
 * tree that loops ends). Without a usable tree (a damaged file), every object of /Type /Page,
 * in object-number order. `limit` bounds the pages listed.
 */
export function pdfPages(doc: PdfDocument, limit: number): PdfPage[] {
  const pages: PdfPage[] = [];
  const seen = new Set<PdfValue>();
  const root = rootPages(doc);
  if (root !== undefined) {
    const stack: { node: PdfValue; resources: PdfDict | undefined; depth: number }[] = [
      { node: root, resources: undefined, depth: 0 },
    ];
    while (stack.length > 0 && pages.length < limit) {
      const { node, resources, depth } = stack.pop() as (typeof stack)[number];
      const key = node instanceof PdfRef ? node.num : node;
      if (seen.has(key)) continue;
      seen.add(key);
      const dict = doc.resolve(node);
      if (!isDict(dict) || depth > MAX_TREE_DEPTH) continue;
      const own = doc.get(dict, 'Resources');
      const res = isDict(own) ? own : resources;
      const kids = doc.get(dict, 'Kids');
      if (Array.isArray(kids) && nameOf(doc.get(dict, 'Type')) !== 'Page') {
        for (let i = kids.length - 1; i >= 0; i--)
          stack.push({ node: kids[i] ?? null, resources: res, depth: depth + 1 });
      } else {
        pages.push({ contents: contentsOf(doc, dict), resources: res });
      }
    }
  }
  if (pages.length > 0) return pages;
  const nums = [...doc.objects.keys()].sort((a, b) => a - b);
  for (const num of nums) {
    if (pages.length >= limit) break;
    const value = doc.objects.get(num)?.value;
    if (!isDict(value) || nameOf(doc.get(value, 'Type')) !== 'Page') continue;
    pages.push({ contents: contentsOf(doc, value), resources: inherited(doc, value) });
  }
  return pages;
}

function rootPages(doc: PdfDocument): PdfValue | undefined {
  for (let i = doc.trailers.length - 1; i >= 0; i--) {
    const root = doc.get(doc.trailers[i], 'Root');
    if (isDict(root) && root.has('Pages')) return root.get('Pages');
  }
  // No trailer names one (a damaged file): the catalog is the object of /Type /Catalog.
  for (const o of doc.objects.values()) {
    if (isDict(o.value) && nameOf(doc.get(o.value, 'Type')) === 'Catalog')
      return o.value.get('Pages');
  }
  return undefined;
}

function contentsOf(doc: PdfDocument, page: PdfDict): PdfObject[] {
  const c = page.get('Contents');
  const refs = Array.isArray(doc.resolve(c)) ? (doc.resolve(c) as PdfValue[]) : [c];
  const out: PdfObject[] = [];
  for (const r of refs.slice(0, 10_000)) {
    const o = doc.target(r);
    if (o?.stream !== undefined) out.push(o);
  }
  return out;
}

/** Resources of a page found without its tree: its own, else its parents' (a bounded walk). */
function inherited(doc: PdfDocument, page: PdfDict): PdfDict | undefined {
  let node: PdfDict | undefined = page;
  for (let depth = 0; node !== undefined && depth < MAX_TREE_DEPTH; depth++) {
    const res = doc.get(node, 'Resources');
    if (isDict(res)) return res;
    const parent = doc.get(node, 'Parent');
    node = isDict(parent) ? parent : undefined;
  }
  return undefined;
}
