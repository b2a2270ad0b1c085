import type { EducatorAccount } from '../../domain/educator/educator-account';

/** What every account re-created in one action becomes (the domain's EducatorAccount.recreatedInPlace, as column values). */
export interface RecreatedAs {
  createdAt: Date;
  registrationDeadline: Date;
  createdByAccountId: number;
}

/** Expired accounts written as created again, each with its new invitation queued in the same transaction. */
export interface AccountRecreations {
  /** `recreated`: the account as the domain re-created it. False (nothing written) when it is no longer expired. */
  recreate(recreated: EducatorAccount, placeName: string, expiredBefore: Date): Promise<boolean>;
  /** Ids of the site's accounts expired before that moment, oldest first, at most `most`. */
  expiredAtSite(schoolSiteId: number, expiredBefore: Date, most: number): Promise<number[]>;
  /** Those of `accountIds` still expired, re-created as one set; how many were. */
  recreateAll(accountIds: number[], as: RecreatedAs, placeName: string, expiredBefore: Date): Promise<number>;
}
