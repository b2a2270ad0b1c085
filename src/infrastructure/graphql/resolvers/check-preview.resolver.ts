import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { CheckFollowUps } from '../../../application/ports/check-follow-ups';
import type { CorrectUploadRow } from '../../../application/correct-upload-row';
import type { CreateAccountsFromCheck } from '../../../application/create-accounts-from-check';
import type { VisibleBatch } from '../../../application/read-upload-log';
import { pageSize } from '../../../application/list-educator-accounts';
import { viewerOf, type RequestContext } from '../context';
import { PageArgs } from '../types/account.inputs';
import { UserError } from '../types/common.types';
import {
  CorrectUploadRowInput,
  CorrectUploadRowPayload,
  CreateAccountsFromCheckInput,
  CreateAccountsFromCheckPayload,
  UploadBatchType,
  UploadFailureType,
  UploadRowCorrectionType,
} from '../types/upload.types';
import { decodeCursor, presentSite } from './presenters';

/** A check as a preview: correct its failing rows in the page, then create its accounts from the file it stored. */
@Resolver(() => UploadBatchType)
export class CheckPreviewResolver {
  constructor(
    private readonly createFromCheck: CreateAccountsFromCheck,
    private readonly correctRow: CorrectUploadRow,
    private readonly followUps: Pick<CheckFollowUps, 'listCorrections'>,
  ) {}

  @Mutation(() => CreateAccountsFromCheckPayload, {
    description:
      "Creates a finished check's accounts from the file it stored, with the rows corrected in the page, as a new queued upload; no file is sent again. " +
      'Every row is decided again as it runs, so what changed since the check stands.',
  })
  async createAccountsFromCheck(
    @Arg('input', () => CreateAccountsFromCheckInput) input: CreateAccountsFromCheckInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateAccountsFromCheckPayload> {
    const { actor } = viewerOf(context);
    const outcome = await this.createFromCheck.execute(actor, {
      checkBatchId: context.publicIds.decode('batch', input.batchId),
      clientAddress: context.clientAddress,
    });
    return { batch: outcome.batch && present(outcome.batch, context), userErrors: outcome.userErrors.map(UserError.from) };
  }

  @Mutation(() => CorrectUploadRowPayload, {
    description: "Corrects a failing row of a finished check: the corrected cells replace that line when the check's accounts are created.",
  })
  async correctUploadRow(
    @Arg('input', () => CorrectUploadRowInput) input: CorrectUploadRowInput,
    @Ctx() context: RequestContext,
  ): Promise<CorrectUploadRowPayload> {
    const { actor } = viewerOf(context);
    const outcome = await this.correctRow.execute(actor, {
      checkBatchId: context.publicIds.decode('batch', input.batchId),
      lineNumber: input.lineNumber,
      cells: [input.firstName, input.lastName, input.email, input.userRole],
      clientAddress: context.clientAddress,
    });
    const batch = outcome.batch && present(outcome.batch, context);
    return {
      batch,
      failure: outcome.failure && batch && UploadFailureType.from(outcome.failure, batch.schoolSite.name, batch.fileName),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }

  @FieldResolver(() => ID, { nullable: true, description: 'On an upload created from a check (createAccountsFromCheck): that check.' })
  checkBatchId(@Root() batch: UploadBatchType, @Ctx() context: RequestContext): string | null {
    return batch.view.createdFromBatchId ? context.publicIds.encode('batch', batch.view.createdFromBatchId) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'On a check: the upload that created its accounts, once there is one.' })
  createdAccountsBatchId(@Root() batch: UploadBatchType, @Ctx() context: RequestContext): string | null {
    return batch.view.followedByBatchId ? context.publicIds.encode('batch', batch.view.followedByBatchId) : null;
  }

  @FieldResolver(() => [UploadRowCorrectionType], {
    description: "The rows corrected in the page, in line order (at most 100 a page): a check's own, or on an upload created from a check, the check's.",
  })
  async corrections(@Root() batch: UploadBatchType, @Args(() => PageArgs) args: PageArgs, @Ctx() context: RequestContext): Promise<UploadRowCorrectionType[]> {
    if (!batch.view.rowsCorrected) return [];
    const checkId = batch.view.createdFromBatchId ?? batch.view.id;
    const page = await this.followUps.listCorrections(checkId, pageSize(args.first), decodeCursor(context, args.after));
    return page.nodes.map(UploadRowCorrectionType.from);
  }
}

const present = (found: VisibleBatch, context: RequestContext): UploadBatchType =>
  UploadBatchType.from(found.batch, context.publicIds.encode('batch', found.batch.id), presentSite(context, found.site));
