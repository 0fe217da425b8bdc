/* The search page: Pagefind's API, loaded only here and only when a search is made.
   The collection is indexed in shards, one Pagefind bundle each under pagefind/<shard>/
   (the page lists them in data-shards). Opened from a report (?shard=), the page searches
   that report's shard first and the others on demand; otherwise all of them, merged with
   Pagefind's mergeIndex. The bundles' URL comes from the page (a relative link), so the
   site works under any subpath; result URLs are made relative to the site root. */
const form = document.querySelector(".search-page-form");
const input = form.querySelector("input[name=q]");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const scope = document.querySelector(".search-scope");
const pager = document.querySelector(".search-pager");
const [prev, next] = pager.querySelectorAll("button");
const filterBox = form.querySelector(".search-filters");
const selects = [...form.querySelectorAll("select[data-filter]")];
const bundles = new URL(form.dataset.pagefind.replace(/\/?$/, "/"), document.baseURI);
const siteRoot = new URL("../", bundles);
const shards = (form.dataset.shards || "").split(/\s+/).filter(Boolean);
const params = new URLSearchParams(window.location.search);
const first = shards.includes(params.get("shard")) ? params.get("shard") : null;
let wantAll = !first || shards.length === 1;
let pagefind = null;
const loaded = new Set();

/* The index holds Han text as overlapping bigrams (build/bigrams.py): 营商环境 is
   营商 商环 环境 境, and a query is turned into the same words. A page holds the query
   where its bigrams stand at consecutive positions, so what is found never depends on
   the browser's Intl.Segmenter. The index's language is "und" (no segmenter runs). */
const HAN = "\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}";
const TOKENS = new RegExp(`[${HAN}]+|[^\\s${HAN}]+`, "gu");
const HAN_RUN = new RegExp(`^[${HAN}]+$`, "u");
const BLOCK = "\ue000";
const INDEX_LANG = "und";

function queryWords(query) {
  const out = [];
  const runs = query.match(TOKENS) || [];
  runs.forEach((run, i) => {
    if (HAN_RUN.test(run)) {
      const chars = [...run];
      if (chars.length === 1) out.push(run);
      for (let k = 0; k + 1 < chars.length; k++) out.push(chars[k] + chars[k + 1]);
      if (i + 1 < runs.length && chars.length > 1) out.push(chars[chars.length - 1]);
    } else {
      const plain = run.replace(/[\p{P}\p{S}]/gu, "");
      if (plain) out.push(run);
    }
  });
  return out;
}

/* Start positions where all n words of the query stand one after another. */
function occurrences(locations, n) {
  const at = new Set(locations);
  const starts = [];
  for (const p of [...at].sort((a, b) => a - b)) {
    let ok = true;
    for (let k = 1; k < n; k++) if (!at.has(p + k)) { ok = false; break; }
    if (ok) starts.push(p);
  }
  return starts;
}

/* The page's own text back from the indexed words (build/bigrams.py: decode). */
function decodeWords(tokens) {
  const chars = [];  // [text, first token index]
  let prevWord = false;
  tokens.forEach((t, i) => {
    if (t === BLOCK) { chars.push(["\n", i]); prevWord = false; }
    else if (HAN_RUN.test(t)) { chars.push([[...t][0], i]); prevWord = false; }
    else {
      const word = /^[A-Za-z0-9]/.test(t);
      if (prevWord && word) chars.push([" ", i]);
      chars.push([t, i]);
      prevWord = /[A-Za-z0-9]$/.test(t);
    }
  });
  return chars;
}

/* Pagefind and the primary shard, loaded once: on the first focus of the search box,
   or by the first search (the page opened with ?q=), whichever comes first. */
let primaryReady = null;
const merging = new Map();  // shard -> its mergeIndex, under way or done

function loadPrimary() {
  if (!primaryReady) {
    primaryReady = (async () => {
      const primary = first || shards[0];
      const pf = await import(new URL(`${primary}/pagefind.js`, bundles).href);
      await pf.options({ baseUrl: siteRoot.pathname });
      // Pagefind takes its language from <html lang> when it starts: give it the index's
      // for that moment (the same task, so nothing sees it), so that no segmenter runs.
      const root = document.documentElement;
      const lang = root.getAttribute("lang");
      root.setAttribute("lang", INDEX_LANG);
      let ready;
      try { ready = pf.init(); } finally { root.setAttribute("lang", lang); }
      await ready;
      loaded.add(primary);
      merging.set(primary, Promise.resolve());
      return pf;
    })();
    primaryReady.catch(() => { primaryReady = null; });
  }
  return primaryReady;
}

async function load() {
  pagefind = await loadPrimary();
  if (wantAll) {
    for (const shard of shards) {
      if (!merging.has(shard)) {
        const merged = pagefind.mergeIndex(new URL(`${shard}/`, bundles).href, { baseUrl: siteRoot.pathname, language: INDEX_LANG });
        merging.set(shard, merged.then(() => { loaded.add(shard); }, (err) => { merging.delete(shard); throw err; }));
      }
      await merging.get(shard);
    }
  }
  return pagefind;
}

