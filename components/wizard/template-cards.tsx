'use client';

import type { TemplateSummary } from '@/server/protocol/templates';

const KIND_LABEL: Record<TemplateSummary['kind'], string> = { servlet: 'Servlet', wsgi: 'WSGI', cgi: 'CGI' };

/** Template picker: native radio inputs styled as cards (title names the radio, description describes it). */
export function TemplateCards({
  templates,
  selected,
  onSelect,
}: {
  templates: TemplateSummary[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <div className="template-cards">
      {templates.map((t) => (
        <label key={t.id} className={`template-card${selected === t.id ? ' selected' : ''}`}>
          <input
            type="radio"
            name="template"
            value={t.id}
            checked={selected === t.id}
            onChange={() => onSelect(t.id)}
            aria-labelledby={`tpl-${t.id}-title`}
            aria-describedby={`tpl-${t.id}-desc`}
          />
          <span className="template-card-head">
            <span id={`tpl-${t.id}-title`} className="template-card-title">
              {t.title}
            </span>
            <span className="badge">{KIND_LABEL[t.kind]}</span>
          </span>
          <span id={`tpl-${t.id}-desc`} className="template-card-desc">
            {t.description}
          </span>
        </label>
      ))}
    </div>
  );
}
