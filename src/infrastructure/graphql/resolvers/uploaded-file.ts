import { GraphQLError } from 'graphql';
import type { FileUpload } from 'graphql-upload-ts';
import { UploadTooLarge } from '../../../application/upload-educator-accounts';

// The same reading of a multipart file as upload.resolver.ts's (left as it is while the upload flow is being changed).

/** graphql-upload-ts ends a file over its maxFileSize with a 413 error: read as "too large", not as a fault. */
export async function* contentsOf(file: FileUpload): AsyncGenerator<Buffer> {
  let stream: ReturnType<FileUpload['createReadStream']> | undefined;
  try {
    stream = file.createReadStream();
    for await (const piece of stream) yield piece as Buffer;
  } catch (error) {
    throw (error as { status?: unknown } | null)?.status === 413 ? new UploadTooLarge() : error;
  } finally {
    stream?.destroy();
  }
}

/** A request without the file its map names, or with more than one, is the client's mistake. */
export async function receivedFile(file: Promise<FileUpload>): Promise<FileUpload> {
  try {
    return await file;
  } catch (error) {
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status !== 'number' || status < 400 || status >= 500) throw error;
    throw new GraphQLError('Send exactly one file per request, in the multipart part that "map" names for input.file.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
}
