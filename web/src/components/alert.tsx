import type { ReactNode } from 'react';

type Kind = 'success' | 'warning' | 'error' | 'info';

/** A USWDS alert: `status` for news announced politely (success, progress), `alert` for refusals announced at once. */
export const Message = ({ kind, role, heading, children }: { kind: Kind; role: 'status' | 'alert'; heading?: string; children: ReactNode }) => (
  <div role={role} className={`usa-alert usa-alert--${kind}${heading ? '' : ' usa-alert--slim'} margin-y-2`}>
    <div className="usa-alert__body">
      {heading && <h2 className="usa-alert__heading">{heading}</h2>}
      <div className="usa-alert__text">{children}</div>
    </div>
  </div>
);

/** Refusals that name no field in particular, above the form. */
export const Refusals = ({ messages }: { messages: string[] }) => (
  <>
    {messages.map((message) => (
      <Message key={message} kind="error" role="alert">
        {message}
      </Message>
    ))}
  </>
);

/** At the top of a refused form: every refusal beside a field, each a link that moves to it (GOV.UK's error summary). */
export const ErrorSummary = ({ byField, labels }: { byField: Partial<Record<string, string>>; labels: Record<string, string> }) => {
  const refused = Object.entries(byField).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (refused.length === 0) return null;
  return (
    <Message kind="error" role="alert" heading="There is a problem">
      <ul className="usa-list">
        {refused.map(([field, message]) => (
          <li key={field}>
            <a className="usa-link" href={`#${field}`}>
              {labels[field] ?? field}: {message}
            </a>
          </li>
        ))}
      </ul>
    </Message>
  );
};
