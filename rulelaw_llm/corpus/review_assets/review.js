/* The review page's script (rulelaw_llm.review inlines it; the page's CSP allows it by hash).
 *
 * Report bodies are not in the DOM when the page loads: each one is gzipped JSON in base64
 * in a text/plain script element with id "data-rN" (HTML rendered and escaped by Python, and the
 * fields of its items), inflated and inserted the first time its view is shown. The corpus
 * table is sorted, grouped and filtered here; the search box filters the navigation too.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var items = {};
  var pinned = {};
  var header = document.querySelector("header.top");

  function measureHeader() {
    if (header) {
      document.documentElement.style.setProperty("--header-height", header.offsetHeight + "px");
    }
  }

  var loading = {};

  function inflate(text) {
    var binary = atob(text.trim());
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  /* Insert a report's body the first time it is shown; resolves to the view. */
  function load(view) {
    if (!view || view.getAttribute("data-loaded") === "1") { return Promise.resolve(view); }
    if (loading[view.id]) { return loading[view.id]; }
    var node = document.getElementById("data-" + view.id);
    if (!node) { return Promise.resolve(view); }
    if (typeof DecompressionStream === "undefined") {
      view.querySelector(".loading").textContent =
        "此浏览器不支持 DecompressionStream，无法显示报告正文：请使用较新的 Chrome、Edge、Firefox 或 Safari。";
      return Promise.resolve(view);
    }
    loading[view.id] = inflate(node.textContent).then(function (text) {
      var data = JSON.parse(text);
      view.innerHTML = data.html;
      Object.keys(data.items).forEach(function (id) { items[id] = data.items[id]; });
      view.setAttribute("data-loaded", "1");
      return view;
    }).catch(function (error) {
      view.querySelector(".loading").textContent = "无法载入这份报告：" + error;
      return view;
    });
    return loading[view.id];
  }

  function activate(name, scroll) {
    var target = document.getElementById(name);
    if (!target || !target.classList.contains("view")) {
      target = document.getElementById("corpus");
    }
    document.querySelectorAll(".view.active").forEach(function (view) {
      if (view !== target) { view.classList.remove("active"); }
    });
    target.classList.add("active");
    document.querySelectorAll("a.current[data-view]").forEach(function (link) {
      link.classList.remove("current");
    });
    document.querySelectorAll("a[data-view='" + target.id + "']").forEach(function (link) {
      link.classList.add("current");
    });
    var current = document.querySelector("[data-testid=current-title]");
    if (current) {
      var link = document.querySelector("nav.reports a[data-view='" + target.id + "']");
      current.textContent = target.id === "corpus" || !link ? "" : link.textContent;
    }
    if (scroll) { target.scrollIntoView({block: "start"}); }
    return load(target).then(function (view) {
      if (scroll) { view.scrollIntoView({block: "start"}); }
      return view;
    });
  }

  function route() {
    var name = "";
    try { name = decodeURIComponent(location.hash.slice(1)); } catch (error) { name = ""; }
    activate(name || "corpus", Boolean(name));
  }

  function reportOf(id) { return String(id).split("-")[0]; }

  function marksOf(view, id) {
    return Array.prototype.filter.call(view.querySelectorAll("mark.ev"), function (mark) {
      return mark.getAttribute("data-id") === id;
    });
  }

  function render(id, mark) {
    var item = items[id];
    if (!item) { return; }
    var view = document.getElementById(reportOf(id));
    var body = view.querySelector("[data-testid=panel-body]");
    body.textContent = "";
    var title = document.createElement("p");
    title.className = "panel-kind kind-" + item.kind;
    title.textContent = item.kindLabel + " #" + (item.index + 1);
    body.appendChild(title);
    var list = document.createElement("dl");
    item.fields.forEach(function (entry) {
      var term = document.createElement("dt");
      term.textContent = entry[1];
      var value = document.createElement("dd");
      value.textContent = entry[2];
      value.setAttribute("data-field", entry[0]);
      list.appendChild(term);
      list.appendChild(value);
    });
    body.appendChild(list);
    var outer = [];
    var parent = mark && mark.parentElement ? mark.parentElement.closest("mark.ev") : null;
    while (parent) {
      var other = parent.getAttribute("data-id");
      if (other !== id && outer.indexOf(other) < 0) { outer.push(other); }
      parent = parent.parentElement ? parent.parentElement.closest("mark.ev") : null;
    }
    if (outer.length) {
      var note = document.createElement("p");
      note.textContent = "同时位于：";
      outer.forEach(function (other) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "item";
        button.setAttribute("data-select", other);
        button.textContent = items[other] ? items[other].kindLabel + " #" + (items[other].index + 1) : other;
        note.appendChild(button);
      });
      body.appendChild(note);
    }
    body.setAttribute("data-current", id);
  }

  function reset(view) {
    var id = pinned[view.id];
    if (id) { render(id, marksOf(view, id)[0]); return; }
    var body = view.querySelector("[data-testid=panel-body]");
    if (!body) { return; }
    body.textContent = "";
    var hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = "将鼠标移到高亮处或点击条目，查看抽取出的字段。";
    body.appendChild(hint);
    body.removeAttribute("data-current");
  }

  function select(id, mark, scroll) {
    var report = reportOf(id);
    return activate(report, false).then(function (view) {
      var item = items[id];
      if (!item) { return; }
      if (location.hash.slice(1) !== report && history.replaceState) {
        history.replaceState(null, "", "#" + report);
      }
      view.querySelectorAll(".selected").forEach(function (element) {
        element.classList.remove("selected");
      });
      var marks = marksOf(view, id);
      marks.forEach(function (element) { element.classList.add("selected"); });
      view.querySelectorAll("button.item[data-id]").forEach(function (button) {
        if (button.getAttribute("data-id") !== id) { return; }
        button.classList.add("selected");
        var lists = button.closest(".lists");
        if (lists) {
          var box = lists.getBoundingClientRect(), place = button.getBoundingClientRect();
          if (place.top < box.top || place.bottom > box.bottom) {
            lists.scrollTop += place.top - box.top - box.height / 2;
          }
        }
      });
      pinned[report] = id;
      render(id, mark || marks[0]);
      if (scroll && marks[0]) { marks[0].scrollIntoView({block: "center"}); }
    });
  }

  /* A digest sentence selects every item it speaks of, its first one in the panel. */
  function selectClaim(claim) {
    var ids = (claim.getAttribute("data-sources") || "").split(" ").filter(Boolean);
    if (!ids.length) { return Promise.resolve(); }
    return select(ids[0], null, true).then(function () {
      var view = claim.closest(".view");
      ids.slice(1).forEach(function (id) {
        marksOf(view, id).forEach(function (mark) { mark.classList.add("selected"); });
      });
      claim.classList.add("selected");
    });
  }

  /* ------------------------------------------------------------- the corpus table */

  var table = document.querySelector("table[data-testid=corpus-table]");
  var tbody = table ? table.tBodies[0] : null;
  var rows = tbody ? Array.prototype.slice.call(tbody.rows) : [];
  var navLinks = Array.prototype.slice.call(document.querySelectorAll("nav.reports a[data-search]"));
  var groupSelect = document.querySelector("[data-testid=group-by]");
  var sortState = {column: -1, descending: false};

  function sortValue(row, column) {
    var cell = row.cells[column];
    var value = cell ? cell.getAttribute("data-value") : null;
    if (value !== null && value !== "") { return Number(value); }
    return cell ? cell.textContent : "";
  }

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    if (typeof a === "number") { return -1; }
    if (typeof b === "number") { return 1; }
    return String(a).localeCompare(String(b), "zh-CN");
  }

  function ordered() {
    var list = rows.slice();
    if (sortState.column >= 0) {
      var column = sortState.column, sign = sortState.descending ? -1 : 1;
      list.sort(function (a, b) {
        var result = compare(sortValue(a, column), sortValue(b, column));
        if (!result) { result = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order")); return result; }
        return sign * result;
      });
    }
    return list;
  }

  function layout() {
    if (!tbody) { return; }
    var list = ordered();
    var by = groupSelect ? groupSelect.value : "";
    Array.prototype.slice.call(tbody.querySelectorAll("tr.group-row")).forEach(function (row) {
      row.remove();
    });
    var fragment = document.createDocumentFragment();
    if (!by) {
      list.forEach(function (row) { fragment.appendChild(row); });
    } else {
      var groups = {}, names = [];
      list.forEach(function (row) {
        var name = row.getAttribute("data-" + by) || "（未注明）";
        if (!groups[name]) { groups[name] = []; names.push(name); }
        groups[name].push(row);
      });
      names.sort(function (a, b) {
        return groups[b].length - groups[a].length || a.localeCompare(b, "zh-CN");
      });
      var width = table.tHead.rows[0].cells.length;
      names.forEach(function (name) {
        var head = document.createElement("tr");
        head.className = "group-row";
        head.setAttribute("data-testid", "group-row");
        head.setAttribute("data-group", name);
        var cell = document.createElement("th");
        cell.colSpan = width;
        head.appendChild(cell);
        fragment.appendChild(head);
        groups[name].forEach(function (row) { fragment.appendChild(row); });
      });
    }
    tbody.appendChild(fragment);
    filter();
  }

  /* Show the rows that match the search, in the current order, at most `limit` of them:
     a table of 1,000 rows costs seconds of layout, one of TABLE_PAGE rows does not. */
  var code = "";
  var pageSize = table ? Number(table.getAttribute("data-page-size")) || 200 : 200;
  var limit = pageSize;

  function show(element, visible) {
    if (element.hidden === visible) { element.hidden = !visible; }
  }

  var rowOf = {};
  rows.forEach(function (row) { rowOf[row.getAttribute("data-view")] = row; });
  var matched = {};

  function filter() {
    var input = document.querySelector("[data-testid=search]");
    var query = input ? input.value.trim().toLowerCase() : "";
    var matching = 0, shown = 0;
    var current = tbody ? tbody.rows : [];
    var head = null, headMatching = 0, headShown = 0;

    function closeGroup() {
      if (!head) { return; }
      show(head, headShown > 0);
      head.cells[0].textContent = head.getAttribute("data-group") + "（" + headMatching + " 份）";
    }

    Array.prototype.slice.call(current).forEach(function (row) {
      if (row.classList.contains("group-row")) {
        closeGroup();
        head = row; headMatching = 0; headShown = 0;
        return;
      }
      var hit = (!query || row.getAttribute("data-search").indexOf(query) >= 0) &&
        (!code || (row.getAttribute("data-codes") || "").indexOf(" " + code + " ") >= 0);
      var visible = hit && shown < limit;
      matched[row.getAttribute("data-view")] = hit;
      if (hit) { matching += 1; headMatching += 1; }
      if (visible) { shown += 1; headShown += 1; }
      show(row, visible);
    });
    closeGroup();
    /* The side list shows the reports the table matches (search and finding filter alike). */
    navLinks.forEach(function (link) {
      var row = rowOf[link.getAttribute("data-view")];
      show(link, row ? matched[link.getAttribute("data-view")] === true :
        !query || link.getAttribute("data-search").indexOf(query) >= 0);
    });
    var counter = document.querySelector("[data-testid=search-count]");
    if (counter) {
      counter.textContent = query || code ? "匹配 " + matching + " / " + rows.length + " 份" : rows.length + " 份报告";
    }
    var chip = document.querySelector("[data-testid=code-filter]");
    if (chip) {
      show(chip, Boolean(code));
      chip.querySelector("span").textContent = code;
    }
    var more = document.querySelector("[data-testid=show-more]");
    if (more) {
      show(more, matching > shown);
      more.textContent = "表中显示了 " + shown + " / " + matching + " 份，再显示 " + Math.min(pageSize, matching - shown) + " 份";
    }
    var all = document.querySelector("[data-testid=show-all]");
    if (all) { show(all, matching > shown); }
  }

  if (table) {
    rows.forEach(function (row, index) { row.setAttribute("data-order", String(index)); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, column) {
      var button = cell.querySelector("button.sort");
      if (!button) { return; }
      button.addEventListener("click", function () {
        if (sortState.column === column) {
          sortState.descending = !sortState.descending;
        } else {
          /* The first click puts first what needs looking at: low scores, few indicators. */
          sortState.column = column;
          sortState.descending = cell.getAttribute("data-first") === "descending";
        }
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
          other.removeAttribute("aria-sort");
        });
        cell.setAttribute("aria-sort", sortState.descending ? "descending" : "ascending");
        layout();
      });
    });
  }
  if (groupSelect) { groupSelect.addEventListener("change", layout); }
  var search = document.querySelector("[data-testid=search]");
  if (search) {
    search.addEventListener("input", function () { limit = pageSize; filter(); });
  }
  var more = document.querySelector("[data-testid=show-more]");
  if (more) { more.addEventListener("click", function () { limit += pageSize; filter(); }); }
  var all = document.querySelector("[data-testid=show-all]");
  if (all) { all.addEventListener("click", function () { limit = Infinity; filter(); }); }
  document.querySelectorAll("button.code-filter").forEach(function (button) {
    button.addEventListener("click", function () {
      code = button.getAttribute("data-code");
      limit = pageSize;
      filter();
      if (table) { table.scrollIntoView({block: "start"}); }
    });
  });
  var clear = document.querySelector("[data-testid=clear-code-filter]");
  if (clear) { clear.addEventListener("click", function () { code = ""; filter(); }); }

  /* ------------------------------------------------------------- events */

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var mark = target.closest("mark.ev");
    if (mark) { select(mark.getAttribute("data-id"), mark, false); return; }
    var claim = target.closest(".claim[data-sources]");
    if (claim) { selectClaim(claim); return; }
    var chooser = target.closest("[data-select]");
    if (chooser) {
      event.preventDefault();
      select(chooser.getAttribute("data-select"), null, true);
    }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof Element && target.matches("mark.ev")) {
      select(target.getAttribute("data-id"), target, false);
    }
    if (event.key === "Enter" && target instanceof Element && target.matches(".claim[data-sources]")) {
      selectClaim(target);
    }
  });
  document.addEventListener("mouseover", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var mark = target.closest("mark.ev");
    if (mark) { render(mark.getAttribute("data-id"), mark); }
  });
  document.addEventListener("mouseout", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.closest("mark.ev")) { return; }
    var next = event.relatedTarget;
    if (next instanceof Element && next.closest("mark.ev")) { return; }
    var view = target.closest(".view");
    if (view) { reset(view); }
  });
  window.addEventListener("hashchange", route);
  window.addEventListener("resize", measureHeader);
  measureHeader();
  filter();
  route();
})();
