/**
 * @module gateway/routes/me
 * The caller's own account (`/api/v1/me`: read, rename, change password, soft delete) and the
 * platform-admin batch lookup of public user fields (`/api/v1/internal/users/batch`).
 * Invariant: a user only ever reads or changes their own account; the id comes from the verified
 * token, never from the request.
 */
import { BatchLookupBody, BatchLookupResult, ChangePasswordBody, Profile, UpdateProfileBody, type Accounts } from '../../accounts/index.js';
import { PLATFORM_ADMIN_ROLE } from '../../contracts/kinds/index.js';
import { defineRoute } from '../route.js';
import type { AnyRoute } from '../types.js';
import { problem, userOf } from './shared.js';

/** The `/api/v1/me` routes and the internal batch lookup, bound to an account service. */
export function meRoutes(accounts: Accounts): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/me',
      summary: 'My profile (with platform roles)',
      tags: ['me'],
      auth: 'required',
      responses: { 200: Profile, 404: problem('Account deleted meanwhile (ACCOUNT_NOT_FOUND)') },
      handler: async (ctx) => ({ body: await accounts.getProfile(userOf(ctx).userId) }),
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/v1/me',
      summary: 'Change my display name',
      tags: ['me'],
      auth: 'required',
      body: UpdateProfileBody,
      responses: { 200: Profile },
      handler: async (ctx) => ({ body: await accounts.updateProfile(userOf(ctx).userId, ctx.body) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/me/password',
      summary: 'Change my password',
      tags: ['me'],
      auth: 'required',
      description:
        'Needs the current password (`AUTH_INVALID_CREDENTIALS` otherwise); on success every refresh token is revoked, so other devices sign in again.',
      body: ChangePasswordBody,
      responses: { 204: { description: 'Changed' } },
      handler: async (ctx) => {
        await accounts.changePassword(userOf(ctx).userId, ctx.body);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/me',
      summary: 'Delete my account (soft delete)',
      tags: ['me'],
      auth: 'required',
      description: 'The row is kept for history; tokens are revoked at once, the email can no longer sign in and may register again.',
      responses: { 204: { description: 'Deleted' } },
      handler: async (ctx) => {
        await accounts.deleteAccount(userOf(ctx).userId);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/internal/users/batch',
      summary: 'Public fields of up to 100 accounts',
      tags: ['internal'],
      auth: 'required',
      roles: [PLATFORM_ADMIN_ROLE],
      description:
        'Platform admins only (`roles` contains `admin`; others get 403 `AUTH_FORBIDDEN`). In request order; unknown and deleted ids are left out.',
      body: BatchLookupBody,
      responses: { 200: BatchLookupResult },
      handler: async (ctx) => ({ body: { users: await accounts.batchLookup(ctx.body.ids) } }),
    }),
  ];
}
