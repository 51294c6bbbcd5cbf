/**
 * The tensor reader: text (Python literals and constructors, PyTorch/NumPy printouts, JSON) → {@link Tensor}, with
 * PyTorch's dtype rules and positioned errors. Pure TypeScript, no `vscode`.
 */
export { readTensor, readTensors } from './read';
export type { NamedReadResult, ReadOptions, ReadResult } from './read';
export type { ReadSource } from './evaluate';
export { listToTensor } from './literal';
export type { ConstructorFlavor, RangeOf } from './literal';
export { pyBool, pyFloat, pyInt } from './values';
export type { NestedValues, PyScalar } from './values';
export { ReaderErrorCode } from './errors';
export { castTensor, castValue, promoteTypes, roundToBFloat16, roundToFloat16 } from './dtype';
