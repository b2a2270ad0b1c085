import { In, type EntityManager } from 'typeorm';
import type { District, SchoolSite, SchoolSiteRepository } from '../../domain/school/school-site';
import { DistrictRecord, SchoolSiteRecord } from './records/records';

const toDomain = (record: SchoolSiteRecord): SchoolSite => ({ id: record.id, name: record.name, districtId: record.districtId });

export class TypeOrmSchoolSiteRepository implements SchoolSiteRepository {
  constructor(private readonly manager: EntityManager) {}

  async findById(id: number): Promise<SchoolSite | null> {
    const record = await this.manager.findOneBy(SchoolSiteRecord, { id });
    return record ? toDomain(record) : null;
  }

  async findDistrict(id: number): Promise<District | null> {
    const record = await this.manager.findOneBy(DistrictRecord, { id });
    return record ? { id: record.id, name: record.name } : null;
  }

  async findDistricts(ids: number[]): Promise<District[]> {
    if (ids.length === 0) return [];
    return (await this.manager.findBy(DistrictRecord, { id: In(ids) })).map((record) => ({ id: record.id, name: record.name }));
  }

  async listForDistrict(districtId: number): Promise<SchoolSite[]> {
    return (await this.manager.find(SchoolSiteRecord, { where: { districtId }, order: { name: 'ASC' } })).map(toDomain);
  }

  async findByIds(ids: number[]): Promise<SchoolSite[]> {
    if (ids.length === 0) return [];
    return (await this.manager.find(SchoolSiteRecord, { where: { id: In(ids) }, order: { name: 'ASC' } })).map(toDomain);
  }
}
