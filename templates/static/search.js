/* The search page: Pagefind's API, loaded only here and only when a search is made.
   The bundle's URL comes from the page (a relative link), so the site works under any
   subpath; result URLs are made relative to the site root that the bundle lives in. */
const form = document.querySelector(".search-page-form");
const input = form.querySelector("input[name=q]");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const bundle = new URL(form.dataset.pagefind, document.baseURI);
const siteRoot = new URL("../", bundle);
let pagefind = null;

async function load() {
  if (!pagefind) {
    pagefind = await import(bundle.href);
    await pagefind.options({ baseUrl: siteRoot.pathname });
    await pagefind.init();
  }
  return pagefind;
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
    status.textContent = "搜索暂不可用，请按下方问题大类浏览。";
    return;
  }
  const found = await pf.search(query);
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
  status.textContent = found.results.length
    ? `找到 ${found.results.length} 个相关页面`
    : `没有找到与“${query}”相关的内容，请换个词试试，或按下方问题大类浏览。`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = input.value;
  const url = new URL(window.location.href);
  url.searchParams.set("q", q);
  window.history.replaceState(null, "", url);
  run(q);
});

const initial = new URLSearchParams(window.location.search).get("q") || "";
if (initial) {
  input.value = initial;
  run(initial);
}
