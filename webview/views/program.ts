/**
 * A whole program above the breakdown: its random draw (and "another draw"), what it printed, the loss calls it made
 * (a picker: choosing one shows its breakdown below) and its hand-written losses beside the built-in each resembles.
 * Pure: builds {@link VNode}s. Everything from the user's program (output, names, labels) becomes text nodes.
 */
import type { ProgramCallEntry, ProgramCustomLoss } from '../../src/core/report/program-report';
import type { ProgramView } from '../../src/protocol';
import { component, h, type Child, type VNode } from '../vnode';
import { num } from './format';
import type { Translate } from './l10n';

/** What the program view can ask for. */
export interface ProgramActions {
  /** Shows the breakdown of call `index` below. */
  showCall(index: number): void;
  /** Runs the program again with the next seed. */
  anotherDraw(): void;
  /** Puts the editor's cursor on a line of the program. */
  goToLine(line: number, column: number): void;
  /** The output section was opened or closed (so a re-render keeps it that way). */
  toggleOutput(open: boolean): void;
}

/**
 * Fills `{0}`, `{1}`… in a template with nodes (a `code` element for a loss's label) rather than text, so the
 * template's words can stand in any order a language needs.
 */
export function fillNodes(template: string, ...args: readonly Child[]): Child[] {
  const out: Child[] = [];
  const parts = template.split(/\{(\d+)\}/);
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      if (part) out.push(part);
    } else {
      const arg = args[Number(part)];
      out.push(arg === undefined ? `{${part}}` : arg);
    }
  });
  return out;
}

/** `loop at line 9, iteration 3`: which pass of its loops made a call (iterations counted from 1, as people do). */
export function callPlace(call: Pick<ProgramCallEntry, 'loops'>, t: Translate): string {
  return call.loops.map((l) => t('programCallLoop', l.line, l.iteration + 1)).join(' · ');
}

function goToButton(line: number, column: number, t: Translate, actions: ProgramActions): VNode {
  return h(
    'button',
    {
      className: 'll-link-button ll-goto',
      attrs: { type: 'button', title: t('programGoToLine', line) },
      on: { click: () => actions.goToLine(line, column) },
    },
    t('programCallLine', line),
  );
}

function drawView(view: ProgramView, t: Translate, actions: ProgramActions): VNode | null {
  const draw = view.report.randomDraw;
  if (!draw) return null;
  const seeds = draw.libraries
    .map((l) =>
      l === 'torch'
        ? `torch.manual_seed(${draw.seed})`
        : l === 'numpy'
          ? `np.random.seed(${draw.seed})`
          : `random.seed(${draw.seed})`,
    )
    .join(', ');
  return h(
    'div',
    { className: 'll-random-draw' },
    h(
      'span',
      { className: 'll-random-note', attrs: { 'data-seed': String(draw.seed) } },
      t('programRandomDraw', draw.seed),
    ),
    view.canDrawAgain
      ? component('button', {
          label: t('programAnotherDraw'),
          appearance: 'secondary',
          onClick: () => actions.anotherDraw(),
        })
      : null,
    h('p', { className: 'll-muted ll-random-hint' }, t('programRandomDrawHint', draw.libraries.join(', '), seeds)),
  );
}

function outputView(view: ProgramView, open: boolean, t: Translate, actions: ProgramActions): VNode {
  const r = view.report;
  return h(
    'details',
    {
      className: 'll-program-output',
      attrs: { open },
      on: {
        toggle: (e: unknown) => actions.toggleOutput(Boolean((e as { target?: { open?: boolean } }).target?.open)),
      },
    },
    h('summary', null, t('programOutput')),
    r.output
      ? h('pre', { className: 'll-output', attrs: { tabindex: 0, 'aria-label': t('programOutput') } }, r.output)
      : h('p', { className: 'll-muted' }, t('programNoOutput')),
    r.outputCut
      ? h(
          'p',
          { className: 'll-muted ll-output-cut' },
          t('programOutputCut', r.outputCut.shownLines, r.outputCut.totalLines),
        )
      : null,
  );
}

