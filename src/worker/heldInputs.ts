/**
 * The large inputs the extension host already holds, by JSON file, with the stamp the worker read them at
 * (src/worker/messages.ts `stamp`). Computing an unchanged file again then shows the same tensors instead of taking
 * another copy from the worker: without this, each computation of a 140 MB JSON file kept ~65 MB more in the
 * extension host (the panel's history holds each entry's inputs), and every child process any extension spawns from
 * the host (VS Code's port finder runs `ps` and `ls /proc` every few seconds, the git extension runs git) forks the
 * whole process and blocks the host for longer: 4 ms with one such copy held, 20 ms with four, on this machine.
 * Entries are weak: once no history entry holds the tensors, they are freed and the next job sends them again.
 * No `vscode` here (unit-tested in mocha).
 */
import type { LossInputs } from '../core/losses/types';

/** The inputs the host holds for a file and the stamp they were read at. */
export interface Held {
  readonly stamp: string;
  readonly inputs: LossInputs;
}

/** The inputs held per JSON file path, while something else (the history) keeps them alive. */
export class HeldInputs {
  private readonly byPath = new Map<string, { readonly stamp: string; readonly inputs: WeakRef<LossInputs> }>();

  /** What the host holds for `path`, or `undefined` (never read, or freed since). */
  get(path: string): Held | undefined {
    const entry = this.byPath.get(path);
    const inputs = entry?.inputs.deref();
    if (!entry || !inputs) {
      this.byPath.delete(path);
      return undefined;
    }
    return { stamp: entry.stamp, inputs };
  }

  /** Records the inputs a job of `path` handed over, read at `stamp`. */
  remember(path: string, stamp: string, inputs: LossInputs): void {
    this.byPath.set(path, { stamp, inputs: new WeakRef(inputs) });
  }

  /**
   * The inputs to show for a job's answer: the ones it handed over (remembered when stamped), or, when it left them
   * out because the file still has the stamp of the ones held (`held`, looked up before the job), those.
   */
  settle(
    path: string,
    held: Held | undefined,
    answer: { inputs?: LossInputs; stamp?: string },
  ): LossInputs | undefined {
    if (answer.inputs) {
      if (answer.stamp !== undefined) this.remember(path, answer.stamp, answer.inputs);
      return answer.inputs;
    }
    return held && answer.stamp === held.stamp ? held.inputs : undefined;
  }
}
