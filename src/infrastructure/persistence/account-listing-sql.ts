import { statusIsSql } from './account-status-sql';
import type { AccountQuery } from '../../application/ports/account-directory';
import { parameterList, type Row, type Statement } from './plain-sql';

/** Lower-cased as the listing searches and sorts it (first_name_normalized, last_name_normalized). */
export const normalizedName = (name: string): string => name.toLowerCase();

const SORT_COLUMNS = {
  NAME: ['last_name_normalized', 'first_name_normalized', 'id'],
  EMAIL: ['email_normalized', 'id'],
  CREATED_AT: ['created_at', 'id'],
} as const;

// '!' rather than a backslash: one escape character that SQLite and MySQL read alike.
const likePrefix = (text: string): string => `${text.toLowerCase().replace(/[!%_]/g, (character) => `!${character}`)}%`;

/** The filter alone (what totalCount counts), on `a` = educator_account. */
export const accountFilter = (query: AccountQuery): Statement => {
  const conditions = ['a.district_id = ?'];
  const params: unknown[] = [query.districtId];
  if (query.schoolSiteIds !== null) {
    conditions.push(
      `EXISTS (SELECT 1 FROM educator_account_site m WHERE m.account_id = a.id AND m.school_site_id IN (${parameterList(Math.max(query.schoolSiteIds.length, 1))}))`,
    );
    params.push(...(query.schoolSiteIds.length > 0 ? query.schoolSiteIds : [0]));
  }
  if (query.status !== null) {
    const status = statusIsSql('a', query.status, query.now);
    conditions.push(status.sql);
    params.push(...status.params);
  }
  if (query.roleCode !== null) {
    conditions.push('a.role_code = ?');
    params.push(query.roleCode);
  }
  const search = query.search?.trim();
  if (search) {
    conditions.push("(a.first_name_normalized LIKE ? ESCAPE '!' OR a.last_name_normalized LIKE ? ESCAPE '!' OR a.email_normalized LIKE ? ESCAPE '!')");
    params.push(likePrefix(search), likePrefix(search), likePrefix(search));
  }
  return { sql: conditions.join(' AND '), params };
};

export const countAccounts = (query: AccountQuery): Statement => {
  const filter = accountFilter(query);
  return { sql: `SELECT COUNT(*) AS total FROM educator_account a WHERE ${filter.sql}`, params: filter.params };
};

/** The sort key of the account a cursor names; the next page starts strictly after it. */
export const cursorKey = (query: AccountQuery, afterId: number): Statement => ({
  sql: `SELECT ${SORT_COLUMNS[query.sort.field].join(', ')} FROM educator_account WHERE id = ?`,
  params: [afterId],
});

/**
 * Ids of one page, by keyset: `(k1, k2, id) > (v1, v2, v)` spelled out as ORs so MySQL ranges over the sort index
 * (row constructors are not always). No OFFSET: a late page costs what the first does.
 */
export const pageOfIds = (query: AccountQuery, limit: number, after: Row | null): Statement => {
  const filter = accountFilter(query);
  const columns = SORT_COLUMNS[query.sort.field];
  const direction = query.sort.direction;
  const beyond = direction === 'ASC' ? '>' : '<';
  const keyset: string[] = [];
  const keysetParams: unknown[] = [];
  if (after) {
    const alternatives = columns.map((column, index) => {
      const equalities = columns.slice(0, index).map((earlier) => `a.${earlier} = ?`);
      keysetParams.push(...columns.slice(0, index).map((earlier) => after[earlier]), after[column]);
      return `(${[...equalities, `a.${column} ${beyond} ?`].join(' AND ')})`;
    });
    keyset.push(`(${alternatives.join(' OR ')})`);
  }
  return {
    sql: `SELECT a.id FROM educator_account a WHERE ${[filter.sql, ...keyset].join(' AND ')}
          ORDER BY ${columns.map((column) => `a.${column} ${direction}`).join(', ')} LIMIT ?`,
    params: [...filter.params, ...keysetParams, limit],
  };
};
