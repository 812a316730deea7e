import { type Entry, getFileNameLowLevel } from 'yauzl';

const UTF8_FLAG = 0x800;
const UNICODE_PATH_FIELD = 0x7075;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Code page 437, the bytes 0x80–0xFF: the zip format's default for names without the UTF-8 flag. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/**
 * An entry's name as a label, kept as the archive spells it (backslashes, '../', control
 * characters: escaping is the renderers' job). UTF-8 when flagged or given in a Unicode path
 * field (yauzl checks that field's CRC); without either, UTF-8 when the bytes are valid UTF-8
 * (what most tools write in practice), else code page 437 with ASCII kept as ASCII (yauzl's
 * decoding turns control bytes into glyphs, which would change the label).
 */
export function zipEntryName(entry: Entry): string {
  const raw = entry.fileNameRaw;
  const flagged = (entry.generalPurposeBitFlag & UTF8_FLAG) !== 0;
  if (flagged || entry.extraFields.some((field) => field.id === UNICODE_PATH_FIELD)) {
    const decoded = getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
    // Without the flag a Unicode path field that failed its check leaves yauzl's CP437 decoding.
    if (flagged || decoded !== getFileNameLowLevel(0, raw, [], true)) return decoded;
  }
  try {
    return utf8.decode(raw);
  } catch {
    let name = '';
    for (const byte of raw)
      name += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
    return name;
  }
}
