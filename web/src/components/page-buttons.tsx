/** "Previous" and "Next" for a list shown a page at a time by cursors; each only when there is such a page. */
export const PageButtons = ({
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  noun = 'page',
}: {
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  /** What one step shows: "Previous page", or "Previous rows". */
  noun?: string;
}) =>
  hasPrevious || hasNext ? (
    <ul className="usa-button-group">
      {hasPrevious && (
        <li className="usa-button-group__item">
          <button type="button" className="usa-button usa-button--outline" onClick={onPrevious}>
            Previous {noun}
          </button>
        </li>
      )}
      {hasNext && (
        <li className="usa-button-group__item">
          <button type="button" className="usa-button usa-button--outline" onClick={onNext}>
            Next {noun}
          </button>
        </li>
      )}
    </ul>
  ) : null;
