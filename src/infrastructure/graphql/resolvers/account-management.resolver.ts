import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { ResendInvitation } from '../../../application/resend-invitation';
import type { UnlockAccount } from '../../../application/unlock-account';
import type { RecreateEducatorAccount } from '../../../application/recreate-educator-account';
import type { RecreateExpiredAccounts } from '../../../application/recreate-expired-accounts';
import type { UpdateEducatorAccount } from '../../../application/update-educator-account';
import type { Clock } from '../../../application/ports/clock';
import { viewerOf, type RequestContext } from '../context';
import {
  RecreateEducatorAccountInput,
  RecreateEducatorAccountPayload,
  RecreateExpiredAccountsInput,
  RecreateExpiredAccountsPayload,
  ResendInvitationInput,
  ResendInvitationPayload,
  UnlockAccountInput,
  UnlockAccountPayload,
  UpdateEducatorAccountInput,
  UpdateEducatorAccountPayload,
} from '../types/account-management.types';
import { UserError, WarningType } from '../types/common.types';
import { presentAccount } from './presenters';

/** What an admin does to an account that exists: each mutation one use case, refusals as userErrors. */
@Resolver()
export class AccountManagementResolver {
  constructor(
    private readonly resend: ResendInvitation,
    private readonly unlock: UnlockAccount,
    private readonly recreateOne: RecreateEducatorAccount,
    private readonly recreateExpired: RecreateExpiredAccounts,
    private readonly clock: Clock,
    private readonly update: UpdateEducatorAccount,
  ) {}

  @Mutation(() => ResendInvitationPayload, {
    description: 'Sends a pending account its invitation again (throttled per account, see RESEND_INVITATION_MIN_MINUTES).',
  })
  async resendInvitation(
    @Arg('input', () => ResendInvitationInput) input: ResendInvitationInput,
    @Ctx() context: RequestContext,
  ): Promise<ResendInvitationPayload> {
    const { actor } = viewerOf(context);
    const outcome = await this.resend.execute(actor, context.publicIds.decode('account', input.accountId), context.clientAddress);
    return {
      account: outcome.account && presentAccount(context, outcome.account, this.clock.now(), actor),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }

  @Mutation(() => UnlockAccountPayload, { description: "Clears the account's sign-in and registration lockout (its own failure counters; no address's)." })
  async unlockAccount(@Arg('input', () => UnlockAccountInput) input: UnlockAccountInput, @Ctx() context: RequestContext): Promise<UnlockAccountPayload> {
    const { actor } = viewerOf(context);
    const account = await this.unlock.execute(actor, context.publicIds.decode('account', input.accountId), context.clientAddress);
    return { account: presentAccount(context, account, this.clock.now(), actor), userErrors: [] };
  }

  @Mutation(() => RecreateEducatorAccountPayload, { description: 'Creates an expired account again: a new 60-day deadline, a new code and a new invitation.' })
  async recreateEducatorAccount(
    @Arg('input', () => RecreateEducatorAccountInput) input: RecreateEducatorAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<RecreateEducatorAccountPayload> {
    const { actor } = viewerOf(context);
    const outcome = await this.recreateOne.execute(actor, context.publicIds.decode('account', input.accountId), context.clientAddress);
    return {
      account: outcome.account && presentAccount(context, outcome.account, this.clock.now(), actor),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }

  @Mutation(() => RecreateExpiredAccountsPayload, {
    description: "Creates every expired account of a site again in one action (counted against the admin's daily bulk allowance, all or nothing).",
  })
  async recreateExpiredAccounts(
    @Arg('input', () => RecreateExpiredAccountsInput) input: RecreateExpiredAccountsInput,
    @Ctx() context: RequestContext,
  ): Promise<RecreateExpiredAccountsPayload> {
    const { actor } = viewerOf(context);
    const outcome = await this.recreateExpired.execute(actor, context.publicIds.decode('site', input.schoolSiteId), context.clientAddress);
    return { recreatedCount: outcome.recreatedCount, userErrors: outcome.userErrors.map(UserError.from) };
  }

  @Mutation(() => UpdateEducatorAccountPayload, {
    description: 'Corrects an account: names at any time, the email before registration (a new code and invitation), role and sites by the creation rules.',
  })
  async updateEducatorAccount(
    @Arg('input', () => UpdateEducatorAccountInput) input: UpdateEducatorAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<UpdateEducatorAccountPayload> {
    const { actor } = viewerOf(context);
    const outcome = await this.update.execute(actor, {
      accountId: context.publicIds.decode('account', input.accountId),
      firstName: input.firstName ?? undefined,
      lastName: input.lastName ?? undefined,
      email: input.email ?? undefined,
      roleCode: input.roleCode ?? undefined,
      schoolSiteIds: input.schoolSiteIds?.map((id) => context.publicIds.decode('site', id)),
      clientAddress: context.clientAddress,
    });
    return {
      account: outcome.account && presentAccount(context, outcome.account, this.clock.now(), actor),
      warnings: outcome.warnings.map(WarningType.from),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }
}
