import { localizeText } from '../../../src/core/i18n/index';
import { LOSSES } from '../../../src/core/losses/index';
import { suggestLosses } from '../../../src/core/suggest';
import { tensorFrom } from '../../../src/core/tensor';

describe('the loss QuickPick in Chinese', () => {
  it('translates every registered loss summary and every suggestion reason', () => {
    const cjk = /[\u4e00-\u9fff]/;
    const untranslated = LOSSES.filter((l) => !cjk.test(localizeText(l.summary, 'zh-cn'))).map((l) => `${l.name}: ${l.summary}`);
    const pairs = [
      [tensorFrom([2, 0.5, -1, 0.1, 1.2, 0.3], [2, 3], 'float32'), tensorFrom([0, 1], [2], 'int64')],
      [tensorFrom([-0.1, -2, -3, -0.5], [2, 2], 'float32'), tensorFrom([0, 1], [2], 'int64')],
      [tensorFrom([2, -1, 0.5, 3], [4], 'float32'), tensorFrom([1, 0, 1, 0], [4], 'float32')],
      [tensorFrom([0.9, 0.2, 0.6, 0.4], [4], 'float32'), tensorFrom([1, 0, 1, 0], [4], 'float32')],
      [tensorFrom([-1.2, -0.4, -0.1, -2.3], [2, 2], 'float32'), tensorFrom([0.3, 0.7, 0.5, 0.5], [2, 2], 'float32')],
      [tensorFrom([0.5, -0.3], [2], 'float32'), tensorFrom([1, -1], [2], 'float32')],
      [tensorFrom([1, 0, 0, 1], [2, 2], 'float32'), tensorFrom([1, 0, 0, 1], [2, 2], 'int64')],
    ] as const;
    const reasons = new Set(pairs.flatMap(([a, b]) => suggestLosses(LOSSES, a, b).map((s) => s.reason)).filter((r) => r !== ''));
    const untranslatedReasons = [...reasons].filter((r) => !cjk.test(localizeText(r, 'zh-cn')));
    if (untranslated.length > 0 || untranslatedReasons.length > 0) throw new Error([...untranslated, ...untranslatedReasons].join('\n'));
  });
});
