import { useState } from 'preact/hooks';
import {
  type CommandReplies,
  getCommand,
  type OperatorCommand,
  sendGroupCommand,
  sendUnitCommand,
} from '../api/commands.js';
import { listGroups } from '../api/devices.js';
import { DataTable } from '../components/data-table.js';
import { ErrorNote, Notice } from '../components/ui.js';
import { type Key, t, vnTime } from '../i18n.js';
import { useSession } from '../session.js';
import { useAsync, useInterval } from '../use-async.js';

type Choice =
  | 'setVolume'
  | 'mute'
  | 'unmute'
  | 'amplifierOn'
  | 'amplifierOff'
  | 'syncNow'
  | 'reportNow'
  | 'restartAgent'
  | 'reboot';
const CHOICES: Array<[Choice, Key]> = [
  ['setVolume', 'recv.setVolume'],
  ['mute', 'cmd.mute'],
  ['unmute', 'cmd.unmute'],
  ['amplifierOn', 'cmd.amplifierOn'],
  ['amplifierOff', 'cmd.amplifierOff'],
  ['syncNow', 'cmd.syncNow'],
  ['reportNow', 'cmd.reportNow'],
  ['restartAgent', 'cmd.restartAgent'],
  ['reboot', 'cmd.reboot'],
];
function bodyOf(c: Choice, volume: number): OperatorCommand {
  if (c === 'setVolume') return { type: 'setVolume', volume };
  if (c === 'mute' || c === 'unmute') return { type: 'setMute', muted: c === 'mute' };
  if (c === 'amplifierOn' || c === 'amplifierOff') return { type: 'amplifier', on: c === 'amplifierOn' };
  return { type: c };
}

interface Sent {
  commandId: string;
  what: string;
  target: string;
  devices: number;
  sentAt: number;
}
const STORE = 'nguon.bulkCommands';
const load = (): Sent[] => {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) ?? '[]') as Sent[];
  } catch {
    return [];
  }
};

/**
 * One command to every receiver of a unit's subtree or of a group (`POST /api/v1/units/:code/commands`,
 * `/api/v1/groups/:id/commands`), for roles with `devices.control`; what was sent in this browser session
 * is listed with the receivers' answers so far (`GET /api/v1/commands/:id`).
 */
export function BulkControl() {
  const s = useSession();
  const groups = useAsync(() => listGroups().catch(() => []), []);
  const [kind, setKind] = useState<'unit' | 'group'>('unit');
  const [target, setTarget] = useState(s.unit?.code ?? '');
  const [choice, setChoice] = useState<Choice>('setVolume');
  const [volume, setVolume] = useState(60);
  const [sent, setSent] = useState<Sent[]>(load);
  const [replies, setReplies] = useState<Record<string, CommandReplies>>({});
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');

  const options =
    kind === 'unit'
      ? s.units.map((u) => [u.code, u.name] as const)
      : (groups.data ?? []).map((g) => [String(g.id), `${g.name} (${g.deviceCount})`] as const);
  const targetName = options.find(([v]) => v === target)?.[1] ?? target;
  const what = (() => {
    const label = t(CHOICES.find(([c]) => c === choice)?.[1] ?? 'recv.setVolume');
    return choice === 'setVolume' ? `${label} ${volume}` : label;
  })();

  const refresh = () => {
    const open = sent.filter((x) => {
      const r = replies[x.commandId];
      return !r || (r.replies.length < x.devices && Date.now() < r.expiresAt + 5000);
    });
    for (const x of open.slice(0, 10))
      getCommand(x.commandId).then((r) => setReplies((cur) => ({ ...cur, [x.commandId]: r })), setError);
  };
  useInterval(refresh, 2000);

  const send = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone('');
    if (!target) return;
    if (!confirm(t('bulk.confirm', { what, target: targetName }))) return;
    try {
      const body = bodyOf(choice, volume);
      const r = kind === 'unit' ? await sendUnitCommand(target, body) : await sendGroupCommand(Number(target), body);
      const next = [
        { commandId: r.commandId, what, target: targetName, devices: r.devices, sentAt: Date.now() },
        ...sent,
      ].slice(0, 20);
      setSent(next);
      sessionStorage.setItem(STORE, JSON.stringify(next));
      setDone(t('bulk.sent', { what, n: r.devices }));
    } catch (err) {
      setError(err);
    }
  };

  const summary = (x: Sent) => {
    const r = replies[x.commandId]?.replies ?? [];
    const ok = r.filter((y) => y.ok).length;
    return t('bulk.replies', { ok, n: x.devices, errors: r.length - ok, waiting: x.devices - r.length });
  };
  return (
    <article>
      <h2>{t('bulk.title')}</h2>
      <form onSubmit={send}>
        <div class="row wrap">
          <div>
            <label for="bulk-kind">{t('bulk.target')}</label>
            <select
              id="bulk-kind"
              value={kind}
              onChange={(e) => {
                const k = e.currentTarget.value as 'unit' | 'group';
                setKind(k);
                setTarget(k === 'unit' ? (s.unit?.code ?? '') : '');
              }}
            >
              <option value="unit">{t('bulk.unit')}</option>
              <option value="group">{t('bulk.group')}</option>
            </select>
          </div>
          <div>
            <label for="bulk-target">{t('bulk.which')}</label>
            <select id="bulk-target" required value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
              <option value="">{t('ui.choose')}</option>
              {options.map(([v, name]) => (
                <option key={v} value={v}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="bulk-command">{t('bulk.command')}</label>
            <select id="bulk-command" value={choice} onChange={(e) => setChoice(e.currentTarget.value as Choice)}>
              {CHOICES.map(([c, key]) => (
                <option key={c} value={c}>
                  {t(key)}
                </option>
              ))}
            </select>
          </div>
          {choice === 'setVolume' && (
            <div>
              <label for="bulk-volume">{t('recv.volume')}</label>
              <input
                id="bulk-volume"
                type="number"
                min={0}
                max={100}
                required
                value={volume}
                onInput={(e) => setVolume(Number(e.currentTarget.value))}
              />
            </div>
          )}
        </div>
        <button type="submit" disabled={!target}>
          {t('bulk.send')}
        </button>
      </form>
      <ErrorNote error={error} />
      {done && <Notice>{done}</Notice>}
      <h3>{t('bulk.history')}</h3>
      <DataTable
        rows={sent}
        testId="bulk-history"
        rowKey={(x) => x.commandId}
        empty={t('bulk.none')}
        columns={[
          { head: t('cmd.sentAt'), cell: (x) => vnTime(x.sentAt) },
          { head: t('cmd.command'), cell: (x) => x.what },
          { head: t('bulk.target'), cell: (x) => x.target },
          { head: t('cmd.status'), cell: summary },
        ]}
      />
    </article>
  );
}
