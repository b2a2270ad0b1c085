import type { PageLinks } from '../../application/ports/page-links';
import type { PublicIds } from '../auth/public-ids';

/** Links under PUBLIC_URL, with the ids the API shows. */
export class PublicPageLinks implements PageLinks {
  constructor(
    private readonly publicUrl: string,
    private readonly publicIds: PublicIds,
  ) {}

  /** In the fragment, which browsers never send: the code reaches no server log, ours or a proxy's. */
  registration(email: string, registrationCode: string): string {
    return `${this.publicUrl}/register#email=${encodeURIComponent(email)}&code=${encodeURIComponent(registrationCode)}`;
  }

  passwordReset(email: string): string {
    return `${this.publicUrl}/reset-password#email=${encodeURIComponent(email)}`;
  }

  uploadBatch(batchId: number): string {
    return `${this.publicUrl}/batches/${this.publicIds.encode('batch', batchId)}`;
  }
}
