import { ROLES, type Role } from '@nguon/schemas';
import { z } from 'zod';
import { api, get, post } from './http.js';

export const UserViewSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  unitId: z.number().int(),
  disabled: z.boolean(),
  lockedUntil: z.number().nullable(),
  createdAt: z.number(),
});
export type UserView = z.infer<typeof UserViewSchema>;

export const listUsers = () => get('/api/v1/users', z.object({ users: z.array(UserViewSchema) })).then((r) => r.users);
export const createUser = (u: {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  unitCode: string;
}) => post('/api/v1/users', u, z.object({ user: UserViewSchema }));
export const patchUser = (
  id: number,
  patch: { displayName?: string; role?: Role; unitCode?: string; disabled?: boolean },
) => api('PATCH', `/api/v1/users/${id}`, { body: patch, schema: z.object({ user: UserViewSchema }) });
export const resetPassword = (id: number, password: string) => post(`/api/v1/users/${id}/password`, { password });
