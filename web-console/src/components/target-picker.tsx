import type { ScheduleTarget } from '@nguon/schemas';
import { useState } from 'preact/hooks';
import { listDevices, listGroups } from '../api/devices.js';
import { t } from '../i18n.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

type Kind = 'unit' | 'group' | 'device';

/** Where a schedule plays: a unit's subtree, a receiver group (zone) or one receiver. */
export function TargetPicker({ onChange }: { onChange: (target: ScheduleTarget | null) => void }) {
  const s = useSession();
  const [kind, setKind] = useState<Kind>('unit');
  const [value, setValue] = useState(s.unit?.code ?? '');
  const groups = useAsync(() => (kind === 'group' ? listGroups() : Promise.resolve([])), [kind]);
  const devices = useAsync(() => (kind === 'device' ? listDevices() : Promise.resolve([])), [kind]);
  const emit = (k: Kind, v: string) => {
    setValue(v);
    if (!v) return onChange(null);
    onChange(k === 'unit' ? { unit: v } : k === 'group' ? { group: Number(v) } : { device: v });
  };
  const options =
    kind === 'unit'
      ? s.units.map((u) => [u.code, u.name] as const)
      : kind === 'group'
        ? (groups.data ?? []).map((g) => [String(g.id), `${g.name} (${g.deviceCount})`] as const)
        : (devices.data ?? []).filter((d) => d.revokedAt === null).map((d) => [d.id, d.name] as const);
  return (
    <>
      <label>
        {t('sch.targetKind')}
        <select
          name="target-kind"
          value={kind}
          onChange={(e) => {
            const k = e.currentTarget.value as Kind;
            setKind(k);
            emit(k, k === 'unit' ? (s.unit?.code ?? '') : '');
          }}
        >
          <option value="unit">{t('target.unit')}</option>
          <option value="group">{t('target.group')}</option>
          <option value="device">{t('target.device')}</option>
        </select>
      </label>
      <label>
        {t('sch.target')}
        <select name="target" required value={value} onChange={(e) => emit(kind, e.currentTarget.value)}>
          {kind !== 'unit' && <option value="">{t('ui.choose')}</option>}
          {options.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
