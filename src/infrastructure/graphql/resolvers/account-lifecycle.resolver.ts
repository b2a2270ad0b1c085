import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { DeactivateEducatorAccount } from '../../../application/deactivate-educator-account';
import type { ReactivateEducatorAccount } from '../../../application/reactivate-educator-account';
import type { Clock } from '../../../application/ports/clock';
import { viewerOf, type RequestContext } from '../context';
import {
  DeactivateEducatorAccountInput,
  DeactivateEducatorAccountPayload,
  ReactivateEducatorAccountInput,
  ReactivateEducatorAccountPayload,
} from '../types/account.inputs';
import { EducatorAccountType } from '../types/account.types';
import { UserError } from '../types/common.types';
import { presentAccount } from './presenters';

/** What an admin does to an account after it was created: deactivate and reactivate it. */
@Resolver(() => EducatorAccountType)
export class AccountLifecycleResolver {
  constructor(
    private readonly deactivate: DeactivateEducatorAccount,
    private readonly reactivate: ReactivateEducatorAccount,
    private readonly clock: Clock,
  ) {}

  @Mutation(() => DeactivateEducatorAccountPayload, {
    description: 'Stops the account signing in at once (its sessions and tokens too); its email stays taken.',
  })
  async deactivateEducatorAccount(
    @Arg('input', () => DeactivateEducatorAccountInput) input: DeactivateEducatorAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<DeactivateEducatorAccountPayload> {
    const { actor } = viewerOf(context);
    const outcome = await this.deactivate.execute(actor, {
      accountId: context.publicIds.decode('account', input.accountId),
      clientAddress: context.clientAddress,
    });
    return {
      account: outcome.account && presentAccount(context, outcome.account, this.clock.now(), actor),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }

  @Mutation(() => ReactivateEducatorAccountPayload, {
    description: 'Returns a deactivated account to what it was: ACTIVE if registered, else pending or expired.',
  })
  async reactivateEducatorAccount(
    @Arg('input', () => ReactivateEducatorAccountInput) input: ReactivateEducatorAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<ReactivateEducatorAccountPayload> {
    const { actor } = viewerOf(context);
    const outcome = await this.reactivate.execute(actor, {
      accountId: context.publicIds.decode('account', input.accountId),
      clientAddress: context.clientAddress,
    });
    return {
      account: outcome.account && presentAccount(context, outcome.account, this.clock.now(), actor),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }
}
