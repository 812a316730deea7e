/**
 * The text of an Office document part, as a reader sees it.
 *
 * Word, Excel, PowerPoint and OpenDocument files are zips of XML, and their text is cut into runs:
 * a formatting change, a spell-check mark or an edit made on another day starts a new run, so a
 * key pasted into a document is often stored as `<w:t>AKIA</w:t></w:r><w:r><w:t>2E3…</w:t>`. The
 * raw XML is scanned as it is; this gives the same part once more with the markup taken out, so
 * the pieces are whole again: paragraphs, rows and line breaks become line feeds, cells and tabs
 * become tabs, every other tag disappears, and entities are decoded.
 *
 * It streams: output never exceeds input (a tag becomes at most one byte, an entity at most four),
 * and the state carried from one piece to the next is a few dozen bytes, whatever the part holds.
 */

/** Zip member names whose text view is worth a second read: the parts that hold a document's text. */
const TEXT_PART = /^(?:(?:word|xl|ppt)\/(?:[^/]+\/)*[^/]+\.xml|content\.xml|styles\.xml)$/;

/** Parts such as themes and styles hold no text a user typed; they are read once, raw. */
const NO_TEXT = /^(?:word|xl|ppt)\/(?:theme|styles|fontTable|settings|webSettings)/;

export function isOfficeTextPart(name: string): boolean {
  return TEXT_PART.test(name) && !NO_TEXT.test(name);
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SEMI = 0x3b;
const LF = 0x0a;
const TAB = 0x09;
const SPACE = 0x20;
const QUOTE = 0x22;
const APOS = 0x27;

/** Local names (prefix dropped) and what their tags stand for in the text. */
const LINE_BREAKS = new Set(['p', 'h', 'br', 'cr', 'si', 'tr', 'row', 'line-break', 'list-item']);
const TABS = new Set(['tab', 'tc', 'c', 'table-cell']);
const SPACES = new Set(['s']);

/** Longer names are not ours; what counts is that the name buffer stays small. */
const MAX_NAME = 32;
/** `&#x1F600;` is the longest entity worth decoding; anything longer is copied as it is. */
const MAX_ENTITY = 10;
const OUT_BYTES = 64 * 1024;
/** Leading whitespace of a text node held back, at most. */
const MAX_BLANK = 256;

/** Where the reader stands: in text, in a tag (its name, then the rest), in `<!…`/`<?…`, in a comment, CDATA or entity. */
const State = {
  Text: 0,
  TagName: 1,
  TagRest: 2,
  Markup: 3,
  Comment: 4,
  CData: 5,
  Entity: 6,
} as const;
type State = (typeof State)[keyof typeof State];

const NAMED: Readonly<Record<string, number>> = {
  amp: 0x26,
  lt: 0x3c,
  gt: 0x3e,
  quot: 0x22,
  apos: 0x27,
};

export async function* officeText(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const view = new TextView();
  for await (const piece of source) {
    view.feed(piece);
    yield* view.take();
  }
  view.end();
  yield* view.take();
}

class TextView {
  #state: State = State.Text;
  #name = '';
  #closing = false;
  #quote = 0;
  /** Markup seen so far of a `<!…` or `<?…` construct, enough to tell a comment or CDATA. */
  #markup = '';
  /** How many bytes of a terminator (`-->`, `]]>`) have been seen. */
  #matched = 0;
  #entity = '';
  #out = Buffer.allocUnsafe(OUT_BYTES);
  #length = 0;
  #ready: Buffer[] = [];
  /** Whitespace at the start of the current text node, held back; undefined once it has text. */
  #heldBlank: string | undefined = '';

  feed(piece: Buffer): void {
    for (let i = 0; i < piece.length; i++) {
      const b = piece[i] as number;
      switch (this.#state) {
        case State.Text:
          if (b === LT) {
            this.#state = State.TagName;
            this.#name = '';
            this.#closing = false;
            // Whitespace that is all of a text node is the XML's indentation, not document text.
            this.#heldBlank = '';
          } else if (b === AMP) {
            this.#state = State.Entity;
            this.#entity = '';
            this.#inText();
          } else if (
            this.#heldBlank !== undefined &&
            (b === SPACE || b === TAB || b === LF || b === 0x0d)
          ) {
            this.#heldBlank += String.fromCharCode(b);
            // Past this many, it is held no longer: memory stays bounded.
            if (this.#heldBlank.length > MAX_BLANK) this.#inText();
          } else {
            this.#inText();
            // The rest of the text node in one copy: most of a part's bytes are text or tags.
            const stop = nextOf(piece, i, LT, AMP);
            this.#putRange(piece, i, stop);
            i = stop - 1;
          }
          break;
        case State.TagName:
          this.#tagName(b);
          break;
        case State.TagRest:
          if (this.#quote !== 0) {
            if (b === this.#quote) this.#quote = 0;
          } else if (b === QUOTE || b === APOS) {
            this.#quote = b;
          } else if (b === GT) {
            this.#state = State.Text;
            this.#tagEnd();
          } else {
            // Attributes: nothing to keep until a quote or the tag's end.
            i = nextOf(piece, i, GT, QUOTE, APOS) - 1;
          }
          break;
        case State.Markup:
          this.#markupByte(b);
          break;
        case State.Comment:
          this.#matched = endMatch(this.#matched, b, 0x2d);
          if (this.#matched === 3) this.#state = State.Text;
          break;
        case State.CData:
          this.#cdata(b);
          break;
        case State.Entity:
          this.#entityByte(b);
          break;
      }
    }
  }

  end(): void {
    if (this.#state === State.Entity) this.#putText(`&${this.#entity}`);
    if (this.#length > 0) this.#flush();
  }

  /** Text has started in this node: the whitespace held back so far was part of it. */
  #inText(): void {
    const held = this.#heldBlank;
    if (held === undefined) return;
    this.#heldBlank = undefined;
    this.#putText(held);
  }

  /** The pieces filled so far, handed over once. */
  take(): Buffer[] {
    const ready = this.#ready;
    this.#ready = [];
    return ready;
  }

  #tagName(b: number): void {
    if (this.#name === '' && !this.#closing) {
      if (b === 0x2f) {
        this.#closing = true;
        return;
      }
      if (b === 0x21 || b === 0x3f) {
        this.#state = State.Markup;
        this.#markup = String.fromCharCode(b);
        return;
      }
    }
    if (b === GT) {
      this.#state = State.Text;
      this.#tagEnd();
    } else if (b === SPACE || b === TAB || b === LF || b === 0x0d || b === 0x2f) {
      this.#state = State.TagRest;
      this.#quote = 0;
    } else if (this.#name.length < MAX_NAME) {
      this.#name += String.fromCharCode(b);
    }
  }

  #tagEnd(): void {
    const colon = this.#name.lastIndexOf(':');
    const local = colon === -1 ? this.#name : this.#name.slice(colon + 1);
    // An opening paragraph or row adds nothing: its end, or a break inside it, does.
    if (
      LINE_BREAKS.has(local) &&
      (this.#closing || local === 'br' || local === 'cr' || local === 'line-break')
    ) {
      this.#put(LF);
    } else if (TABS.has(local) && (this.#closing || local === 'tab')) {
      this.#put(TAB);
    } else if (SPACES.has(local) && !this.#closing) {
      this.#put(SPACE);
    }
  }

  #markupByte(b: number): void {
    // `<!--`, `<![CDATA[`, a processing instruction skipped to `?>`, or a declaration to `>`.
    if (this.#markup === '!d') {
      if (b === GT) this.#state = State.Text;
      return;
    }
    if (this.#markup === '!-' && b === 0x2d) {
      this.#state = State.Comment;
      this.#matched = 0;
      return;
    }
    if ('![CDATA['.startsWith(this.#markup + String.fromCharCode(b))) {
      this.#markup += String.fromCharCode(b);
      if (this.#markup === '![CDATA[') {
        this.#state = State.CData;
        this.#matched = 0;
      }
      return;
    }
    if (this.#markup.startsWith('?')) {
      // A processing instruction ends at `?>` (its pseudo-attributes may hold a '>').
      if (b === GT && this.#markup === '??') this.#state = State.Text;
      this.#markup = b === 0x3f ? '??' : '?';
      return;
    }
    if (this.#markup === '!' && b === 0x2d) {
      this.#markup = '!-';
      return;
    }
    this.#markup = '!d';
    if (b === GT) this.#state = State.Text;
  }

  #cdata(b: number): void {
    // `]]>` ends it; `]` bytes that turn out not to end it are text after all.
    if (b === 0x5d && this.#matched < 2) {
      this.#matched += 1;
      return;
    }
    if (b === GT && this.#matched === 2) {
      this.#state = State.Text;
      this.#matched = 0;
      return;
    }
    this.#inText();
    for (; this.#matched > 0; this.#matched--) this.#put(0x5d);
    if (b === 0x5d) {
      this.#matched = 1;
      return;
    }
    this.#put(b);
  }

  #entityByte(b: number): void {
    if (b === SEMI) {
      this.#state = State.Text;
      const decoded = decodeEntity(this.#entity);
      this.#putText(decoded ?? `&${this.#entity};`);
      return;
    }
    const word =
      (b >= 0x30 && b <= 0x39) ||
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      b === 0x23;
    if (!word || this.#entity.length >= MAX_ENTITY) {
      // Not an entity after all: what was held is text, and this byte is read afresh.
      this.#state = State.Text;
      this.#putText(`&${this.#entity}`);
      this.feed(Buffer.of(b));
      return;
    }
    this.#entity += String.fromCharCode(b);
  }

  #putText(text: string): void {
    for (const b of Buffer.from(text, 'utf8')) this.#put(b);
  }

  #putRange(piece: Buffer, from: number, to: number): void {
    while (from < to) {
      const n = Math.min(to - from, OUT_BYTES - this.#length);
      piece.copy(this.#out, this.#length, from, from + n);
      this.#length += n;
      from += n;
      if (this.#length === OUT_BYTES) this.#flush();
    }
  }

  #put(b: number): void {
    this.#out[this.#length++] = b;
    if (this.#length === OUT_BYTES) this.#flush();
  }

  #flush(): void {
    this.#ready.push(this.#out.subarray(0, this.#length));
    this.#out = Buffer.allocUnsafe(OUT_BYTES);
    this.#length = 0;
  }
}

/** The first index at or after `from` holding one of the bytes, or the piece's length. */
function nextOf(piece: Buffer, from: number, a: number, b: number, c = a): number {
  let i = from;
  while (i < piece.length) {
    const byte = piece[i];
    if (byte === a || byte === b || byte === c) break;
    i++;
  }
  return i;
}

/** How far into `-->` (dash, dash, '>') the bytes so far have come. */
function endMatch(matched: number, b: number, dash: number): number {
  if (b === dash) return matched >= 2 ? 2 : matched + 1;
  if (b === GT && matched === 2) return 3;
  return 0;
}

function decodeEntity(name: string): string | undefined {
  const named = NAMED[name];
  if (named !== undefined) return String.fromCharCode(named);
  if (!name.startsWith('#')) return undefined;
  const hex = name[1] === 'x' || name[1] === 'X';
  const digits = name.slice(hex ? 2 : 1);
  if (digits === '' || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) return undefined;
  const code = Number.parseInt(digits, hex ? 16 : 10);
  // Control characters and surrogates are not text a reader sees.
  if (code < 0x20 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return String.fromCodePoint(code);
}
