/** `html\`…\``: htm bound to Preact's `h`, the one way the screens write markup (no JSX build step). */
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
