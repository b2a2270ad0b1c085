export interface District {
  id: number;
  name: string;
}

export interface SchoolSite {
  id: number;
  name: string;
  districtId: number;
}

export interface SchoolSiteRepository {
  /** Ordered by name. */
  findByIds(ids: number[]): Promise<SchoolSite[]>;
  findById(id: number): Promise<SchoolSite | null>;
  findDistrict(id: number): Promise<District | null>;
  /** The sites an actor may manage, ordered by name. */
  listForDistrict(districtId: number): Promise<SchoolSite[]>;
}
