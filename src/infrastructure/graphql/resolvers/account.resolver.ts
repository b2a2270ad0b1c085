import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { CreateEducatorAccount } from '../../../application/create-educator-account';
import type { ListEducatorAccounts } from '../../../application/list-educator-accounts';
import type { RegisterAccount } from '../../../application/register-account';
import type { SignIn } from '../../../application/sign-in';
import type { Clock } from '../../../application/ports/clock';
import { mayGrant } from '../../../domain/role/account-creation-policy';
import { roleOf, ROLES } from '../../../domain/role/role';
import type { EducatorAccount } from '../../../domain/educator/educator-account';
import type { Actor } from '../../../domain/shared/actor';
import { viewerOf, type RequestContext } from '../context';
import {
  CreateEducatorAccountInput,
  CreateEducatorAccountPayload,
  EducatorAccountsArgs,
  RegisterAccountInput,
  RegisterAccountPayload,
  SignInInput,
  SignInPayload,
} from '../types/account.inputs';
import { DistrictType, EducatorAccountConnection, EducatorAccountType, RoleType, SchoolSiteType } from '../types/account.types';
import { UserError, WarningType } from '../types/common.types';
import { decodeCursor, encodeCursor, presentAccount, presentSites } from './presenters';

@Resolver(() => EducatorAccountType)
export class AccountResolver {
  constructor(
    private readonly signInUseCase: SignIn,
    private readonly createAccount: CreateEducatorAccount,
    private readonly registerUseCase: RegisterAccount,
    private readonly listAccounts: ListEducatorAccounts,
    private readonly clock: Clock,
  ) {}

  @Query(() => EducatorAccountType)
  me(@Ctx() context: RequestContext): EducatorAccountType {
    const viewer = viewerOf(context);
    return this.present(viewer.account, context, viewer.actor);
  }

  @Query(() => [RoleType])
  roles(
    @Arg('grantable', () => Boolean, { nullable: true, description: 'true: only the roles the viewer may create accounts with (none for a non-admin).' })
    grantable: boolean | null,
    @Ctx() context: RequestContext,
  ): RoleType[] {
    const { actor } = viewerOf(context);
    return ROLES.filter((role) => !grantable || mayGrant(actor, role.code)).map(RoleType.from);
  }

  @Query(() => EducatorAccountConnection, {
    description: 'Accounts the viewer manages (one school site, or all of them), filtered and sorted; oldest first by default.',
  })
  async educatorAccounts(@Args(() => EducatorAccountsArgs) args: EducatorAccountsArgs, @Ctx() context: RequestContext): Promise<EducatorAccountConnection> {
    const { actor } = viewerOf(context);
    const siteId = args.schoolSiteId == null ? null : context.publicIds.decode('site', args.schoolSiteId);
    const filters = { status: args.status, roleCode: args.roleCode, search: args.search, sort: args.sort };
    const page = await this.listAccounts.execute(actor, siteId, args.first, decodeCursor(context, args.after), filters);
    const last = page.nodes.at(-1);
    return {
      nodes: page.nodes.map((account) => this.present(account, context, actor)),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: last ? encodeCursor(context, last.id!) : null },
      totalCount: page.totalCount,
    };
  }

  @Mutation(() => SignInPayload)
  async signIn(@Arg('input', () => SignInInput) input: SignInInput, @Ctx() context: RequestContext): Promise<SignInPayload> {
    const outcome = await this.signInUseCase.execute({ ...input, clientAddress: context.clientAddress });
    return {
      token: outcome.token,
      account: outcome.account && this.present(outcome.account, context, 'owner'),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }

  @Mutation(() => CreateEducatorAccountPayload)
  async createEducatorAccount(
    @Arg('input', () => CreateEducatorAccountInput) input: CreateEducatorAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateEducatorAccountPayload> {
    const { actor } = viewerOf(context);
    const schoolSiteIds = (input.schoolSiteIds ?? []).map((id) => context.publicIds.decode('site', id));
    const outcome = await this.createAccount.execute(actor, {
      ...input,
      schoolSiteIds,
      idempotencyKey: input.idempotencyKey ?? undefined,
      clientAddress: context.clientAddress,
    });
    return {
      account: outcome.account && this.present(outcome.account, context, actor),
      warnings: outcome.warnings.map(WarningType.from),
      userErrors: outcome.userErrors.map(UserError.from),
    };
  }

  @Mutation(() => RegisterAccountPayload)
  async registerAccount(
    @Arg('input', () => RegisterAccountInput) input: RegisterAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<RegisterAccountPayload> {
    const outcome = await this.registerUseCase.execute({ ...input, clientAddress: context.clientAddress });
    return { account: outcome.account && this.present(outcome.account, context, 'owner'), userErrors: outcome.userErrors.map(UserError.from) };
  }

  @FieldResolver(() => RoleType)
  role(@Root() account: EducatorAccountType): RoleType {
    return RoleType.from(roleOf(account.roleCode));
  }

  @FieldResolver(() => [SchoolSiteType])
  async schoolSites(@Root() account: EducatorAccountType, @Ctx() context: RequestContext): Promise<SchoolSiteType[]> {
    return presentSites(context, account.schoolSiteIds);
  }

  @FieldResolver(() => DistrictType)
  async district(@Root() account: EducatorAccountType, @Ctx() context: RequestContext): Promise<DistrictType> {
    const district = await context.loaders.districts.load(account.districtId);
    return DistrictType.from(district!, context.publicIds.encode('district', account.districtId));
  }

  private present(account: EducatorAccount, context: RequestContext, seenBy: Actor | 'owner'): EducatorAccountType {
    return presentAccount(context, account, this.clock.now(), seenBy);
  }
}
