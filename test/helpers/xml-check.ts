/**
 * A small XML 1.0 well-formedness check for the reports keyguard writes (no XML parser ships with
 * the project): every character is an XML Char, markup characters appear only as markup or
 * entities, attributes are quoted, and tags nest. Returns the problems (empty: well-formed) and
 * the elements found, for assertions on structure.
 */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  text: string;
  readonly children: XmlElement[];
}

const NOT_XML_CHAR =
  /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\ud800-\udbff\udc00-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function parseXml(xml: string): { problems: string[]; root?: XmlElement } {
  const problems: string[] = [];
  const bad = NOT_XML_CHAR.exec(xml);
  if (bad !== null) problems.push(`not an XML character U+${bad[0].charCodeAt(0).toString(16)}`);
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w.:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of body.matchAll(token)) {
    const [, close, name, attrText, selfClose, text, stray] = m;
    if (stray !== undefined) {
      problems.push(`stray '<' at ${m.index}`);
      continue;
    }
    if (text !== undefined) {
      if (text.replace(ENTITY, '').includes('&')) problems.push(`raw '&' in text at ${m.index}`);
      if (text.includes('>')) problems.push(`raw '>' in text at ${m.index}`);
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (text.trim() !== '') problems.push('text outside the root element');
      } else top.text += decode(text);
      continue;
    }
    if (close === '/') {
      const open = stack.pop();
      if (open?.name !== name) problems.push(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(/([\w.:-]+)="([^"]*)"/g)) {
      const value = a[2] ?? '';
      if (value.replace(ENTITY, '').includes('&')) problems.push(`raw '&' in attribute ${a[1]}`);
      attrs[a[1] ?? ''] = decode(value);
    }
    const el: XmlElement = { name: name ?? '', attrs, text: '', children: [] };
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      if (root !== undefined) problems.push('two root elements');
      root = el;
    } else parent.children.push(el);
    if (selfClose !== '/') stack.push(el);
  }
  if (stack.length > 0) problems.push(`<${stack[stack.length - 1]?.name}> is not closed`);
  return root === undefined ? { problems: [...problems, 'no root element'] } : { problems, root };
}

/** Every element named `name` under `el`, depth first. */
export function elements(el: XmlElement, name: string): XmlElement[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => elements(c, name))];
}