/* Filters by issuer and round, on each hit's metadata (data-pagefind-meta): Pagefind's
   own filter indexes are not byte-identical from one run to the next, and the site is.
   The choices offered are the values seen among the hits; a choice is kept. */
function chosen(select) {
  return select.value || params.get(select.name) || "";
}

function showFilters(hits) {
  let any = false;
  for (const select of selects) {
    const key = select.dataset.filter;
    const keep = chosen(select);
    const values = [...new Set(hits.map((d) => d.meta[key]).filter(Boolean))];
    if (keep && !values.includes(keep)) values.push(keep);
    values.sort();
    select.replaceChildren(new Option("全部", ""));
    for (const v of values) select.append(new Option(v, v, false, v === keep));
    any = any || values.length > 1 || Boolean(keep);
  }
  filterBox.hidden = !any;
}

function matches(data) {
  return selects.every((select) => !chosen(select) || data.meta[select.dataset.filter] === chosen(select));
}

/* The hits (in their order) that pass the filters, for result page `page`, loading
   hits' data 20 at a time; each hit of the page goes to `show` as soon as its data and
   that of the hits before it have come, so that the first result is shown first. */
async function pageHits(hits, page, show, stale) {
  const seen = [];
  let kept = 0;
  const from = page * PER_PAGE;
  const wanted = (page + 1) * PER_PAGE;
  let i = 0;
  for (; i < hits.length && kept < wanted; i += 20) {
    const batch = hits.slice(i, i + 20).map((h) => ({ hit: h, data: h.result.data() }));
    for (const b of batch) {
      const data = await b.data;
      if (stale()) return null;
      seen.push(data);
      if (!matches(data)) continue;
      kept++;
      if (kept > from && kept <= wanted) show({ hit: b.hit, data });
    }
  }
  const filtered = selects.some((s) => chosen(s));
  return { seen, count: Math.max(0, Math.min(kept, wanted) - from), more: filtered ? i < hits.length || kept > wanted : hits.length > wanted, filtered };
}

const PER_PAGE = 20;
const CLAUSE_END = /[。；！？!?;\n]/;
const SOFT = /[，、：,:）)”」]/;

/* An excerpt of the page's own text around a hit: whole clauses (never cut inside a
   number or a word), the hit marked, the punctuation as on the page. */
function excerptAt(text, at, length) {
  let from = at;
  while (from > 0 && !CLAUSE_END.test(text[from - 1]) && at - from < 60) from--;
  if (from > 0 && !CLAUSE_END.test(text[from - 1])) {  // too long: a softer boundary
    let f = at;
    while (f > from && !SOFT.test(text[f - 1])) f--;
    from = f;
  }
  let to = at + length;
  while (to < text.length && !CLAUSE_END.test(text[to]) && to - at < 90) to++;
  if (to < text.length && CLAUSE_END.test(text[to]) && text[to] !== "\n") to++;
  else if (to < text.length && text[to] !== "\n") {
    let t = at + length;
    while (t < to && !SOFT.test(text[t])) t++;
    to = t < to ? t + 1 : to;
  }
  const p = document.createElement("p");
  p.className = "excerpt";
  const before = text.slice(from, at).trimStart();
  const startCut = from > 0 && text[from - 1] !== "\n";
  const endCut = to < text.length && text[to] !== "\n" && !CLAUSE_END.test(text[to - 1]);
  p.append((startCut ? "…" : "") + before);
  const mark = document.createElement("mark");
  mark.textContent = text.slice(at, at + length);
  p.append(mark, text.slice(at + length, to).trimEnd() + (endCut ? "…" : ""));
  return p;
}

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

/* A result's title and link: shown at once, its excerpts filled in after. */
function resultItem(data) {
  const li = document.createElement("li");
  const h = document.createElement("h3");
  h.append(link(data.url, data.meta.title || data.url));
  li.append(h);
  return li;
}

/* The page's text around token `start` (decoding only that much of a long page): far
   enough either side for excerptAt, which reaches 60 characters back and 90 on. */
function textAround(tokens, start) {
  const lo = Math.max(0, start - 100);
  const hi = Math.min(tokens.length, start + 200);
  let text = "";
  let at = 0;
  for (const [c, i] of decodeWords(tokens.slice(lo, hi))) {
    if (i + lo === start && at === 0 && text.length) at = text.length;
    text += c;
  }
  return { text: lo > 0 ? "\u0000" + text : text, at: lo > 0 ? at + 1 : at };
}

/* The result's excerpts: one per section (h2-h6 anchor) it is found in, up to four, or
   one. Only the results of the page shown are cut. */
