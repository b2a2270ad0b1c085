import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { EndBrowserSession } from '../../../application/end-browser-session';
import type { Clock } from '../../../application/ports/clock';
import type { StartBrowserSession } from '../../../application/start-browser-session';
import type { RequestContext } from '../context';
import { SignInInput, StartSessionPayload } from '../types/account.inputs';
import { UserError } from '../types/common.types';
import { presentAccount } from './presenters';

/** Signing in and out from the page: the proof is an HttpOnly cookie the page's scripts never see, not a token. */
@Resolver()
export class SessionResolver {
  constructor(
    private readonly startSessionUseCase: StartBrowserSession,
    private readonly endSessionUseCase: EndBrowserSession,
    private readonly clock: Clock,
  ) {}

  @Mutation(() => StartSessionPayload, {
    description: 'signIn for the page: the same rules and userErrors; on success the answer sets the edu_session cookie.',
  })
  async startSession(@Arg('input', () => SignInInput) input: SignInInput, @Ctx() context: RequestContext): Promise<StartSessionPayload> {
    const outcome = await this.startSessionUseCase.execute({ ...input, clientAddress: context.clientAddress, replacing: context.sessionCookie.secret });
    if (outcome.secret) context.sessionCookie.set(outcome.secret);
    return {
      account: outcome.account && presentAccount(context, outcome.account, this.clock.now(), 'owner'),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }

  @Mutation(() => Boolean, { description: "Ends the cookie's session on the server and clears the cookie; true when a session was ended." })
  async endSession(@Ctx() context: RequestContext): Promise<boolean> {
    const ended = await this.endSessionUseCase.execute(context.sessionCookie.secret);
    context.sessionCookie.clear();
    return ended;
  }
}
