const ENTER = new Set(['\r', '\n']);
const CANCEL = new Set(['\u0003', '\u0004']);
const ERASE = new Set(['\u007f', '\b']);

/** The terminal echoes nothing while raw: the password never appears on screen or in a terminal's scrollback. */
const askWithoutEcho = (input: NodeJS.ReadStream, output: NodeJS.WriteStream, question: string): Promise<string> =>
  new Promise((answered, cancelled) => {
    let typed: string[] = [];
    const finish = (error?: Error): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (error) cancelled(error);
      else answered(typed.join(''));
    };
    const onData = (chunk: string): void => {
      for (const character of chunk) {
        if (ENTER.has(character)) return finish();
        if (CANCEL.has(character)) return finish(new Error('Cancelled: nothing was created.'));
        if (ERASE.has(character)) typed = typed.slice(0, -1);
        else if (character >= ' ') typed.push(character);
      }
    };
    // Raw before the question shows: whatever is typed once it shows is never echoed.
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
    output.write(question);
  });

const readAll = async (input: NodeJS.ReadStream): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of input as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * At a terminal: asked twice, without echo. Otherwise the whole of standard input, one line (`… < password-file`,
 * or a secret piped from a vault), so that the password is never an argument that shell history and `ps` keep.
 */
export const readPassword = async (input: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> => {
  if (input.isTTY) {
    const password = await askWithoutEcho(input, prompt, 'Password for the District Admin (not shown): ');
    if ((await askWithoutEcho(input, prompt, 'The same password again: ')) !== password) throw new Error('The two passwords differ: nothing was created.');
    return password;
  }
  const piped = (await readAll(input)).replace(/\r?\n$/, '');
  if (piped === '') throw new Error('No password on standard input: run this at a terminal to be asked for it, or pipe it in (… < password-file).');
  if (/[\r\n]/.test(piped)) throw new Error('Standard input holds more than one line: give the password alone, on one line.');
  return piped;
};
