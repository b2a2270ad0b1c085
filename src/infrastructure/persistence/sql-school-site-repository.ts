import type { District, SchoolSite, SchoolSiteRepository } from '../../domain/school/school-site';
import type { ReadRows } from './grouped-reads';
import { parameterList, type Row } from './plain-sql';

const siteFromRow = (row: Row): SchoolSite => ({
  id: Number(row.id),
  name: String(row.name),
  districtId: Number(row.district_id),
  externalId: (row.external_id as string | null | undefined) ?? null,
});
const districtFromRow = (row: Row): District => ({ id: Number(row.id), name: String(row.name) });

/** Plain SQL: sites are looked up on most requests (scope checks, the log's "Belongs To"). */
export class SqlSchoolSiteRepository implements SchoolSiteRepository {
  constructor(private readonly read: ReadRows) {}

  async findById(id: number): Promise<SchoolSite | null> {
    const [row] = await this.read('SELECT id, name, district_id, external_id FROM school_site WHERE id = ?', [id]);
    return row ? siteFromRow(row) : null;
  }

  async findDistrict(id: number): Promise<District | null> {
    return (await this.findDistricts([id]))[0] ?? null;
  }

  async findDistricts(ids: number[]): Promise<District[]> {
    if (ids.length === 0) return [];
    const rows = await this.read(`SELECT id, name FROM district WHERE id IN (${parameterList(ids.length)})`, ids);
    return rows.map(districtFromRow);
  }

  async listForDistrict(districtId: number): Promise<SchoolSite[]> {
    const rows = await this.read('SELECT id, name, district_id, external_id FROM school_site WHERE district_id = ? ORDER BY name', [districtId]);
    return rows.map(siteFromRow);
  }

  async findByIds(ids: number[]): Promise<SchoolSite[]> {
    if (ids.length === 0) return [];
    const rows = await this.read(`SELECT id, name, district_id, external_id FROM school_site WHERE id IN (${parameterList(ids.length)}) ORDER BY name`, ids);
    return rows.map(siteFromRow);
  }
}
