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

async function load() {
  if (!pagefind) {
    const primary = first || shards[0];
    pagefind = await import(new URL(`${primary}/pagefind.js`, bundles).href);
    await pagefind.options({ baseUrl: siteRoot.pathname });
    await pagefind.init();
    loaded.add(primary);
  }
  if (wantAll) {
    for (const shard of shards) {
      if (!loaded.has(shard)) {
        await pagefind.mergeIndex(new URL(`${shard}/`, bundles).href, { baseUrl: siteRoot.pathname });
        loaded.add(shard);
      }
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

/* The first hits that pass the filters, loading hits' data 20 at a time. */
async function firstHits(found, wanted) {
  const seen = [];
  const kept = [];
  for (let i = 0; i < found.results.length && kept.length < wanted; i += 20) {
    const batch = await Promise.all(found.results.slice(i, i + 20).map((r) => r.data()));
    seen.push(...batch);
    kept.push(...batch.filter(matches));
  }
  return { seen, kept: kept.slice(0, wanted), filtered: selects.some((s) => chosen(s)) };
}

/* Pagefind's excerpts mark hits with <mark>; build them as nodes, never as markup. */
function excerpt(html) {
  const p = document.createElement("p");
  p.className = "excerpt";
  const parts = html.split(/<\/?mark>/);
  parts.forEach((part, i) => {
    const text = new DOMParser().parseFromString(part, "text/html").body.textContent;
    if (i % 2 === 1) {
      const mark = document.createElement("mark");
      mark.textContent = text;
      p.append(mark);
    } else {
      p.append(text);
    }
  });
  return p;
}

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

async function run(query) {
  list.replaceChildren();
  scope.hidden = true;
  if (!query.trim()) {
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
  const found = await pf.search(query);
  const { seen, kept: results, filtered } = await firstHits(found, 20);
  showFilters(seen);
  for (const data of results) {
    const li = document.createElement("li");
    const h = document.createElement("h2");
    h.append(link(data.url, data.meta.title || data.url));
    li.append(h);
    if (data.meta.report) {  // which report, in a collection of many
      const from = document.createElement("p");
      from.className = "result-report";
      from.textContent = data.meta.report;
      li.append(from);
    }
    const subs = data.sub_results.filter((s) => s.url !== data.url).slice(0, 4);
    if (subs.length) {
      const ul = document.createElement("ul");
      for (const sub of subs) {
        const sli = document.createElement("li");
        sli.append(link(sub.url, sub.title), excerpt(sub.excerpt));
        ul.append(sli);
      }
      li.append(ul);
    } else {
      li.append(excerpt(data.excerpt));
    }
    list.append(li);
  }
  const part = loaded.size < shards.length;
  scope.hidden = !part;
  const where = part ? "（本通报所在的部分通报中）" : "";
  const count = filtered ? results.length : found.results.length;
  status.textContent = count
    ? `${where}找到 ${count}${filtered && results.length === 20 ? " 个以上" : " 个"}相关页面`
    : `${where}没有找到与“${query}”相关的内容，请换个词试试，或按下方通报浏览。`;
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
scope.querySelector("button").addEventListener("click", () => {
  wantAll = true;
  submit();
});

const initial = params.get("q") || "";
if (initial) {
  input.value = initial;
  run(initial);
}
