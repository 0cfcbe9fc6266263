/**
 * The playground page: one HTML document with inline CSS and JS, no build step. It renders the
 * same neutral MessageViews every adapter renders (text, fields, progress, images, buttons) with
 * RENDER_SCRIPT, and keeps itself current from the Server-Sent Events feed at /api/events.
 * data-testid attributes make it easy to drive from a browser test.
 */
import { RENDER_SCRIPT } from './render-script.js';

const STYLE = `
  :root { --bg:#1a1d21; --panel:#222529; --text:#d1d2d3; --muted:#9a9b9d; --accent:#1164a3; --danger:#c0392b; --line:#35373b; }
  * { box-sizing: border-box; }
  body { margin:0; font:15px/1.45 -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--text); display:flex; flex-direction:column; height:100vh; }
  header { padding:10px 16px; border-bottom:1px solid var(--line); display:flex; gap:12px; align-items:baseline; }
  header h1 { font-size:16px; margin:0; } header span { color:var(--muted); font-size:13px; }
  #log { flex:1; overflow-y:auto; padding:12px 16px; }
  .msg { display:flex; gap:10px; padding:6px 0; }
  .msg.eph { opacity:.85; } .msg.eph .body { border-left:3px solid var(--muted); padding-left:8px; }
  .avatar { width:34px; height:34px; border-radius:6px; background:#4a154b; flex:none; display:grid; place-items:center; font-size:18px; }
  .msg.user .avatar { background:#2b7a4b; }
  .body { flex:1; min-width:0; overflow-wrap:anywhere; }
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
  button:focus-visible, input:focus-visible { outline:2px solid #5ab0ff; }
  img.media, video.media { max-width:360px; max-height:360px; border-radius:6px; display:block; margin-top:6px; }
  .gallery { margin-top:6px; max-width:480px; } .gallery.grid { display:grid; grid-template-columns:repeat(2, minmax(0, 1fr)); gap:6px; }
  .gallery figure { margin:0; position:relative; } .gallery .result { width:100%; height:auto; border-radius:6px; display:block; }
  .gallery figcaption { position:absolute; top:6px; left:6px; background:rgba(0,0,0,.65); color:#fff; border-radius:4px; padding:0 7px; font-size:12px; font-weight:700; }
  time { font-variant-numeric: tabular-nums; }
  dialog { background:var(--panel); color:var(--text); border:1px solid var(--line); border-radius:8px; width:min(560px, 92vw); }
  dialog::backdrop { background:rgba(0,0,0,.5); } dialog h2 { font-size:16px; margin:0 0 8px; } dialog label { display:block; font-size:13px; color:var(--muted); margin-bottom:8px; }
  dialog textarea, dialog input { width:100%; margin-top:4px; background:var(--bg); color:var(--text); border:1px solid var(--line); border-radius:6px; padding:8px; font:inherit; }
  dialog .row { justify-content:flex-end; } dialog form { border-top:none; padding:0; }
  .thread { margin-left:44px; border-left:2px solid var(--line); padding-left:10px; }
  .tools { display:flex; gap:8px; margin-top:4px; } .tools button { font-size:12px; padding:2px 8px; }
  code { background:#2c2f33; padding:1px 4px; border-radius:3px; font-size:13px; }
  a { color:#5ab0ff; }
  form { border-top:1px solid var(--line); padding:10px 16px; display:flex; flex-direction:column; gap:6px; }
  #replying, #pending, #status { font-size:12px; color:var(--muted); }
  .row { display:flex; gap:8px; }
  #text { flex:1; background:var(--panel); color:var(--text); border:1px solid var(--line); border-radius:6px; padding:10px; font:inherit; }
  body.drag #text { border-color:var(--accent); border-style:dashed; }
`;

