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

/* The filters (issuer, round) of the shards loaded so far; a choice is kept. */
async function showFilters(pf) {
  const all = await pf.filters();
  let any = false;
  for (const select of selects) {
    const values = Object.keys(all[select.dataset.filter] || {}).sort();
    const chosen = select.value || params.get(select.name) || "";
    select.replaceChildren(new Option("全部", ""));
    for (const v of values) select.append(new Option(v, v, false, v === chosen));
    any = any || values.length > 1;
  }
  filterBox.hidden = !any;
}

function chosenFilters() {
  const filters = {};
  for (const select of selects) {
    if (select.value) filters[select.dataset.filter] = select.value;
  }
  return filters;
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
    await showFilters(pf);
  } catch (err) {
    document.documentElement.classList.remove("search-ok");
    status.textContent = "搜索暂不可用，请按下方通报浏览。";
    return;
  }
  const found = await pf.search(query, { filters: chosenFilters() });
  const results = await Promise.all(found.results.slice(0, 20).map((r) => r.data()));
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
  status.textContent = found.results.length
    ? `${where}找到 ${found.results.length} 个相关页面`
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
