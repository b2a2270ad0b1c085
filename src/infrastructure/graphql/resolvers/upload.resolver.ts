import { GraphQLError } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import type { ReadUploadLog, VisibleBatch } from '../../../application/read-upload-log';
import type { UploadEducatorAccounts } from '../../../application/upload-educator-accounts';
import type { CancelUploadBatch } from '../../../application/cancel-upload-batch';
import type { UndoUploadBatch } from '../../../application/undo-upload-batch';
import type { Clock } from '../../../application/ports/clock';
import { TEMPLATE_COLUMNS, TEMPLATE_FILE_NAME, templateContent } from '../../../domain/upload-batch/educator-template';
import { cleanFileName, undoRefusal } from '../../../domain/upload-batch/upload-batch';
import { viewerOf, type RequestContext } from '../context';
import { PageArgs } from '../types/account.inputs';
import { EducatorAccountType } from '../types/account.types';
import { UserError } from '../types/common.types';
import {
  CancelUploadBatchInput,
  CancelUploadBatchPayload,
  CsvTemplate,
  UndoPreviewType,
  UndoUploadBatchInput,
  UndoUploadBatchPayload,
  UploadBatchConnection,
  UploadBatchType,
  UploadEducatorAccountsInput,
  UploadEducatorAccountsPayload,
  UploadFailureConnection,
  UploadFailureType,
} from '../types/upload.types';
import { decodeCursor, encodeCursor, loadEach, presentAccount, presentSite } from './presenters';
import { contentsOf, receivedFile } from './uploaded-file';

@ArgsType()
class UploadBatchesArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Omit for every site the viewer manages.' })
  @IsOptional()
  @MaxLength(100)
  schoolSiteId?: string | null;
}

@ArgsType()
class UploadBatchChangedArgs {
  @Field(() => ID, { nullable: true, description: "Only this site's batches." })
  @IsOptional()
  @MaxLength(100)
  schoolSiteId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this batch.' })
  @IsOptional()
  @MaxLength(100)
  batchId?: string | null;
}

/** The subscription's stream, from the live-update endpoint's context (GET or POST /graphql/stream, graphql-sse). */
const followedBatches = ({
  args,
  context,
}: SubscribeResolverData<unknown, UploadBatchChangedArgs, RequestContext>): Promise<AsyncIterableIterator<VisibleBatch>> => {
  viewerOf(context);
  if (!context.followUploadLog) {
    throw new GraphQLError('Subscribe at /graphql/stream (server-sent events, graphql-sse).', { extensions: { code: 'BAD_REQUEST' } });
  }
  const decode = (kind: 'site' | 'batch', id: string | null | undefined): number | null | undefined => (id ? context.publicIds.decode(kind, id) : null);
  return context.followUploadLog({ schoolSiteId: decode('site', args.schoolSiteId), batchId: decode('batch', args.batchId) });
};

@Resolver(() => UploadBatchType)
export class UploadResolver {
  constructor(
    private readonly upload: UploadEducatorAccounts,
    private readonly log: ReadUploadLog,
    private readonly clock: Clock,
    private readonly cancelUpload: CancelUploadBatch,
    private readonly undoUpload: UndoUploadBatch,
  ) {}

  @Query(() => CsvTemplate, { description: 'The header line to fill in; also at GET /templates/educator-accounts.csv.' })
  educatorAccountTemplate(@Ctx() context: RequestContext): CsvTemplate {
    viewerOf(context);
    return { fileName: TEMPLATE_FILE_NAME, columns: [...TEMPLATE_COLUMNS], content: templateContent() };
  }