// The DOM side: placing messages (threads under their parent), the composer, uploads, clicks, SSE.
const APP_SCRIPT = String.raw`
const log = document.getElementById('log');
let threadTarget = null;
let pendingFiles = [];

function setStatus(text) { document.getElementById('status').textContent = text; }
function renderMessage(m) {
  const el = document.createElement('div');
  el.className = 'msg ' + m.author + (m.ephemeral ? ' eph' : '');
  el.id = 'msg-' + m.id;
  el.dataset.testid = 'message';
  el.dataset.author = m.author;
  el.dataset.messageId = m.id;
  if (m.ephemeral) el.dataset.ephemeral = 'true';
  el.innerHTML = messageHtml(m, new Date(m.createdAt).toLocaleTimeString());
  return el;
}
function threadOf(parentId) {
  let thread = document.getElementById('thread-' + parentId);
  if (!thread) {
    thread = document.createElement('div');
    thread.className = 'thread'; thread.id = 'thread-' + parentId; thread.dataset.testid = 'thread'; thread.dataset.parent = parentId;
    thread.setAttribute('role', 'group'); thread.setAttribute('aria-label', 'Thread');
    const parent = document.getElementById('msg-' + parentId);
    if (parent) parent.after(thread); else log.append(thread);
  }
  return thread;
}
function place(m) {
  const el = renderMessage(m);
  const old = document.getElementById('msg-' + m.id);
  if (old) { old.replaceWith(el); return; }
  const nearBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  if (m.threadId) threadOf(m.threadId).append(el);
  else {
    log.append(el);
    // A thread that arrived before its parent moves under it.
    const early = document.getElementById('thread-' + m.id);
    if (early) el.after(early);
  }
  if (nearBottom) log.scrollTop = log.scrollHeight;
}
function apply(ev) {
  if (ev.type === 'upsert') place(ev.message);
  if (ev.type === 'delete') document.getElementById('msg-' + ev.id)?.remove();
  if (ev.type === 'form') openForm(ev.form);
}
// Client-rendered times: relative ones ("in 12s", "3 min ago") stay current without any edit.
setInterval(() => {
  for (const t of document.querySelectorAll('time[data-style="relative"]')) t.textContent = timeText(Number(t.dataset.ts), 'relative', Date.now());
}, 1000);
// A private form (Remix): the bot asks, the page shows it pre-filled, the answer goes back as a submission.
function openForm(form) {
  const d = document.getElementById('form');
  d.innerHTML = formHtml(form);
  d.querySelector('[data-testid="form-cancel"]').onclick = () => d.close();
  d.querySelector('form').onsubmit = async (e) => {
    e.preventDefault();
    const values = {};
    for (const f of form.fields) values[f.id] = d.querySelector('[name="' + CSS.escape(f.id) + '"]').value;
    d.close();
    await post('/api/submit', { form: form.id, values });
  };
  d.showModal();
  d.querySelector('textarea, input')?.focus();
}
async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) setStatus(json.error || 'Something went wrong.');
  return json;
}
async function upload(file) {
  setStatus('Uploading ' + file.name + '…');
  const res = await fetch('/api/upload', { method: 'POST', headers: { 'content-type': file.type || 'application/octet-stream', 'x-filename': encodeURIComponent(file.name) }, body: file });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) { setStatus(json.error || 'Upload failed.'); return; }
  setStatus('');
  pendingFiles.push(json);
  document.getElementById('pending').textContent = 'Attached: ' + pendingFiles.map(f => f.name).join(', ') + ' (sent with your next message)';
}
async function loadAll() {
  for (const m of await (await fetch('/api/messages')).json()) apply({ type: 'upsert', message: m });
}
document.getElementById('composer').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = document.getElementById('text');
  const text = input.value;
  if (!text.trim() && pendingFiles.length === 0) return;
  input.value = '';
  const files = pendingFiles.map(f => f.id);
  pendingFiles = []; document.getElementById('pending').textContent = '';
  setStatus('');
  await post('/api/send', { text, files, ...(threadTarget ? { threadId: threadTarget } : {}) });
});
document.getElementById('attach').addEventListener('click', () => document.getElementById('file').click());
document.getElementById('file').addEventListener('change', async (e) => { for (const f of e.target.files) await upload(f); e.target.value = ''; });
document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('drag'); });
document.addEventListener('dragleave', () => document.body.classList.remove('drag'));
document.addEventListener('drop', async (e) => { e.preventDefault(); document.body.classList.remove('drag'); for (const f of e.dataTransfer.files) await upload(f); });
function replyTo(id) {
  threadTarget = id;
  const r = document.getElementById('replying');
  r.hidden = false; r.innerHTML = 'Replying in thread · <button type="button" id="unreply" aria-label="Stop replying in thread">back to channel</button>';
  document.getElementById('unreply').onclick = () => { threadTarget = null; r.hidden = true; };
  document.getElementById('text').focus();
}
log.addEventListener('click', async (e) => {
  const t = e.target.closest('button');
  if (!t) return;
  if (t.dataset.customId) { t.disabled = true; await post('/api/action', { customId: t.dataset.customId, messageId: t.dataset.message }); setTimeout(() => { t.disabled = false; }, 1500); }
  if (t.dataset.react) { t.disabled = true; t.setAttribute('aria-pressed', 'true'); await post('/api/react', { messageId: t.dataset.react, emoji: 'clapper' }); }
  if (t.dataset.reply) replyTo(t.dataset.reply);
});
(async () => {
  await loadAll();
  const es = new EventSource('/api/events');
  let lost = false;
  es.onmessage = (e) => apply(JSON.parse(e.data));
  // EventSource reconnects by itself; whatever changed meanwhile comes from a full reload of the list.
  es.onerror = () => { lost = true; setStatus('Reconnecting…'); };
  es.onopen = () => { if (lost) { lost = false; setStatus(''); loadAll(); } document.body.dataset.ready = 'true'; };
})();
`;

export function renderPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>genbot playground</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1># playground</h1><span>Type <code>/generate a red fox at dawn --ar 16:9</code>, drop an image in, or react 🎬 to an image. <code>/help</code> lists everything.</span></header>
<main id="log" aria-live="polite" aria-label="Messages" data-testid="log"></main>
<form id="composer" data-testid="composer">
  <div id="replying" data-testid="replying" hidden></div>
  <div id="pending" data-testid="pending"></div>
  <div id="status" data-testid="status" role="status"></div>
  <div class="row">
    <input id="text" data-testid="composer-input" autocomplete="off" aria-label="Message (Enter to send)" placeholder="/generate a red fox at dawn --ar 16:9">
    <input type="file" id="file" accept="image/*,video/*" hidden data-testid="file-input" aria-label="Attach an image">
    <button type="button" id="attach" data-testid="attach" aria-label="Attach an image">📎</button>
    <button type="submit" class="primary" data-testid="send" aria-label="Send">Send</button>
  </div>
</form>
<dialog id="form" data-testid="form" aria-label="Form"></dialog>
<script>${RENDER_SCRIPT}${APP_SCRIPT}</script>
</body>
</html>`;
}
