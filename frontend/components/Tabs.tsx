// The phone layout's view tabs (hidden on wide screens by CSS); each controls `panel-<value>`.
import type { ReactNode } from "react";

export type TabSpec<T extends string> = { value: T; label: string; extra?: ReactNode };

export default function Tabs<T extends string>({ tabs, selected, onSelect }: {
  tabs: TabSpec<T>[];
  selected: T;
  onSelect: (tab: T) => void;
}) {
  return (
    <div role="tablist" aria-label="Views" className="tabs">
      {tabs.map((t) => (
        <button key={t.value} type="button" role="tab" id={`tab-${t.value}`} aria-selected={selected === t.value}
          aria-controls={`panel-${t.value}`} onClick={() => onSelect(t.value)}>
          {t.label}
          {t.extra}
        </button>
      ))}
    </div>
  );
}
