import type { ChangeEvent, InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';
import type { ShownErrors } from './user-errors';

interface FieldFrame {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** What the service said is wrong with this field, shown beside it. */
  error?: string;
}

const describedBy = (id: string, hint: unknown, error: unknown): string | undefined =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

const HintAndError = ({ id, hint, error }: Pick<FieldFrame, 'id' | 'hint' | 'error'>) => (
  <>
    {hint && (
      <div className="usa-hint" id={`${id}-hint`}>
        {hint}
      </div>
    )}
    {error && (
      <span className="usa-error-message" id={`${id}-error`}>
        {error}
      </span>
    )}
  </>
);

const groupClass = (error?: string) => `usa-form-group${error ? ' usa-form-group--error' : ''}`;

/** The USWDS group around one control: its label, then its hint and the service's refusal, then the control. */
const LabelledGroup = ({ id, label, hint, error, children }: FieldFrame & { children: ReactNode }) => (
  <div className={groupClass(error)}>
    <label className={`usa-label${error ? ' usa-label--error' : ''}`} htmlFor={id}>
      {label}
    </label>
    <HintAndError id={id} hint={hint} error={error} />
    {children}
  </div>
);

export const TextField = ({ id, label, hint, error, className, ...input }: FieldFrame & InputHTMLAttributes<HTMLInputElement>) => (
  <LabelledGroup id={id} label={label} hint={hint} error={error}>
    <input
      id={id}
      name={id}
      type="text"
      className={`usa-input${error ? ' usa-input--error' : ''}${className ? ` ${className}` : ''}`}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(id, hint, error)}
      {...input}
    />
  </LabelledGroup>
);

export const SelectField = ({ id, label, hint, error, children, ...select }: FieldFrame & SelectHTMLAttributes<HTMLSelectElement>) => (
  <LabelledGroup id={id} label={label} hint={hint} error={error}>
    <select
      id={id}
      name={id}
      className={`usa-select${error ? ' usa-input--error' : ''}`}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(id, hint, error)}
      {...select}
    >
      {children}
    </select>
  </LabelledGroup>
);

export const CheckboxField = ({ id, label, hint, error, ...input }: FieldFrame & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) => (
  <div className={groupClass(error)}>
    <HintAndError id={id} hint={hint} error={error} />
    <div className="usa-checkbox">
      <input
        id={id}
        name={id}
        type="checkbox"
        className="usa-checkbox__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...input}
      />
      <label className="usa-checkbox__label" htmlFor={id}>
        {label}
      </label>
    </div>
  </div>
);

export interface CheckboxOption {
  value: string;
  label: string;
}

/** Several checkboxes under one legend; `id` names the fieldset, whose first checkbox receives focus when the service refuses the choice. */
export const CheckboxGroup = ({
  id,
  legend,
  hint,
  error,
  options,
  checked,
  onToggle,
}: {
  id: string;
  legend: string;
  hint?: string;
  error?: string;
  options: CheckboxOption[];
  checked: string[];
  onToggle: (value: string, on: boolean) => void;
}) => (
  <fieldset className={`usa-fieldset ${groupClass(error)}`} id={id} aria-describedby={describedBy(id, hint, error)}>
    <legend className={`usa-legend${error ? ' usa-label--error' : ''}`}>{legend}</legend>
    <HintAndError id={id} hint={hint} error={error} />
    {options.map((option) => (
      <div className="usa-checkbox" key={option.value}>
        <input
          id={`${id}-${option.value}`}
          type="checkbox"
          className="usa-checkbox__input"
          checked={checked.includes(option.value)}
          aria-invalid={error ? true : undefined}
          onChange={(event) => onToggle(option.value, event.target.checked)}
        />
        <label className="usa-checkbox__label" htmlFor={`${id}-${option.value}`}>
          {option.label}
        </label>
      </div>
    ))}
  </fieldset>
);

/** Ties a text field (by the element id it gets) to one of the form's values and to what the service said about it. */
export const bindTextField =
  <Key extends string, Field extends string>(values: Record<Key, string>, setValue: (key: Key, value: string) => void, errors: ShownErrors<Field>) =>
  (key: Key, id: Field) => ({
    id,
    value: values[key],
    error: errors.byField[id],
    onChange: (event: ChangeEvent<HTMLInputElement>) => setValue(key, event.target.value),
  });
