import { useState } from 'preact/hooks';
import { type CommandWithReply, commandHistory, type OperatorCommand, sendCommand } from '../api/commands.js';
import { playNow, stopPlaying } from '../api/devices.js';
import { isRouteMissing } from '../api/http.js';
import { listLibrary } from '../api/library.js';
import { DataTable } from '../components/data-table.js';
import { Badge, ErrorNote, Notice, Unavailable } from '../components/ui.js';
import { DICT } from '../dict/index.js';
import { duration, type Key, t, vnTime } from '../i18n.js';
import { useAsync, useInterval } from '../use-async.js';

type Bare = Extract<OperatorCommand, { type: 'reboot' | 'restartAgent' | 'syncNow' | 'reportNow' }>['type'];
const BUTTONS: Array<[Key, OperatorCommand]> = [
  ['cmd.mute', { type: 'setMute', muted: true }],
  ['cmd.unmute', { type: 'setMute', muted: false }],
  ['cmd.amplifierOn', { type: 'amplifier', on: true }],
  ['cmd.amplifierOff', { type: 'amplifier', on: false }],
  ...(['syncNow', 'reportNow', 'restartAgent', 'reboot'] as Bare[]).map((k): [Key, OperatorCommand] => [
    `cmd.${k}`,
    { type: k },
  ]),
];
const CONFIRM: Partial<Record<OperatorCommand['type'], Key>> = {
  reboot: 'recv.confirmReboot',
  restartAgent: 'recv.confirmRestart',
};

/** Play, stop, volume and the remote-control commands of one receiver (roles with `devices.control`). */
export function Controls({
  id,
  volume,
  playing,
  onDone,
}: {
  id: string;
  volume: number;
  playing: boolean;
  onDone: () => void;
}) {
  const items = useAsync(() => listLibrary(), []);
  const [sha, setSha] = useState('');
  const [vol, setVol] = useState(volume);
  const [heartbeat, setHeartbeat] = useState('');
  const [fmDelay, setFmDelay] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const [missing, setMissing] = useState(false);
  const act = (what: string, fn: () => Promise<unknown>) => async () => {
    setError(null);
    setDone('');
    try {
      await fn();
      setDone(what);
      onDone();
    } catch (err) {
      if (isRouteMissing(err)) setMissing(true);
      else setError(err);
    }
  };
  const command = (label: Key, body: OperatorCommand) => {
    const run = act(t(label), () => sendCommand(id, body));
    return () => {
      const ask = CONFIRM[body.type];
      if (ask && !confirm(t(ask))) return;
      void run();
    };
  };
  const config = (): OperatorCommand => ({
    type: 'setConfig',
    ...(heartbeat ? { heartbeatIntervalS: Number(heartbeat) } : {}),
    ...(fmDelay ? { fmFallbackDelayS: Number(fmDelay) } : {}),
  });
  return (
    <article>
      <h2>{t('recv.control')}</h2>
      <label>
        {t('recv.playItem')}
        <select value={sha} onChange={(e) => setSha(e.currentTarget.value)}>
          <option value="">{t('ui.choose')}</option>
          {items.data?.map((i) => (
            <option key={i.id} value={i.sha256}>
              {i.title} ({duration(i.durationMs)})
            </option>
          ))}
        </select>
      </label>
      <div class="row">
        <button type="button" disabled={!sha} onClick={act(t('recv.sentPlay'), () => playNow(id, sha))}>
          {t('recv.play')}
        </button>
        <button
          type="button"
          class="secondary"
          disabled={!playing}
          onClick={act(t('recv.sentStop'), () => stopPlaying(id))}
        >
          {t('recv.stop')}
        </button>
      </div>
      {missing ? (
        <Unavailable what="recv.commandsMissing" api="POST /api/v1/devices/:id/commands" />
      ) : (
        <>
          <label>
            {t('recv.volume')}: {vol}
            <input type="range" min={0} max={100} value={vol} onInput={(e) => setVol(Number(e.currentTarget.value))} />
          </label>
          <button
            type="button"
            class="secondary"
            onClick={command('recv.sentVolume', { type: 'setVolume', volume: vol })}
          >
            {t('recv.setVolume')}
          </button>
          <h3>{t('recv.more')}</h3>
          <div class="row wrap">
            {BUTTONS.map(([label, body]) => (
              <button type="button" class="secondary outline" key={label} onClick={command(label, body)}>
                {t(label)}
              </button>
            ))}
          </div>
          <details>
            <summary>{t('cmd.config')}</summary>
            <div class="row wrap">
              <label>
                {t('cmd.heartbeat')}
                <input
                  type="number"
                  min={1}
                  max={3600}
                  value={heartbeat}
                  onInput={(e) => setHeartbeat(e.currentTarget.value)}
                />
              </label>
              <label>
                {t('cmd.fmDelay')}
                <input
                  type="number"
                  min={1}
                  max={86400}
                  value={fmDelay}
                  onInput={(e) => setFmDelay(e.currentTarget.value)}
                />
              </label>
            </div>
            <button
              type="button"
              class="secondary"
              disabled={!heartbeat && !fmDelay}
              onClick={() => command('cmd.setConfig', config())()}
            >
              {t('cmd.setConfig')}
            </button>
          </details>
        </>
      )}
      <ErrorNote error={error} />
      {done && <Notice>{t('recv.sent', { what: done })}</Notice>}
    </article>
  );
}

function describe(c: CommandWithReply): string {
  const p = c.payload;
  const key = `cmd.type.${c.type}`;
  const name = key in DICT ? t(key as Key) : c.type;
  if (c.type === 'setVolume') return `${name} ${String(p.volume)}`;
  if (c.type === 'setMute') return p.muted ? t('cmd.mute') : t('cmd.unmute');
  if (c.type === 'amplifier') return p.on ? t('cmd.amplifierOn') : t('cmd.amplifierOff');
  return name;
}

const STATUS_BADGE: Record<CommandWithReply['status'], string> = {
  ok: 'online',
  error: 'failed',
  pending: 'pending',
  no_reply: 'offline',
};

/** The receiver's commands and what it answered: ok, the error code, still pending, or no reply in time. */
export function CommandHistory({ id }: { id: string }) {
  const history = useAsync(() => commandHistory(id, 20), [id]);
  useInterval(() => history.reload(), 3000);
  if (history.missing) return null;
  return (
    <article>
      <h2>{t('cmd.history')}</h2>
      <DataTable
        rows={history.data?.commands}
        loading={history.loading}
        error={history.error}
        testId="command-history"
        rowKey={(c) => c.id}
        empty={t('cmd.none')}
        columns={[
          { head: t('cmd.sentAt'), cell: (c) => vnTime(c.createdAt) },
          { head: t('cmd.command'), cell: describe },
          {
            head: t('cmd.status'),
            cell: (c) => (
              <>
                <Badge state={STATUS_BADGE[c.status]} label={t(`cmd.status.${c.status}`)} />
                {c.reply?.error ? (
                  <>
                    {' '}
                    <code title={c.reply.error.message ?? ''}>{c.reply.error.code}</code>
                  </>
                ) : null}
              </>
            ),
          },
        ]}
      />
    </article>
  );
}
