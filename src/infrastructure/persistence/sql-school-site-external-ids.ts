import type { DataSource } from 'typeorm';
import type { SchoolSiteExternalIds } from '../../application/ports/school-site-external-ids';
import { isUniqueViolation } from './database-errors';

/** The unique index (district_id, external_id) decides, so that two admins setting one code at once cannot both win. */
export class SqlSchoolSiteExternalIds implements SchoolSiteExternalIds {
  constructor(private readonly dataSource: DataSource) {}

  async set(schoolSiteId: number, externalId: string | null): Promise<'SET' | 'TAKEN'> {
    try {
      await this.dataSource.query('UPDATE school_site SET external_id = ? WHERE id = ?', [externalId, schoolSiteId]);
      return 'SET';
    } catch (error) {
      if (isUniqueViolation(error)) return 'TAKEN';
      throw error;
    }
  }
}
