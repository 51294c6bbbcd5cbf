/**
 * Python's own string formatting: float repr, the format-spec mini-language, `%`-formatting and `str.format`.
 */
export { PyFormatError } from './errors';
export { pyRound, pyRoundToInt } from './round';
export { pyBoolRepr, pyFloatRepr, pyIntRepr, pyStrRepr } from './py-repr';
export { formatSpec, parseFormatSpec, type ParsedFormatSpec, type PyFormattable } from './format-spec';
export { percentFormat, type PercentArgs, type PercentFormatHooks } from './percent';
export {
  parseFormatTemplate,
  renderFormatTemplate,
  type FieldAccessor,
  type TemplateHooks,
  type TemplatePart,
} from './template';
