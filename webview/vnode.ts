/**
 * A tiny, DOM-free description of the page: the views build {@link VNode}s and {@link materialize} turns them into
 * real nodes. Text only ever becomes a text node and attributes go through `setAttribute`, so a class name such as
 * `<img src=x onerror=alert(1)>` shows as those characters and nothing else. There is no path to `innerHTML`.
 *
 * Written against {@link DocumentLike} rather than the DOM so the views and this file run in mocha as well.
 */
import type { ComponentName, ComponentProps } from './components/types';

/** An element: tag, attributes, class, CSSOM style properties, listeners, children. */
export interface VElement {
  readonly kind: 'element';
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly className?: string;
  /** Set with `style.setProperty` (CSSOM), which the CSP allows, never as a `style` attribute. */
  readonly style?: Readonly<Record<string, string>>;
  readonly on?: Readonly<Record<string, (event: unknown) => void>>;
  readonly children: readonly VNode[];
}

/** A text node. */
export interface VText {
  readonly kind: 'text';
  readonly text: string;
}

/** One of our components (webview/components), which wraps the UI toolkit. */
export interface VComponent<K extends ComponentName = ComponentName> {
  readonly kind: 'component';
  readonly name: K;
  readonly props: ComponentProps[K];
}

/** A node of the description. */
export type VNode = VElement | VText | { [K in ComponentName]: VComponent<K> }[ComponentName];

/** What a child may be: nodes, text, numbers; `null`/`undefined`/`false` are skipped (for conditionals). */
export type Child = VNode | string | number | null | undefined | false | readonly Child[];

/** Element properties for {@link h}. */
export interface ElementProps {
  readonly className?: string | undefined;
  readonly attrs?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly style?: Readonly<Record<string, string>>;
  readonly on?: Readonly<Record<string, (event: unknown) => void>>;
}

/** Attribute names that would run script or bypass the CSP-friendly style path; refused outright. */
export function isForbiddenAttribute(name: string): boolean {
  const n = name.toLowerCase();
  return (
    n.startsWith('on') ||
    n === 'style' ||
    n === 'srcdoc' ||
    n === 'href' ||
    n === 'src' ||
    n === 'xlink:href' ||
    n === 'formaction'
  );
}

function flatten(children: readonly Child[], out: VNode[]): VNode[] {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (typeof c === 'string' || typeof c === 'number') out.push({ kind: 'text', text: String(c) });
    else if (Array.isArray(c)) flatten(c as readonly Child[], out);
    else out.push(c as VNode);
  }
  return out;
}

/** Builds an element node. `attrs` values of `false`/`undefined` are left out; `true` becomes an empty attribute. */
export function h(tag: string, props: ElementProps | null, ...children: Child[]): VElement {
  if (!/^[a-z][a-z0-9-]*$/.test(tag) || tag === 'script' || tag === 'style' || tag === 'iframe')
    throw new Error(`Refusing to create <${tag}>.`);
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(props?.attrs ?? {})) {
    if (isForbiddenAttribute(name)) throw new Error(`Refusing to set the ${name} attribute.`);
    if (value === undefined || value === false) continue;
    attrs[name] = value === true ? '' : String(value);
  }
  return {
    kind: 'element',
    tag,
    attrs,
    ...(props?.className ? { className: props.className } : {}),
    ...(props?.style ? { style: props.style } : {}),
    ...(props?.on ? { on: props.on } : {}),
    children: flatten(children, []),
  };
}

/** A text node (for when a bare string would be ambiguous). */
export function text(value: string): VText {
  return { kind: 'text', text: value };
}

/** A component node. */
export function component<K extends ComponentName>(name: K, props: ComponentProps[K]): VNode {
  return { kind: 'component', name, props } as VNode;
}

/** The least of the DOM that {@link materialize} needs; `document` satisfies it. */
export interface NodeLike {
  readonly nodeType: number;
}

/** The least of an element that {@link materialize} needs. */
export interface ElementLike extends NodeLike {
  className: string;
  readonly style: { setProperty(name: string, value: string): void };
  setAttribute(name: string, value: string): void;
  appendChild(child: NodeLike): unknown;
  addEventListener(type: string, listener: (event: unknown) => void): void;
}

/** The least of a document that {@link materialize} needs. */
export interface DocumentLike {
  createElement(tag: string): ElementLike;
  createTextNode(text: string): NodeLike;
}

/** Renders each component; `render` materializes nested descriptions (e.g. tab contents). */
export type ComponentRenderers = {
  readonly [K in ComponentName]: (props: ComponentProps[K], render: (node: VNode) => NodeLike) => NodeLike;
};

/** Turns a description into nodes of `doc`. */
export function materialize(node: VNode, doc: DocumentLike, components: ComponentRenderers): NodeLike {
  const render = (n: VNode): NodeLike => materialize(n, doc, components);
  switch (node.kind) {
    case 'text':
      return doc.createTextNode(node.text);
    case 'component': {
      const renderer = components[node.name] as (props: unknown, render: (n: VNode) => NodeLike) => NodeLike;
      return renderer(node.props, render);
    }
    case 'element': {
      const el = doc.createElement(node.tag);
      for (const [name, value] of Object.entries(node.attrs)) {
        // Re-checked here: a VElement may be built by hand rather than through h().
        if (isForbiddenAttribute(name)) throw new Error(`Refusing to set the ${name} attribute.`);
        el.setAttribute(name, value);
      }
      if (node.className) el.className = node.className;
      for (const [name, value] of Object.entries(node.style ?? {})) el.style.setProperty(name, value);
      for (const [type, listener] of Object.entries(node.on ?? {})) el.addEventListener(type, listener);
      for (const child of node.children) el.appendChild(render(child));
      return el;
    }
  }
}
