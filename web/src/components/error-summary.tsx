/**
 * The refusals of a form at its top, each a link to its field (GOV.UK's error summary): a person sees at once what to
 * fix and can jump to it. Fields are named by their element id.
 */
export const ErrorSummary = ({ errors, labels }: { errors: Partial<Record<string, string>>; labels: Record<string, string> }) => {
  const listed = Object.entries(errors).filter((entry): entry is [string, string] => Boolean(entry[1]));
  if (listed.length === 0) return null;
  return (
    <div className="usa-alert usa-alert--error usa-alert--slim margin-y-2" role="alert">
      <div className="usa-alert__body">
        <p className="usa-alert__text text-bold">There is a problem</p>
        <ul className="usa-list">
          {listed.map(([field, message]) => (
            <li key={field}>
              <a className="usa-link" href={`#${field}`}>
                {labels[field] ?? field}: {message}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
};