function callsView(view: ProgramView, t: Translate, actions: ProgramActions): VNode | null {
  const calls = view.report.calls;
  if (calls.length === 0) return null;
  return h(
    'section',
    { className: 'll-program-calls' },
    h('h3', null, t('programCalls'), ' ', h('span', { className: 'll-badge' }, String(calls.length))),
    h(
      'ol',
      { className: 'll-call-list', attrs: { role: 'list' } },
      calls.map((call) => {
        const selected = view.selectedCall === call.index;
        return h(
          'li',
          {
            className: selected ? 'll-call ll-call-selected' : 'll-call',
            ...(selected ? { attrs: { 'aria-current': 'true' } } : {}),
          },
          call.computed
            ? h(
                'button',
                {
                  className: 'll-call-pick',
                  attrs: { type: 'button', 'aria-pressed': selected, 'data-call': String(call.index) },
                  on: { click: () => actions.showCall(call.index) },
                },
                h('code', null, call.fn),
                ' ',
                h(
                  'span',
                  { className: 'll-call-value', attrs: { 'data-k': `call-${call.index}` } },
                  call.valueText ?? '—',
                ),
              )
            : h(
                'span',
                { className: 'll-call-pick ll-call-disabled' },
                h('code', null, call.fn),
                ' ',
                h('span', { className: 'll-muted' }, call.problem ?? t('programCallNoValue')),
              ),
          goToButton(call.line, call.column, t, actions),
          call.loops.length > 0 ? h('span', { className: 'll-muted ll-call-place' }, callPlace(call, t)) : null,
          selected ? h('span', { className: 'll-muted' }, t('programCallShown')) : null,
        );
      }),
    ),
  );
}

function customLossView(c: ProgramCustomLoss, index: number, t: Translate, actions: ProgramActions): VNode {
  return h(
    'article',
    { className: 'll-custom-loss' },
    h(
      'div',
      { className: 'll-value-row' },
      h('code', { className: 'll-custom-name' }, c.name),
      h('span', { className: 'll-badge' }, t('programHandWritten')),
      h('output', { className: 'll-custom-value', attrs: { 'data-k': `custom-${index}` } }, c.valueText),
      goToButton(c.line, c.column, t, actions),
    ),
    c.builtin
      ? h(
          'p',
          { className: 'll-custom-builtin' },
          fillNodes(
            t('programResembles', '{0}', '{1}'),
            h('code', null, c.builtin.label),
            h(
              'span',
              { className: 'll-custom-builtin-value', attrs: { 'data-k': `custom-${index}-builtin` } },
              c.builtin.valueText,
            ),
          ),
        )
      : null,
    c.builtin?.reason
      ? h(
          'details',
          { className: 'll-custom-reason', attrs: { open: true } },
          h('summary', null, t('programWhyDiffer')),
          h('p', null, c.builtin.reason),
        )
      : null,
    c.perSample
      ? h(
          'div',
          { className: 'll-custom-per-sample' },
          h('h4', null, t('programPerSample')),
          h(
            'ol',
            { className: 'll-per-sample-list', attrs: { start: 0 } },
            c.perSample.map((v) => h('li', { className: 'll-num' }, num(v))),
          ),
        )
      : null,
    c.gradient
      ? h(
          'section',
          { className: 'll-gradient' },
          h(
            'h4',
            null,
            t('gradient'),
            ' ',
            h('code', null, `∂${c.name}/∂${c.gradient.name}`),
            ' ',
            h('span', { className: 'll-muted' }, `[${c.gradient.shape.join(', ')}]`),
          ),
          c.gradient.rowStep > 1 || c.gradient.colStep > 1
            ? h('p', { className: 'll-muted' }, t('heatmapDownsampled', c.gradient.rowStep, c.gradient.colStep))
            : null,
          component('heatmap', {
            map: c.gradient,
            columnNames: [],
            cellTemplate: t('heatmapCell', '{0}', '{1}', '{2}'),
            label: `∂${c.name}/∂${c.gradient.name}`,
            rowAxis: t('heatmapRows'),
            colAxis: t('heatmapColsElement'),
          }),
        )
      : null,
  );
}

/** The program section: draw, output, loss calls, hand-written losses. */
export function programView(
  view: ProgramView,
  state: { readonly outputOpen: boolean },
  t: Translate,
  actions: ProgramActions,
): VNode {
  const r = view.report;
  return h(
    'section',
    { className: 'll-program', attrs: { 'aria-label': t('programTitle') } },
    h(
      'div',
      { className: 'll-title-row' },
      h('h2', { className: 'll-program-title' }, t('programTitle')),
      h('span', { className: 'll-muted', attrs: { title: r.title } }, r.title),
    ),
    drawView(view, t, actions),
    outputView(view, state.outputOpen, t, actions),
    callsView(view, t, actions),
    r.customLosses.length > 0
      ? h(
          'section',
          { className: 'll-program-custom' },
          h('h3', null, t('programCustomLosses')),
          r.customLosses.map((c, i) => customLossView(c, i, t, actions)),
        )
      : null,
  );
}
