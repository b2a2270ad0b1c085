/** The text of an .eml as a person reads it: quoted-printable soft breaks joined and escapes decoded. */
export const readableEmail = (eml: string): string =>
  Buffer.from(
    eml.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
