/**
 * Mocha's spec reporter plus one plain closing line over the whole run, `e2e: N passed, N failed, N skipped`.
 */
import Mocha from 'mocha';

class SpecWithClosingLine extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      console.log(`e2e: ${passes} passed, ${failures} failed, ${pending} skipped`);
    });
  }
}

export = SpecWithClosingLine;
