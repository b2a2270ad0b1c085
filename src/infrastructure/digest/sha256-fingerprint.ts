import { createHash } from 'node:crypto';
import type { Fingerprint, StartFingerprint } from '../../application/ports/idempotency-keys';

export const sha256Fingerprint: StartFingerprint = () => {
  const hash = createHash('sha256');
  const fingerprint: Fingerprint = {
    update: (data) => {
      hash.update(data);
      return fingerprint;
    },
    digest: () => hash.digest('hex'),
  };
  return fingerprint;
};
