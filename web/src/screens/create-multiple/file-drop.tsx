import { useRef, useState, type DragEvent } from 'react';
import { formatBytes } from '../../components/format';

/**
 * A file input labelled "CSV file or Excel workbook" inside a zone that takes a dropped file as well. The input stays a real file
 * input, so a keyboard (Enter or Space on it) opens the file chooser.
 */
export const FileDrop = ({ id, file, error, onChange }: { id: string; file: File | null; error?: string; onChange: (file: File | null) => void }) => {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    const dropped = event.dataTransfer.files;
    if (dropped.length === 0) return;
    if (input.current) input.current.files = dropped;
    onChange(dropped[0]);
  };

  return (
    <div className={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
      <label className={`usa-label${error ? ' usa-label--error' : ''}`} htmlFor={id}>
        CSV file or Excel workbook
      </label>
      <div className="usa-hint" id={`${id}-hint`}>
        The filled-in template, saved as CSV UTF-8 or as an Excel Workbook (.xlsx). Choose it, or drop it here.
      </div>
      {error && (
        <span className="usa-error-message" id={`${id}-error`}>
          {error}
        </span>
      )}
      <div
        className={`app-drop-zone${over ? ' app-drop-zone--over' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={drop}
      >
        <input
          ref={input}
          id={id}
          name={id}
          type="file"
          accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          className="app-file-input"
          aria-invalid={error ? true : undefined}
          aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
          onChange={(event) => onChange(event.target.files?.[0] ?? null)}
        />
        {file && (
          <p className="margin-bottom-0">
            Chosen: <strong>{file.name}</strong> ({formatBytes(file.size)})
          </p>
        )}
      </div>
    </div>
  );
};

/** Clears the file input after an upload, so the same file can be chosen again once fixed. */
export const clearFileInput = (id: string): void => {
  const element = document.getElementById(id);
  if (element instanceof HTMLInputElement) element.value = '';
};
