/** The page's two DOM helpers, shared by every view. */

/** The element with this id. */
export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** A new element with attributes and children (strings become text, never HTML). */
export function el(tag: string, props: Record<string, string> = {}, ...children: Array<Node | string | null>): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) node.setAttribute(k, v);
  for (const child of children) if (child !== null) node.append(child);
  return node;
}
