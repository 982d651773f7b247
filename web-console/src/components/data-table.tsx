import type { ComponentChildren, JSX } from 'preact';
import { ErrorNote, Loading } from './ui.js';

export interface Column<T> {
  /** The column header (a `<th scope="col">`). */
  head: ComponentChildren;
  cell: (row: T) => ComponentChildren;
  /** Only shown when true (e.g. an actions column for roles that may act). */
  when?: boolean;
  class?: string;
}

/**
 * The console's list tables in one place: loading (only while there is nothing to show yet), the API's
 * error in plain Vietnamese above the table, a striped table that scrolls sideways on a phone, and a
 * "nothing here" row when the list is empty.
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  loading = false,
  error,
  empty,
  testId,
  label,
  rowAttrs,
}: {
  rows: readonly T[] | undefined;
  columns: ReadonlyArray<Column<T>>;
  rowKey: (row: T) => string | number;
  loading?: boolean;
  error?: unknown;
  /** Shown in a single row when there are no rows; none: an empty body. */
  empty?: ComponentChildren;
  testId?: string;
  /** For screen readers, when no heading right above names the table. */
  label?: string;
  rowAttrs?: (row: T) => JSX.HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string | number>;
}) {
  const cols = columns.filter((c) => c.when !== false);
  return (
    <>
      <ErrorNote error={error} />
      {loading && rows === undefined ? (
        <Loading />
      ) : (
        <div class="table-wrap">
          <table class="striped" data-testid={testId} aria-label={label}>
            <thead>
              <tr>
                {cols.map((c, i) => (
                  <th scope="col" key={i}>
                    {c.head}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(rows ?? []).map((r) => (
                <tr key={rowKey(r)} {...rowAttrs?.(r)}>
                  {cols.map((c, i) => (
                    <td key={i} class={c.class}>
                      {c.cell(r)}
                    </td>
                  ))}
                </tr>
              ))}
              {rows?.length === 0 && empty !== undefined && (
                <tr>
                  <td colSpan={cols.length} class="muted">
                    {empty}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
