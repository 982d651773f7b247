import { useMemo, useState } from 'preact/hooks';
import { createUnit, listUnits, patchUnit, UNIT_LEVELS, type UnitNode, unitTree } from '../api/units.js';
import { ErrorNote, Notice, Page } from '../components/ui.js';
import { UnitTree } from '../components/unit-tree.js';
import { t } from '../i18n.js';
import { useSession } from '../session.js';
import { useAsync } from '../use-async.js';

export function UnitsPage() {
  const s = useSession();
  const units = useAsync(listUnits, []);
  const list = units.data ?? s.units;
  const tree = useMemo(() => unitTree(list), [list]);
  const [selected, setSelected] = useState<UnitNode | null>(null);
  const [name, setName] = useState('');
  const [child, setChild] = useState({ code: '', name: '', level: 'commune' });
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const mayWrite = s.can('units.write');
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    setDone('');
    try {
      await fn();
      setDone(t('users.saved'));
      units.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Page title={t('nav.units')}>
      <div class="grid-2">
        <article>
          <UnitTree
            nodes={tree}
            selected={selected?.id}
            onSelect={(u) => {
              setSelected(u);
              setName(u.name);
            }}
          />
        </article>
        <article>
          {selected ? (
            <>
              <h2>{selected.name}</h2>
              <p class="muted">
                {t('rep.code')}: {selected.code} · {t(`level.${selected.level as 'commune'}`)}
              </p>
              {mayWrite && (
                <>
                  <form
                    onSubmit={(e) => {
                      e.preventDefault();
                      void act(() => patchUnit(selected.code, { name }));
                    }}
                  >
                    <label>
                      {t('units.name')}
                      <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
                    </label>
                    <button type="submit">{t('units.rename')}</button>
                  </form>
                  <form
                    onSubmit={(e) => {
                      e.preventDefault();
                      void act(() => createUnit({ ...child, parentCode: selected.code }));
                    }}
                  >
                    <h3>{t('units.addChild')}</h3>
                    <div class="row wrap">
                      <label>
                        {t('rep.code')}
                        <input
                          required
                          value={child.code}
                          onInput={(e) => setChild({ ...child, code: e.currentTarget.value })}
                        />
                      </label>
                      <label>
                        {t('units.name')}
                        <input
                          required
                          value={child.name}
                          onInput={(e) => setChild({ ...child, name: e.currentTarget.value })}
                        />
                      </label>
                      <label>
                        {t('units.level')}
                        <select
                          value={child.level}
                          onChange={(e) => setChild({ ...child, level: e.currentTarget.value })}
                        >
                          {UNIT_LEVELS.map((l) => (
                            <option key={l} value={l}>
                              {t(`level.${l}`)}
                            </option>
                          ))}
                        </select>
                      </label>
                    </div>
                    <button type="submit">{t('units.create')}</button>
                  </form>
                </>
              )}
            </>
          ) : (
            <p class="muted">{t('units.pick')}</p>
          )}
          <ErrorNote error={error ?? units.error} />
          {done && <Notice>{done}</Notice>}
        </article>
      </div>
    </Page>
  );
}