  @Query(() => UploadBatchConnection, { description: 'The upload log, newest first.' })
  async uploadBatches(@Args(() => UploadBatchesArgs) args: UploadBatchesArgs, @Ctx() context: RequestContext): Promise<UploadBatchConnection> {
    const { actor } = viewerOf(context);
    const siteId = args.schoolSiteId ? context.publicIds.decode('site', args.schoolSiteId) : null;
    const page = await this.log.listBatches(actor, siteId, args.first, decodeCursor(context, args.after));
    // The log shows each row's site and uploader: both are loaded for the whole page here, so that no row awaits a promise per field.
    const [sites, uploaders] = await Promise.all([
      loadEach(
        context.loaders.sites,
        page.nodes.map((batch) => batch.schoolSiteId),
      ),
      loadEach(
        context.loaders.accounts,
        page.nodes.map((batch) => batch.uploadedByAccountId),
      ),
    ]);
    const now = this.clock.now();
    const last = page.nodes.at(-1);
    return {
      nodes: page.nodes.map((batch) =>
        UploadBatchType.from(
          batch,
          context.publicIds.encode('batch', batch.id),
          presentSite(context, sites.get(batch.schoolSiteId)!),
          presentAccount(context, uploaders.get(batch.uploadedByAccountId)!, now, actor),
        ),
      ),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(context, last.id) : null },
      totalCount: page.totalCount,
    };
  }

  @Query(() => UploadBatchType, { nullable: true, description: "null when the batch does not exist or is outside the viewer's scope." })
  async uploadBatch(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<UploadBatchType | null> {
    const found = await this.log.findBatch(viewerOf(context).actor, context.publicIds.decode('batch', id));
    return found && UploadBatchType.from(found.batch, id, presentSite(context, found.site));
  }

  @Mutation(() => UploadEducatorAccountsPayload, {
    description: 'Multipart request (graphql-multipart-request-spec) with an Apollo-Require-Preflight header. Returns once the file is stored and checked.',
  })
  async uploadEducatorAccounts(
    @Arg('input', () => UploadEducatorAccountsInput) input: UploadEducatorAccountsInput,
    @Ctx() context: RequestContext,
  ): Promise<UploadEducatorAccountsPayload> {
    const { actor } = viewerOf(context);
    const file = await receivedFile(input.file);
    const outcome = await this.upload.execute(actor, {
      schoolSiteId: context.publicIds.decode('site', input.schoolSiteId),
      fileName: cleanFileName(file.filename ?? ''),
      file: contentsOf(file),
      agreementAccepted: input.agreementAccepted,
      dryRun: input.dryRun ?? false,
      idempotencyKey: input.idempotencyKey ?? undefined,
      clientAddress: context.clientAddress,
    });
    const stored = outcome.batch;
    const site = stored && (await context.loaders.sites.load(stored.schoolSiteId))!;
    return {
      batch: stored && UploadBatchType.from(stored, context.publicIds.encode('batch', stored.id), presentSite(context, site!)),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }

  @Mutation(() => CancelUploadBatchPayload, {
    description:
      'Stops an upload that has not finished: a waiting file creates nothing; a running one stops after the chunk in flight, and what it created stays.',
  })
  async cancelUploadBatch(
    @Arg('input', () => CancelUploadBatchInput) input: CancelUploadBatchInput,
    @Ctx() context: RequestContext,
  ): Promise<CancelUploadBatchPayload> {
    const { actor } = viewerOf(context);
    const outcome = await this.cancelUpload.execute(actor, { batchId: context.publicIds.decode('batch', input.batchId), clientAddress: context.clientAddress });
    return { batch: this.present(outcome.batch, context), userErrors: outcome.userErrors.map(UserError.from) };
  }

  @Mutation(() => UndoUploadBatchPayload, {
    description:
      'Removes the accounts a COMPLETED (or CANCELLED) upload created that are still pending registration, and their unsent invitations; ' +
      'registered accounts are kept and named. Uploading the same file again creates the removed accounts again.',
  })
  async undoUploadBatch(
    @Arg('input', () => UndoUploadBatchInput) input: UndoUploadBatchInput,
    @Ctx() context: RequestContext,
  ): Promise<UndoUploadBatchPayload> {
    const { actor } = viewerOf(context);
    const outcome = await this.undoUpload.execute(actor, { batchId: context.publicIds.decode('batch', input.batchId), clientAddress: context.clientAddress });
    return {
      batch: this.present(outcome.batch, context),
      keptAccounts: outcome.keptAccounts.map(({ email, firstName, lastName }) => ({ email, firstName, lastName })),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }

  private present(found: VisibleBatch, context: RequestContext): UploadBatchType {
    return UploadBatchType.from(found.batch, context.publicIds.encode('batch', found.batch.id), presentSite(context, found.site));
  }

  @Subscription(() => UploadBatchType, {
    description:
      "Each change of a batch in the viewer's scope (of one site, of one batch, or of every site the viewer manages), whichever process made it. " +
      'Served over server-sent events at /graphql/stream (graphql-sse); ends when the viewer may no longer see it.',
    subscribe: followedBatches,
  })
  uploadBatchChanged(
    @Root() change: VisibleBatch,
    @Args(() => UploadBatchChangedArgs) _args: UploadBatchChangedArgs,
    @Ctx() context: RequestContext,
  ): UploadBatchType {
    // A subscription's context lives as long as it does: what its loaders remember would grow stale.
    context.loaders.accounts.clearAll();
    context.loaders.siteAdminCounts.clearAll();
    return UploadBatchType.from(change.batch, context.publicIds.encode('batch', change.batch.id), presentSite(context, change.site));
  }

  @FieldResolver(() => EducatorAccountType)
  uploadedBy(@Root() batch: UploadBatchType, @Ctx() context: RequestContext): EducatorAccountType | Promise<EducatorAccountType> {
    return batch.uploader ?? this.loadUploader(batch, context);
  }

  private async loadUploader(batch: UploadBatchType, context: RequestContext): Promise<EducatorAccountType> {
    return presentAccount(context, (await context.loaders.accounts.load(batch.view.uploadedByAccountId))!, this.clock.now(), viewerOf(context).actor);
  }

  @FieldResolver(() => UndoPreviewType, {
    nullable: true,
    description: 'What undoUploadBatch would remove and keep, counted now; null when the batch cannot be undone. One query per batch: ask it of one batch.',
  })
  async undoPreview(@Root() batch: UploadBatchType): Promise<UndoPreviewType | null> {
    if (undoRefusal(batch.view)) return null;
    const counted = await this.undoUpload.preview(batch.view);
    return { accountsToRemove: counted.pending, accountsToKeep: counted.registered };
  }

  @FieldResolver(() => UploadFailureConnection, { description: 'Failed rows in line order.' })
  async failures(@Root() batch: UploadBatchType, @Args(() => PageArgs) args: PageArgs, @Ctx() context: RequestContext): Promise<UploadFailureConnection> {
    const page = await this.log.listFailures(batch.view, args.first, decodeCursor(context, args.after));
    const last = page.nodes.at(-1);
    return {
      nodes: page.nodes.map((failure) => UploadFailureType.from(failure, batch.schoolSite.name, batch.fileName)),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(context, last.lineNumber) : null },
      totalCount: page.totalCount,
    };
  }
}