function fillExcerpts(li, hit, data, query) {
  const tokens = data.content.split(" ");
  const length = [...query.replace(/\s+/g, "")].length;
  const anchors = (data.anchors || []).filter((a) => /^h[2-6]$/.test(a.element) && a.id);
  const groups = new Map();
  for (const start of hit.starts) {
    let anchor = null;
    for (const a of anchors) if (a.location <= start) anchor = a;
    const key = anchor ? anchor.id : "";
    if (!groups.has(key)) groups.set(key, { anchor, start, count: 0 });
    groups.get(key).count++;
  }
  const subs = [...groups.values()].filter((g) => g.anchor);
  const excerptOf = (start) => {
    const { text, at } = textAround(tokens, start);
    return excerptAt(text, at, length);
  };
  if (subs.length) {
    const ul = document.createElement("ul");
    for (const g of subs.slice(0, 4)) {
      const sli = document.createElement("li");
      const title = decodeWords(g.anchor.text.split(" ")).map(([c]) => c).join("").trim();
      const url = `${data.url.split("#")[0]}#${g.anchor.id}`;
      sli.append(link(url, title || g.anchor.id), excerptOf(g.start));
      ul.append(sli);
    }
    li.append(ul);
  } else {
    li.append(excerptOf(hit.starts[0]));
  }
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

let current = { query: "", page: 0 };

async function run(query, page = 0) {
  list.replaceChildren();
  pager.hidden = true;
  scope.hidden = true;
  current = { query, page };
  const words = queryWords(query);
  if (!words.length) {
    status.textContent = "";
    return;
  }
  status.textContent = "正在搜索…";
  let pf;
  try {
    pf = await load();
  } catch (err) {
    document.documentElement.classList.remove("search-ok");
    status.textContent = "搜索暂不可用，请按下方通报浏览。";
    return;
  }
  // Every position of every word (Pagefind's plain search), and the pages where the
  // words stand in order (its exact search): a shard that lacks a bigram falls back
  // to a shorter word in the plain search, never in the exact one.
  const bigrams = words.every((w) => HAN_RUN.test(w) && [...w].length === 2);
  const [found, exact] = await Promise.all([
    pf.search(words.join(" ")),
    bigrams ? pf.search(`"${words.join(" ")}"`) : null,
  ]);
  if (current.query !== query || current.page !== page) return;  // a newer search
  const inOrder = exact ? new Set(exact.results.map((r) => r.id)) : null;
  const n = words.length;
  const hits = found.results
    .filter((result) => !inOrder || inOrder.has(result.id))
    .map((result) => ({ result, starts: n === 1 ? [...new Set(result.words)].sort((a, b) => a - b) : occurrences(result.words, n) }))
    .filter((h) => h.starts.length)
    .sort((a, b) => b.starts.length - a.starts.length || b.result.score - a.result.score);
  // grouped by report, in the order of each report's best hit; each result shown as
  // soon as its data has come, its excerpts cut once the page's results are all shown
  const stale = () => current.query !== query || current.page !== page;
  const byReport = new Map();
  const toFill = [];
  const show = ({ hit, data }) => {
    const name = data.meta.report || "";
    if (!byReport.has(name)) {
      const group = document.createElement("li");
      group.className = "result-group";
      if (name) {
        const from = document.createElement("h2");
        from.className = "result-report";
        from.textContent = name;
        group.append(from);
      }
      const ol = document.createElement("ol");
      group.append(ol);
      list.append(group);
      byReport.set(name, ol);
    }
    const li = resultItem(data);
    byReport.get(name).append(li);
    toFill.push(() => fillExcerpts(li, hit, data, query));
  };
  const got = await pageHits(hits, page, show, stale);
  if (!got || stale()) return;
  const { seen, count: onPage, more, filtered } = got;
  showFilters(seen);
  for (const fill of toFill) {
    await nextTask();  // let the results shown so far be painted
    if (stale()) return;
    fill();
  }
  const part = loaded.size < shards.length;
  scope.hidden = !part;
  const where = part ? "（本通报所在的部分通报中）" : "";
  const count = filtered ? onPage + page * PER_PAGE : hits.length;
  const pages = Math.ceil(hits.length / PER_PAGE);
  status.textContent = count
    ? `${where}找到 ${count}${filtered && more ? " 个以上" : " 个"}相关页面` + (pages > 1 && !filtered ? `，第 ${page + 1} 页，共 ${pages} 页` : "")
    : `${where}没有找到与“${query}”相关的内容，请换个词试试，或按下方通报浏览。`;
  pager.hidden = !(more || page > 0);
  prev.hidden = page === 0;
  next.hidden = !more;
}

function submit() {
  const q = input.value;
  const url = new URL(window.location.href);
  url.searchParams.set("q", q);
  for (const select of selects) {
    if (select.value) url.searchParams.set(select.name, select.value);
    else url.searchParams.delete(select.name);
  }
  if (wantAll) url.searchParams.delete("shard");
  window.history.replaceState(null, "", url);
  run(q);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
for (const select of selects) select.addEventListener("change", submit);
prev.addEventListener("click", () => { run(current.query, current.page - 1); status.focus?.(); });
next.addEventListener("click", () => { run(current.query, current.page + 1); });
scope.querySelector("button").addEventListener("click", () => {
  wantAll = true;
  submit();
});

input.addEventListener("focus", () => { load().catch(() => {}); }, { once: true });

const initial = params.get("q") || "";
if (initial) {
  input.value = initial;
  run(initial);
}
