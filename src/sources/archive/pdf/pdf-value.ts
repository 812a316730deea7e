/** A PDF name (`/Font`), its `#xx` escapes decoded. */
export class PdfName {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/** An indirect reference (`12 0 R`). */
export class PdfRef {
  readonly num: number;
  readonly gen: number;
  constructor(num: number, gen: number) {
    this.num = num;
    this.gen = gen;
  }
}

/** A dictionary, keys without their slash. */
export type PdfDict = Map<string, PdfValue>;

/** Strings are their raw bytes (literal escapes and hex decoded): only a font gives them meaning. */
export type PdfValue = number | boolean | null | PdfName | PdfRef | Buffer | PdfValue[] | PdfDict;

export function isDict(v: PdfValue | undefined): v is PdfDict {
  return v instanceof Map;
}

export function nameOf(v: PdfValue | undefined): string | undefined {
  return v instanceof PdfName ? v.name : undefined;
}

export function numberOf(v: PdfValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
