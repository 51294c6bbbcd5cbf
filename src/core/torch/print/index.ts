/**
 * Printing of tensors and NumPy arrays/scalars exactly as PyTorch and NumPy print them.
 */
export {
  DEFAULT_TORCH_PRINT_OPTIONS,
  setPrintOptions,
  tensorBodyStr,
  torchDtypeRepr,
  torchRepr,
  torchSizeRepr,
  type PrintableTensor,
  type SetPrintOptionsArgs,
  type TorchPrintOptions,
  type TorchReprOptions,
} from './tensor-repr';
export {
  array2string,
  DEFAULT_NUMPY_PRINT_OPTIONS,
  ndarrayRepr,
  ndarrayStr,
  numpyScalarRepr,
  numpyScalarStr,
  setNumpyPrintOptions,
  stringArrayRepr,
  stringArrayStr,
  type PrintableStringArray,
  type SetNumpyPrintOptionsArgs,
  type NumpyDType,
  type NumpyPrintOptions,
  type NumpyReprOptions,
  type PrintableArray,
} from './ndarray-repr';
export { formatFloatPositional, formatFloatScientific, type Dragon4Options, type TrimMode } from './dragon4';
export { roundToBfloat16, roundToFloat16, shortestDigits, storedValue, FLOAT16, FLOAT32, FLOAT64 } from './decimal';
export { nnModuleRepr, type ModuleReprNode } from './module-repr';
