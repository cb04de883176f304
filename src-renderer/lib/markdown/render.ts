/**
 * Model cards as formatted text: Markdown parsed by marked (GitHub-flavoured: tables, lists, code), then
 * sanitised by DOMPurify before it reaches the page — a card is a file in a models folder, which a user may
 * have dropped there from anywhere. Nothing is loaded from elsewhere: pictures are dropped (the card's
 * own files are not served to the page), and links open in a new window, never in place of the app. Raw HTML in
 * a card is dropped by the Markdown step already (its text is kept), so a hostile tag never reaches even
 * DOMPurify's inert parse, where Chromium still reports an inline handler to the page's CSP as a violation.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

/** GitHub-flavoured Markdown without raw HTML: HTML blocks, inline tags and comments render as nothing. */
const markdown = new Marked({ gfm: true, breaks: false, async: false, renderer: { html: () => '' } });

/** Tags a card may use; everything else (scripts, iframes, forms, styles, images) is dropped. */
const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'strong', 'em', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'span',
];

// A card's links open outside the app (a new window), never in place of the editor.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** The sanitised HTML of a card's Markdown. */
export function renderCard(text: string): string {
  const html = markdown.parse(text, { async: false });
  return DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR: ['href', 'title', 'align', 'target', 'rel'], ALLOW_DATA_ATTR: false });
}
