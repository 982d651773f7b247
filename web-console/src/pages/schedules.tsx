import { useState } from 'preact/hooks';
import { listSchedules, setScheduleState } from '../api/schedules.js';
import { Badge, ErrorNote, Loading, Page } from '../components/ui.js';
import { t } from '../i18n.js';
import { useLocation } from '../router.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';
import { vnClock, vnDate, vnWeekStart, weekGrid } from '../week.js';
import { ScheduleForm } from './schedule-form.js';

const DAY = 86_400_000;

export function SchedulesPage() {
  const s = useSession();
  const { search } = useLocation();
  const list = useAsync(listSchedules, []);
  const [week, setWeek] = useState(() => vnWeekStart(Date.now()));
  const [error, setError] = useState<unknown>(null);
  const grid = weekGrid(list.data ?? [], week);
  const today = vnDate(Date.now());
  const change = async (id: number, action: 'pause' | 'resume' | 'cancel') => {
    setError(null);
    try {
      await setScheduleState(id, action);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const bulletinId = Number(search.get('bulletin')) || undefined;
  return (
    <Page title={t('nav.schedules')}>
      <div class="row wrap week-nav">
        <button type="button" class="secondary outline" onClick={() => setWeek(week - 7 * DAY)}>
          ← {t('sch.prevWeek')}
        </button>
        <strong aria-live="polite">{t('sch.week', { from: vnDate(week), to: vnDate(week + 6 * DAY) })}</strong>
        <button type="button" class="secondary outline" onClick={() => setWeek(vnWeekStart(Date.now()))}>
          {t('sch.thisWeek')}
        </button>
        <button type="button" class="secondary outline" onClick={() => setWeek(week + 7 * DAY)}>
          {t('sch.nextWeek')} →
        </button>
      </div>
      <ErrorNote error={list.error ?? error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <ol class="week" aria-label={t('sch.calendar')}>
          {grid.map((items, i) => {
            const date = vnDate(week + i * DAY);
            return (
              <li
                key={date}
                class={`day${date === today ? ' today' : ''}`}
                aria-current={date === today ? 'date' : undefined}
              >
                <h3>
                  {t(`day.${(i + 1) as 1}`)} <small>{date.slice(5)}</small>
                </h3>
                <ul>
                  {items.map((o) => (
                    <li key={`${o.scheduleId}-${o.at}`} class={`occ ${o.state}`}>
                      <time>{vnClock(o.at)}</time> {o.title}
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ol>
      )}
      {s.can('schedules.write') && (
        <article>
          <ScheduleForm bulletinId={bulletinId} onCreated={list.reload} />
        </article>
      )}
      <h2>{t('sch.list')}</h2>
      <div class="table-wrap">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">{t('bull.title')}</th>
              <th scope="col">{t('sch.kind')}</th>
              <th scope="col">{t('sch.next')}</th>
              <th scope="col">{t('bull.state')}</th>
              {s.can('schedules.write') && <th scope="col">{t('ui.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((sc) => (
              <tr key={sc.id} data-schedule={sc.id}>
                <td>{sc.title}</td>
                <td>{t(`rec.${sc.recurrence.kind}`)}</td>
                <td>{sc.next[0]?.local ?? '—'}</td>
                <td>
                  <Badge state={sc.state} label={t(`sstate.${sc.state}`)} />
                </td>
                {s.can('schedules.write') && (
                  <td class="row">
                    {sc.state === 'active' && (
                      <button type="button" class="secondary outline small" onClick={() => change(sc.id, 'pause')}>
                        {t('sch.pause')}
                      </button>
                    )}
                    {sc.state === 'paused' && (
                      <button type="button" class="secondary outline small" onClick={() => change(sc.id, 'resume')}>
                        {t('sch.resume')}
                      </button>
                    )}
                    {sc.state !== 'cancelled' && (
                      <button type="button" class="secondary outline small" onClick={() => change(sc.id, 'cancel')}>
                        {t('sch.cancel')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Page>
  );
}
