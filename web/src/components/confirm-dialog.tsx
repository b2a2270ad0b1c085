import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A confirmation inside the page (never window.confirm): a modal <dialog>, so the browser keeps focus inside it,
 * Escape cancels, and focus returns to the control that opened it.
 */
export const ConfirmDialog = ({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel = 'Cancel',
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) => {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  return (
    <dialog
      ref={dialog}
      className="app-dialog usa-modal"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <div className="usa-modal__content">
        <div className="usa-modal__main">
          <h2 className="usa-modal__heading" id={titleId}>
            {title}
          </h2>
          <div className="usa-prose" id={bodyId}>
            {children}
          </div>
          <div className="usa-modal__footer">
            <ul className="usa-button-group">
              <li className="usa-button-group__item">
                <button type="button" className="usa-button" onClick={onConfirm}>
                  {confirmLabel}
                </button>
              </li>
              <li className="usa-button-group__item">
                <button type="button" className="usa-button usa-button--unstyled padding-105 text-center" onClick={onCancel}>
                  {cancelLabel}
                </button>
              </li>
            </ul>
          </div>
        </div>
      </div>
    </dialog>
  );
};
