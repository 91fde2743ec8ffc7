import { useId } from 'react';
import { folderPicker } from '../lib/desktop.js';
import { Icon } from './Icon.js';

/**
 * A folder path: typed in a browser; in the desktop app also chosen with the system's folder picker
 * (`window.keepsake.pickFolder` from the preload, when present).
 */
export function FolderField({
  label,
  value,
  onChange,
  hint,
  placeholder,
  required,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
  placeholder?: string;
  required?: boolean;
}) {
  const id = useId();
  const pick = folderPicker();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="field-row">
        <input
          id={id}
          type="text"
          value={value}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          required={required}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        {pick && (
          <button
            type="button"
            className="button"
            onClick={async () => {
              const chosen = await pick();
              if (chosen) onChange(chosen);
            }}
          >
            <Icon name="folder" /> Choose…
          </button>
        )}
      </div>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}
