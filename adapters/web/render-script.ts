/**
 * The page's rendering functions, shipped to the browser as plain JS (no build step). They are
 * pure (strings in, HTML strings out) so unit tests can run the very code the browser runs.
 * Rule: every piece of text goes through esc() before any markup is added around it.
 */
export const RENDER_SCRIPT = String.raw`
function esc(s) { return String(s).replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c])); }
// Media and links only from http(s) or this server: no javascript:, data: or other schemes.
function safeUrl(u) { return /^(https?:\/\/|\/(?!\/))/i.test(String(u)) ? String(u) : '#'; }
// <time:UNIX_SECONDS:STYLE> → a <time> element; the page's clock keeps relative ones current.
function timeText(seconds, style, nowMs) {
  const d = new Date(seconds * 1000);
  if (style === 'relative') {
    const diff = Math.round(seconds - nowMs / 1000);
    const a = Math.abs(diff);
    const span = a < 5 ? 'a few seconds' : a < 60 ? a + 's' : a < 3600 ? Math.round(a / 60) + ' min' : a < 86400 ? Math.round(a / 3600) + ' h' : Math.round(a / 86400) + ' d';
    return a < 5 ? (diff >= 0 ? 'in a few seconds' : 'just now') : diff > 0 ? 'in ' + span : span + ' ago';
  }
  if (style === 'time') return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (style === 'date') return d.toLocaleDateString();
  return d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}
function timeHtml(seconds, style, nowMs) {
  return '<time data-testid="time" datetime="' + new Date(seconds * 1000).toISOString() + '" data-ts="' + seconds + '" data-style="' + style + '">' + esc(timeText(seconds, style, nowMs)) + '</time>';
}
function md(text, nowMs) {
  let h = esc(text);
  h = h.replace(/&lt;time:(\d{1,12}):(relative|time|datetime|date)&gt;/g, (m, ts, style) => timeHtml(Number(ts), style, nowMs === undefined ? Date.now() : nowMs));
  h = h.replace(/\x60([^\x60]+)\x60/g, '<code>$1</code>');
  h = h.replace(/\*\*(.+?)\*\*/g, '<b>$1</b>');
  h = h.replace(/(^|\W)_(.+?)_(?=\W|$)/g, '$1<i>$2</i>');
  h = h.replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, (m, l, u) => '<a href="' + u + '" target="_blank" rel="noopener noreferrer">' + l + '</a>');
  h = h.replace(/&lt;@([\w-]+)&gt;/g, (m, u) => '<b>@' + (u === 'local-user' ? 'you' : u) + '</b>');
  return h.replace(/\n/g, '<br>');
}
function renderBlock(b, msg) {
  switch (b.type) {
    case 'text': return '<div class="text">' + md(b.text) + '</div>';
    case 'context': return '<div class="context">' + md(b.text) + '</div>';
    case 'fields': return '<div class="fields">' + b.fields.map(f => '<div><b>' + esc(f.label) + '</b>' + md(f.value) + '</div>').join('') + '</div>';
    case 'progress': {
      const known = typeof b.percent === 'number';
      const pct = known ? Math.max(0, Math.min(100, Math.round(b.percent))) : 30;
      return '<div class="progress" data-testid="progress" data-percent="' + (known ? pct : '') + '">' +
        '<div class="bar' + (known ? '' : ' indeterminate') + '" role="progressbar" aria-label="' + esc(b.label) + '" aria-valuemin="0" aria-valuemax="100"' + (known ? ' aria-valuenow="' + pct + '"' : '') + '><i style="width:' + pct + '%"></i></div>' +
        '<div class="plabel" data-testid="progress-label">' + md(b.label) + (known ? ' · ' + (b.estimated ? '≈' : '') + pct + '%' : '') + '</div></div>';
    }
    case 'media': return '<div class="gallery' + (b.items.length > 1 ? ' grid' : '') + '" data-testid="media">' + b.items.map((x, i) => {
      const n = b.items.length > 1 ? String(i + 1) : '';
      const video = String(x.mimeType || '').startsWith('video/');
      const el = video
        ? '<video class="result" data-testid="result-video" controls preload="metadata" src="' + esc(safeUrl(x.url)) + '" aria-label="' + esc(x.alt) + '"></video>'
        : '<img class="result" data-testid="result-image" src="' + esc(safeUrl(x.url)) + '" alt="' + esc(x.alt) + '"' + (x.width && x.height ? ' width="' + Number(x.width) + '" height="' + Number(x.height) + '"' : '') + '>';
      return '<figure data-testid="result" data-index="' + i + '">' + el + (n ? '<figcaption>' + n + '</figcaption>' : '') + '</figure>';
    }).join('') + '</div>';
    case 'image': return '<img class="media" data-testid="image" src="' + esc(safeUrl(b.url)) + '" alt="' + esc(b.alt) + '">';
    case 'actions': return '<div class="actions" data-testid="actions">' + b.buttons.map(x =>
      '<button type="button" class="' + esc(x.style || '') + '" data-testid="button-' + esc(x.action) + '" data-custom-id="' + esc(x.customId) + '" data-message="' + esc(msg.id) + '" aria-label="' + esc(x.label) + '">' + esc(x.label) + '</button>').join('') + '</div>';
    default: return '';
  }
}
/** A form the bot asked for (Remix), its fields pre-filled. */
function formHtml(form) {
  const fields = form.fields.map(f => {
    const attrs = ' name="' + esc(f.id) + '" data-testid="form-field-' + esc(f.id) + '"' + (f.maxLength ? ' maxlength="' + Number(f.maxLength) + '"' : '') + (f.placeholder ? ' placeholder="' + esc(f.placeholder) + '"' : '') + ' required';
    const input = f.multiline ? '<textarea rows="4"' + attrs + '>' + esc(f.value || '') + '</textarea>' : '<input type="' + (f.secret ? 'password' : 'text') + '"' + attrs + ' value="' + esc(f.value || '') + '">';
    return '<label>' + esc(f.label) + input + '</label>';
  }).join('');
  return '<form data-testid="form-body"><h2>' + esc(form.title) + '</h2>' + fields +
    '<div class="row"><button type="button" data-testid="form-cancel">Cancel</button><button type="submit" class="primary" data-testid="form-submit">' + esc(form.submitLabel || 'Save') + '</button></div></form>';
}
function hasImage(m) {
  return m.files.some(f => String(f.mimeType).startsWith('image/')) || (m.view ? m.view.blocks.some(b => b.type === 'image') : false);
}
/** The inside of one message row. */
function messageHtml(m, timeText) {
  let html = '<div class="avatar" aria-hidden="true">' + (m.author === 'bot' ? '🤖' : '🙂') + '</div><div class="body">';
  html += '<div class="who">' + (m.author === 'bot' ? 'genbot' : 'You') + '<small>' + esc(timeText || '') + '</small></div>';
  if (m.ephemeral) html += '<div class="ephemeral" data-testid="ephemeral">Only visible to you</div>';
  if (m.text) html += '<div class="text" data-testid="message-text">' + md(m.text) + '</div>';
  if (m.view) html += m.view.blocks.map(b => renderBlock(b, m)).join('');
  for (const f of m.files) {
    html += String(f.mimeType).startsWith('video/')
      ? '<video class="media" data-testid="video" controls preload="metadata" src="' + esc(safeUrl(f.url)) + '" aria-label="' + esc(f.name) + '"></video>'
      : '<img class="media" data-testid="image" alt="' + esc(f.name) + '" src="' + esc(safeUrl(f.url)) + '">';
  }
  html += '<div class="tools">' +
    (hasImage(m) ? '<button type="button" data-testid="react-clapper" data-react="' + esc(m.id) + '" aria-label="React with 🎬 to animate this image" title="React with 🎬 to animate">🎬</button>' : '') +
    (!m.threadId && !m.ephemeral ? '<button type="button" data-testid="reply" data-reply="' + esc(m.id) + '" aria-label="Reply in thread">Reply in thread</button>' : '') +
    '</div>';
  return html + '</div>';
}
`;
