import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { UsersService } from '../accounts/users.service.js';
import { DEMO_TREE, ensureDemoUnits } from './demo-data.js';
import type { UnitsService } from './units.service.js';

/**
 * First run: a unit tree (the demo province, or a bare national root) and the first administrator.
 * The generated admin password is returned once so the caller can print it; it is never logged.
 */
export async function bootstrapData(deps: {
  config: Config;
  units: UnitsService;
  users: UsersService;
  log: Logger;
}): Promise<{ initialPassword: string | undefined }> {
  const { units, users, config, log } = deps;
  let homeUnitId: number;
  if (config.demo.enabled) {
    const demo = ensureDemoUnits(units);
    if (demo.created) log.info({ province: DEMO_TREE.province.name }, 'created the demo province');
    homeUnitId = units.byCode(DEMO_TREE.national.code)?.id ?? demo.provinceId;
  } else {
    const root = units.list().find((u) => u.parentId === null);
    homeUnitId = root?.id ?? units.create({ code: 'VN', name: 'Việt Nam', level: 'national' }).id;
  }
  const admin = await users.ensureAdmin(homeUnitId, config.admin.initialPassword);
  if (admin.created) log.info('created the first administrator account "admin"');
  return { initialPassword: admin.password };
}
