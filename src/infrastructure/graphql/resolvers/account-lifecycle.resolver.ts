import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { ChangePassword } from '../../../application/change-password';
import type { DeactivateEducatorAccount } from '../../../application/deactivate-educator-account';
import type { ReactivateEducatorAccount } from '../../../application/reactivate-educator-account';
import type { Clock } from '../../../application/ports/clock';
import { viewerOf, type RequestContext } from '../context';
import {
  ChangePasswordInput,
  ChangePasswordPayload,
  DeactivateEducatorAccountInput,
  DeactivateEducatorAccountPayload,
  ReactivateEducatorAccountInput,
  ReactivateEducatorAccountPayload,
} from '../types/account.inputs';
import { EducatorAccountType } from '../types/account.types';
import { UserError } from '../types/common.types';
import { presentAccount } from './presenters';

/** What happens to an account after it was created: an admin deactivates and reactivates it; its owner changes their password. */
@Resolver(() => EducatorAccountType)
export class AccountLifecycleResolver {
  constructor(
    private readonly deactivate: DeactivateEducatorAccount,
    private readonly reactivate: ReactivateEducatorAccount,
    private readonly changePasswordUseCase: ChangePassword,
    private readonly clock: Clock,
  ) {}

  @Mutation(() => ChangePasswordPayload, {
    description: "The signed-in person's own password, after proving the current one. Ends the person's other sessions and every token issued before.",
  })
  async changePassword(@Arg('input', () => ChangePasswordInput) input: ChangePasswordInput, @Ctx() context: RequestContext): Promise<ChangePasswordPayload> {
    const viewer = viewerOf(context);
    const outcome = await this.changePasswordUseCase.execute(viewer.account, {
      ...input,
      clientAddress: context.clientAddress,
      keepingSession: viewer.signedInWithToken ? undefined : context.sessionCookie.secret,
      issueToken: viewer.signedInWithToken,
    });
    return {
      account: outcome.account && presentAccount(context, outcome.account, this.clock.now(), 'owner'),
      token: outcome.token,
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }

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
