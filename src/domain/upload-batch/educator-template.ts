/** The bulk-creation template: the header line alone, as Excel writes it (UTF-8, CRLF). */
export const TEMPLATE_COLUMNS = ['First Name', 'Last Name', 'Email', 'User Role'] as const;
export const TEMPLATE_FILE_NAME = 'educator-accounts-template.csv';

/** Our failures download appends these; a fix file may be uploaded as it is, so they are recognised and ignored. */
export const FIX_FILE_COLUMNS = ['Line Number', 'Reason'] as const;

export const templateContent = (): string => `${TEMPLATE_COLUMNS.join(',')}\r\n`;
