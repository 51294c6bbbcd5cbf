/**
 * PyTorch's error for a convolution whose input dtype differs from its weight's. Which check notices first, and so the
 * text, depends on the release, the kernel and whether there is a bias (both oracles; the program fixture
 * `test/fixtures/programs/conv_dtypes.py` holds the forms): the bias's dtype check (`Input type (c10::Half) and bias
 * type (float) should be the same`), the kernel's scalar type (`expected scalar type Double but found Float`), torch
 * 1.13's 2-d CPU kernel, which has no half-precision version (conv1d runs through it too), or, for a transposed
 * convolution on float32 input, the MKLDNN check.
 */
import { scalarTypeName, type DType } from '../tensor';

/** `float`, `double`, `c10::Half`: C++'s names, as the bias check and other dtype checks print them. */
export function cName(d: DType): string {
  return d === 'float16' || d === 'bfloat16' ? `c10::${scalarTypeName(d)}` : scalarTypeName(d).toLowerCase();
}

/**
 * The message for an `n`-d convolution (`transposed` or not, with or without a bias) of an `input` dtype over
 * parameters of `param` dtype, under torch 1.13 (`torch113`) or 2.x.
 */
export function convDtypeMessage(
  n: number,
  transposed: boolean,
  bias: boolean,
  input: DType,
  param: DType,
  torch113: boolean,
): string {
  const scalar = `expected scalar type ${scalarTypeName(input)} but found ${scalarTypeName(param)}`;
  if (transposed) {
    return !torch113 && input === 'float32'
      ? `Input type (torch.${scalarTypeName(input)}Tensor) and weight type (torch.${scalarTypeName(param)}Tensor) should be the same or input should be a MKLDNN tensor and weight is a dense tensor`
      : scalar;
  }
  // torch 1.13 runs conv1d, and a conv2d whose bias check does not come first, through the 2-d kernel, which has no
  // half-precision CPU version.
  if (torch113 && input === 'float16' && (n === 1 || !bias)) return `"slow_conv2d_cpu" not implemented for 'Half'`;
  if (!bias) return scalar;
  if (!torch113 || n === 2) return `Input type (${cName(input)}) and bias type (${cName(param)}) should be the same`;
  return input === 'float32'
    ? `Input type (torch.${scalarTypeName(input)}Tensor) and weight type (torch.${scalarTypeName(param)}Tensor) should be the same or input should be a MKLDNN tensor and weight is a dense tensor`
    : scalar;
}
