/** fast-check generators of `.pipeline` texts for the round-trip properties. */
import fc from 'fast-check';

const fragments = fc.constantFrom(
  '# %%',
  '# %% md',
  '# %% t_load x',
  '# %% ts f',
  '\r\n',
  '\r',
  '\n',
  ' ',
  '\t',
  '\uFEFF',
  'é',
  '😀',
  'key: [1, 2]',
  '//',
  '%%',
  '#',
);

/** Arbitrary text built from marker pieces, line endings and any unicode (lone surrogates too). */
export const notebookishText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fragments, fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

const eol = fc.constantFrom('\n', '\n', '\r\n', '\r');
/** One line of content: any unicode without line breaks, never a marker. */
const lineText = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.constantFrom(
      '',
      '   ',
      '\t',
      'source: data/ü.csv',
      'lags: [1, 2, 3]',
      '# a comment',
      '// from: a, b',
      '# %',
      ' # %% indented',
      'ключ: значение',
      '🚀: x',
    ),
  )
  .map((s) => s.replace(/[\r\n]/g, ' '))
  .map((s) => (s.startsWith('# %%') ? ` ${s}` : s));

const header = fc.constantFrom(
  '# %% md',
  '# %% markdown',
  '# %% t_load prices',
  '# %% t_features',
  '# %%  t_features   f2  ',
  '# %% ts my_ts',
  '# %% settings',
  '# %%',
  '# %%\tt_split',
  '# %% unknown_kind ü',
);

export interface GeneratedCell {
  header: string;
  body: string;
}

export interface GeneratedNotebook {
  preamble: string;
  cells: GeneratedCell[];
  text: string;
}

const linesOf = (min: number): fc.Arbitrary<string> =>
  fc.array(fc.tuple(lineText, eol), { minLength: min, maxLength: 6 }).map((ls) =>
    // A lone CR followed by an empty LF line would read as one CRLF: make it that CRLF on purpose.
    ls.map(([t, e], i) => t + (e === '\r' && ls[i + 1]?.[0] === '' && ls[i + 1]?.[1] === '\n' ? '\r\n' : e)).join(''),
  );

/** A notebook of markdown, phase and ts cells with odd whitespace, mixed EOLs, empty cells, unicode. */
export const generatedNotebook: fc.Arbitrary<GeneratedNotebook> = fc
  .record({
    bom: fc.boolean(),
    preamble: linesOf(0),
    cells: fc.array(fc.tuple(header, eol, linesOf(0)), { maxLength: 8 }),
    lastLine: fc.option(lineText, { nil: undefined }),
    dropFinalEol: fc.boolean(),
  })
  .map(({ bom, preamble, cells, lastLine, dropFinalEol }) => {
    const out: GeneratedCell[] = cells.map(([h, e, body]) => ({
      header: h + (e === '\r' && body.startsWith('\n') ? '\r\n' : e),
      body,
    }));
    let pre = (bom ? '\uFEFF' : '') + preamble;
    if (out.length) {
      const last = out[out.length - 1];
      if (lastLine !== undefined && lastLine !== '') last.body += lastLine;
      else if (dropFinalEol && last.body === '') last.header = last.header.replace(/(\r\n|\r|\n)$/, '');
      else if (dropFinalEol) last.body = last.body.replace(/(\r\n|\r|\n)$/, '');
    } else if (lastLine) pre += lastLine;
    const text = pre + out.map((c) => c.header + c.body).join('');
    return { preamble: pre, cells: out, text };
  });
