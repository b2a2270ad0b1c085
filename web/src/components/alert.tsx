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
