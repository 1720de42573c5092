import type { PlatformContext } from '../../platform/context.ts';
import { randomToken } from '../../platform/crypto/secrets.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AccessService } from './access.service.ts';
import type { Actor, ApiTokenInfo } from './accounts.contract.ts';
import * as repo from './accounts.repository.ts';
import { cleanName, nameProblem } from './accounts.service.ts';
import type { AccountsDb, ApiTokenRow } from './accounts.tables.ts';
import type { AmbientDb } from './auth/ambient-db.ts';
import { displayPrefix, formatApiToken } from './domain/api-token.ts';

/** Enough for every script a person runs; a runaway loop creating tokens stops here. */
export const MAX_ACTIVE_TOKENS = 50;
export const MAX_TOKEN_DAYS = 3650;

function toInfo(row: ApiTokenRow): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.display_prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}

/**
 * Personal API tokens. The token is shown once, at creation; only its keyed
 * hash is stored. Managing tokens needs a browser session: a token cannot mint
 * more tokens, so a leaked one cannot entrench itself.
 */
export class ApiTokenService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: AmbientDb<AccountsDb>,
    private readonly access: AccessService,
  ) {}

  #guard(actor: Actor): void {
    if (!this.access.can(actor, 'api_tokens.manage', { ownerUserId: actor.userId }))
      throw new AppError('FORBIDDEN');
    if (actor.via !== 'session') {
      throw new AppError(
        'FORBIDDEN',
        'API tokens are managed from a signed-in session, not with an API token.',
      );
    }
  }

  async create(
    actor: Actor,
    input: { name: string; expiresInDays?: number | null },
  ): Promise<{ token: string; info: ApiTokenInfo }> {
    this.#guard(actor);
    const name = cleanName(input.name);
    const problem = nameProblem(name);
    if (problem)
      throw new AppError('VALIDATION_FAILED', undefined, { details: [{ path: '/name', message: problem }] });
    const days = input.expiresInDays ?? null;
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS)) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [
          { path: '/expiresInDays', message: `Use a whole number of days from 1 to ${MAX_TOKEN_DAYS}.` },
        ],
      });
    }
    const token = formatApiToken(randomToken(32));
    const now = this.ctx.clock.now();
    const row: ApiTokenRow = {
      id: newId('tok', this.ctx.clock),
      user_id: actor.userId,
      name,
      token_hash: this.ctx.secrets.keyedHash('api-token', token),
      display_prefix: displayPrefix(token),
      created_at: now,
      last_used_at: null,
      expires_at: days === null ? null : new Date(now.getTime() + days * 86_400_000),
      revoked_at: null,
    };
    await this.db.transaction(async (trx) => {
      const active = await repo.listApiTokens(trx, actor.userId);
      if (active.length >= MAX_ACTIVE_TOKENS) {
        throw new AppError('CONFLICT', `You have ${MAX_ACTIVE_TOKENS} tokens already. Revoke one first.`);
      }
      await repo.insertApiToken(trx, row);
    });
    return { token, info: toInfo(row) };
  }

  async list(actor: Actor): Promise<ApiTokenInfo[]> {
    if (!this.access.can(actor, 'api_tokens.manage', { ownerUserId: actor.userId }))
      throw new AppError('FORBIDDEN');
    return (await repo.listApiTokens(this.db.kysely, actor.userId)).map(toInfo);
  }

  async revoke(actor: Actor, tokenId: string): Promise<void> {
    this.#guard(actor);
    const revoked = await this.db.transaction((trx) =>
      repo.revokeApiToken(trx, actor.userId, tokenId, this.ctx.clock.now()),
    );
    if (!revoked) throw new AppError('NOT_FOUND', 'No such token.');
  }
}
