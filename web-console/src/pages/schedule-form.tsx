import type { Recurrence, ScheduleInput, ScheduleTarget } from '@nguon/schemas';
import { useState } from 'preact/hooks';
import { listBulletins } from '../api/bulletins.js';
import { type Conflict, createSchedule } from '../api/schedules.js';
import { TargetPicker } from '../components/target-picker.js';
import { ErrorNote, Notice } from '../components/ui.js';
import { t } from '../i18n.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

type Kind = Recurrence['kind'];

/** Creates a schedule; an overlap shows the server's conflicts and what the priority rules will do. */
export function ScheduleForm({ bulletinId, onCreated }: { bulletinId?: number; onCreated: () => void }) {
  const s = useSession();
  const approved = useAsync(() => listBulletins('approved'), []);
  const [bulletin, setBulletin] = useState(bulletinId ? String(bulletinId) : '');
  const [kind, setKind] = useState<Kind>('once');
  const [at, setAt] = useState('');
  const [time, setTime] = useState('07:00');
  const [days, setDays] = useState<number[]>([1, 2, 3, 4, 5]);
  const [expr, setExpr] = useState('');
  const [startDate, setStartDate] = useState('');
  const [endDate, setEndDate] = useState('');
  const [repeat, setRepeat] = useState(1);
  const [interval, setIntervalMin] = useState(30);
  const [target, setTarget] = useState<ScheduleTarget | null>(s.unit ? { unit: s.unit.code } : null);
  const [conflicts, setConflicts] = useState<Conflict[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState(false);

  const recurrence = (): Recurrence => {
    if (kind === 'once') return { kind, at };
    if (kind === 'daily') return { kind, time };
    if (kind === 'weekly') return { kind, days, time };
    return { kind, expr };
  };
  const submit = async (acceptConflicts: boolean) => {
    setError(null);
    setCreated(false);
    try {
      const input: ScheduleInput = {
        bulletinId: Number(bulletin),
        recurrence: recurrence(),
        targets: target ? [target] : [],
        acceptConflicts,
        ...(startDate ? { startDate } : {}),
        ...(endDate ? { endDate } : {}),
        ...(repeat > 1 ? { repeat: { count: repeat, intervalMinutes: interval } } : {}),
      };
      const r = await createSchedule(input);
      if (!r.ok) {
        setConflicts(r.conflicts);
        return;
      }
      setConflicts(null);
      setCreated(true);
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  const toggleDay = (d: number) => setDays(days.includes(d) ? days.filter((x) => x !== d) : [...days, d].sort());

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit(false);
      }}
      aria-labelledby="new-schedule"
    >
      <h2 id="new-schedule">{t('sch.new')}</h2>
      <label>
        {t('sch.bulletin')}
        <select name="bulletin" required value={bulletin} onChange={(e) => setBulletin(e.currentTarget.value)}>
          <option value="">{t('ui.choose')}</option>
          {approved.data?.map((b) => (
            <option key={b.id} value={String(b.id)}>
              {b.current.title}
            </option>
          ))}
        </select>
      </label>
      <div class="row wrap">
        <label>
          {t('sch.kind')}
          <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
            {(['once', 'daily', 'weekly', 'cron'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`rec.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {kind === 'once' && (
          <label>
            {t('sch.at')}
            <input
              name="at"
              type="datetime-local"
              step={1}
              required
              value={at}
              onInput={(e) => setAt(e.currentTarget.value)}
            />
          </label>
        )}
        {(kind === 'daily' || kind === 'weekly') && (
          <label>
            {t('sch.time')}
            <input name="time" type="time" required value={time} onInput={(e) => setTime(e.currentTarget.value)} />
          </label>
        )}
        {kind === 'cron' && (
          <label>
            {t('sch.cron')}
            <input
              name="cron"
              required
              placeholder="0 7 * * 1-5"
              value={expr}
              onInput={(e) => setExpr(e.currentTarget.value)}
            />
          </label>
        )}
      </div>
      <p class="muted">{t('sch.vnTime')}</p>
      {kind === 'weekly' && (
        <fieldset class="row wrap">
          <legend>{t('sch.days')}</legend>
          {[1, 2, 3, 4, 5, 6, 7].map((d) => (
            <label key={d} class="inline">
              <input type="checkbox" checked={days.includes(d)} onChange={() => toggleDay(d)} />
              {t(`day.${d as 1}`)}
            </label>
          ))}
        </fieldset>
      )}
      {kind !== 'once' && (
        <div class="row wrap">
          <label>
            {t('sch.from')}
            <input type="date" value={startDate} onInput={(e) => setStartDate(e.currentTarget.value)} />
          </label>
          <label>
            {t('sch.to')}
            <input type="date" value={endDate} onInput={(e) => setEndDate(e.currentTarget.value)} />
          </label>
        </div>
      )}
      <div class="row wrap">
        <label>
          {t('sch.repeat')}
          <input
            type="number"
            min={1}
            max={24}
            value={repeat}
            onInput={(e) => setRepeat(Number(e.currentTarget.value))}
          />
        </label>
        {repeat > 1 && (
          <label>
            {t('sch.interval')}
            <input
              type="number"
              min={1}
              max={720}
              value={interval}
              onInput={(e) => setIntervalMin(Number(e.currentTarget.value))}
            />
          </label>
        )}
        <TargetPicker onChange={setTarget} />
      </div>
      {conflicts && (
        <div class="note warn" role="alert" data-testid="conflicts">
          <p>
            <strong>{t('sch.conflicts', { n: conflicts.length })}</strong>
          </p>
          <ul>
            {conflicts.map((c) => (
              <li key={c.scheduleId}>
                {t('sch.conflictLine', { title: c.title, at: c.firstAt, n: c.devices })}
                <br />
                <small>{c.resolution}</small>
              </li>
            ))}
          </ul>
          <div class="row wrap">
            <button type="button" onClick={() => submit(true)}>
              {t('sch.accept')}
            </button>
            <button type="button" class="secondary" onClick={() => setConflicts(null)}>
              {t('sch.adjust')}
            </button>
          </div>
        </div>
      )}
      <ErrorNote error={error} />
      {created && <Notice>{t('sch.created')}</Notice>}
      {!conflicts && (
        <button type="submit" disabled={!bulletin || !target}>
          {t('sch.create')}
        </button>
      )}
    </form>
  );
}
