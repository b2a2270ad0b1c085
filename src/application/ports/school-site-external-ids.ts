/** Where a school site's external identifier is kept; unique within its district. */
export interface SchoolSiteExternalIds {
  /** TAKEN, and nothing changed, when another site of the district already has that identifier. */
  set(schoolSiteId: number, externalId: string | null): Promise<'SET' | 'TAKEN'>;
}
