import { ROLES } from '@nguon/schemas';
import { z } from 'zod';
import { get, post } from './http.js';

export const UserSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  unitId: z.number().int(),
});
export type User = z.infer<typeof UserSchema>;

export const login = (username: string, password: string) =>
  post('/api/v1/auth/login', { username, password }, z.object({ user: UserSchema, expiresAt: z.number() }));
export const me = () => get('/api/v1/auth/me', z.object({ user: UserSchema }));
export const logout = () => post('/api/v1/auth/logout');
export const changePassword = (current: string, next: string) => post('/api/v1/auth/password', { current, next });
