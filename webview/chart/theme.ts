/**
 * Vega config from VS Code's CSS variables, so charts follow the light, dark and high-contrast
 * themes. `themeFromVars` is pure (tests feed it variables); `currentTheme` reads the document.
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface ChartTheme {
  kind: ThemeKind;
  foreground: string;
  muted: string;
  background: string;
  border: string;
  fontFamily: string;
  fontSize: number;
  palette: string[];
}

const FALLBACK: Record<'light' | 'dark', Omit<ChartTheme, 'kind'>> = {
  light: {
    foreground: '#3b3b3b',
    muted: '#717171',
    background: '#ffffff',
    border: '#d4d4d4',
    fontFamily: 'sans-serif',
    fontSize: 12,
    palette: ['#1a85ff', '#e66100', '#388a34', '#e51400', '#652d90', '#bf8803', '#0099ad', '#d16d9e'],
  },
  dark: {
    foreground: '#cccccc',
    muted: '#9d9d9d',
    background: '#1f1f1f',
    border: '#454545',
    fontFamily: 'sans-serif',
    fontSize: 12,
    palette: ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700', '#2bc7b4', '#e39ccb'],
  },
};

/** Body class → theme kind (VS Code sets vscode-light / vscode-dark / vscode-high-contrast[-light]). */
export function themeKindOf(classes: { contains(c: string): boolean }): ThemeKind {
  if (classes.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (classes.contains('vscode-high-contrast')) return 'high-contrast';
  if (classes.contains('vscode-dark')) return 'dark';
  return 'light';
}

export function themeFromVars(kind: ThemeKind, v: (name: string) => string): ChartTheme {
  const base = FALLBACK[kind === 'dark' || kind === 'high-contrast' ? 'dark' : 'light'];
  const pick = (...names: string[]): string | undefined => names.map((n) => v(n).trim()).find((s) => s.length > 0);
  const chartColors = [
    '--vscode-charts-blue',
    '--vscode-charts-orange',
    '--vscode-charts-green',
    '--vscode-charts-red',
    '--vscode-charts-purple',
    '--vscode-charts-yellow',
  ].map((n) => pick(n));
  const palette = chartColors.every((c) => c) ? [...(chartColors as string[]), ...base.palette.slice(6)] : base.palette;
  const hc = kind.startsWith('high-contrast');
  const size = Number.parseFloat(pick('--vscode-font-size') ?? '');
  return {
    kind,
    foreground: pick('--vscode-editor-foreground', '--vscode-foreground') ?? base.foreground,
    muted:
      (hc ? pick('--vscode-editor-foreground', '--vscode-foreground') : pick('--vscode-descriptionForeground')) ??
      base.muted,
    background: pick('--vscode-editor-background') ?? base.background,
    border:
      (hc ? pick('--vscode-contrastBorder') : undefined) ??
      pick('--vscode-charts-lines', '--vscode-panel-border', '--vscode-editorWidget-border') ??
      base.border,
    fontFamily: pick('--vscode-font-family') ?? base.fontFamily,
    fontSize: Number.isFinite(size) && size > 6 ? size : base.fontSize,
    palette,
  };
}

/** A vega config object (background transparent: the page's background shows through). */
export function vegaConfig(t: ChartTheme): Record<string, unknown> {
  const hc = t.kind.startsWith('high-contrast');
  const axis = {
    domainColor: t.border,
    gridColor: t.border,
    gridOpacity: hc ? 0.6 : 0.35,
    tickColor: t.border,
    labelColor: t.foreground,
    titleColor: t.foreground,
    labelFont: t.fontFamily,
    titleFont: t.fontFamily,
    labelFontSize: t.fontSize - 1,
    titleFontSize: t.fontSize,
    titleFontWeight: 'normal',
    domainWidth: hc ? 2 : 1,
  };
  return {
    background: 'transparent',
    font: t.fontFamily,
    view: { stroke: hc ? t.border : 'transparent' },
    axis,
    header: {
      labelColor: t.foreground,
      titleColor: t.foreground,
      labelFont: t.fontFamily,
      titleFont: t.fontFamily,
      labelFontSize: t.fontSize,
    },
    legend: {
      labelColor: t.foreground,
      titleColor: t.foreground,
      labelFont: t.fontFamily,
      titleFont: t.fontFamily,
      labelFontSize: t.fontSize - 1,
      titleFontSize: t.fontSize,
    },
    title: { color: t.foreground, font: t.fontFamily, fontSize: t.fontSize + 1, subtitleColor: t.muted },
    range: { category: t.palette },
    mark: { color: t.palette[0] },
    line: { strokeWidth: hc ? 2.5 : 1.5 },
    point: { size: hc ? 40 : 30 },
    rule: { color: t.muted },
    text: { color: t.foreground },
  };
}

export function currentTheme(doc: Document = document): ChartTheme {
  const style = getComputedStyle(doc.documentElement);
  const body = doc.body ? getComputedStyle(doc.body) : style;
  return themeFromVars(
    themeKindOf(doc.body?.classList ?? doc.documentElement.classList),
    (n) => style.getPropertyValue(n) || body.getPropertyValue(n),
  );
}

/** Calls `onChange` when VS Code switches theme (body class or the root's CSS variables change). */
export function onThemeChange(onChange: () => void, doc: Document = document): () => void {
  let last = JSON.stringify(currentTheme(doc));
  const check = (): void => {
    const now = JSON.stringify(currentTheme(doc));
    if (now !== last) {
      last = now;
      onChange();
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  if (doc.body) obs.observe(doc.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  return () => obs.disconnect();
}
