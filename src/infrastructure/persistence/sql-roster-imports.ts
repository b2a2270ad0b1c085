import type { DataSource } from 'typeorm';
import type { NewRosterImport, RosterImports, StoredRosterImport } from '../../application/ports/roster-imports';
import type { RosterStaff, RosterVersion } from '../../domain/roster/roster';
import { changedRows, insertedId, optionalDate, parameterList, type Row } from './plain-sql';

/** 500 staff rows of 7 values: 3,500 parameters, well within both drivers' limits. */
const STAFF_ROWS_PER_INSERT = 500;

/** Plain SQL: a roster is written once, in multi-row inserts, and read back whole by the mapping step. */
export class SqlRosterImports implements RosterImports {
  constructor(private readonly dataSource: DataSource) {}

  async store({ districtId, uploadedByAccountId, fileName, roster, now }: NewRosterImport): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager.queryRunner!.query(
        `INSERT INTO roster_import (district_id, uploaded_by_account_id, file_name, version, created_at, started_at,
           ignored_students, ignored_guardians, ignored_disabled, ignored_to_be_deleted) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`,
        [districtId, uploadedByAccountId, fileName, roster.version, now.getTime(), ...Object.values(ignoredOf(roster.ignored))],
        true,
      );
      const id = insertedId(inserted.raw);
      for (let at = 0; at < roster.orgs.length; at += STAFF_ROWS_PER_INSERT) {
        const orgs = roster.orgs.slice(at, at + STAFF_ROWS_PER_INSERT);
        await manager.query(
          `INSERT INTO roster_school (roster_import_id, sourced_id, name, identifier, org_type) VALUES ${orgs.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
          orgs.flatMap((org) => [id, org.sourcedId, org.name.slice(0, 255), org.identifier?.slice(0, 255) ?? null, org.type.slice(0, 32)]),
        );
      }
      for (let at = 0; at < roster.staff.length; at += STAFF_ROWS_PER_INSERT) {
        const staff = roster.staff.slice(at, at + STAFF_ROWS_PER_INSERT);
        await manager.query(
          `INSERT INTO roster_staff (roster_import_id, line_number, org_sourced_id, roster_role, given_name, family_name, email)
           VALUES ${staff.map(() => `(${parameterList(7)})`).join(', ')}`,
          staff.flatMap((person) => [
            id,
            person.lineNumber,
            person.orgSourcedId,
            person.rosterRole.slice(0, 40),
            person.givenName.slice(0, 255),
            person.familyName.slice(0, 255),
            person.email.slice(0, 320),
          ]),
        );
      }
      return id;
    });
  }

  async find(id: number): Promise<StoredRosterImport | null> {
    const [row]: Row[] = await this.dataSource.query('SELECT * FROM roster_import WHERE id = ?', [id]);
    if (!row) return null;
    const [orgs, groups] = await Promise.all([
      this.dataSource.query<Row[]>('SELECT sourced_id, name, identifier, org_type FROM roster_school WHERE roster_import_id = ? ORDER BY name, sourced_id', [
        id,
      ]),
      this.dataSource.query<Row[]>(
        'SELECT org_sourced_id, roster_role, COUNT(*) AS n FROM roster_staff WHERE roster_import_id = ? GROUP BY org_sourced_id, roster_role',
        [id],
      ),
    ]);
    return {
      id: Number(row.id),
      districtId: Number(row.district_id),
      uploadedByAccountId: Number(row.uploaded_by_account_id),
      fileName: String(row.file_name),
      version: String(row.version) as RosterVersion,
      createdAt: new Date(Number(row.created_at)),
      startedAt: optionalDate(row.started_at),
      ignored: {
        students: Number(row.ignored_students),
        guardians: Number(row.ignored_guardians),
        disabled: Number(row.ignored_disabled),
        toBeDeleted: Number(row.ignored_to_be_deleted),
      },
      orgs: orgs.map((org) => ({
        sourcedId: String(org.sourced_id),
        name: String(org.name),
        identifier: (org.identifier as string | null) ?? null,
        type: String(org.org_type),
      })),
      staffGroups: groups.map((group) => ({
        orgSourcedId: (group.org_sourced_id as string | null) ?? null,
        rosterRole: String(group.roster_role),
        count: Number(group.n),
      })),
    };
  }

  async staffAt(rosterImportId: number, orgSourcedId: string): Promise<RosterStaff[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT line_number, org_sourced_id, roster_role, given_name, family_name, email FROM roster_staff
       WHERE roster_import_id = ? AND org_sourced_id = ? ORDER BY line_number`,
      [rosterImportId, orgSourcedId],
    );
    return rows.map((row) => ({
      lineNumber: Number(row.line_number),
      orgSourcedId: String(row.org_sourced_id),
      rosterRole: String(row.roster_role),
      givenName: String(row.given_name),
      familyName: String(row.family_name),
      email: String(row.email),
    }));
  }

  async markStarted(rosterImportId: number, now: Date): Promise<boolean> {
    return (
      (await changedRows(this.dataSource.manager, 'UPDATE roster_import SET started_at = ? WHERE id = ? AND started_at IS NULL', [
        now.getTime(),
        rosterImportId,
      ])) === 1
    );
  }

  async linkBatch(rosterImportId: number, batchId: number): Promise<void> {
    await this.dataSource.query('UPDATE upload_batch SET roster_import_id = ? WHERE id = ?', [rosterImportId, batchId]);
  }

  async batchIds(rosterImportId: number): Promise<number[]> {
    const rows: Row[] = await this.dataSource.query('SELECT id FROM upload_batch WHERE roster_import_id = ? ORDER BY id', [rosterImportId]);
    return rows.map((row) => Number(row.id));
  }
}

const ignoredOf = (ignored: { students: number; guardians: number; disabled: number; toBeDeleted: number }) => ({
  students: ignored.students,
  guardians: ignored.guardians,
  disabled: ignored.disabled,
  toBeDeleted: ignored.toBeDeleted,
});
