import type { EntityManager } from 'typeorm';
import { dialectOf } from './data-source';
import type { Statement } from './plain-sql';

/**
 * A district's accounts counter: every change the accounts list can show that the upload log's counters do not already
 * cover (a single creation, a registration, a deactivation or reactivation, a re-creation, an edit) moves it on in the
 * same transaction, through this one function. Answers kept from memory (answer-cache.ts) follow it with the upload
 * log's counters. An upsert, so that a district needs no counter made in advance; a new one starts from the wall
 * clock, so that a counter made anew (a restored database) cannot repeat an earlier value.
 */
export const accountListChanged = (districtId: number, dialect: 'mysql' | 'sqlite', now = Date.now()): Statement => ({
  sql:
    dialect === 'mysql'
      ? 'INSERT INTO account_list_version (district_id, version) VALUES (?, ?) ON DUPLICATE KEY UPDATE version = version + 1'
      : 'INSERT INTO account_list_version (district_id, version) VALUES (?, ?) ON CONFLICT (district_id) DO UPDATE SET version = version + 1',
  params: [districtId, now],
});

/** Moves the districts' counters on, in the manager's transaction. */
export const moveAccountListCounters = async (manager: EntityManager, districtIds: Iterable<number>): Promise<void> => {
  for (const districtId of new Set(districtIds)) {
    const moved = accountListChanged(districtId, dialectOf(manager.connection));
    await manager.query(moved.sql, moved.params);
  }
};
