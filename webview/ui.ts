/**
 * The only module that knows about @vscode/webview-ui-toolkit (deprecated upstream, kept behind
 * this seam so it can be swapped). Everything else asks for "a button", "a checkbox", "a tag".
 * When the toolkit cannot register (another renderer defined the same elements, or custom
 * elements are unavailable) the controls fall back to native elements with the same behaviour.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';

let registered: boolean | undefined;

/** Registers the toolkit's elements once; true when they are available. */
export function initUi(): boolean {
  if (registered !== undefined) return registered;
  try {
    if (!customElements.get('vscode-button')) {
      provideVSCodeDesignSystem().register(
        vsCodeButton(),
        vsCodeCheckbox(),
        vsCodeDropdown(),
        vsCodeOption(),
        vsCodeDivider(),
        vsCodeProgressRing(),
      );
    }
    registered = Boolean(customElements.get('vscode-button'));
  } catch {
    registered = Boolean(typeof customElements !== 'undefined' && customElements.get('vscode-button'));
  }
  return registered;
}

export interface ButtonOptions {
  title?: string;
  appearance?: 'primary' | 'secondary' | 'icon';
  className?: string;
}

export function button(label: string, onClick: (ev: Event) => void, opts: ButtonOptions = {}): HTMLElement {
  const el = document.createElement(initUi() ? 'vscode-button' : 'button');
  el.textContent = label;
  el.setAttribute('appearance', opts.appearance ?? 'secondary');
  if (opts.title) {
    el.title = opts.title;
    el.setAttribute('aria-label', opts.title);
  }
  el.className = `pb-button ${opts.className ?? ''}`.trim();
  el.addEventListener('click', onClick);
  return el;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
  if (initUi()) {
    const el = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
    el.textContent = label;
    el.checked = checked;
    el.className = 'pb-checkbox';
    el.addEventListener('change', () => onChange(Boolean(el.checked)));
    return el;
  }
  const wrap = document.createElement('label');
  wrap.className = 'pb-checkbox';
  const input = document.createElement('input');
  input.type = 'checkbox';
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  wrap.append(input, ` ${label}`);
  return wrap;
}

export interface Choice {
  value: string;
  label: string;
}

export function dropdown(
  choices: readonly Choice[],
  value: string,
  onChange: (value: string) => void,
  title?: string,
): HTMLElement {
  const toolkit = initUi();
  const el = document.createElement(toolkit ? 'vscode-dropdown' : 'select') as HTMLElement & { value: string };
  el.className = 'pb-dropdown';
  if (title) {
    el.title = title;
    el.setAttribute('aria-label', title);
  }
  for (const c of choices) {
    const o = document.createElement(toolkit ? 'vscode-option' : 'option') as HTMLElement & { value: string };
    o.textContent = c.label;
    o.setAttribute('value', c.value);
    if (c.value === value) o.setAttribute('selected', '');
    el.append(o);
  }
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

/**
 * A small label (dtype, kind, status). Native span on purpose: the toolkit's vscode-tag/badge
 * templates bind an inline `style` attribute, which the dashboard's CSP (no 'unsafe-inline')
 * blocks; the look comes from our stylesheet and the toolkit's CSS variables.
 */
export function tag(text: string, title?: string): HTMLElement {
  const el = document.createElement('span');
  el.textContent = text;
  el.className = 'pb-tag';
  if (title) el.title = title;
  return el;
}

/** A count badge (native, see `tag`). */
export function badge(text: string, title?: string): HTMLElement {
  const el = document.createElement('span');
  el.textContent = text;
  el.className = 'pb-badge';
  if (title) el.title = title;
  return el;
}

export function divider(): HTMLElement {
  const el = document.createElement(initUi() ? 'vscode-divider' : 'hr');
  el.className = 'pb-divider';
  return el;
}

export function progress(label: string): HTMLElement {
  const wrap = document.createElement('div');
  wrap.className = 'pb-progress';
  if (initUi()) wrap.append(document.createElement('vscode-progress-ring'));
  const span = document.createElement('span');
  span.textContent = label;
  wrap.append(span);
  return wrap;
}
