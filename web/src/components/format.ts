const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'long' });
const date = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });
const time = new Intl.DateTimeFormat('en-US', { timeStyle: 'short' });

export const formatDay = (iso: string): string => day.format(new Date(iso));
/** A moment as its day and its time, each kept on one line. */
export const momentParts = (iso: string): [string, string] => [date.format(new Date(iso)), time.format(new Date(iso))];

export const formatBytes = (bytes: number): string =>
  bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
