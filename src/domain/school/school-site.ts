export interface District {
  id: number;
  name: string;
}

export interface SchoolSite {
  id: number;
  name: string;
  districtId: number;
  /** The identifier the district's SIS gives the site (the state's school code, say): OneRoster imports match by it. */
  externalId: string | null;
}

export interface SchoolSiteRepository {
  /** Ordered by name. */
  findByIds(ids: number[]): Promise<SchoolSite[]>;
  findById(id: number): Promise<SchoolSite | null>;
  findDistrict(id: number): Promise<District | null>;
  /** The sites an actor may manage, ordered by name. */
  listForDistrict(districtId: number): Promise<SchoolSite[]>;
}
