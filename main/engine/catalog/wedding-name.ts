/**
 * Reads the date and couple from the folder names photographers give weddings
 * (`2026-06-14 Smith & Jones`, `14.06.2026 Müller & Schmidt`, `Smith & Jones (2026-06-14)`, ...).
 */

/** What a wedding folder's name says: its date (null when it names none) and the couple, as written. */
export interface WeddingFolderName {
  date: string | null;
  couple: string;
}

/** Characters that separate a date from the couple, or pad either end. */
const SEP = String.raw`[\s_\-–—.,:;]`;
/** `2026-06-14`, `2026_06_14`, `2026.06.14`, `20260614`, not followed by another digit. */
const YMD = String.raw`(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)`;
/** `14.06.2026` (day first, as written in most of Europe). */
const DMY = String.raw`(\d{2})\.(\d{2})\.(\d{4})(?!\d)`;

const LEADING = [
  { re: new RegExp(`^${YMD}(?:${SEP}+(.*))?$`, 'u'), order: 'ymd' },
  { re: new RegExp(`^${DMY}(?:${SEP}+(.*))?$`, 'u'), order: 'dmy' },
] as const;
const TRAILING = [
  { re: new RegExp(`^(.*?)${SEP}*[([]?${YMD}[)\\]]?$`, 'u'), order: 'ymd' },
  { re: new RegExp(`^(.*?)${SEP}*[([]?${DMY}[)\\]]?$`, 'u'), order: 'dmy' },
] as const;

/** Without a date, a name counts as a couple only with a connector between two names. */
const COUPLE_CONNECTOR = /\p{L}.*(?:\s*[&+]\s*|\s+(?:and|und|et|y|e|en|og|och)\s+)\p{L}/iu;

/**
 * Parses a wedding folder's name. Returns null when it does not name a couple (a bare date, `RAW`,
 * `Exports`) or carries an impossible date (`2026-02-30`). Without a date, the name must join two
 * names (`&`, `+`, `and`, `und`, ...) to count; with one, any remaining text is the couple.
 */
export function parseWeddingFolder(name: string): WeddingFolderName | null {
  const text = name.normalize('NFC').trim();
  for (const { re, order } of LEADING) {
    const m = re.exec(text);
    if (m) return withDate(m[1]!, m[2]!, m[3]!, order, m[4] ?? '');
  }
  for (const { re, order } of TRAILING) {
    const m = re.exec(text);
    if (m && m[1] !== '') return withDate(m[2]!, m[3]!, m[4]!, order, m[1]!);
  }
  const couple = cleanCouple(text);
  if (couple === '' || !COUPLE_CONNECTOR.test(couple)) return null;
  return { date: null, couple };
}

function withDate(
  a: string,
  b: string,
  c: string,
  order: 'ymd' | 'dmy',
  rest: string,
): WeddingFolderName | null {
  const [y, m, d] = order === 'ymd' ? [a, b, c] : [c, b, a];
  const date = validDate(Number(y), Number(m), Number(d));
  const couple = cleanCouple(rest);
  if (date === null || couple === '') return null;
  return { date, couple };
}

/** `YYYY-MM-DD` if the day exists in the Gregorian calendar (and the year is plausible), else null. */
function validDate(year: number, month: number, day: number): string | null {
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Underscores become spaces, runs of spaces collapse, separators at either end go. */
function cleanCouple(text: string): string {
  return text
    .replace(/_/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(new RegExp(`^${SEP}+|${SEP}+$`, 'gu'), '')
    .trim();
}

/** Letters that Unicode decomposition does not reduce to ASCII. */
const FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
  ı: 'i',
};

/**
 * A URL- and file-name-safe id for a wedding: `2026-06-14-smith-jones`, only `[a-z0-9-]`, accents
 * folded to ASCII (`Müller` → `muller`). Never empty: `wedding` when nothing ASCII is left. Not
 * unique by itself; making it so is the caller's job.
 */
export function slugify(date: string | null, couple: string): string {
  const slug = `${date ?? ''} ${couple}`
    .toLowerCase()
    .replace(/[ßæœøđðłþı]/g, (ch) => FOLD[ch] ?? ch)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'wedding' : slug;
}
