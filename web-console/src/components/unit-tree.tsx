import type { UnitNode } from '../api/units.js';
import { t } from '../i18n.js';

interface Props {
  nodes: UnitNode[];
  /** Extra text after each unit's name, e.g. its receiver counts. */
  extra?: (u: UnitNode) => string;
  selected?: number | undefined;
  onSelect?: (u: UnitNode) => void;
}

/** The unit hierarchy as nested lists (native <details>: keyboard and screen readers work as is). */
export function UnitTree({ nodes, extra, selected, onSelect }: Props) {
  return (
    <ul class="tree" aria-label={t('units.tree')}>
      {nodes.map((n) => (
        <Node key={n.id} node={n} extra={extra} selected={selected} onSelect={onSelect} />
      ))}
    </ul>
  );
}

function Node({ node, extra, selected, onSelect }: Omit<Props, 'nodes'> & { node: UnitNode }) {
  const label = (
    <span>
      {onSelect ? (
        <button
          type="button"
          class={`linklike${selected === node.id ? ' selected' : ''}`}
          aria-pressed={selected === node.id}
          onClick={() => onSelect(node)}
        >
          {node.name}
        </button>
      ) : (
        node.name
      )}{' '}
      <small class="muted">
        {node.code}
        {extra ? ` · ${extra(node)}` : ''}
      </small>
    </span>
  );
  if (node.children.length === 0) return <li>{label}</li>;
  return (
    <li>
      <details open>
        <summary>{label}</summary>
        <UnitTree nodes={node.children} extra={extra} selected={selected} onSelect={onSelect} />
      </details>
    </li>
  );
}
