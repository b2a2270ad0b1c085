import { formatBytes } from '../../components/format';

/** Bytes of the file sent so far while it goes up. */
export const UploadProgress = ({ fileName, sent, total }: { fileName: string; sent: number; total: number }) => (
  <div className="margin-y-2">
    <p role="status" className="margin-bottom-1">
      Sending {fileName}…
    </p>
    <label className="usa-label margin-top-0" htmlFor="upload-progress">
      File sent: {formatBytes(sent)} of {formatBytes(total)}
    </label>
    <progress id="upload-progress" className="app-progress" max={Math.max(total, 1)} value={sent} />
  </div>
);
