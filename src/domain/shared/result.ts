export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };

/** An expected refusal: a stable machine code, a sentence a school administrator can act on, and the input field it concerns. */
export interface DomainError {
  code: string;
  message: string;
  field?: string[];
}

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E = DomainError>(error: E): Result<never, E> => ({ ok: false, error });
export const refusal = (code: string, message: string, field?: string[]): DomainError => ({ code, message, ...(field ? { field } : {}) });
