import { userInfo } from 'node:os';
import type { DataSource } from 'typeorm';
import { ApiTokenRevocations } from '../../api/src/auth/token-revocations.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `ledger revoke-token (--token-id <id> | --user <userId>) --reason <text>`: the operators' way to revoke an API
 * token when no hub staff token is at hand (the same table as `POST /api/v1/api-tokens/revocations`; recorded as
 * revoked by `cli:<OS user>`). Returns the exit code.
 */
export async function runRevokeToken(
  dataSource: DataSource,
  options: { tokenId?: string | undefined; user?: string | undefined; reason?: string | undefined },
  print: (line: string) => void = console.log,
): Promise<number> {
  const { tokenId, user, reason } = options;
  if ((tokenId === undefined) === (user === undefined)) {
    print('Give exactly one of --token-id <id> (one token) or --user <userId> (all their tokens).');
    return 2;
  }
  if (tokenId !== undefined && !UUID.test(tokenId)) {
    print('--token-id must be the token id given when it was issued (a UUID).');
    return 2;
  }
  if (!reason?.trim() || reason.length > 500) {
    print('--reason must say why (1-500 characters).');
    return 2;
  }
  const { revocation, created } = await new ApiTokenRevocations(dataSource).revoke(
    tokenId !== undefined ? { tokenId } : { userId: user! },
    `cli:${userInfo().username}`,
    reason.trim(),
  );
  print(
    `${created ? 'Revoked' : 'Already revoked'}: ${revocation.tokenId ? `token ${revocation.tokenId}` : `every token of ${revocation.userId} issued until ${new Date(revocation.issuedBefore!).toISOString()}`} (revocation ${revocation.id}).`,
  );
  return 0;
}
