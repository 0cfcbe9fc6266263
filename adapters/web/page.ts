/**
 * The playground page: one HTML document with inline CSS and JS, no build step. It renders the
 * same neutral MessageViews every adapter renders (text, fields, progress, images, buttons) and
 * escapes everything before adding markup.
 */
export function renderPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>genbot playground</title>
<style>
  :root { --bg:#1a1d21; --panel:#222529; --text:#d1d2d3; --muted:#9a9b9d; --accent:#1164a3; --danger:#c0392b; --line:#35373b; }
  * { box-sizing: border-box; }
  body { margin:0; font:15px/1.45 -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--text); display:flex; flex-direction:column; height:100vh; }
  header { padding:10px 16px; border-bottom:1px solid var(--line); display:flex; gap:12px; align-items:baseline; }
  header h1 { font-size:16px; margin:0; } header span { color:var(--muted); font-size:13px; }
  #log { flex:1; overflow-y:auto; padding:12px 16px; }
  .msg { display:flex; gap:10px; padding:6px 0; }
  .avatar { width:34px; height:34px; border-radius:6px; background:#4a154b; flex:none; display:grid; place-items:center; font-size:18px; }
  .msg.user .avatar { background:#2b7a4b; }
  .body { flex:1; min-width:0; }
  .who { font-weight:700; font-size:14px; } .who small { color:var(--muted); font-weight:400; margin-left:6px; }
  .ephemeral { color:var(--muted); font-size:12px; font-style:italic; }
  .fields { display:grid; grid-template-columns:repeat(auto-fill,minmax(150px,1fr)); gap:4px 12px; margin:4px 0; font-size:13px; }
  .fields b { display:block; color:var(--muted); font-weight:600; font-size:12px; }
  .progress { margin:6px 0; } .bar { height:8px; background:var(--line); border-radius:4px; overflow:hidden; max-width:360px; }
  .bar > i { display:block; height:100%; background:var(--accent); transition:width .4s; }
  .bar.indeterminate > i { width:30%; animation: slide 1.2s infinite linear; }
  @keyframes slide { from { margin-left:-30%; } to { margin-left:100%; } }
  .plabel { font-size:13px; color:var(--muted); }
  .context { font-size:12px; color:var(--muted); margin-top:4px; }
  .actions { display:flex; gap:6px; flex-wrap:wrap; margin-top:6px; }
  button { background:var(--panel); color:var(--text); border:1px solid var(--line); border-radius:4px; padding:4px 10px; cursor:pointer; font:inherit; font-size:13px; }
  button.primary { background:var(--accent); border-color:var(--accent); color:#fff; } button.danger { color:#ff8a80; }
  button:focus-visible { outline:2px solid #5ab0ff; }
  img.media, video.media { max-width:360px; max-height:360px; border-radius:6px; display:block; margin-top:6px; }
  .thread { margin-left:44px; border-left:2px solid var(--line); padding-left:10px; }
  .tools { display:flex; gap:8px; margin-top:4px; } .tools button { font-size:12px; padding:2px 8px; }
  code { background:#2c2f33; padding:1px 4px; border-radius:3px; font-size:13px; }
  a { color:#5ab0ff; }
  form { border-top:1px solid var(--line); padding:10px 16px; display:flex; flex-direction:column; gap:6px; }
  #replying { font-size:12px; color:var(--muted); } #pending { font-size:12px; color:var(--muted); }
  .row { display:flex; gap:8px; }
  #text { flex:1; background:var(--panel); color:var(--text); border:1px solid var(--line); border-radius:6px; padding:10px; font:inherit; }
  body.drag #text { border-color:var(--accent); }
</style>
</head>
<body>
<header><h1># playground</h1><span>Type <code>/generate a red fox at dawn --ar 16:9</code>, drop an image in, or react 🎬 to an image. <code>/help</code> lists everything.</span></header>
<main id="log" aria-live="polite" data-testid="log"></main>
<form id="composer" data-testid="composer">
  <div id="replying" hidden></div>
  <div id="pending" data-testid="pending"></div>
  <div class="row">
    <input id="text" data-testid="composer-input" autocomplete="off" aria-label="Message" placeholder="/generate a red fox at dawn --ar 16:9">
    <label><input type="file" id="file" accept="image/*" hidden data-testid="file-input"><button type="button" id="attach" aria-label="Attach an image">📎</button></label>
    <button type="submit" class="primary" data-testid="send">Send</button>
  </div>
</form>
<script>
const log = document.getElementById('log');
const messages = new Map();
let threadTarget = null;
let pendingFiles = [];

function esc(s) { return String(s).replace(/[&<>"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c])); }
function md(text) {
  let h = esc(text);
  h = h.replace(/\`([^\`]+)\`/g, '<code>$1</code>');
  h = h.replace(/\\*\\*(.+?)\\*\\*/g, '<b>$1</b>');
  h = h.replace(/(^|\\W)_(.+?)_(?=\\W|$)/g, '$1<i>$2</i>');
  h = h.replace(/\\[([^\\]]+)\\]\\((https?:[^)\\s]+)\\)/g, (m, l, u) => '<a href="' + u + '" target="_blank" rel="noopener">' + l + '</a>');
  h = h.replace(/&lt;@([\\w-]+)&gt;/g, (m, u) => '<b>@' + (u === 'local-user' ? 'you' : u) + '</b>');
  return h.replace(/\\n/g, '<br>');
}
function renderBlock(b, msg) {
  switch (b.type) {
    case 'text': return '<div class="text">' + md(b.text) + '</div>';
    case 'context': return '<div class="context">' + md(b.text) + '</div>';
    case 'fields': return '<div class="fields">' + b.fields.map(f => '<div><b>' + esc(f.label) + '</b>' + md(f.value) + '</div>').join('') + '</div>';
    case 'progress': {
      const known = typeof b.percent === 'number';
      return '<div class="progress" data-testid="progress" data-percent="' + (known ? b.percent : '') + '"><div class="bar' + (known ? '' : ' indeterminate') + '" role="progressbar" aria-label="' + esc(b.label) + '"' + (known ? ' aria-valuenow="' + b.percent + '"' : '') + '><i style="width:' + (known ? b.percent : 30) + '%"></i></div><div class="plabel" data-testid="progress-label">' + md(b.label) + (known ? ' · ' + b.percent + '%' : '') + '</div></div>';
    }
    case 'image': return '<img class="media" src="' + esc(b.url) + '" alt="' + esc(b.alt) + '">';
    case 'actions': return '<div class="actions">' + b.buttons.map(x => '<button type="button" class="' + esc(x.style || '') + '" data-testid="button-' + esc(x.action) + '" data-custom-id="' + esc(x.customId) + '" data-message="' + esc(msg.id) + '">' + esc(x.label) + '</button>').join('') + '</div>';
    default: return '';
  }
}
function renderMessage(m) {
  const el = document.createElement('div');
  el.className = 'msg ' + m.author;
  el.id = 'msg-' + m.id;
  el.dataset.testid = 'message';
  el.dataset.author = m.author;
  let html = '<div class="avatar" aria-hidden="true">' + (m.author === 'bot' ? '🤖' : '🙂') + '</div><div class="body">';
  html += '<div class="who">' + (m.author === 'bot' ? 'genbot' : 'You') + '<small>' + new Date(m.createdAt).toLocaleTimeString() + '</small></div>';
  if (m.ephemeral) html += '<div class="ephemeral">Only visible to you</div>';
  if (m.text) html += '<div class="text">' + md(m.text) + '</div>';
  if (m.view) html += m.view.blocks.map(b => renderBlock(b, m)).join('');
  for (const f of m.files) {
    html += f.mimeType.startsWith('video/') ? '<video class="media" data-testid="video" controls src="' + esc(f.url) + '"></video>' : '<img class="media" data-testid="image" alt="' + esc(f.name) + '" src="' + esc(f.url) + '">';
  }
  const hasImage = m.files.some(f => f.mimeType.startsWith('image/'));
  html += '<div class="tools">' + (hasImage ? '<button type="button" data-testid="react-clapper" data-react="' + esc(m.id) + '" aria-label="React with clapper to animate">🎬</button>' : '') + (!m.threadId ? '<button type="button" data-reply="' + esc(m.id) + '">Reply in thread</button>' : '') + '</div>';
  el.innerHTML = html + '</div>';
  return el;
}
function place(m) {
  const el = renderMessage(m);
  const old = document.getElementById('msg-' + m.id);
  if (old) { old.replaceWith(el); return; }
  if (m.threadId) {
    let thread = document.getElementById('thread-' + m.threadId);
    if (!thread) {
      thread = document.createElement('div');
      thread.className = 'thread'; thread.id = 'thread-' + m.threadId; thread.dataset.testid = 'thread';
      const parent = document.getElementById('msg-' + m.threadId);
      if (parent) parent.after(thread); else log.append(thread);
    }
    thread.append(el);
  } else {
    log.append(el);
  }
  log.scrollTop = log.scrollHeight;
}
function apply(ev) {
  if (ev.type === 'upsert') { messages.set(ev.message.id, ev.message); place(ev.message); }
  if (ev.type === 'delete') { messages.delete(ev.id); document.getElementById('msg-' + ev.id)?.remove(); }
}
async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}
async function upload(file) {
  const res = await fetch('/api/upload', { method: 'POST', headers: { 'content-type': file.type || 'application/octet-stream', 'x-filename': encodeURIComponent(file.name) }, body: file });
  const json = await res.json();
  if (!res.ok) { alert(json.error || 'Upload failed'); return; }
  pendingFiles.push(json);
  document.getElementById('pending').textContent = 'Attached: ' + pendingFiles.map(f => f.name).join(', ');
}
document.getElementById('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = document.getElementById('text');
  const text = input.value;
  if (!text.trim() && pendingFiles.length === 0) return;
  input.value = '';
  const files = pendingFiles.map(f => f.id);
  pendingFiles = []; document.getElementById('pending').textContent = '';
  await post('/api/send', { text, files, ...(threadTarget ? { threadId: threadTarget } : {}) });
});
document.getElementById('attach').addEventListener('click', () => document.getElementById('file').click());
document.getElementById('file').addEventListener('change', (e) => { for (const f of e.target.files) upload(f); e.target.value = ''; });
document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('drag'); });
document.addEventListener('dragleave', () => document.body.classList.remove('drag'));
document.addEventListener('drop', (e) => { e.preventDefault(); document.body.classList.remove('drag'); for (const f of e.dataTransfer.files) upload(f); });
log.addEventListener('click', async (e) => {
  const t = e.target.closest('button');
  if (!t) return;
  if (t.dataset.customId) { t.disabled = true; await post('/api/action', { customId: t.dataset.customId, messageId: t.dataset.message }); setTimeout(() => { t.disabled = false; }, 1500); }
  if (t.dataset.react) { t.disabled = true; await post('/api/react', { messageId: t.dataset.react, emoji: 'clapper' }); }
  if (t.dataset.reply) {
    threadTarget = t.dataset.reply;
    const r = document.getElementById('replying');
    r.hidden = false; r.innerHTML = 'Replying in thread · <button type="button" id="unreply">cancel</button>';
    document.getElementById('unreply').onclick = () => { threadTarget = null; r.hidden = true; };
    document.getElementById('text').focus();
  }
});
(async () => {
  for (const m of await (await fetch('/api/messages')).json()) apply({ type: 'upsert', message: m });
  const es = new EventSource('/api/events');
  es.onmessage = (e) => apply(JSON.parse(e.data));
  document.body.dataset.ready = 'true';
})();
</script>
</body>
</html>`;
}
