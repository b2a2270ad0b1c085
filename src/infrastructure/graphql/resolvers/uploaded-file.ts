import { GraphQLError } from 'graphql';
import type { FileUpload } from 'graphql-upload-ts';
import { UploadTooLarge } from '../../../application/upload-educator-accounts';

/**
 * The uploaded file's bytes, for the template upload and the roster upload alike. graphql-upload-ts ends a file over its
 * maxFileSize with a 413 error (thrown by createReadStream when the whole request already arrived, or raised
 * mid-stream): the use case must read that as "too large", not as a fault.
 */
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

/**
 * graphql-upload-ts rejects the file's promise with a 4xx error when the request does not carry the file its map
 * names, or carries a file part beyond the one allowed: the client's request is wrong, not our service.
 */
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
