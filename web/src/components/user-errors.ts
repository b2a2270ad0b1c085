import { useEffect } from 'react';

export interface UserErrorLike {
  code: string;
  message: string;
  field?: readonly string[] | null;
}

export interface ShownErrors<Field extends string> {
  /** The message beside each field the service named, by the page's own name for that field. */
  byField: Partial<Record<Field, string>>;
  /** Refusals about no field in particular, shown above the form. */
  general: string[];
  /** The page's field (an element id) of the first refusal that names one: it receives focus. */
  first?: Field;
}

/**
 * Places each userError beside the field it names. `fields` maps the service's input names (the last element of
 * `UserError.field`, e.g. "schoolSiteIds") to the page's field names; an error naming no known field is shown as general.
 */
export const placeUserErrors = <Field extends string>(errors: readonly UserErrorLike[], fields: Readonly<Record<string, Field>>): ShownErrors<Field> => {
  const shown: ShownErrors<Field> = { byField: {}, general: [] };
  for (const error of errors) {
    const field = error.field?.length ? fields[error.field[error.field.length - 1]] : undefined;
    if (!field) shown.general.push(error.message);
    else if (!shown.byField[field]) {
      shown.byField[field] = error.message;
      shown.first ??= field;
    }
  }
  return shown;
};

export const NO_ERRORS: ShownErrors<never> = { byField: {}, general: [] };

/**
 * Moves focus to the first refused field (page field names are element ids) each time the service answers with
 * refusals; for a group of checkboxes, to its first checkbox.
 */
export const useFocusOnFirstError = (shown: ShownErrors<string>): void => {
  useEffect(() => {
    const element = shown.first ? document.getElementById(shown.first) : null;
    const target = element instanceof HTMLFieldSetElement ? element.querySelector('input') : element;
    target?.focus();
  }, [shown]);
};
