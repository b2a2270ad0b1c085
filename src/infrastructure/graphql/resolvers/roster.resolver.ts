import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { ReadRosterImport } from '../../../application/read-roster-import';
import type { RosterImportView } from '../../../application/roster-import-view';
import type { StartRosterImport } from '../../../application/start-roster-import';
import type { UploadRoster } from '../../../application/upload-roster';
import { cleanFileName } from '../../../domain/upload-batch/upload-batch';
import { viewerOf, type RequestContext } from '../context';
import { UserError } from '../types/common.types';
import type { RoleCodeEnum } from '../types/enums';
import {
  RosterImportPayload,
  RosterImportType,
  RosterPreviewPayload,
  StartRosterImportInput,
  UploadRosterInput,
  type SchoolMatchedByEnum,
} from '../types/roster.types';
import { UploadBatchType } from '../types/upload.types';
import { presentSite } from './presenters';
import { contentsOf, receivedFile } from './uploaded-file';

@Resolver(() => RosterImportType)
export class RosterResolver {
  constructor(
    private readonly upload: UploadRoster,
    private readonly startImport: StartRosterImport,
    private readonly readImport: ReadRosterImport,
  ) {}

  @Mutation(() => RosterPreviewPayload, {
    description: 'Multipart request with an Apollo-Require-Preflight header. Reads a OneRoster zip and answers the mapping step; creates nothing.',
  })
  async uploadRoster(@Arg('input', () => UploadRosterInput) input: UploadRosterInput, @Ctx() context: RequestContext): Promise<RosterPreviewPayload> {
    const { actor } = viewerOf(context);
    const file = await receivedFile(input.file);
    const outcome = await this.upload.execute(actor, {
      fileName: cleanFileName(file.filename ?? ''),
      file: contentsOf(file),
      agreementAccepted: input.agreementAccepted,
      clientAddress: context.clientAddress,
    });
    return { roster: outcome.roster && present(outcome.roster, context), userErrors: outcome.userErrors.map(UserError.from) };
  }

  @Mutation(() => RosterImportPayload, { description: "Creates and queues one upload batch per mapped school with staff, at that school's site." })
  async startRosterImport(
    @Arg('input', () => StartRosterImportInput) input: StartRosterImportInput,
    @Ctx() context: RequestContext,
  ): Promise<RosterImportPayload> {
    const { actor } = viewerOf(context);
    const decodeSite = (id: string | null | undefined): number | null | undefined => (id ? context.publicIds.decode('site', id) : null);
    const outcome = await this.startImport.execute(actor, {
      rosterImportId: context.publicIds.decode('roster', input.rosterImportId),
      schoolMappings: input.schoolMappings.map((mapping) => ({ sourcedId: mapping.sourcedId, schoolSiteId: decodeSite(mapping.schoolSiteId) })),
      roleMappings: input.roleMappings.map((mapping) => ({ rosterRole: mapping.rosterRole, roleCode: mapping.roleCode ?? null })),
      dryRun: input.dryRun ?? false,
      clientAddress: context.clientAddress,
    });
    return { rosterImport: outcome.rosterImport && present(outcome.rosterImport, context), userErrors: outcome.userErrors.map(UserError.from) };
  }

  @Query(() => RosterImportType, { nullable: true, description: 'null when the import does not exist or is of another district.' })
  async rosterImport(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<RosterImportType | null> {
    const view = await this.readImport.execute(viewerOf(context).actor, context.publicIds.decode('roster', id));
    return view && present(view, context);
  }
}

const present = (view: RosterImportView, context: RequestContext): RosterImportType =>
  Object.assign(new RosterImportType(), {
    id: context.publicIds.encode('roster', view.id),
    fileName: view.fileName,
    version: view.version,
    startedAt: view.startedAt,
    schools: view.schools.map((school) => ({
      sourcedId: school.sourcedId,
      name: school.name,
      identifier: school.identifier,
      staffCount: school.staffCount,
      matchedSite: school.match && presentSite(context, school.match.site),
      matchedBy: (school.match?.by ?? null) as SchoolMatchedByEnum | null,
      nonSchool: school.nonSchool,
    })),
    roleMappings: view.roleMappings.map((role) => ({ ...role, roleCode: role.roleCode as RoleCodeEnum | null })),
    ignored: view.ignored,
    staffNotAtSchool: view.staffNotAtSchool,
    batches: view.batches.map(({ batch, site }) => UploadBatchType.from(batch, context.publicIds.encode('batch', batch.id), presentSite(context, site))),
  });
