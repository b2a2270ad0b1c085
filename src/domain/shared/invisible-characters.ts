/**
 * Characters that draw nothing: Unicode's format and default-ignorable characters (zero-width spaces and joiners, the
 * byte-order mark, direction marks and controls, the soft hyphen, Hangul fillers, variation selectors, tags…), the
 * braille blank that passes for a space, and lone surrogates. In a name or an email they make two values that look
 * the same differ, or hide text from whoever reads it.
 */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}\u2800]/u;

/** The first invisible character of a text, written as its code point ("U+200B"), or null when there is none. */
export const firstInvisibleCharacter = (text: string): string | null => {
  const found = INVISIBLE.exec(text);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
};

const BLANK = /[\s\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}\u2800]/u;

/** How many characters of a text show something: spaces of every kind and invisible characters do not count. */
export const visibleLength = (text: string): number => [...text].filter((character) => !BLANK.test(character)).length;
