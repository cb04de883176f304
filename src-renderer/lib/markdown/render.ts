/**
 * Model cards as formatted text: Markdown parsed by marked (GitHub-flavoured: tables, lists, code), then
 * sanitised by DOMPurify before it reaches the page — a card is a file in a models folder, which a user may
 * have dropped there from anywhere. Pictures and links to elsewhere are not loaded: images become their alt
 * text (the card's own files are not served to the page), links open nothing inside the app.
 */
import DOMPurify from 'dompurify';
import { marked } from 'marked';

/** Tags a card may use; everything else (scripts, iframes, forms, styles, images) is dropped. */
const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'strong', 'em', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'span',
];

/** The sanitised HTML of a card's Markdown. */
export function renderCard(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR: ['href', 'title', 'align'], ALLOW_DATA_ATTR: false });
}
