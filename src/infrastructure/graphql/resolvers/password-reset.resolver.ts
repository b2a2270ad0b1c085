import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestPasswordReset } from '../../../application/request-password-reset';
import type { ResetPassword } from '../../../application/reset-password';
import type { RequestContext } from '../context';
import { RequestPasswordResetInput, RequestPasswordResetPayload, ResetPasswordInput, ResetPasswordPayload } from '../types/account.inputs';
import { UserError } from '../types/common.types';

/** A person who forgot their password gets a code by email and chooses a new one; nobody is signed in for either. */
@Resolver()
export class PasswordResetResolver {
  constructor(
    private readonly requestReset: RequestPasswordReset,
    private readonly reset: ResetPassword,
  ) {}

  @Mutation(() => RequestPasswordResetPayload, {
    description: 'Emails a reset code (valid 30 minutes, once) if the email names an active account; the answer is the same either way.',
  })
  async requestPasswordReset(
    @Arg('input', () => RequestPasswordResetInput) input: RequestPasswordResetInput,
    @Ctx() context: RequestContext,
  ): Promise<RequestPasswordResetPayload> {
    const outcome = await this.requestReset.execute({ email: input.email, clientAddress: context.clientAddress });
    return { userErrors: outcome.userErrors.map(UserError.from) };
  }

  @Mutation(() => ResetPasswordPayload, { description: 'Sets a new password with the emailed code, and ends every session and token of the account.' })
  async resetPassword(@Arg('input', () => ResetPasswordInput) input: ResetPasswordInput, @Ctx() context: RequestContext): Promise<ResetPasswordPayload> {
    const outcome = await this.reset.execute({ ...input, clientAddress: context.clientAddress });
    return { userErrors: outcome.userErrors.map(UserError.from) };
  }
}
