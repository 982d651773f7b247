import type { OpenDatabase } from '../db/db.js';
import { createDevicesService } from '../modules/devices/devices.service.js';
import { createGroupsService } from '../modules/groups/groups.service.js';
import { createScopeQueries } from '../modules/units/scope.js';
import { createUnitsService } from '../modules/units/units.service.js';

/**
 * For unit tests: the services over a database (in-memory SQLite with the real migrations) and a
 * national unit, the province of Huế and two of its communes, A and B.
 */
export function provinceFixture(database: OpenDatabase) {
  const { db } = database;
  const scopes = createScopeQueries(db);
  const units = createUnitsService({ db, scopes });
  const devices = createDevicesService({ db, units, scopes });
  const groups = createGroupsService({ db, scopes });
  const vn = units.create({ code: 'VN', name: 'Việt Nam', level: 'national' });
  const province = units.create({ code: '46', name: 'Huế', level: 'province', parentId: vn.id });
  const a = units.create({ code: '19753', name: 'Xã A', level: 'commune', parentId: province.id });
  const b = units.create({ code: '19774', name: 'Xã B', level: 'commune', parentId: province.id });
  return { db, scopes, units, devices, groups, province, a, b };
}
