/** Bytes of the request body sent so far, and of the whole body. */
export type UploadProgress = (sent: number, total: number) => void;

export interface ProgressFetchOptions extends RequestInit {
  onUploadProgress?: UploadProgress;
}

const headersOf = (xhr: XMLHttpRequest): Headers => {
  const headers = new Headers();
  for (const line of xhr
    .getAllResponseHeaders()
    .trim()
    .split(/[\r\n]+/)) {
    const at = line.indexOf(':');
    if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return headers;
};

/**
 * fetch, except that a request given `onUploadProgress` goes through XMLHttpRequest: fetch cannot report how much of a
 * body has been sent, and a progress bar of a 20 MB file needs exactly that.
 */
export const uploadFetch = (input: RequestInfo | URL, init: ProgressFetchOptions = {}): Promise<Response> => {
  const { onUploadProgress, ...options } = init;
  if (!onUploadProgress) return fetch(input, options);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method ?? 'POST', input instanceof Request ? input.url : String(input));
    xhr.withCredentials = options.credentials === 'include';
    new Headers(options.headers).forEach((value, name) => xhr.setRequestHeader(name, value));
    xhr.upload.addEventListener('progress', (event) => onUploadProgress(event.loaded, event.total));
    xhr.addEventListener('load', () => resolve(new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers: headersOf(xhr) })));
    xhr.addEventListener('error', () => reject(new TypeError('The connection to the service was lost.')));
    xhr.addEventListener('abort', () => reject(new DOMException('The upload was stopped.', 'AbortError')));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(options.body as XMLHttpRequestBodyInit | null);
  });
};
