import { firstInvisibleCharacter } from '../shared/invisible-characters';
import { fail, ok, refusal, type DomainError, type Result } from '../shared/result';

export const MAX_NAME_LENGTH = 100;

// Control characters (C0 with CR and LF, DEL, C1 with NEL) and the line and paragraph separators never belong in a name.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * Invisible characters that are part of what a name shows, removed before looking for any other: the joiner inside an
 * emoji sequence (👩‍💻, 🏳️‍🌈), the tags of a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿), a variation selector after the character it styles
 * (❤️, an ideographic variant), and a joiner or non-joiner between letters of the scripts whose spelling uses them
 * (Persian, the Indic scripts); between Latin, Greek or Cyrillic letters a joiner shows nothing and is refused.
 */
const DRAWN_INVISIBLES = [
  // eslint-disable-next-line no-misleading-character-class -- the class lists single code points (skin-tone modifiers among them), never a sequence
  /(?<=[\p{Extended_Pictographic}\u{FE0F}\u{1F3FB}-\u{1F3FF}])\u200D(?=\p{Extended_Pictographic})/gu,
  /(?<=\u{1F3F4}[\u{E0020}-\u{E007E}]*)[\u{E0020}-\u{E007F}]/gu,
  /(?<=[\p{L}\p{N}\p{S}#*])[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu,
  /(?<=(?![\p{sc=Latn}\p{sc=Grek}\p{sc=Cyrl}\p{sc=Zinh}\p{sc=Zyyy}])[\p{L}\p{M}])[\u200C\u200D](?=(?![\p{sc=Latn}\p{sc=Grek}\p{sc=Cyrl}])\p{L})/gu,
];

// Full stops that browsers and mail programs also read as the dot of a domain name.
const DOT = '[.\\u3002\\uFF0E\\uFF61]';
const LABEL = '[\\p{L}\\p{N}-]+';
const HOST = `${LABEL}(?:${DOT}${LABEL})*${DOT}\\p{L}{2,}`;
// Top-level domains that mail programs turn into links even without "www." or a path; none ends a real name after a dot.
const LINKED_TLDS = 'com|net|org|edu|gov|info|biz|io|co|app|dev|xyz|top|site|online|link|click|live|shop|ru|cn';

/**
 * What a mail program shows as a link or an address to write to: an invitation carries the name to any address under
 * the service's name, so a name holding one would make the service a relay for phishing.
 */
const LINK_SHAPES = [
  /[a-z][a-z0-9+.-]*:\/\/\S*/iu,
  /(?<![\p{L}\p{N}])www[.\u3002\uFF0E\uFF61]\S*/iu,
  /(?<![\p{L}\p{N}])mailto:\S*/iu,
  new RegExp(`[^\\s@]+@${HOST}`, 'u'),
  new RegExp(`${HOST}(?::\\d+)?/\\S*`, 'u'),
  new RegExp(`(?<![\\p{L}\\p{N}-])${LABEL}(?:${DOT}${LABEL})*${DOT}(?:${LINKED_TLDS})(?![\\p{L}\\p{N}-])`, 'iu'),
];

// Each of the shapes above holds one of these.
const LINK_PUNCTUATION = /[:@./\u3002\uFF0E\uFF61]/u;

/**
 * Names are trimmed and NFC-normalised, 1–100 characters (code points, so accents and emoji count once), with no
 * control or invisible characters and no web or email address.
 */
export const checkPersonName = (raw: string, label: string, field: string[]): Result<string, DomainError> => {
  const name = raw.trim().normalize('NFC');
  const length = [...name].length;
  if (length === 0) return fail(refusal('INVALID_NAME', `${label} is required.`, field));
  if (length > MAX_NAME_LENGTH) return fail(refusal('INVALID_NAME', `${label} is longer than ${MAX_NAME_LENGTH} characters.`, field));
  if (CONTROL.test(name)) return fail(refusal('INVALID_NAME', `${label} contains a control character (such as a tab or line break).`, field));
  // Every file row passes here twice: the fuller checks run only on names that hold what they look for.
  const invisible = firstInvisibleCharacter(name) && firstInvisibleCharacter(DRAWN_INVISIBLES.reduce((text, drawn) => text.replace(drawn, ''), name));
  if (invisible) {
    return fail(
      refusal('INVALID_NAME', `${label} contains an invisible character (${invisible}), often pasted along with a name. Type the name again.`, field),
    );
  }
  const link = LINK_PUNCTUATION.test(name) ? LINK_SHAPES.map((shape) => shape.exec(name)).find((found) => found !== null) : undefined;
  if (link) {
    return fail(refusal('INVALID_NAME', `${label} may not contain a web or email address ("${[...link[0]].slice(0, 60).join('')}").`, field));
  }
  return ok(name);
};
