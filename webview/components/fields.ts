/** Dropdown, text field, number field and slider. */
import type { DropdownProps, NumberFieldProps, SliderProps, TextFieldProps } from './types';
import { TAGS } from './toolkit';

/** The toolkit's form elements expose `value` as a property. */
type ValueElement = HTMLElement & { value: string };

function labelled(label: string, control: HTMLElement): HTMLElement {
  const wrapper = document.createElement('div');
  wrapper.className = 'll-field';
  const caption = document.createElement('span');
  caption.className = 'll-field-label';
  caption.textContent = label;
  wrapper.append(caption, control);
  return wrapper;
}

/** A single-choice dropdown; `onChange` fires only for a different value chosen by the user. */
export function renderDropdown(p: DropdownProps): HTMLElement {
  const el = document.createElement(TAGS.dropdown) as ValueElement;
  el.setAttribute('aria-label', p.label);
  if (p.disabled) el.setAttribute('disabled', '');
  for (const option of p.options) {
    const o = document.createElement(TAGS.option);
    o.setAttribute('value', option.value);
    o.textContent = option.label;
    if (option.title) o.setAttribute('title', option.title);
    if (option.value === p.value) o.setAttribute('selected', '');
    el.appendChild(o);
  }
  el.addEventListener('change', (event) => {
    // change bubbles from nested toolkit elements; only ours counts.
    if (event.target !== el || el.value === p.value) return;
    p.onChange(el.value);
  });
  return p.showLabel ? labelled(p.label, el) : el;
}

function textElement(
  label: string,
  showLabel: boolean | undefined,
  value: string,
  disabled: boolean | undefined,
): ValueElement {
  const el = document.createElement(TAGS.textField) as ValueElement;
  el.setAttribute('value', value);
  if (showLabel) el.textContent = label;
  else el.setAttribute('aria-label', label);
  if (disabled) el.setAttribute('disabled', '');
  return el;
}

/** A text field that commits on Enter or blur (the native `change`). */
export function renderTextField(p: TextFieldProps): HTMLElement {
  const el = textElement(p.label, p.showLabel, p.value, p.disabled);
  if (p.placeholder) el.setAttribute('placeholder', p.placeholder);
  el.addEventListener('change', (event) => {
    if (event.target === el && el.value !== p.value) p.onCommit(el.value);
  });
  return el;
}

/** Parses a number field's text: finite, in range, integral when asked. */
export function parseNumberInput(
  text: string,
  p: Pick<NumberFieldProps, 'integer' | 'min' | 'max'>,
): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return undefined;
  if (p.integer && !Number.isInteger(value)) return undefined;
  if (p.min !== undefined && value < p.min) return undefined;
  if (p.max !== undefined && value > p.max) return undefined;
  return value;
}

/** A number as an editable text: 7 significant digits (float32 precision) without trailing noise. */
export function editableNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(7))) : String(value);
}

/** A number field: marks itself invalid (tooltip + aria-invalid) instead of committing bad text. */
export function renderNumberField(p: NumberFieldProps): HTMLElement {
  const shown = editableNumber(p.value);
  const el = textElement(p.label, p.showLabel, shown, p.disabled);
  el.classList.add('ll-number');
  el.addEventListener('change', (event) => {
    if (event.target !== el) return;
    const value = parseNumberInput(el.value, p);
    if (value === undefined) {
      el.classList.add('ll-invalid');
      el.setAttribute('aria-invalid', 'true');
      el.setAttribute('title', p.invalidMessage);
      return;
    }
    el.classList.remove('ll-invalid');
    el.removeAttribute('aria-invalid');
    el.removeAttribute('title');
    if (el.value.trim() !== shown) p.onCommit(value);
  });
  return el;
}

/** A native range input (the toolkit has no slider) with its value beside it; commits on release. */
export function renderSlider(p: SliderProps): HTMLElement {
  const input = document.createElement('input');
  input.type = 'range';
  input.className = 'll-slider';
  input.min = String(p.min);
  input.max = String(p.max);
  input.step = String(p.step);
  input.value = String(p.value);
  input.setAttribute('aria-label', p.label);
  if (p.disabled) input.disabled = true;
  const readout = document.createElement('output');
  readout.className = 'll-num';
  readout.textContent = String(p.value);
  input.addEventListener('input', () => {
    readout.textContent = input.value;
  });
  input.addEventListener('change', () => {
    const value = Number(input.value);
    if (Number.isFinite(value) && value !== p.value) p.onCommit(value);
  });
  const row = document.createElement('div');
  row.className = 'll-slider-row';
  row.append(input, readout);
  return labelled(p.label, row);
}
